/**
 * The PyTorch exporter, layer by layer: for every layer kind (several configurations where the mapping branches),
 * the generated model.py, loaded with our weights.safetensors by load_state_dict(strict=True) in Debian's
 * PyTorch 1.13, gives the outputs of our ONNX export in onnxruntime-node to 1e-4. Losses, which the ONNX export
 * drops, are compared with the reference evaluator of the lowered graph. Weights are random (not their
 * initial values), so BatchNorm statistics, LayerNorm scales and biases all count.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allLayers,
  evaluateIr,
  inferShapes,
  initWeights,
  lowerLayers,
  Rng,
  type GraphDoc,
  type RawParamValue,
  type Tensor,
} from '../../graph-core';
import { exportGraph } from '../../exporters/export-graph';
import { generatePytorch } from '../../exporters/pytorch/generate';
import { graphAround, type LayerCase } from '../helpers/layer-cases';
import { randomFeeds } from '../helpers/layer-onnx';
import { SYSTEM_PYTHON } from '../helpers/onnx-checker';
import { expectClose, runInOrt } from '../helpers/op-check';
import { e as blockEdge, encoderDoc, n as blockNode } from '../graph-core/blocks/fixtures';

type Row = { name: string; kind: string; params?: Record<string, RawParamValue>; inputs: LayerCase['inputs']; intHigh?: number; doc?: GraphDoc };

const ids = (t: number) => ({ shape: ['N', t] as const, dtype: 'int64' as const });
const mask = (t: number) => ({ shape: ['N', t] as const, dtype: 'float32' as const });

const ROWS: Row[] = [
  { name: 'Linear', kind: 'Linear', params: { out_features: 5 }, inputs: { in: ['N', 7] } },
  { name: 'Linear without bias on [N, T, F]', kind: 'Linear', params: { out_features: 3, bias: false }, inputs: { in: ['N', 4, 6] } },
  { name: 'Flatten', kind: 'Flatten', inputs: { in: ['N', 2, 3, 4] } },
  { name: 'Flatten dims 1…2', kind: 'Flatten', params: { start_dim: 1, end_dim: 2 }, inputs: { in: ['N', 2, 3, 4] } },
  { name: 'Unflatten with −1', kind: 'Unflatten', params: { dim: 1, unflattened_size: [3, -1] }, inputs: { in: ['N', 12] } },
  { name: 'Reshape', kind: 'Reshape', params: { shape: [4, -1] }, inputs: { in: ['N', 2, 6] } },
  { name: 'Permute', kind: 'Permute', params: { dims: [0, 2, 1] }, inputs: { in: ['N', 3, 5] } },
  {
    name: 'Concat of three',
    kind: 'Concat',
    params: { dim: 1 },
    inputs: {
      in: [
        ['N', 2, 3],
        ['N', 4, 3],
        ['N', 1, 3],
      ],
    },
  },
  { name: 'Add (broadcast)', kind: 'Add', inputs: { a: ['N', 3, 4], b: ['N', 1, 4] } },
  { name: 'Multiply', kind: 'Multiply', inputs: { a: ['N', 3, 4], b: ['N', 3, 4] } },
  { name: 'Mean keepdim', kind: 'Mean', params: { dim: -1, keepdim: true }, inputs: { in: ['N', 3, 4] } },
  { name: 'Sum', kind: 'Sum', params: { dim: 1 }, inputs: { in: ['N', 3, 4] } },
  { name: 'Max', kind: 'Max', params: { dim: 2 }, inputs: { in: ['N', 3, 4] } },
  { name: 'SelectIndex last', kind: 'SelectIndex', params: { dim: 1, index: -1 }, inputs: { in: ['N', 3, 4] } },
  { name: 'ReLU', kind: 'ReLU', inputs: { in: ['N', 6] } },
  { name: 'LeakyReLU', kind: 'LeakyReLU', params: { negative_slope: 0.2 }, inputs: { in: ['N', 6] } },
  { name: 'ELU', kind: 'ELU', params: { alpha: 0.7 }, inputs: { in: ['N', 6] } },
  { name: 'GELU', kind: 'GELU', inputs: { in: ['N', 6] } },
  { name: 'GELU tanh', kind: 'GELU', params: { approximate: 'tanh' }, inputs: { in: ['N', 6] } },
  { name: 'SiLU', kind: 'SiLU', inputs: { in: ['N', 6] } },
  { name: 'Sigmoid', kind: 'Sigmoid', inputs: { in: ['N', 6] } },
  { name: 'Tanh', kind: 'Tanh', inputs: { in: ['N', 6] } },
  { name: 'Softmax', kind: 'Softmax', params: { dim: -1 }, inputs: { in: ['N', 3, 5] } },
  { name: 'LogSoftmax', kind: 'LogSoftmax', params: { dim: 1 }, inputs: { in: ['N', 5] } },
  { name: 'Dropout', kind: 'Dropout', params: { p: 0.3 }, inputs: { in: ['N', 6] } },
  { name: 'BatchNorm1d on [N, C, L]', kind: 'BatchNorm1d', params: { eps: 1e-3, momentum: 0.2 }, inputs: { in: ['N', 4, 5] } },
  { name: 'BatchNorm1d without affine', kind: 'BatchNorm1d', params: { affine: false }, inputs: { in: ['N', 4] } },
  { name: 'BatchNorm2d', kind: 'BatchNorm2d', inputs: { in: ['N', 3, 4, 4] } },
  { name: 'LayerNorm', kind: 'LayerNorm', inputs: { in: ['N', 3, 8] } },
  { name: 'LayerNorm over two dims', kind: 'LayerNorm', params: { normalized_dims: 2, eps: 1e-4 }, inputs: { in: ['N', 3, 8] } },
  { name: 'Conv1d', kind: 'Conv1d', params: { out_channels: 4, kernel_size: 3, padding: 1, stride: 2 }, inputs: { in: ['N', 2, 9] } },
  { name: 'Conv2d grouped', kind: 'Conv2d', params: { out_channels: 4, kernel_size: 3, padding: 1, stride: 2, groups: 2 }, inputs: { in: ['N', 2, 7, 7] } },
  { name: 'Conv2d rectangular, dilated', kind: 'Conv2d', params: { out_channels: 3, kernel_size: [3, 2], dilation: [1, 2], bias: false }, inputs: { in: ['N', 2, 7, 7] } },
  {
    name: 'ConvTranspose2d',
    kind: 'ConvTranspose2d',
    params: { out_channels: 3, kernel_size: 3, stride: 2, padding: 1, output_padding: 1 },
    inputs: { in: ['N', 2, 4, 4] },
  },
  { name: 'MaxPool1d', kind: 'MaxPool1d', params: { kernel_size: 2 }, inputs: { in: ['N', 3, 8] } },
  { name: 'MaxPool1d strided, ceil', kind: 'MaxPool1d', params: { kernel_size: 3, stride: 2, ceil_mode: true }, inputs: { in: ['N', 3, 8] } },
  { name: 'MaxPool2d', kind: 'MaxPool2d', params: { kernel_size: 2, stride: 2, padding: 1 }, inputs: { in: ['N', 2, 7, 7] } },
  { name: 'AvgPool2d', kind: 'AvgPool2d', params: { kernel_size: 3, stride: 2, padding: 1 }, inputs: { in: ['N', 2, 7, 7] } },
  {
    name: 'AvgPool2d without padding in the count',
    kind: 'AvgPool2d',
    params: { kernel_size: 3, stride: 2, padding: 1, count_include_pad: false },
    inputs: { in: ['N', 2, 7, 7] },
  },
  { name: 'AdaptiveAvgPool2d global', kind: 'AdaptiveAvgPool2d', params: { output_size: 1 }, inputs: { in: ['N', 3, 5, 5] } },
  { name: 'AdaptiveAvgPool2d 2×3', kind: 'AdaptiveAvgPool2d', params: { output_size: [2, 3] }, inputs: { in: ['N', 3, 5, 7] } },
  { name: 'Upsample nearest', kind: 'Upsample', params: { scale_factor: 2, mode: 'nearest' }, inputs: { in: ['N', 2, 3, 3] } },
  { name: 'Upsample bilinear', kind: 'Upsample', params: { scale_factor: 2, mode: 'bilinear' }, inputs: { in: ['N', 2, 3, 3] } },
  {
    name: 'Upsample bilinear to a size, align_corners',
    kind: 'Upsample',
    params: { size: [5, 4], mode: 'bilinear', align_corners: true },
    inputs: { in: ['N', 2, 3, 3] },
  },
  { name: 'Embedding', kind: 'Embedding', params: { num_embeddings: 10, embedding_dim: 4 }, inputs: { in: ids(5) }, intHigh: 10 },
  { name: 'Embedding with padding_idx', kind: 'Embedding', params: { num_embeddings: 10, embedding_dim: 4, padding_idx: 0 }, inputs: { in: ids(5) }, intHigh: 10 },
  { name: 'PositionalEncoding sinusoidal', kind: 'PositionalEncoding', inputs: { in: ['N', 6, 8] } },
  { name: 'PositionalEncoding learned', kind: 'PositionalEncoding', params: { encoding: 'learned', max_len: 10 }, inputs: { in: ['N', 6, 8] } },
  { name: 'PositionalEncoding base 1000', kind: 'PositionalEncoding', params: { base: 1000, max_len: 6 }, inputs: { in: ['N', 6, 8] } },
  { name: 'RNN relu', kind: 'RNN', params: { hidden_size: 5, nonlinearity: 'relu' }, inputs: { in: ['N', 4, 3] } },
  { name: 'RNN two layers, bidirectional', kind: 'RNN', params: { hidden_size: 3, num_layers: 2, bidirectional: true }, inputs: { in: ['N', 4, 3] } },
  { name: 'LSTM two layers, bidirectional', kind: 'LSTM', params: { hidden_size: 5, num_layers: 2, bidirectional: true }, inputs: { in: ['N', 4, 3] } },
  { name: 'LSTM without bias', kind: 'LSTM', params: { hidden_size: 4, bias: false }, inputs: { in: ['N', 3, 2] } },
  { name: 'GRU', kind: 'GRU', params: { hidden_size: 5 }, inputs: { in: ['N', 4, 3] } },
  { name: 'GRU bidirectional', kind: 'GRU', params: { hidden_size: 3, bidirectional: true }, inputs: { in: ['N', 4, 3] } },
  ...(['dot', 'scaled_dot', 'general', 'additive'] as const).map((score): Row => ({
    name: `Attention ${score}`,
    kind: 'Attention',
    params: { score, attn_dim: 6 },
    inputs: { query: ['N', 3, 4], keys: ['N', 5, score === 'general' || score === 'additive' ? 3 : 4], values: ['N', 5, 6] },
  })),
  {
    name: 'Attention with a mask',
    kind: 'Attention',
    inputs: { query: ['N', 3, 4], keys: ['N', 5, 4], values: ['N', 5, 6], mask: mask(5) },
  },
  { name: 'MultiheadAttention causal self-attention', kind: 'MultiheadAttention', params: { num_heads: 2, causal: true }, inputs: { query: ['N', 4, 8] } },
  {
    name: 'MultiheadAttention cross-attention with kdim, vdim',
    kind: 'MultiheadAttention',
    params: { num_heads: 2 },
    inputs: { query: ['N', 4, 8], key: ['N', 5, 6], value: ['N', 5, 3] },
  },
  { name: 'MultiheadAttention without bias', kind: 'MultiheadAttention', params: { num_heads: 4, bias: false }, inputs: { query: ['N', 3, 8] } },
  { name: 'ResidualLayerNorm', kind: 'ResidualLayerNorm', inputs: { in: ['N', 4, 8], sublayer: ['N', 4, 8] } },
  { name: 'TransformerEncoderLayer', kind: 'TransformerEncoderLayer', params: { nhead: 2, dim_feedforward: 16 }, inputs: { in: ['N', 4, 8] } },
  {
    name: 'TransformerEncoderLayer pre-norm, gelu, causal',
    kind: 'TransformerEncoderLayer',
    params: { nhead: 2, dim_feedforward: 16, norm_first: true, activation: 'gelu', causal: true, layer_norm_eps: 1e-4 },
    inputs: { in: ['N', 4, 8] },
  },
  {
    name: 'TransformerDecoderLayer',
    kind: 'TransformerDecoderLayer',
    params: { nhead: 2, dim_feedforward: 16 },
    inputs: { in: ['N', 4, 8], memory: ['N', 5, 8] },
  },
  {
    name: 'TransformerDecoderLayer pre-norm, not causal',
    kind: 'TransformerDecoderLayer',
    params: { nhead: 2, dim_feedforward: 16, norm_first: true, causal: false },
    inputs: { in: ['N', 4, 8], memory: ['N', 5, 8] },
  },
  { name: 'PatchEmbedding', kind: 'PatchEmbedding', params: { patch_size: 4, embed_dim: 6 }, inputs: { in: ['N', 1, 8, 8] } },
  { name: 'ClassToken', kind: 'ClassToken', inputs: { in: ['N', 4, 6] } },
  // Identities at inference, as in the ONNX export.
  { name: 'GradientReversal', kind: 'GradientReversal', params: { schedule: 'dann' }, inputs: { in: ['N', 5] } },
  { name: 'Reparameterize', kind: 'Reparameterize', inputs: { mu: ['N', 3], logvar: ['N', 3] } },
  { name: 'RandomShift', kind: 'RandomShift', params: { max_shift: 1 }, inputs: { in: ['N', 1, 4, 4] } },
  { name: 'Discriminator on images', kind: 'Discriminator', params: { hidden_sizes: [8, 8], negative_slope: 0.1 }, inputs: { in: ['N', 1, 3, 3] } },
];

/** Losses: the model's training loss against the lowered graph's loss, with random targets. */
const LOSS_ROWS: Row[] = [
  { name: 'CrossEntropyLoss', kind: 'CrossEntropyLoss', inputs: { input: ['N', 5] }, intHigh: 5 },
  { name: 'CrossEntropyLoss per step, label smoothing', kind: 'CrossEntropyLoss', params: { label_smoothing: 0.1 }, inputs: { input: ['N', 3, 5] }, intHigh: 5 },
  { name: 'MSELoss', kind: 'MSELoss', inputs: { input: ['N', 3, 2] } },
  { name: 'BCEWithLogitsLoss', kind: 'BCEWithLogitsLoss', inputs: { input: ['N', 4] } },
  { name: 'KLDivergenceLoss', kind: 'KLDivergenceLoss', params: { beta: 0.5 }, inputs: { mu: ['N', 3], logvar: ['N', 3] } },
  {
    name: 'KLDivergenceLoss on log σ',
    kind: 'KLDivergenceLoss',
    params: { parameterization: 'log_std' },
    inputs: { mu: ['N', 2, 3], logvar: ['N', 2, 3] },
  },
];

const node = (id: string, kind: string, params: Record<string, RawParamValue> = {}) => ({ id, kind, params, position: { x: 0, y: 0 } });
const edge = (from: string, to: string, toPort?: string, fromPort?: string) => ({
  id: `${from}-${to}-${toPort ?? ''}`,
  from: { node: from, ...(fromPort ? { port: fromPort } : {}) },
  to: { node: to, ...(toPort ? { port: toPort } : {}) },
});

/** Whole graphs: node ids that are not Python names, a Noise input, a used recurrent port, two outputs. */
const GRAPH_ROWS: Row[] = [
  {
    name: 'ids that are not Python names (conv-1, 2fc, train, a.b, class, head.fc, block)',
    kind: 'graph',
    inputs: {},
    doc: {
      format: 'layerloom.graph',
      version: 1,
      name: 'odd ids',
      nodes: [
        node('img', 'Input', { shape: [1, 6, 6] }),
        node('conv-1', 'Conv2d', { out_channels: 2, kernel_size: 3 }),
        node('train', 'BatchNorm2d'),
        node('class', 'ReLU'),
        node('a.b', 'Flatten'),
        node('2fc', 'Linear', { out_features: 3 }),
        node('seq', 'Input', { shape: [4, 3] }),
        node('lstm', 'LSTM', { hidden_size: 5 }),
        node('head.fc', 'Linear', { out_features: 2 }),
        node('block', 'ReLU'),
      ],
      edges: [
        edge('img', 'conv-1'),
        edge('conv-1', 'train'),
        edge('train', 'class'),
        edge('class', 'a.b'),
        edge('a.b', '2fc'),
        edge('seq', 'lstm'),
        edge('lstm', 'head.fc', undefined, 'last'),
        edge('head.fc', 'block'),
      ],
    },
  },
  {
    name: 'a generator from Noise',
    kind: 'graph',
    inputs: {},
    doc: {
      format: 'layerloom.graph',
      version: 1,
      name: 'generator',
      nodes: [node('z', 'Noise', { size: 4 }), node('g1', 'Linear', { out_features: 6 }), node('g2', 'Tanh')],
      edges: [edge('z', 'g1'), edge('g1', 'g2')],
    },
  },
  {
    name: 'a repeated block as an nn.ModuleList (Transformer encoder ×3)',
    kind: 'graph',
    inputs: {},
    intHigh: 11,
    doc: encoderDoc({ repeat: 3, vocab: 11 }),
  },
  {
    name: 'a block with a carried input and one fed to every copy',
    kind: 'graph',
    inputs: {},
    doc: {
      format: 'layerloom.graph',
      version: 2,
      name: 'carried',
      nodes: [
        node('x', 'Input', { shape: [6] }),
        node('s', 'Input', { shape: [6] }),
        {
          ...node('res', 'Block', { repeat: 2 }),
          label: 'residual mlp',
          body: {
            nodes: [blockNode('h', 'BlockInput'), blockNode('skip', 'BlockInput'), blockNode('sum', 'Add'), blockNode('fc', 'Linear', { out_features: 6 }), blockNode('y', 'BlockOutput')],
            edges: [blockEdge('a', 'h', 'sum:a'), blockEdge('b', 'skip', 'sum:b'), blockEdge('c', 'sum', 'fc'), blockEdge('d', 'fc', 'y')],
          },
        },
      ],
      edges: [edge('x', 'res', 'h'), edge('s', 'res', 'skip')],
    },
  },
  {
    name: 'nested blocks, kept inlined under their flat names',
    kind: 'graph',
    inputs: {},
    doc: {
      format: 'layerloom.graph',
      version: 2,
      name: 'nested',
      nodes: [
        node('x', 'Input', { shape: [4] }),
        {
          ...node('outer', 'Block', { repeat: 2 }),
          body: {
            nodes: [
              blockNode('i', 'BlockInput'),
              blockNode('inner', 'Block', { repeat: 2 }, {
                body: {
                  nodes: [blockNode('j', 'BlockInput'), blockNode('fc', 'Linear', { out_features: 4 }), blockNode('act', 'Tanh'), blockNode('k', 'BlockOutput')],
                  edges: [blockEdge('a', 'j', 'fc'), blockEdge('b', 'fc', 'act'), blockEdge('c', 'act', 'k')],
                },
              }),
              blockNode('o', 'BlockOutput'),
            ],
            edges: [blockEdge('a', 'i', 'inner'), blockEdge('b', 'inner', 'o')],
          },
        },
      ],
      edges: [edge('x', 'outer')],
    },
  },
];

const KINDS_COVERED = new Set([...ROWS, ...LOSS_ROWS].map((r) => r.kind));

/** Random values for every weight (running variances positive), so that no weight can be mapped wrongly unnoticed. */
function randomWeights(doc: GraphDoc, seed: number): Map<string, Float32Array> {
  const shaped = inferShapes(doc);
  const rng = new Rng(seed);
  const out = new Map<string, Float32Array>();
  for (const [name, init] of initWeights(shaped, seed)) {
    if (name.endsWith('num_batches_tracked')) continue;
    const lo = name.endsWith('running_var') ? 0.5 : -1;
    out.set(name, init.map(() => rng.uniform(lo, lo + 1.5 - (lo < 0 ? 0.5 : 0))));
  }
  return out;
}

interface Prepared {
  readonly row: Row;
  readonly ort: Record<string, Tensor>;
  readonly reference?: number;
  readonly error?: string;
}

const folder = mkdtempSync(join(tmpdir(), 'layerloom-pytorch-'));
const prepared: Prepared[] = [];
let results: { outputs: Record<string, { shape: number[]; data: number[] }>; loss: number | null; error: string | null }[] = [];

const asJson = (t: Tensor) => ({ shape: t.shape, dtype: t.dtype, data: Array.from(t.data as ArrayLike<number>) });

describe('generated PyTorch models match the ONNX export', () => {
  beforeAll(async () => {
    const cases: unknown[] = [];
    for (const [k, row] of [...ROWS, ...LOSS_ROWS, ...GRAPH_ROWS].entries()) {
      const isLoss = LOSS_ROWS.includes(row);
      const doc = row.doc ?? graphAround(row.kind, row.params ?? {}, row.inputs);
      const shaped = inferShapes(doc);
      const code = generatePytorch(doc, shaped);
      const weights = randomWeights(doc, k + 1);
      const ex = exportGraph(doc, { seed: k + 1, weights });
      if (!code.ok || !ex.ok) {
        prepared.push({ row, ort: {}, error: code.ok ? 'export failed' : code.problems.join('; ') });
        cases.push({ dir: folder, inputs: {}, target: null });
        continue;
      }
      const dir = join(folder, `case${k}`);
      mkdirSync(dir);
      for (const [name, text] of Object.entries(code.files)) writeFileSync(join(dir, name), text);
      writeFileSync(join(dir, 'weights.safetensors'), ex.safetensors);
      const feeds = randomFeeds(doc, 7 * (k + 1), row.intHigh ?? 5);
      for (const n of doc.nodes.filter((x) => x.kind === 'Noise')) {
        const size = n.params.size as number;
        feeds[n.id] = { shape: [2, size], dtype: 'float32', data: Float32Array.from({ length: 2 * size }, (_, i) => Math.sin(i + k)) };
      }
      let reference: number | undefined;
      let target: Tensor | undefined;
      if (isLoss) {
        const lowered = lowerLayers(shaped, { mode: 'eval', includeLosses: true });
        const input = shaped.info.get('L')!.inputs.input;
        const logits = (input?.shape ?? []).map((d) => (d === 'N' ? 2 : d)) as number[];
        const classes = row.kind === 'CrossEntropyLoss';
        const shape = classes ? logits.slice(0, -1) : logits;
        const size = shape.reduce((a, b) => a * b, 1);
        const rng = new Rng(k);
        target = !input
          ? undefined
          : classes
            ? { shape, dtype: 'int64', data: Float32Array.from({ length: size }, () => Math.floor(rng.uniform(0, row.intHigh ?? 5))) }
            : { shape, dtype: 'float32', data: Float32Array.from({ length: size }, () => (row.kind === 'BCEWithLogitsLoss' ? (rng.uniform(0, 1) > 0.5 ? 1 : 0) : rng.uniform(-1, 1))) };
        const params: Record<string, Tensor> = {};
        for (const p of lowered.ir.params) params[p.name] = { shape: [...p.spec.shape], dtype: 'float32', data: weights.get(p.name)! };
        const out = evaluateIr(lowered.ir, { ...feeds, ...(target ? { 'L.target': target } : {}) }, params);
        reference = out.L!.data[0]!;
      }
      // A loss-only graph has no inference model (its only output would be its input).
      prepared.push({ row, ort: isLoss ? {} : await runInOrt(ex.onnx, feeds), ...(reference !== undefined ? { reference } : {}) });
      cases.push({ dir, inputs: Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, asJson(t)])), target: target ? asJson(target) : null, loss: isLoss });
    }
    writeFileSync(join(folder, 'cases.json'), JSON.stringify({ cases }));
    const py = spawnSync(SYSTEM_PYTHON, [new URL('../../build/fixtures/pytorch_export_check.py', import.meta.url).pathname, folder], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    if (py.status !== 0) throw new Error(`the PyTorch check failed: ${py.stderr || py.error?.message}`);
    results = JSON.parse(readFileSync(join(folder, 'results.json'), 'utf8')).results;
  }, 300_000);

  it('has a PyTorch mapping for every layer kind, each checked here', () => {
    // OnnxOp keeps an imported ONNX node that matches no layer: it has no torch.nn equivalent by definition.
    const mapped = allLayers.filter((l) => l.kind !== 'OnnxOp');
    expect(mapped.filter((l) => !l.torch).map((l) => l.kind)).toEqual([]);
    expect(mapped.map((l) => l.kind).filter((k) => !KINDS_COVERED.has(k) && k !== 'Input' && k !== 'Noise')).toEqual([]);
  });

  it.each([...ROWS, ...GRAPH_ROWS].map((r) => [r.name, r] as const))('%s', (_, row) => {
    const k = prepared.findIndex((p) => p.row === row);
    const p = prepared[k]!;
    const r = results[k]!;
    expect(p.error).toBeUndefined();
    expect(r.error).toBeNull();
    expect(Object.keys(r.outputs).sort()).toEqual(Object.keys(p.ort).sort());
    for (const [name, expected] of Object.entries(p.ort)) {
      const got = r.outputs[name]!;
      expectClose({ shape: got.shape, dtype: expected.dtype, data: Float32Array.from(got.data) }, expected, 1e-4, `${row.name} ${name}`);
    }
  });

  it.each(LOSS_ROWS.map((r) => [r.name, r] as const))('%s: the training loss', (_, row) => {
    const k = prepared.findIndex((p) => p.row === row);
    expect(prepared[k]!.error).toBeUndefined();
    expect(results[k]!.error).toBeNull();
    expect(Math.abs(results[k]!.loss! - prepared[k]!.reference!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(prepared[k]!.reference!)));
  });
});
