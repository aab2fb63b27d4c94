/**
 * How much more time than on a real host the end-to-end tests allow for waiting: test timeouts, answer
 * budgets, exec and request deadlines, load windows. 1 unless SECURE_ECS_E2E_TIME_FACTOR says otherwise.
 *
 * The VM suite (test/vm/guest/job) sets it: under qemu's software emulation (TCG) the guest runs about
 * five times slower than this machine (`npm start` serves after ~180 s there, ~40 s here), so a 1 s
 * answer budget becomes 2-3 s and a fork loop needs longer to press on pids.max. The factor stretches
 * time only: the limits the tests measure (CPU per wall second, memory, process counts, OOM kills) are
 * checked as strictly in the VM as anywhere. Latency claims are proven on real hosts (factor 1).
 */
const RAW = process.env.SECURE_ECS_E2E_TIME_FACTOR;
const MAX_FACTOR = 20;

function parseFactor(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 1 || n > MAX_FACTOR) {
    throw new Error(`SECURE_ECS_E2E_TIME_FACTOR=${JSON.stringify(raw)}: expected a number from 1 to ${MAX_FACTOR}`);
  }
  return n;
}

const TIME_FACTOR = parseFactor(RAW);

/** `ms` stretched by the time factor (whole milliseconds). */
export const allow = (ms: number): number => Math.round(ms * TIME_FACTOR);
