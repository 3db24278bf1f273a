/**
 * The gradient-norm chart: ‖∂L/∂W‖₂ of every layer with trainable weights, one line per layer over the
 * steps of a run. On a log axis a layer whose norm sinks decades below the others (vanishing) or climbs
 * away from them (exploding) stands out. Pure, so it is unit-tested without a DOM.
 */
import type { PlotData } from './plot-export';

/** The per-step gradient norms of one run: one column per layer, aligned with the run's steps (null: not reported). */
export interface GradNormSeries {
  readonly step: readonly number[];
  readonly gradNorms: Readonly<Record<string, readonly (number | null)[]>>;
}

/** Distinct line colours (Tableau 10), reused in order past ten layers. */
export const LAYER_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/**
 * Appends one step's norms to the columns in place, keeping every column as long as `steps` (the number of
 * steps recorded, this one included): a layer first seen now gets gaps before it, a layer missing now a gap.
 */
export function appendGradNorms(columns: Record<string, (number | null)[]>, steps: number, norms: Readonly<Record<string, number>> | undefined): void {
  for (const [node, v] of Object.entries(norms ?? {})) {
    const column = (columns[node] ??= []);
    while (column.length < steps - 1) column.push(null);
    column.push(Number.isFinite(v) ? v : null);
  }
  for (const column of Object.values(columns)) while (column.length < steps) column.push(null);
}

/** The chart of a run's gradient norms, layers in the order the run first reported them (graph order). */
export function gradNormPlot(s: GradNormSeries | null): PlotData {
  const n = s?.step.length ?? 0;
  const series = Object.entries(s?.gradNorms ?? {}).map(([node, values], i) => ({
    label: node,
    color: LAYER_COLORS[i % LAYER_COLORS.length]!,
    values: values.length === n ? values : Array.from({ length: n }, (_, k) => values[k] ?? null),
  }));
  return { title: 'Gradient norm per layer', xLabel: 'step', x: s ? [...s.step] : [], series };
}

/** Each layer's latest norm and how it compares with the largest one, in decades (log10 ratio ≤ 0). */
export function gradNormSummary(s: GradNormSeries | null): { node: string; last: number; decadesBelowMax: number }[] {
  const last = Object.entries(s?.gradNorms ?? {})
    .map(([node, values]) => ({ node, last: [...values].reverse().find((v): v is number => v !== null) }))
    .filter((r): r is { node: string; last: number } => r.last !== undefined);
  const max = Math.max(...last.map((r) => r.last));
  return last.map((r) => ({ ...r, decadesBelowMax: r.last > 0 && max > 0 ? Math.log10(r.last / max) : -Infinity }));
}
