/** Two small SVG charts, written by hand (no dependency): a line/point chart with log axes and a bar chart. */

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (n: number) => (Math.abs(n) >= 100 || Number.isInteger(n) ? String(Math.round(n)) : n.toFixed(1));

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly style: 'line' | 'dashed' | 'points';
  readonly color: string;
}

export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xTicks: number[];
  readonly yTicks: number[];
  /** Logarithmic axes (ticks must be > 0). */
  readonly log: boolean;
  readonly series: Series[];
  /** Text next to a point of the last series. */
  readonly pointLabels?: string[];
}

const W = 900;
const H = 440;
const M = { left: 70, right: 320, top: 40, bottom: 56 };

function frame(title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

export function lineChart(c: LineChart): string {
  const [x0, x1] = [Math.min(...c.xTicks), Math.max(...c.xTicks)];
  const [y0, y1] = [Math.min(...c.yTicks), Math.max(...c.yTicks)];
  const t = (v: number, lo: number, hi: number) => (c.log ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (v - lo) / (hi - lo));
  const px = (x: number) => M.left + t(x, x0, x1) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - t(y, y0, y1) * (H - M.top - M.bottom);
  const body: string[] = [];
  for (const x of c.xTicks) {
    body.push(`<line x1="${px(x)}" y1="${M.top}" x2="${px(x)}" y2="${H - M.bottom}" stroke="#e5e5e5"/>`);
    body.push(`<text x="${px(x)}" y="${H - M.bottom + 16}" text-anchor="middle">${fmt(x)}</text>`);
  }
  for (const y of c.yTicks) {
    body.push(`<line x1="${M.left}" y1="${py(y)}" x2="${W - M.right}" y2="${py(y)}" stroke="#e5e5e5"/>`);
    body.push(`<text x="${M.left - 6}" y="${py(y) + 4}" text-anchor="end">${fmt(y)}</text>`);
  }
  body.push(`<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#444"/>`);
  body.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 14}" text-anchor="middle">${esc(c.xLabel)}</text>`);
  body.push(`<text transform="translate(18 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(c.yLabel)}</text>`);
  c.series.forEach((s, i) => {
    const pts = s.points.filter(([x, y]) => x >= x0 && x <= x1 && y >= y0 && y <= y1);
    if (s.style === 'points') {
      for (const [x, y] of pts) body.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="5" fill="${s.color}"/>`);
      if (c.pointLabels)
        pts.forEach(
          ([x, y], j) =>
            c.pointLabels![j] &&
            body.push(`<text x="${(px(x) + 8).toFixed(1)}" y="${(py(y) - 8).toFixed(1)}" font-size="11" fill="${s.color}">${esc(c.pointLabels![j])}</text>`),
        );
    } else {
      const d = pts.map(([x, y], j) => `${j ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
      body.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.style === 'dashed' ? ' stroke-dasharray="6 4"' : ''}/>`);
    }
    const ly = M.top + 12 + i * 22;
    const lx = W - M.right + 14;
    body.push(
      s.style === 'points'
        ? `<circle cx="${lx + 10}" cy="${ly - 4}" r="5" fill="${s.color}"/>`
        : `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 20}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.style === 'dashed' ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    body.push(`<text x="${lx + 26}" y="${ly}">${esc(s.name)}</text>`);
  });
  return frame(c.title, body);
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Individual runs, drawn as dots on the bar. */
  readonly runs: number[];
  readonly color: string;
}

/** Horizontal bars (median) with one dot per run. */
export function barChart(title: string, unit: string, bars: Bar[]): string {
  const rowH = 34;
  const height = M.top + bars.length * rowH + 50;
  const left = 330;
  const right = 60;
  const max = Math.max(...bars.flatMap((b) => [b.value, ...b.runs])) * 1.1 || 1;
  const px = (v: number) => left + (v / max) * (W - left - right);
  const body: string[] = [];
  bars.forEach((b, i) => {
    const y = M.top + i * rowH;
    body.push(`<text x="${left - 8}" y="${y + 20}" text-anchor="end">${esc(b.label)}</text>`);
    body.push(`<rect x="${left}" y="${y + 6}" width="${(px(b.value) - left).toFixed(1)}" height="20" fill="${b.color}" opacity="0.75"/>`);
    for (const r of b.runs) body.push(`<circle cx="${px(r).toFixed(1)}" cy="${y + 16}" r="3" fill="#222"/>`);
    body.push(`<text x="${(px(Math.max(b.value, ...b.runs)) + 8).toFixed(1)}" y="${y + 20}">${fmt(b.value)}</text>`);
  });
  body.push(`<text x="${(left + W - right) / 2}" y="${height - 14}" text-anchor="middle">${esc(unit)} (bar: median, dots: runs)</text>`);
  return frame(title, body)
    .replace(`height="${H}" viewBox="0 0 ${W} ${H}"`, `height="${height}" viewBox="0 0 ${W} ${height}"`)
    .replace(`<rect width="${W}" height="${H}"`, `<rect width="${W}" height="${height}"`);
}
