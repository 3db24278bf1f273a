/**
 * Every layer kind, exported to ONNX (opset 17, IR 8): passes Debian's ONNX checker (full_check), runs in
 * onnxruntime-node and in onnxruntime-web (WASM), and both agree with each other and with the reference
 * kernels to 1e-5. Layer-specific numerics against PyTorch live in tests/exporters/layers/.
 */
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { allLayers, type RawParamValue } from '../../graph-core';
import type { LayerCase } from '../helpers/layer-cases';
import { exportLayer, type ExportedLayer } from '../helpers/layer-onnx';
import { checkOnnxMany } from '../helpers/onnx-checker-batch';
import { expectClose, fromOrt, runInOrt } from '../helpers/op-check';

type Row = { params?: Record<string, RawParamValue>; inputs: LayerCase['inputs']; intHigh?: number };

const ids = (t: number) => ({ shape: ['N', t] as const, dtype: 'int64' as const });

/** One representative configuration per kind (losses are dropped from inference models). */
const ROWS: Record<string, Row> = {
  Linear: { params: { out_features: 5 }, inputs: { in: ['N', 7] } },
  Flatten: { inputs: { in: ['N', 2, 3, 4] } },
  Unflatten: { params: { dim: 1, unflattened_size: [3, 4] }, inputs: { in: ['N', 12] } },
  Reshape: { params: { shape: [4, -1] }, inputs: { in: ['N', 2, 6] } },
  Permute: { params: { dims: [0, 2, 1] }, inputs: { in: ['N', 3, 5] } },
  Concat: { params: { dim: 1 }, inputs: { in: [['N', 2, 3], ['N', 4, 3]] } },
  Add: { inputs: { a: ['N', 3, 4], b: ['N', 1, 4] } },
  Multiply: { inputs: { a: ['N', 3, 4], b: ['N', 3, 4] } },
  Mean: { params: { dim: -1, keepdim: true }, inputs: { in: ['N', 3, 4] } },
  Sum: { params: { dim: 1 }, inputs: { in: ['N', 3, 4] } },
  Max: { params: { dim: 2 }, inputs: { in: ['N', 3, 4] } },
  SelectIndex: { params: { dim: 1, index: -1 }, inputs: { in: ['N', 3, 4] } },
  ReLU: { inputs: { in: ['N', 6] } },
  LeakyReLU: { params: { negative_slope: 0.2 }, inputs: { in: ['N', 6] } },
  ELU: { params: { alpha: 0.7 }, inputs: { in: ['N', 6] } },
  GELU: { inputs: { in: ['N', 6] } },
  SiLU: { inputs: { in: ['N', 6] } },
  Sigmoid: { inputs: { in: ['N', 6] } },
  Tanh: { inputs: { in: ['N', 6] } },
  Softmax: { params: { dim: -1 }, inputs: { in: ['N', 3, 5] } },
  LogSoftmax: { params: { dim: 1 }, inputs: { in: ['N', 5] } },
  Dropout: { params: { p: 0.3 }, inputs: { in: ['N', 6] } },
  BatchNorm1d: { inputs: { in: ['N', 4, 5] } },
  BatchNorm2d: { inputs: { in: ['N', 3, 4, 4] } },
  LayerNorm: { inputs: { in: ['N', 3, 8] } },
  Conv1d: { params: { out_channels: 4, kernel_size: 3, padding: 1, stride: 2 }, inputs: { in: ['N', 2, 9] } },
  Conv2d: { params: { out_channels: 4, kernel_size: 3, padding: 1, stride: 2, groups: 2 }, inputs: { in: ['N', 2, 7, 7] } },
  ConvTranspose2d: { params: { out_channels: 3, kernel_size: 3, stride: 2, padding: 1, output_padding: 1 }, inputs: { in: ['N', 2, 4, 4] } },
  MaxPool1d: { params: { kernel_size: 2 }, inputs: { in: ['N', 3, 8] } },
  MaxPool2d: { params: { kernel_size: 2, stride: 2, padding: 1 }, inputs: { in: ['N', 2, 7, 7] } },
  AvgPool2d: { params: { kernel_size: 3, stride: 2, padding: 1 }, inputs: { in: ['N', 2, 7, 7] } },
  AdaptiveAvgPool2d: { params: { output_size: 1 }, inputs: { in: ['N', 3, 5, 5] } },
  Upsample: { params: { scale_factor: 2, mode: 'nearest' }, inputs: { in: ['N', 2, 3, 3] } },
  Embedding: { params: { num_embeddings: 10, embedding_dim: 4 }, inputs: { in: ids(5) }, intHigh: 10 },
  PositionalEncoding: { inputs: { in: ['N', 6, 8] } },
  RNN: { params: { hidden_size: 5 }, inputs: { in: ['N', 4, 3] } },
  LSTM: { params: { hidden_size: 5, num_layers: 2, bidirectional: true }, inputs: { in: ['N', 4, 3] } },
  GRU: { params: { hidden_size: 5 }, inputs: { in: ['N', 4, 3] } },
  Attention: { params: { score: 'additive', attn_dim: 6 }, inputs: { query: ['N', 3, 4], keys: ['N', 5, 4], values: ['N', 5, 6] } },
  MultiheadAttention: { params: { num_heads: 2, causal: true }, inputs: { query: ['N', 4, 8] } },
  ResidualLayerNorm: { inputs: { in: ['N', 4, 8], sublayer: ['N', 4, 8] } },
  TransformerEncoderLayer: { params: { nhead: 2, dim_feedforward: 16 }, inputs: { in: ['N', 4, 8] } },
  TransformerDecoderLayer: { params: { nhead: 2, dim_feedforward: 16 }, inputs: { in: ['N', 4, 8], memory: ['N', 5, 8] } },
  PatchEmbedding: { params: { patch_size: 4, embed_dim: 6 }, inputs: { in: ['N', 1, 8, 8] } },
  ClassToken: { inputs: { in: ['N', 4, 6] } },
  Discriminator: { params: { hidden_sizes: [8, 8] }, inputs: { in: ['N', 2] } },
  OnnxOp: { params: { op_type: 'Erf' }, inputs: { in: ['N', 6] } },
  GradientReversal: { params: { lambda: 0.5, schedule: 'dann' }, inputs: { in: ['N', 6] } },
  Reparameterize: { inputs: { mu: ['N', 3], logvar: ['N', 3] } },
  RandomShift: { params: { max_shift: 2 }, inputs: { in: ['N', 1, 6, 6] } },
};

const kinds = allLayers.filter((l) => l.category !== 'loss' && l.category !== 'io').map((l) => l.kind);
const exported = new Map<string, ExportedLayer>();

describe('every layer kind exports to ONNX that runs everywhere', () => {
  beforeAll(() => {
    for (const kind of kinds) {
      const row = ROWS[kind]!;
      exported.set(kind, exportLayer(kind, row.params ?? {}, row.inputs, 3, row.intHigh ?? 5));
    }
  });

  it('has a representative configuration for every kind', () => {
    expect(kinds.filter((k) => !ROWS[k])).toEqual([]);
  });

  it("passes Debian's onnx.checker.check_model(full_check=True)", () => {
    const verdicts = checkOnnxMany(kinds.map((k) => ({ name: k, bytes: exported.get(k)!.bytes })));
    expect(Object.entries(verdicts).filter(([, v]) => v !== null)).toEqual([]);
  });

  it.each(kinds)('%s: onnxruntime-node and onnxruntime-web (WASM) agree with the reference to 1e-5', async (kind) => {
    const ex = exported.get(kind)!;
    const native = await runInOrt(ex.bytes, ex.feeds);
    ortWeb.env.wasm.numThreads = 1;
    const session = await ortWeb.InferenceSession.create(ex.bytes, { executionProviders: ['wasm'] });
    const webFeeds: Record<string, ortWeb.Tensor> = {};
    for (const [name, t] of Object.entries(ex.feeds))
      webFeeds[name] =
        t.dtype === 'int64'
          ? new ortWeb.Tensor('int64', BigInt64Array.from(Array.from(t.data, (v) => BigInt(v))), [...t.shape])
          : new ortWeb.Tensor('float32', Float32Array.from(t.data), [...t.shape]);
    const web = await session.run(webFeeds);
    await session.release();
    expect(Object.keys(native).sort()).toEqual(Object.keys(ex.reference).sort());
    for (const [name, ref] of Object.entries(ex.reference)) {
      expectClose(native[name]!, ref, 1e-5, `${kind} ${name} (onnxruntime-node vs reference)`);
      expectClose(fromOrt(web[name] as never), native[name]!, 1e-5, `${kind} ${name} (onnxruntime-web vs onnxruntime-node)`);
    }
  });
});
