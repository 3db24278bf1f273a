import { describe, expect, it } from 'vitest';
import { evaluateIr, inferShapes, lowerLayers, type RawParamValue, type Tensor } from '../../../graph-core';
import { checkLayerOnnx, type ExportedLayer } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { expectClose, intTensor, runInOrt } from '../../helpers/op-check';
import { expectOrtMatches, exportWithRandomState, torchOutputs } from './torch-reference';

const KIND = 'MultiheadAttention';

// The accepted configurations of tests/graph-core/layers/multihead-attention.test.ts, plus causal attention without a
// mask and the two other packed-projection paths (keys = values ≠ queries; keys and values from different inputs).
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'self-attention (query only): E=64, 8 heads', params: { num_heads: 8 }, inputs: { query: ['N', 10, 64] } },
  { name: 'cross-attention with kdim=32, vdim=48', params: {}, inputs: { query: ['N', 5, 64], key: ['N', 7, 32], value: ['N', 7, 48] } },
  { name: 'bias=false', params: { bias: false }, inputs: { query: ['N', 3, 32] } },
  { name: 'key only: value defaults to key (kdim = vdim = 16)', params: {}, inputs: { query: ['N', 5, 64], key: ['N', 7, 16] } },
  { name: 'value only: key defaults to query (vdim = 48)', params: {}, inputs: { query: ['N', 5, 64], value: ['N', 5, 48] } },
  { name: 'bias=false, 3 heads, vdim=10', params: { num_heads: 3, bias: false }, inputs: { query: ['N', 3, 24], key: ['N', 4, 24], value: ['N', 4, 10] } },
  {
    name: 'causal self-attention with an int64 key_padding_mask',
    params: { num_heads: 2, causal: true, dropout: 0.1 },
    inputs: { query: ['N', 6, 16], key_padding_mask: { shape: ['N', 6], dtype: 'int64' } },
  },
  {
    name: 'a float key_padding_mask on cross-attention',
    params: {},
    inputs: { query: ['N', 5, 64], key: ['N', 7, 32], value: ['N', 7, 48], key_padding_mask: ['N', 7] },
  },
  { name: 'causal self-attention without a mask', params: { num_heads: 4, causal: true }, inputs: { query: ['N', 5, 16] } },
  { name: 'packed cross-attention: keys = values from one input', params: { num_heads: 2 }, inputs: { query: ['N', 4, 16], key: ['N', 6, 16] } },
  {
    name: 'packed cross-attention: separate key and value inputs, float mask',
    params: { num_heads: 2, causal: false },
    inputs: { query: ['N', 4, 16], key: ['N', 6, 16], value: ['N', 6, 16], key_padding_mask: ['N', 6] },
  },
];

/** Padding mask (1 = ignore) for batch b, key j: some keys padded, never key 0, so no query loses every key. */
const padded = (b: number, j: number) => (j > 0 && (j + b) % 3 === 0 ? 1 : 0);

/** Replaces the random mask feeds with 0/1 padding masks (keeping their dtype) and re-evaluates the reference. */
function withPaddingMasks(ex: ExportedLayer): ExportedLayer {
  const feeds: Record<string, Tensor> = { ...ex.feeds };
  for (const [id, t] of Object.entries(feeds)) {
    if (!id.includes('mask')) continue;
    const [n, tk] = t.shape as [number, number];
    feeds[id] = intTensor(t.shape, Array.from({ length: n * tk }, (_, k) => padded(Math.floor(k / tk), k % tk)), t.dtype);
  }
  const { ir } = lowerLayers(inferShapes(ex.doc), { mode: 'eval' });
  const params: Record<string, Tensor> = {};
  for (const p of ir.params) params[p.name] = { shape: [...p.spec.shape], dtype: 'float32', data: ex.weights.get(p.name)! };
  return { ...ex, feeds, reference: evaluateIr(ir, feeds, params) };
}

describe('MultiheadAttention lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx(KIND, c.params, c.inputs, { intHigh: 2 });
    });

  it('matches torch.nn.MultiheadAttention(batch_first=True): out and per-head weights, random biases, 0/1 padding masks', async () => {
    const exports = CASES.map((c) => ({ c, ex: withPaddingMasks(exportWithRandomState(KIND, c.params, c.inputs, { seed: 5 })) }));
    for (const { c, ex } of exports) await expectOrtMatches(ex, 1e-5, c.name);
    const cases = exports.flatMap(({ c, ex }) =>
      ['out', 'weights'].map((port) => ({ name: `${c.name} (${port})`, port, ex, params: { ...c.params, ports: Object.keys(c.inputs).join(','), port } })),
    );
    const outs = torchOutputs('multihead_attention', cases);
    expect(outs.length).toBe(cases.length);
    cases.forEach(({ name, port, ex }, k) => expectClose(ex.reference[`L.${port}`]!, outs[k]!, 1e-4, `torch vs ours, ${name}`));
  });

  it('gives masked keys exactly zero weight and keeps every row a distribution', async () => {
    const c = CASES.find((x) => x.name.startsWith('causal self-attention with'))!;
    const ex = withPaddingMasks(exportWithRandomState(KIND, c.params, c.inputs, { seed: 6 }));
    const ort = await runInOrt(ex.bytes, ex.feeds);
    for (const w of [ex.reference['L.weights']!, ort['L.weights']!]) {
      const [n, h, tq, tk] = w.shape as [number, number, number, number];
      for (let b = 0; b < n; b++)
        for (let hh = 0; hh < h; hh++)
          for (let i = 0; i < tq; i++) {
            let sum = 0;
            for (let j = 0; j < tk; j++) {
              const a = w.data[((b * h + hh) * tq + i) * tk + j]!;
              if (j > i || padded(b, j)) expect(a).toBe(0);
              sum += a;
            }
            expect(sum).toBeCloseTo(1, 5);
          }
    }
  });
});
