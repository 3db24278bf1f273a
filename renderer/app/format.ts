/** Number formatting for badges, the summary table and the status bar. */

const grouped = new Intl.NumberFormat('en-US');

/** 61706 → "61,706" */
export function formatCount(n: number): string {
  return grouped.format(n);
}

/** 61706 → "61.7k", 2_400_000 → "2.4M": short enough for a node badge. */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  const units: readonly [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (abs >= size) {
      const v = n / size;
      return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1).replace(/\.0$/, '') : v.toFixed(2).replace(/\.?0+$/, '')}${suffix}`;
    }
  }
  return String(n);
}

/** A parameter value as the node card shows it: `5`, `[1, 28, 28]`, `true`. */
export function formatValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  if (v === null) return 'auto';
  return String(v);
}
