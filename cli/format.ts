/** Plain-text tables for the terminal. */

export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Human-scaled count: 1.2K, 3.4M, 5.6G. */
export function formatCompact(n: number): string {
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [v, u] of units) if (n >= v) return `${(n / v).toFixed(n / v >= 100 ? 0 : n / v >= 10 ? 1 : 2)}${u}`;
  return String(Math.round(n));
}

/** Renders rows as an aligned table; a cell may hold several lines. `align` per column: 'l' or 'r'. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[]): string {
  const split = (c: string) => c.split('\n');
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => Math.max(...split(r[i] ?? '').map((l) => l.length)))));
  const pad = (s: string, i: number) => (align[i] === 'r' ? s.padStart(widths[i]!) : s.padEnd(widths[i]!));
  const line = (cells: readonly string[]) => cells.map((c, i) => pad(c, i)).join('  ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('──');
  const out = [rule, line(header), rule];
  for (const r of rows) {
    const parts = r.map(split);
    const height = Math.max(...parts.map((p) => p.length));
    for (let k = 0; k < height; k++) out.push(line(parts.map((p) => p[k] ?? '')));
  }
  out.push(rule);
  return out.join('\n');
}
