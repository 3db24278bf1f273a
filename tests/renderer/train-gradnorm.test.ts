/**
 * The gradient-norm chart's data: per-step norms appended in place and aligned with the steps (gaps where a
 * layer was not reported), one line per layer in first-seen order, and the latest norm of each layer in
 * decades below the largest; plus the chart exported as CSV.
 */
import { describe, expect, it } from 'vitest';
import { appendGradNorms, gradNormPlot, gradNormSummary, LAYER_COLORS } from '../../renderer/train/grad-plot';
import { plotToCsv } from '../../renderer/train/plot-export';

describe('gradient norm per layer', () => {
  it('keeps one column per layer as long as the steps, with gaps where a step did not report it', () => {
    const cols: Record<string, (number | null)[]> = {};
    appendGradNorms(cols, 1, { fc1: 0.5, out: 2 });
    appendGradNorms(cols, 2, undefined);
    appendGradNorms(cols, 3, { fc1: 0.25, fc2: 1e-6, out: NaN });
    expect(cols).toEqual({ fc1: [0.5, null, 0.25], out: [2, null, null], fc2: [null, null, 1e-6] });
  });

  it('plots one line per layer over the steps, layers in graph order with distinct colours', () => {
    const p = gradNormPlot({ step: [1, 2, 3], gradNorms: { fc1: [0.5, null, 0.25], fc2: [null, null, 1e-6], out: [2, 1] } });
    expect(p.title).toBe('Gradient norm per layer');
    expect(p.x).toEqual([1, 2, 3]);
    expect(p.series.map((s) => s.label)).toEqual(['fc1', 'fc2', 'out']);
    expect(p.series.map((s) => s.color)).toEqual(LAYER_COLORS.slice(0, 3));
    expect(p.series[2]!.values).toEqual([2, 1, null]);
    expect(plotToCsv(p)).toBe('step,fc1,fc2,out\n1,0.5,,2\n2,,,1\n3,0.25,0.000001,\n');
    expect(gradNormPlot(null)).toEqual({ title: 'Gradient norm per layer', xLabel: 'step', x: [], series: [] });
  });

  it('says how many decades each layer lies below the largest (vanishing gradients)', () => {
    const s = gradNormSummary({ step: [1, 2], gradNorms: { fc1: [1e-3, 1e-5], fc2: [0.1, null], out: [1, 0.1], dead: [0, 0] } });
    expect(s.map((r) => r.node)).toEqual(['fc1', 'fc2', 'out', 'dead']);
    expect(s.map((r) => r.last)).toEqual([1e-5, 0.1, 0.1, 0]);
    expect(s[0]!.decadesBelowMax).toBeCloseTo(-4, 12);
    expect(s[1]!.decadesBelowMax).toBe(0);
    expect(s[3]!.decadesBelowMax).toBe(-Infinity);
    expect(gradNormSummary(null)).toEqual([]);
  });
});
