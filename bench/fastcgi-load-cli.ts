/**
 * `tsx bench/fastcgi-load-cli.ts --port 9000 --connections 4 --duration 8 [--rate 9000]` (or
 * `--socket <path>` for php-fpm's unix socket): run bench/fastcgi-load.ts against 127.0.0.1 or that
 * socket, closed loop or, with `--rate`, open loop at that many requests a second, and print its
 * result as one JSON line (the bench starts it inside the pod's network namespace with nsenter). Bad
 * arguments exit 2 with one line.
 */
import { fastcgiLoad } from './fastcgi-load';

const argv = process.argv.slice(2);
function num(flag: string, dflt: number): number;
function num(flag: string, dflt: undefined): number | undefined;
function num(flag: string, dflt: number | undefined): number | undefined {
  const i = argv.indexOf(flag);
  if (i < 0) return dflt;
  const v = Number(argv[i + 1]);
  if (!(Number.isFinite(v) && v > 0)) usage(`${flag} must be a positive number, got ${JSON.stringify(argv[i + 1] ?? null)}`);
  return v;
}
function usage(message: string): never {
  process.stderr.write(`fastcgi-load: ${message}\n`);
  process.exit(2);
}
const socketAt = argv.indexOf('--socket');
const socket = socketAt >= 0 ? argv[socketAt + 1] : undefined;
if (socketAt >= 0 && !socket?.startsWith('/')) usage(`--socket must be an absolute path, got ${JSON.stringify(socket ?? null)}`);
const endpoint = socket ? { path: socket } : { host: '127.0.0.1', port: num('--port', 9000) };
void fastcgiLoad({ endpoint, connections: num('--connections', 4), durationS: num('--duration', 8), ratePerS: num('--rate', undefined) }).then((r) =>
  process.stdout.write(`${JSON.stringify(r)}\n`),
);
