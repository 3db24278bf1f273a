import { describe, it } from 'vitest';
import { evaluateIr, inferShapes, lowerLayers, type RawParamValue, type Tensor } from '../../../graph-core';
import { checkLayerOnnx, type ExportedLayer } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { intTensor } from '../../helpers/op-check';
import { expectOrtMatches, expectTorchMatches, exportWithRandomState } from './torch-reference';

const KIND = 'TransformerEncoderLayer';

interface Case {
  readonly name: string;
  readonly params: Record<string, RawParamValue>;
  readonly inputs: LayerCase['inputs'];
  /** Too large to hand its weights to Python as JSON: checked against the reference kernels only. */
  readonly ortOnly?: boolean;
}

// The accepted configurations of tests/graph-core/layers/transformer-encoder-layer.test.ts, plus post-norm causal
// attention with a mask, post-norm GELU with another eps, and a small 8-head version of the base-size case.
const CASES: readonly Case[] = [
  { name: 'D=64, 4 heads, F=128', params: { dim_feedforward: 128 }, inputs: { in: ['N', 10, 64] } },
  { name: 'the default dim_feedforward=2048 on D=32', params: {}, inputs: { in: ['N', 5, 32] } },
  {
    name: 'the base Transformer size: D=512, 8 heads, int64 padding mask',
    params: { nhead: 8 },
    inputs: { in: ['N', 20, 512], src_key_padding_mask: { shape: ['N', 20], dtype: 'int64' } },
    ortOnly: true,
  },
  {
    name: 'pre-norm, GELU, causal, float padding mask',
    params: { nhead: 6, dim_feedforward: 96, norm_first: true, activation: 'gelu', causal: true, dropout: 0 },
    inputs: { in: ['N', 9, 48], src_key_padding_mask: ['N', 9] },
  },
  { name: 'bias=false', params: { dim_feedforward: 128, bias: false }, inputs: { in: ['N', 10, 64] } },
  { name: 'D=16, 2 heads, F=32', params: { nhead: 2, dim_feedforward: 32 }, inputs: { in: ['N', 6, 16] } },
  {
    name: 'post-norm, causal, int64 padding mask',
    params: { nhead: 2, dim_feedforward: 24, causal: true },
    inputs: { in: ['N', 7, 16], src_key_padding_mask: { shape: ['N', 7], dtype: 'int64' } },
  },
  { name: 'post-norm GELU, layer_norm_eps=1e-3', params: { nhead: 4, dim_feedforward: 40, activation: 'gelu', layer_norm_eps: 1e-3 }, inputs: { in: ['N', 5, 32] } },
  {
    name: 'pre-norm, 8 heads, float padding mask, bias=false',
    params: { nhead: 8, dim_feedforward: 64, norm_first: true, bias: false },
    inputs: { in: ['N', 8, 32], src_key_padding_mask: ['N', 8] },
  },
];

/** Padding mask (1 = padding) for batch b, position j: some positions padded, never position 0. */
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

describe('TransformerEncoderLayer lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx(KIND, c.params, c.inputs, { intHigh: 2, tol: c.ortOnly ? 1e-4 : 1e-5 });
    });

  it('matches torch.nn.TransformerEncoderLayer(batch_first=True) in eval mode, random biases and norms, 0/1 padding masks', async () => {
    const cases = CASES.filter((c) => !c.ortOnly).map((c) => ({
      name: c.name,
      params: { ...c.params, ports: Object.keys(c.inputs).join(',') },
      ex: withPaddingMasks(exportWithRandomState(KIND, c.params, c.inputs, { seed: 5 })),
    }));
    for (const { name, ex } of cases) await expectOrtMatches(ex, 1e-5, name);
    expectTorchMatches('transformer_encoder_layer', cases);
  });
});
