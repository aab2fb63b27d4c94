/**
 * One GET to <host>:<port><path> (127.0.0.1 unless given) with a deadline: the status code, or 0 when no answer came in
 * time. Each call is a new client to the proxy's limiter (X-Forwarded-For in the RFC 2544 benchmark
 * range 198.19.0.0/16, which the ALB stand-in is trusted to set), so polling is never rate limited.
 */
import * as http from 'node:http';

export function httpStatus(port: number, path: string, timeoutMs: number, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path, agent: false, timeout: timeoutMs, headers: { 'X-Forwarded-For': nextClient() } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

let clients = 0;
const nextClient = () => {
  clients = (clients + 1) % 65024;
  return `198.19.${1 + Math.floor(clients / 254)}.${1 + (clients % 254)}`;
};
