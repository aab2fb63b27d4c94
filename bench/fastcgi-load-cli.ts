/**
 * `tsx bench/fastcgi-load-cli.ts --port 9000 --connections 4 --duration 8` (or `--socket <path>` for
 * php-fpm's unix socket): run bench/fastcgi-load.ts against 127.0.0.1 or that socket and print its
 * result as one JSON line (the bench starts it inside the pod's network namespace with nsenter).
 */
import { fastcgiLoad } from './fastcgi-load';

const argv = process.argv.slice(2);
const num = (flag: string, dflt: number) => {
  const i = argv.indexOf(flag);
  const v = i >= 0 ? Number(argv[i + 1]) : dflt;
  if (!(Number.isFinite(v) && v > 0)) throw new Error(`fastcgi-load: ${flag} must be a positive number, got ${argv[i + 1]}`);
  return v;
};
const socketAt = argv.indexOf('--socket');
const socket = socketAt >= 0 ? argv[socketAt + 1] : undefined;
if (socketAt >= 0 && !socket?.startsWith('/')) throw new Error(`fastcgi-load: --socket must be an absolute path, got ${socket}`);
const endpoint = socket ? { path: socket } : { host: '127.0.0.1', port: num('--port', 9000) };
void fastcgiLoad({ endpoint, connections: num('--connections', 4), durationS: num('--duration', 8) }).then((r) =>
  process.stdout.write(`${JSON.stringify(r)}\n`),
);
