/** Timing helpers for benchmarks: warm up, repeat, report median and p95. */
export interface Timing {
  readonly median: number;
  readonly p95: number;
  readonly min: number;
  readonly runs: number;
}

export function time(fn: () => void, { warmup = 5, runs = 50 } = {}): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { median: at(0.5), p95: at(0.95), min: samples[0]!, runs };
}

export const ms = (x: number) => `${x.toFixed(2)} ms`;
