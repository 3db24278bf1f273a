/**
 * Plot data and its export: the series a chart shows (one x column, several y columns, gaps as null) as
 * CSV and as a standalone SVG drawing. PNG comes from the chart's own canvas (see Plot.tsx). Pure, so
 * the files are unit-tested byte for byte.
 */

export interface PlotSeries {
  readonly label: string;
  /** CSS colour of the line. */
  readonly color: string;
  /** One value per x; null where the series has no point (a validation loss between epochs). */
  readonly values: readonly (number | null)[];
}

export interface PlotData {
  readonly title: string;
  readonly xLabel: string;
  readonly x: readonly number[];
  readonly series: readonly PlotSeries[];
}

/** A CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
function field(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Shortest round-trip text of a number (what JSON would write); empty for a gap. */
const cell = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '' : String(v));

/** The plot as CSV: a header row, then one row per x. */
export function plotToCsv(p: PlotData): string {
  const lines = [[p.xLabel, ...p.series.map((s) => s.label)].map(field).join(',')];
  for (let i = 0; i < p.x.length; i++) lines.push([cell(p.x[i]), ...p.series.map((s) => cell(s.values[i]))].join(','));
  return `${lines.join('\n')}\n`;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Up to `count` round tick values covering [lo, hi] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * The plot as an SVG document: axes with ticks, one polyline per series (split at gaps), and a legend.
 * With `log`, y is drawn on a log10 scale and non-positive values are gaps.
 */
export function plotToSvg(p: PlotData, o: { readonly width?: number; readonly height?: number; readonly log?: boolean } = {}): string {
  const W = o.width ?? 640;
  const H = o.height ?? 360;
  const m = { left: 56, right: 16, top: 28, bottom: 40 };
  const ty = (v: number) => (o.log ? Math.log10(v) : v);
  const ok = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v) && (!o.log || v > 0);
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const v of p.x) {
    xMin = Math.min(xMin, v);
    xMax = Math.max(xMax, v);
  }
  for (const s of p.series)
    for (const v of s.values)
      if (ok(v)) {
        yMin = Math.min(yMin, ty(v));
        yMax = Math.max(yMax, ty(v));
      }
  if (!(xMax > xMin)) [xMin, xMax] = [Number.isFinite(xMin) ? xMin - 1 : 0, Number.isFinite(xMax) ? xMax + 1 : 1];
  if (!(yMax > yMin)) [yMin, yMax] = [Number.isFinite(yMin) ? yMin - 1 : 0, Number.isFinite(yMax) ? yMax + 1 : 1];
  const px = (v: number) => m.left + ((v - xMin) / (xMax - xMin)) * (W - m.left - m.right);
  const py = (v: number) => H - m.bottom - ((v - yMin) / (yMax - yMin)) * (H - m.top - m.bottom);
  const f = (v: number) => v.toFixed(2);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  parts.push(`<text x="${m.left}" y="16" font-size="13" font-weight="bold">${esc(p.title)}</text>`);
  // Axes and ticks.
  parts.push(`<path d="M${m.left} ${m.top}V${H - m.bottom}H${W - m.right}" fill="none" stroke="#444"/>`);
  for (const t of niceTicks(xMin, xMax)) parts.push(`<text x="${f(px(t))}" y="${H - m.bottom + 14}" text-anchor="middle">${t}</text>`);
  for (const t of niceTicks(yMin, yMax)) {
    const label = o.log ? `1e${t}` : String(t);
    parts.push(`<line x1="${m.left - 4}" x2="${W - m.right}" y1="${f(py(t))}" y2="${f(py(t))}" stroke="#ddd"/>`);
    parts.push(`<text x="${m.left - 6}" y="${f(py(t) + 4)}" text-anchor="end">${label}</text>`);
  }
  parts.push(`<text x="${(m.left + W - m.right) / 2}" y="${H - 6}" text-anchor="middle">${esc(p.xLabel)}</text>`);
  // One polyline per unbroken run of points.
  p.series.forEach((s, k) => {
    let run: string[] = [];
    const flush = () => {
      if (run.length > 1) parts.push(`<polyline fill="none" stroke="${esc(s.color)}" stroke-width="1.5" points="${run.join(' ')}"/>`);
      else if (run.length === 1) {
        const [cx, cy] = run[0]!.split(',');
        parts.push(`<circle cx="${cx}" cy="${cy}" r="2" fill="${esc(s.color)}"/>`);
      }
      run = [];
    };
    for (let i = 0; i < p.x.length; i++) {
      const v = s.values[i];
      if (ok(v)) run.push(`${f(px(p.x[i]!))},${f(py(ty(v)))}`);
      else flush();
    }
    flush();
    const ly = m.top + 4 + k * 14;
    parts.push(`<line x1="${W - m.right - 110}" x2="${W - m.right - 94}" y1="${ly}" y2="${ly}" stroke="${esc(s.color)}" stroke-width="2"/>`);
    parts.push(`<text x="${W - m.right - 90}" y="${ly + 4}">${esc(s.label)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
