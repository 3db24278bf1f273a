import { describe, expect, it } from 'vitest';
import { evaluateIr, inferShapes, lowerLayers, type RawParamValue, type Tensor } from '../../../graph-core';
import { checkLayerOnnx, type ExportedLayer } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { expectClose, intTensor } from '../../helpers/op-check';
import { expectOrtMatches, exportWithRandomState, torchOutputs } from './torch-reference';

const KIND = 'Attention';

// The accepted configurations of tests/graph-core/layers/attention.test.ts (every score, both mask ranks and dtypes),
// plus scaled_dot and additive with masks.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'scaled dot-product (default)', params: {}, inputs: { query: ['N', 4, 16], keys: ['N', 6, 16], values: ['N', 6, 8] } },
  { name: 'plain dot product with an [N, Tk] mask', params: { score: 'dot' }, inputs: { query: ['N', 4, 16], keys: ['N', 6, 16], values: ['N', 6, 8], mask: ['N', 6] } },
  {
    name: 'general (bilinear) score, Dq ≠ Dk, int64 [N, Tq, Tk] mask',
    params: { score: 'general' },
    inputs: { query: ['N', 4, 16], keys: ['N', 6, 12], values: ['N', 6, 8], mask: { shape: ['N', 4, 6], dtype: 'int64' } },
  },
  { name: 'additive (Bahdanau) score with attn_dim=10', params: { score: 'additive', attn_dim: 10 }, inputs: { query: ['N', 4, 16], keys: ['N', 6, 12], values: ['N', 6, 8] } },
  { name: 'additive score with the default attn_dim=32', params: { score: 'additive' }, inputs: { query: ['N', 3, 20], keys: ['N', 9, 20], values: ['N', 9, 5] } },
  {
    name: 'scaled_dot with a float [N, Tq, Tk] mask',
    params: { score: 'scaled_dot' },
    inputs: { query: ['N', 5, 8], keys: ['N', 7, 8], values: ['N', 7, 3], mask: ['N', 5, 7] },
  },
  {
    name: 'additive with an int64 [N, Tk] mask',
    params: { score: 'additive', attn_dim: 6 },
    inputs: { query: ['N', 3, 5], keys: ['N', 4, 7], values: ['N', 4, 2], mask: { shape: ['N', 4], dtype: 'int64' } },
  },
];

/** Mask value (1 = may attend) for batch b, query i, key j: some keys masked, never key 0, so no row is empty. */
const keep = (b: number, i: number, j: number) => (j === 0 || (b + i + j) % 3 !== 0 ? 1 : 0);

/** Replaces the random mask feeds with 0/1 masks (keeping their dtype) and re-evaluates the reference. */
function withMasks(ex: ExportedLayer): ExportedLayer {
  const feeds: Record<string, Tensor> = { ...ex.feeds };
  for (const [id, t] of Object.entries(feeds)) {
    if (!id.includes('mask')) continue;
    const [n, tq, tk] = t.shape.length === 2 ? [t.shape[0]!, 1, t.shape[1]!] : (t.shape as [number, number, number]);
    const values = Array.from({ length: n * tq * tk }, (_, k) => keep(Math.floor(k / (tq * tk)), Math.floor(k / tk) % tq, k % tk));
    feeds[id] = intTensor(t.shape, values, t.dtype);
  }
  const { ir } = lowerLayers(inferShapes(ex.doc), { mode: 'eval' });
  const params: Record<string, Tensor> = {};
  for (const p of ir.params) params[p.name] = { shape: [...p.spec.shape], dtype: 'float32', data: ex.weights.get(p.name)! };
  return { ...ex, feeds, reference: evaluateIr(ir, feeds, params) };
}

describe('Attention lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx(KIND, c.params, c.inputs, { intHigh: 2 });
    });

  it('matches a torch reference of every score: context and weights, 0/1 masks', async () => {
    const exports = CASES.map((c) => ({ c, ex: withMasks(exportWithRandomState(KIND, c.params, c.inputs, { seed: 5 })) }));
    for (const { c, ex } of exports) await expectOrtMatches(ex, 1e-5, c.name);
    const cases = exports.flatMap(({ c, ex }) =>
      ['context', 'weights'].map((port) => ({ name: `${c.name} (${port})`, port, ex, params: { ...c.params, ports: Object.keys(c.inputs).join(','), port } })),
    );
    const outs = torchOutputs('attention', cases);
    expect(outs.length).toBe(cases.length);
    cases.forEach(({ name, port, ex }, k) => expectClose(ex.reference[`L.${port}`]!, outs[k]!, 1e-4, `torch vs ours, ${name}`));
  });

  it('gives masked keys exactly zero weight', () => {
    const c = CASES.find((x) => x.name.startsWith('general'))!;
    const w = withMasks(exportWithRandomState(KIND, c.params, c.inputs, { seed: 6 })).reference['L.weights']!;
    const [n, tq, tk] = w.shape as [number, number, number];
    for (let b = 0; b < n; b++)
      for (let i = 0; i < tq; i++)
        for (let j = 0; j < tk; j++) if (!keep(b, i, j)) expect(w.data[(b * tq + i) * tk + j]).toBe(0);
  });
});
