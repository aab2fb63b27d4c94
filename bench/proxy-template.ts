/**
 * The proxy's nginx template as the bench varies it (containers/proxy/nginx.conf.template): without
 * the proxy's features, and answering `return 200` itself (the nginx floor). Pure text transforms;
 * the variant mounts the result over the image's template (variants.ts, withProxyTemplate).
 */

/** What the "features off" proxy template leaves out, by feature. Each pattern must match at least one line. */
const PROXY_FEATURES: readonly { readonly feature: string; readonly pattern: RegExp }[] = [
  {
    feature: 'real client address (realip: set_real_ip_from, real_ip_header, real_ip_recursive)',
    pattern: /^\s*(\$\{SET_REAL_IP_FROM_LINES\}|set_real_ip_from\b|real_ip_header\b|real_ip_recursive\b)/,
  },
  // The zones (limit_req_zone, limit_conn_zone) stay: they cost nothing per request, and the locations
  // the renderer writes for .php URIs (render-nginx-config, SCRIPT_LOCATIONS) refer to them. The
  // bench's requests (GET /) go through the template's own locations, whose limits are removed.
  {
    feature: 'per-client request rate limit (limit_req, limit_req_status, limit_req_log_level)',
    pattern: /^\s*limit_req(_status|_log_level)?\b/,
  },
  {
    feature: 'per-client connection limit (limit_conn, limit_conn_status, limit_conn_log_level)',
    pattern: /^\s*limit_conn(_status|_log_level)?\b/,
  },
  { feature: 'response headers (every add_header: the security headers, HSTS, Retry-After, Allow)', pattern: /^\s*add_header\b/ },
];

/**
 * The proxy template without the features (a bench-only transform of containers/proxy/nginx.conf.template):
 * the lines matching PROXY_FEATURES are removed, nothing else changes (the renderer, the FastCGI
 * path, logging, timeouts, the method allow-list and the locations stay).
 */
export function templateWithoutFeatures(template: string): { text: string; removed: { feature: string; lines: string[] }[] } {
  const lines = template.split('\n');
  const removed = PROXY_FEATURES.map((f) => ({ feature: f.feature, lines: [] as string[] }));
  const kept = lines.filter((line) => {
    if (/^\s*#/.test(line)) return true;
    const i = PROXY_FEATURES.findIndex((f) => f.pattern.test(line));
    if (i < 0) return true;
    removed[i].lines.push(line.trim());
    return false;
  });
  for (const r of removed) {
    if (!r.lines.length) throw new Error(`the proxy template has no line for "${r.feature}" any more: update PROXY_FEATURES in bench/proxy-template.ts`);
  }
  return { text: kept.join('\n'), removed };
}

/**
 * The nginx floor: the same template with the public `location /` answering `return 200` itself
 * instead of trying a static file and passing to php-fpm. `return` ends the request in nginx's
 * rewrite phase, before limit_req and limit_conn
 * (https://nginx.org/en/docs/dev/development_guide.html#http_phases); the response headers and the
 * access log still run.
 */
export function templateReturning200(template: string): string {
  const pass = 'try_files ${TRY_FILES} @app;';
  const start = template.indexOf('location / {');
  const at = start < 0 ? -1 : template.indexOf(pass, start);
  // The block ends at the first line holding only "}" (its ${...} placeholders contain braces).
  const end = start < 0 ? -1 : template.slice(start).search(/\n\s*\}\s*(\n|$)/) + start;
  if (start < 0 || at < 0 || at > end)
    throw new Error(`the proxy template has no \`${pass}\` in \`location / {\`: update templateReturning200 in bench/proxy-template.ts`);
  return `${template.slice(0, at)}default_type text/plain;\n            return 200 "ok\\n";${template.slice(at + pass.length)}`;
}

/**
 * The proxy template writing its access log the way it did before it was buffered: one write per
 * request. Removes `buffer=` and `flush=` from the `access_log` line that has them (throws if none:
 * the lever is measured against a buffered template).
 */
export function templateWithUnbufferedAccessLog(template: string): string {
  const buffered = /^(\s*access_log\s+\S+\s+\S+)((?:\s+(?:buffer|flush)=\S+?)+);$/m;
  if (!buffered.test(template))
    throw new Error('the proxy template has no `access_log ... buffer=... flush=...;` line: update templateWithUnbufferedAccessLog in bench/proxy-template.ts');
  return template.replace(buffered, '$1;');
}
