/** Dockerfile rules (DF-*), read from Dockerfile text: compliant, non-compliant and not applicable. */
import { RULES } from '../../../lib/audit/rules';
import { dockerfile } from '../helpers/models';
import { type Cases, ruleSuite } from './harness';
import { df, dfNa, GOOD_DOCKERFILE } from './platform-models';

const CASES: Record<string, Cases> = {
  'DF-USER-01': {
    field: /USER/,
    compliant: [
      ['hardened', df(GOOD_DOCKERFILE)],
      ['build stage runs as root, final does not', df('FROM golang:1.23 AS build\nRUN go build\nFROM debian:13-slim\nUSER 65532:65532\n')],
    ],
    nonCompliant: [
      ['no USER', df('FROM debian:13-slim\n')],
      ['last USER root', df('FROM debian:13-slim\nUSER 1000\nUSER root\n')],
      ['USER 0:0', df('FROM debian:13-slim\nUSER 0:0\n')],
    ],
    notApplicable: dfNa,
  },
  'DF-HC-01': {
    field: /HEALTHCHECK/,
    compliant: [['hardened', df(GOOD_DOCKERFILE)]],
    nonCompliant: [
      ['none', df('FROM debian:13-slim\nUSER 1000\n')],
      ['HEALTHCHECK NONE', df('FROM debian:13-slim\nHEALTHCHECK NONE\n')],
    ],
    notApplicable: dfNa,
  },
  'DF-ADD-01': {
    field: /^ADD /,
    compliant: [['hardened', df(GOOD_DOCKERFILE)]],
    nonCompliant: [['ADD', df('FROM debian:13-slim\nADD app.tar.gz /srv/\n')]],
    notApplicable: dfNa,
  },
  'DF-UPD-01': {
    field: /RUN updates the package index/,
    compliant: [
      ['hardened', df(GOOD_DOCKERFILE)],
      ['apk update && add', df('FROM alpine:3.21\nRUN apk update && apk add curl\n')],
    ],
    nonCompliant: [['apt-get update alone', df('FROM debian:13-slim\nRUN apt-get update\nRUN apt-get install -y curl\n')]],
    notApplicable: dfNa,
  },
  'DF-TAG-01': {
    field: /FROM \S+ is (untagged|the mutable latest tag)/,
    compliant: [
      ['hardened', df(GOOD_DOCKERFILE)],
      ['stage reference and scratch', df('FROM debian:13 AS base\nFROM base\nFROM scratch\n')],
      ['digest', df(`FROM debian@sha256:${'b'.repeat(64)}\n`)],
    ],
    nonCompliant: [
      ['untagged', df('FROM debian\n')],
      ['latest', df('FROM nginx:latest\n')],
    ],
    notApplicable: dfNa,
  },
  'DF-SEC-01': {
    field: /(ARG|ENV) \w+ sets a secret-like variable/,
    compliant: [
      ['hardened', df(GOOD_DOCKERFILE)],
      ['ARG without default', df('FROM debian:13\nARG NPM_TOKEN\nENV LOG_LEVEL=info\n')],
      ['ENV from a build arg', df('FROM debian:13\nARG TOKEN\nENV API_TOKEN=$TOKEN\n')],
    ],
    nonCompliant: [
      ['ENV literal password', df('FROM debian:13\nENV DB_PASSWORD=hunter2\n')],
      ['ARG literal token', df('FROM debian:13\nARG GITHUB_TOKEN=ghp_x\n')],
    ],
    notApplicable: dfNa,
  },
  'DF-SUID-01': {
    field: /setuid\/setgid/,
    compliant: [['hardened', df(GOOD_DOCKERFILE)]],
    nonCompliant: [['no strip step', df('FROM debian:13\nUSER 1000\n')]],
    notApplicable: dfNa,
  },
  'DF-PORT-01': {
    field: /EXPOSE 22/,
    compliant: [['hardened', df(GOOD_DOCKERFILE)]],
    nonCompliant: [['EXPOSE 22', df('FROM debian:13\nEXPOSE 8080 22/tcp\n')]],
    notApplicable: dfNa,
  },
  'DF-TLS-01': {
    field: /-k\/--insecure|--no-check-certificate|http\.sslVerify|--trusted-host|NODE_TLS_REJECT_UNAUTHORIZED/,
    compliant: [
      ['hardened', df(GOOD_DOCKERFILE)],
      ['curl with a k in a URL, not a flag', df('FROM debian:13\nRUN curl -fsSL https://example.com/kit.tar.gz -o kit.tgz\n')],
    ],
    nonCompliant: [
      ['curl -k', df('FROM debian:13\nRUN curl -fsSLk https://example.com\n')],
      ['wget --no-check-certificate', df('FROM debian:13\nRUN wget --no-check-certificate https://example.com\n')],
      ['pip --trusted-host', df('FROM python:3.13\nRUN pip install --trusted-host pypi.example.com x\n')],
      ['git http.sslVerify false', df('FROM debian:13\nRUN git config --global http.sslVerify false\n')],
      ['ENV NODE_TLS_REJECT_UNAUTHORIZED=0', df('FROM node:22\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\n')],
    ],
    notApplicable: dfNa,
  },
  'DF-PKG-01': {
    field: /--allow-untrusted|--allow-unauthenticated|--nogpgcheck/,
    compliant: [['hardened', df(GOOD_DOCKERFILE)]],
    nonCompliant: [
      ['apt-get --allow-unauthenticated', df('FROM debian:13\nRUN apt-get update && apt-get install -y --allow-unauthenticated curl\n')],
      ['yum --nogpgcheck', df('FROM rockylinux:9\nRUN yum install -y --nogpgcheck x\n')],
      ['apk --allow-untrusted', df('FROM alpine:3.22\nRUN apk add --allow-untrusted x.apk\n')],
    ],
    notApplicable: dfNa,
  },
  'DF-SUDO-01': {
    field: /RUN uses sudo/,
    compliant: [
      ['hardened', df(GOOD_DOCKERFILE)],
      ['installing the sudo package is not running it', df('FROM debian:13\nRUN apt-get update && apt-get install -y sudo-ldap-docs\n')],
    ],
    nonCompliant: [['sudo', df('FROM debian:13\nUSER 1000\nRUN sudo apt-get update && sudo apt-get install -y curl\n')]],
    notApplicable: dfNa,
  },
  'DF-PASS-01': {
    field: /chpasswd/,
    compliant: [['hardened', df(GOOD_DOCKERFILE)]],
    nonCompliant: [['chpasswd', df('FROM debian:13\nRUN echo "app:hunter22" | chpasswd\n')]],
    notApplicable: dfNa,
  },
  'DF-MAINT-01': {
    field: /MAINTAINER/,
    compliant: [['hardened', df(GOOD_DOCKERFILE)]],
    nonCompliant: [['MAINTAINER', df('FROM debian:13\nMAINTAINER someone@example.com\n')]],
    notApplicable: dfNa,
  },
  'DF-WD-01': {
    field: /WORKDIR/,
    compliant: [
      ['hardened', df(GOOD_DOCKERFILE)],
      ['$VAR and absolute', df('FROM debian:13\nWORKDIR /app\nWORKDIR $HOME\n')],
    ],
    nonCompliant: [['relative', df('FROM debian:13\nWORKDIR app\n')]],
    notApplicable: dfNa,
  },
  'DF-ALIAS-01': {
    field: /build stage name/,
    compliant: [
      ['hardened', df(GOOD_DOCKERFILE)],
      ['distinct stages', df('FROM debian:13 AS build\nFROM debian:13 AS run\n')],
    ],
    nonCompliant: [['one name twice (case-insensitive)', df('FROM debian:13 AS build\nFROM debian:13 AS BUILD\n')]],
    notApplicable: dfNa,
  },
};

ruleSuite(['DF'], CASES);

test('Dockerfile findings point at the instruction line', () => {
  const rule = RULES.find((r) => r.id === 'DF-ADD-01')!;
  expect(rule.check(dockerfile('FROM debian:13\n\nADD a /b\n')).findings[0].line).toBe(3);
});
