/**
 * The container runtime's default ulimits on every host, whatever its OS (CIS Docker Benchmark 2.8:
 * "Ensure the default ulimit is configured appropriately"); task definitions set their own per
 * container. AL2023 renders them into daemon.json's "default-ulimits" (lib/host/al2023-user-data.ts,
 * lib/host/instance-user-data.sh), Bottlerocket into settings.oci-defaults.resource-limits
 * (lib/host/bottlerocket-settings.ts).
 */
export const HOST_DEFAULT_ULIMITS = {
  nofile: { soft: 32768, hard: 65536 },
  nproc: { soft: 4096, hard: 8192 },
} as const;
