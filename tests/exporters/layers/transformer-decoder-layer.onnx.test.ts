import { describe, it } from 'vitest';
import { evaluateIr, inferShapes, lowerLayers, type RawParamValue, type Tensor } from '../../../graph-core';
import { checkLayerOnnx, type ExportedLayer } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { intTensor } from '../../helpers/op-check';
import { expectOrtMatches, expectTorchMatches, exportWithRandomState } from './torch-reference';

const KIND = 'TransformerDecoderLayer';

interface Case {
  readonly name: string;
  readonly params: Record<string, RawParamValue>;
  readonly inputs: LayerCase['inputs'];
  /** Too large to hand its weights to Python as JSON: checked against the reference kernels only. */
  readonly ortOnly?: boolean;
}

// The accepted configurations of tests/graph-core/layers/transformer-decoder-layer.test.ts (memory comes from a
// second Input), plus smaller versions with both padding masks, pre- and post-norm.
const CASES: readonly Case[] = [
  { name: 'D=64, 4 heads, F=128; T=7 attends to S=11', params: { dim_feedforward: 128 }, inputs: { in: ['N', 7, 64], memory: ['N', 11, 64] } },
  { name: 'the default dim_feedforward=2048 on D=32', params: {}, inputs: { in: ['N', 5, 32], memory: ['N', 5, 32] } },
  {
    name: 'the base Transformer size with both padding masks',
    params: { nhead: 8 },
    inputs: {
      in: ['N', 20, 512],
      memory: ['N', 30, 512],
      tgt_key_padding_mask: { shape: ['N', 20], dtype: 'int64' },
      memory_key_padding_mask: ['N', 30],
    },
    ortOnly: true,
  },
  {
    name: 'pre-norm, GELU, not causal',
    params: { nhead: 6, dim_feedforward: 96, norm_first: true, activation: 'gelu', causal: false },
    inputs: { in: ['N', 4, 48], memory: ['N', 9, 48] },
  },
  { name: 'bias=false', params: { dim_feedforward: 128, bias: false }, inputs: { in: ['N', 7, 64], memory: ['N', 11, 64] } },
  { name: 'D=16, 2 heads, F=32, S < T', params: { nhead: 2, dim_feedforward: 32 }, inputs: { in: ['N', 6, 16], memory: ['N', 4, 16] } },
  {
    name: 'post-norm, causal, int64 target mask and float memory mask',
    params: { nhead: 4, dim_feedforward: 48 },
    inputs: {
      in: ['N', 6, 32],
      memory: ['N', 8, 32],
      tgt_key_padding_mask: { shape: ['N', 6], dtype: 'int64' },
      memory_key_padding_mask: ['N', 8],
    },
  },
  {
    name: 'pre-norm, causal, GELU, float target mask and int64 memory mask, eps=1e-3',
    params: { nhead: 2, dim_feedforward: 20, norm_first: true, activation: 'gelu', layer_norm_eps: 1e-3 },
    inputs: {
      in: ['N', 5, 16],
      memory: ['N', 7, 16],
      tgt_key_padding_mask: ['N', 5],
      memory_key_padding_mask: { shape: ['N', 7], dtype: 'int64' },
    },
  },
  {
    name: 'not causal, bias=false, memory mask only',
    params: { nhead: 4, dim_feedforward: 24, causal: false, bias: false },
    inputs: { in: ['N', 5, 16], memory: ['N', 6, 16], memory_key_padding_mask: ['N', 6] },
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

describe('TransformerDecoderLayer lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx(KIND, c.params, c.inputs, { intHigh: 2, tol: c.ortOnly ? 1e-4 : 1e-5 });
    });

  it('matches torch.nn.TransformerDecoderLayer(batch_first=True) in eval mode, random biases and norms, 0/1 padding masks', async () => {
    const cases = CASES.filter((c) => !c.ortOnly).map((c) => ({
      name: c.name,
      params: { ...c.params, ports: Object.keys(c.inputs).join(',') },
      ex: withPaddingMasks(exportWithRandomState(KIND, c.params, c.inputs, { seed: 5 })),
    }));
    for (const { name, ex } of cases) await expectOrtMatches(ex, 1e-5, name);
    expectTorchMatches('transformer_decoder_layer', cases);
  });
});
