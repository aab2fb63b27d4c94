/**
 * `tsx bench/fastcgi-load-cli.ts --port 9000 --connections 4 --duration 8`: run bench/fastcgi-load.ts
 * against 127.0.0.1 and print its result as one JSON line (the bench starts it inside the pod's
 * network namespace with nsenter).
 */
import { fastcgiLoad } from './fastcgi-load';

const argv = process.argv.slice(2);
const num = (flag: string, dflt: number) => {
  const i = argv.indexOf(flag);
  const v = i >= 0 ? Number(argv[i + 1]) : dflt;
  if (!(Number.isFinite(v) && v > 0)) throw new Error(`fastcgi-load: ${flag} must be a positive number, got ${argv[i + 1]}`);
  return v;
};
void fastcgiLoad({ host: '127.0.0.1', port: num('--port', 9000), connections: num('--connections', 4), durationS: num('--duration', 8) }).then((r) =>
  process.stdout.write(`${JSON.stringify(r)}\n`),
);
