# shellcheck for the container scripts, from the same Debian release the images are built on, so
# checking them needs nothing on the host but the container engine (the base image comes the way the
# runner gets it: pulled, or built from Debian's archive).
FROM debian:trixie-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends shellcheck \
 && rm -rf /var/lib/apt/lists/*
USER 65534:65534
ENTRYPOINT ["shellcheck"]
