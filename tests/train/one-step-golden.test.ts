/**
 * Golden tests of the generated train step: for every layer kind with weights, one SGD step (momentum 0.9,
 * weight decay 0.01) and one Adam step (torch defaults) of OUR train-step graph, run in onnxruntime-node, update
 * the weights, the BatchNorm running statistics and the optimizer state exactly as PyTorch 1.13 does on the same
 * modules, initial weights and batch (build/fixtures/train_step_reference.py, one python call for all cases).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { GraphDoc, GraphEdge, GraphNode, OptimizerChoice, RawParamValue } from '../../graph-core';
import { doc, edge, node } from '../helpers/graphs';
import {
  initialState,
  randomBatch,
  runOurSteps,
  shape,
  torchCase,
  torchSteps,
  worstError,
  type DataBatch,
  type TorchResult,
} from './golden-helpers';

interface Golden {
  readonly name: string;
  readonly doc: GraphDoc;
  readonly batch: number;
  /** Exclusive upper bounds of the int64 Inputs (ids, class labels). */
  readonly ints: Readonly<Record<string, number>>;
}

interface CaseOptions {
  /** The layer's output port that feeds the head (default: its only one). */
  readonly port?: string;
  /** Nodes after the layer, chained (Flatten, SelectIndex, …). */
  readonly then?: readonly GraphNode[];
  /** CrossEntropyLoss against int64 labels in [0, classes) instead of MSELoss against float targets. */
  readonly classes?: number;
  readonly batch?: number;
  readonly ints?: Readonly<Record<string, number>>;
}

/**
 * Input(s) → the layer (node `L`) → `then` → MSELoss whose target is a second Input `y` of the prediction's
 * shape (or CrossEntropyLoss with an int64 label Input `y`). Inputs are named `x` for a single `in` port, else
 * `x_<port>`; each is { shape of one sample, dtype }.
 */
function layerCase(
  name: string,
  kind: string,
  params: Record<string, RawParamValue>,
  inputs: Readonly<Record<string, readonly number[] | { shape: readonly number[]; dtype: 'int64' }>>,
  o: CaseOptions = {},
): Golden {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const single = Object.keys(inputs).length === 1 && 'in' in inputs;
  for (const [port, spec] of Object.entries(inputs)) {
    const id = single ? 'x' : `x_${port}`;
    const s = Array.isArray(spec) ? { shape: spec as readonly number[], dtype: 'float32' } : (spec as { shape: readonly number[]; dtype: string });
    nodes.push(node(id, 'Input', { shape: [...s.shape], dtype: s.dtype }));
    edges.push(edge(id, `L.${port}`));
  }
  nodes.push(node('L', kind, params));
  let head = o.port ? `L.${o.port}` : 'L';
  for (const n of o.then ?? []) {
    nodes.push(n);
    edges.push(edge(head, n.id));
    head = n.id;
  }
  const partial = shape(doc(nodes, edges, name));
  const headNode = head.split('.')[0]!;
  const outs = partial.info.get(headNode)!.outputs;
  const predicted = (o.port && headNode === 'L' ? outs[o.port] : Object.values(outs)[0])!.shape.slice(1) as number[];
  const ints = { ...o.ints };
  if (o.classes !== undefined) {
    nodes.push(node('y', 'Input', { shape: predicted.slice(0, -1), dtype: 'int64' }), node('loss', 'CrossEntropyLoss'));
    ints.y = o.classes;
  } else nodes.push(node('y', 'Input', { shape: predicted }), node('loss', 'MSELoss'));
  edges.push(edge(head, 'loss.input'), edge('y', 'loss.target'));
  return { name, doc: doc(nodes, edges, name), batch: o.batch ?? 3, ints };
}

const flatten = () => node('flat', 'Flatten');

const CASES: readonly Golden[] = [
  layerCase('Linear', 'Linear', { out_features: 3 }, { in: [4] }),
  layerCase('Linear on [N, T, F], no bias', 'Linear', { out_features: 2, bias: false }, { in: [3, 4] }),
  layerCase('Linear → CrossEntropyLoss', 'Linear', { out_features: 4 }, { in: [5] }, { classes: 4, batch: 6 }),
  layerCase('Conv1d', 'Conv1d', { out_channels: 3, kernel_size: 3, stride: 2, padding: 1 }, { in: [2, 7] }, { then: [flatten()] }),
  layerCase('Conv2d', 'Conv2d', { out_channels: 3, kernel_size: 3, padding: 1 }, { in: [2, 5, 5] }, { then: [flatten()] }),
  layerCase('Conv2d strided, dilated, grouped', 'Conv2d', { out_channels: 4, kernel_size: 2, stride: 2, dilation: 2, groups: 2 }, { in: [2, 6, 6] }, { then: [flatten()] }),
  layerCase('ConvTranspose2d', 'ConvTranspose2d', { out_channels: 2, kernel_size: 3, stride: 2, padding: 1, output_padding: 1 }, { in: [3, 3, 3] }, { then: [flatten()] }),
  layerCase('BatchNorm1d on [N, C]', 'BatchNorm1d', {}, { in: [4] }, { batch: 5 }),
  layerCase('BatchNorm1d on [N, C, L]', 'BatchNorm1d', { momentum: 0.3 }, { in: [3, 4] }, { then: [flatten()] }),
  layerCase('BatchNorm2d', 'BatchNorm2d', {}, { in: [3, 4, 4] }, { then: [flatten()] }),
  layerCase('LayerNorm', 'LayerNorm', {}, { in: [3, 5] }, { then: [flatten()] }),
  layerCase('LayerNorm over two dims', 'LayerNorm', { normalized_dims: 2 }, { in: [3, 5] }, { then: [flatten()] }),
  layerCase('Embedding', 'Embedding', { num_embeddings: 7, embedding_dim: 4 }, { in: { shape: [5], dtype: 'int64' } }, { then: [flatten()], ints: { x: 7 } }),
  layerCase('Embedding with padding_idx', 'Embedding', { num_embeddings: 6, embedding_dim: 3, padding_idx: 1 }, { in: { shape: [8], dtype: 'int64' } }, {
    then: [flatten()],
    ints: { x: 6 },
  }),
  layerCase('PositionalEncoding (learned)', 'PositionalEncoding', { encoding: 'learned', max_len: 6 }, { in: [4, 3] }, { then: [flatten()] }),
  layerCase('RNN', 'RNN', { hidden_size: 5 }, { in: [4, 3] }, { then: [flatten()] }),
  layerCase('RNN relu, last', 'RNN', { hidden_size: 4, nonlinearity: 'relu' }, { in: [3, 3] }, { port: 'last' }),
  layerCase('LSTM', 'LSTM', { hidden_size: 4 }, { in: [4, 3] }, { then: [flatten()] }),
  layerCase('LSTM, 2 layers, bidirectional', 'LSTM', { hidden_size: 3, num_layers: 2, bidirectional: true }, { in: [4, 3] }, { then: [flatten()] }),
  layerCase('LSTM c_n', 'LSTM', { hidden_size: 3, num_layers: 2 }, { in: [3, 2] }, { port: 'c_n', then: [flatten()] }),
  layerCase('GRU', 'GRU', { hidden_size: 4 }, { in: [4, 3] }, { then: [node('sel', 'SelectIndex', { dim: 1, index: -1 })] }),
  layerCase('GRU, 2 layers, bidirectional', 'GRU', { hidden_size: 3, num_layers: 2, bidirectional: true }, { in: [4, 3] }, { port: 'last' }),
  // A lookup in a table smaller than the batch's positions: the recurrent layer projects the table (recurrent.ts).
  layerCase('Embedding → LSTM (table projected)', 'Embedding', { num_embeddings: 5, embedding_dim: 3 }, { in: { shape: [6], dtype: 'int64' } }, {
    then: [node('rnn', 'LSTM', { hidden_size: 4 }), node('sel', 'SelectIndex', { dim: 1, index: -1 })],
    ints: { x: 5 },
  }),
  layerCase('Embedding → GRU, bidirectional (table projected)', 'Embedding', { num_embeddings: 4, embedding_dim: 2 }, { in: { shape: [5], dtype: 'int64' } }, {
    then: [node('rnn', 'GRU', { hidden_size: 3, bidirectional: true }), flatten()],
    ints: { x: 4 },
  }),
  layerCase('Attention, general score', 'Attention', { score: 'general' }, { query: [3, 4], keys: [5, 6], values: [5, 2] }, { port: 'context', then: [flatten()] }),
  layerCase('Attention, additive score', 'Attention', { score: 'additive', attn_dim: 3 }, { query: [3, 4], keys: [5, 6], values: [5, 2] }, {
    port: 'context',
    then: [flatten()],
  }),
  layerCase('MultiheadAttention, self', 'MultiheadAttention', { num_heads: 2 }, { query: [4, 6] }, { port: 'out', then: [flatten()] }),
  layerCase('MultiheadAttention, cross-attention with kdim/vdim', 'MultiheadAttention', { num_heads: 2 }, { query: [3, 4], key: [5, 6], value: [5, 2] }, {
    port: 'out',
    then: [flatten()],
  }),
  layerCase('MultiheadAttention, causal', 'MultiheadAttention', { num_heads: 3, causal: true }, { query: [4, 6] }, { port: 'out', then: [flatten()] }),
  layerCase('ResidualLayerNorm', 'ResidualLayerNorm', {}, { in: [4, 5], sublayer: [4, 5] }, { then: [flatten()] }),
  layerCase('TransformerEncoderLayer', 'TransformerEncoderLayer', { nhead: 2, dim_feedforward: 16, dropout: 0 }, { in: [4, 8] }, { then: [flatten()] }),
  layerCase('TransformerEncoderLayer, pre-norm, gelu, causal', 'TransformerEncoderLayer', {
    nhead: 2,
    dim_feedforward: 8,
    dropout: 0,
    norm_first: true,
    activation: 'gelu',
    causal: true,
  }, { in: [4, 6] }, { then: [flatten()] }),
  layerCase('TransformerDecoderLayer', 'TransformerDecoderLayer', { nhead: 2, dim_feedforward: 16, dropout: 0 }, { in: [4, 8], memory: [3, 8] }, { then: [flatten()] }),
  layerCase('PatchEmbedding', 'PatchEmbedding', { patch_size: 2, embed_dim: 5 }, { in: [2, 4, 4] }, { then: [flatten()] }),
  layerCase('ClassToken', 'ClassToken', {}, { in: [3, 4] }, { then: [flatten()] }),
  layerCase('Discriminator', 'Discriminator', { hidden_sizes: [5, 4] }, { in: [2, 3, 3] }),
  {
    name: 'Conv2d → BatchNorm2d → ReLU → Flatten → Linear → CrossEntropyLoss',
    doc: doc(
      [
        node('x', 'Input', { shape: [2, 5, 5] }),
        node('conv', 'Conv2d', { out_channels: 3, kernel_size: 3 }),
        node('bn', 'BatchNorm2d'),
        node('act', 'ReLU'),
        node('flat', 'Flatten'),
        node('fc', 'Linear', { out_features: 3 }),
        node('y', 'Input', { shape: [], dtype: 'int64' }),
        node('loss', 'CrossEntropyLoss'),
      ],
      [edge('x', 'conv'), edge('conv', 'bn'), edge('bn', 'act'), edge('act', 'flat'), edge('flat', 'fc'), edge('fc', 'loss.input'), edge('y', 'loss.target')],
      'conv-bn',
    ),
    batch: 4,
    ints: { y: 3 },
  },
  {
    // LeNet's shape: tiling 2×2 max pools (their short gradient path), the second over 16 channels.
    name: 'Conv2d → ReLU → MaxPool2d → Conv2d → ReLU → MaxPool2d → Flatten → Linear → CrossEntropyLoss',
    doc: doc(
      [
        node('x', 'Input', { shape: [1, 8, 8] }),
        node('c1', 'Conv2d', { out_channels: 4, kernel_size: 3, padding: 1 }),
        node('a1', 'ReLU'),
        node('s2', 'MaxPool2d', { kernel_size: 2 }),
        node('c3', 'Conv2d', { out_channels: 16, kernel_size: 3, padding: 1 }),
        node('a3', 'ReLU'),
        node('s4', 'MaxPool2d', { kernel_size: 2 }),
        node('flat', 'Flatten'),
        node('fc', 'Linear', { out_features: 3 }),
        node('y', 'Input', { shape: [], dtype: 'int64' }),
        node('loss', 'CrossEntropyLoss'),
      ],
      [
        edge('x', 'c1'),
        edge('c1', 'a1'),
        edge('a1', 's2'),
        edge('s2', 'c3'),
        edge('c3', 'a3'),
        edge('a3', 's4'),
        edge('s4', 'flat'),
        edge('flat', 'fc'),
        edge('fc', 'loss.input'),
        edge('y', 'loss.target'),
      ],
      'lenet-like',
    ),
    batch: 4,
    ints: { y: 3 },
  },
];

interface OptimizerCase {
  readonly label: string;
  readonly choice: OptimizerChoice;
  readonly lr: number;
  /** Our gradient of one weight, recovered from its optimizer state after the first step (and its initial value). */
  readonly gradient: (slot: (name: string) => Float32Array, w0: Float32Array) => Float64Array;
  /** The first step's change of a weight entry as a function of its gradient. */
  readonly firstStep: (g: number) => number;
}

const WEIGHT_DECAY = 0.01;
const ADAM_EPS = 1e-8;
const OPTIMIZERS: readonly OptimizerCase[] = [
  {
    label: 'SGD (momentum 0.9, weight decay 0.01)',
    choice: { kind: 'SGD', params: { momentum: 0.9, weight_decay: WEIGHT_DECAY } },
    lr: 0.1,
    // the first momentum buffer is the decayed gradient g + λ·w
    gradient: (slot, w0) => Float64Array.from(slot('momentum_buffer'), (b, i) => b - WEIGHT_DECAY * w0[i]!),
    firstStep: (g) => -0.1 * g,
  },
  {
    label: 'Adam',
    choice: { kind: 'Adam' },
    lr: 1e-3,
    // m₁ = (1 − β₁)·g
    gradient: (slot) => Float64Array.from(slot('exp_avg'), (m) => m / 0.1),
    // m̂₁ / (√v̂₁ + ε) = g / (|g| + ε): a sign step, whose size on gradients near 0 depends on the rounding noise in them
    firstStep: (g) => (-1e-3 * g) / (Math.abs(g) + ADAM_EPS),
  },
];

const TOL = 1e-5;
const SEED = 3;

interface Prepared {
  readonly golden: Golden;
  readonly opt: (typeof OPTIMIZERS)[number];
  readonly shaped: ReturnType<typeof shape>;
  readonly init: Map<string, Float32Array>;
  readonly batch: DataBatch;
}

const prepared: Prepared[] = [];
for (const golden of CASES) {
  for (const opt of OPTIMIZERS) {
    const shaped = shape(golden.doc);
    prepared.push({ golden, opt, shaped, init: initialState(shaped, SEED), batch: randomBatch(shaped, golden.batch, SEED + 1, golden.ints) });
  }
}

let torch: TorchResult[] = [];
beforeAll(() => {
  torch = torchSteps(prepared.map((p) => torchCase(`${p.golden.name} / ${p.opt.label}`, p.shaped, p.init, p.opt.choice, p.opt.lr, [p.batch])));
}, 300_000);

/**
 * A known mismatch: torch's nn.Embedding gives the padding_idx row no gradient (only weight decay moves it). Our
 * Embedding lowering is a plain Gather, so that row is trained like any other, and the IR has no stop-gradient op
 * for a lowering to block it with. The case checks every other entry, and the padding row's gradient separately as
 * an expected failure, which shows up here once it is fixed.
 */
const PADDING_CASE = 'Embedding with padding_idx';
const PADDING_IDX = 1;
const PADDING_DIM = 3;
const paddingRow = (name: string, i: number) => name === 'L.weight' && Math.floor(i / PADDING_DIM) === PADDING_IDX;

/** Runs our step on prepared case k and compares everything with torch's result, except the entries `skip` names. */
async function expectStepMatches(k: number, skip: (name: string, i: number) => boolean = () => false): Promise<void> {
  const p = prepared[k]!;
  const ref = torch[k]!;
  const ours = await runOurSteps(p.shaped, p.init, p.opt.choice, p.opt.lr, [p.batch]);

  expect(Math.abs(ours.losses[0]! - ref.losses[0]!), `loss ${ours.losses[0]} vs torch ${ref.losses[0]}`).toBeLessThanOrEqual(TOL * Math.max(1, Math.abs(ref.losses[0]!)));

  // The step updates exactly the parameters torch computes a gradient for, and the buffers torch changes.
  const buffers = Object.keys(ref.state).filter((n) => !(n in ref.grads) && !n.endsWith('num_batches_tracked'));
  const changedBuffers = buffers.filter((n) => ref.state[n]!.some((v, i) => v !== p.init.get(n)![i]));
  expect([...ours.updated].sort()).toEqual([...Object.keys(ref.grads), ...changedBuffers].sort());
  expect(Object.keys(ref.grads).length).toBeGreaterThan(0);

  // Our gradients (from the optimizer state) are torch's .grad.
  const ourGrads = new Map<string, Float64Array>();
  for (const [name, expected] of Object.entries(ref.grads)) {
    const g = p.opt.gradient((slot) => ours.optState.get(`${name}:${slot}`)!, p.init.get(name)!);
    ourGrads.set(name, g);
    const { err, at } = worstError(g, expected, (i) => (skip(name, i) ? Infinity : 0));
    expect(err, `gradient of ${name}[${at}]: ${g[at]} vs torch ${expected[at]}`).toBeLessThanOrEqual(TOL);
  }

  // Every parameter and buffer after the step (num_batches_tracked is torch's batch counter, not in the step).
  // Where a gradient is ≈ 0 (a bias before a normalisation, attention's key bias) Adam's first step is the sign of
  // rounding noise; the allowance there is what the gradients' (checked) difference changes the step by.
  for (const [name, expected] of Object.entries(ref.state)) {
    if (name.endsWith('num_batches_tracked')) continue;
    const actual = ours.state.get(name);
    expect(actual, `${name} is missing`).toBeDefined();
    const g = ourGrads.get(name);
    const t = ref.grads[name];
    const slack = (i: number) => (skip(name, i) ? Infinity : g && t ? Math.abs(p.opt.firstStep(g[i]!) - p.opt.firstStep(t[i]!)) : 0);
    const { err, at } = worstError(actual!, expected, slack);
    expect(err, `${name}[${at}]: ${actual![at]} vs torch ${expected[at]} (initial ${p.init.get(name)![at]})`).toBeLessThanOrEqual(TOL);
  }

  // The optimizer state: SGD's momentum buffer, Adam's first and second moments.
  const slots = Object.entries(ref.opt_state).flatMap(([w, s]) => Object.entries(s).map(([slot, v]) => [`${w}:${slot}`, v] as const));
  expect([...ours.optState.keys()].sort()).toEqual(slots.map(([n]) => n).sort());
  for (const [name, expected] of slots) {
    const weight = name.slice(0, name.lastIndexOf(':'));
    const { err, at } = worstError(ours.optState.get(name)!, expected, (i) => (skip(weight, i) ? Infinity : 0));
    expect(err, `${name}[${at}]: ${ours.optState.get(name)![at]} vs torch ${expected[at]}`).toBeLessThanOrEqual(TOL);
  }
}

describe('one train step matches PyTorch', () => {
  const cases = prepared.map((p, k) => [`${p.golden.name}, ${p.opt.label}`, k] as const);
  it.each(cases)('%s', (_label, k) => expectStepMatches(k, prepared[k]!.golden.name === PADDING_CASE ? paddingRow : undefined));

  const padding = cases.filter(([, k]) => prepared[k]!.golden.name === PADDING_CASE);
  expect(padding).toHaveLength(OPTIMIZERS.length);
  for (const [name, k] of padding)
    it(`${name}: the padding row gets no gradient, as in torch`, async () => {
      const p = prepared[k]!;
      const ours = await runOurSteps(p.shaped, p.init, p.opt.choice, p.opt.lr, [p.batch]);
      const g = p.opt.gradient((slot) => ours.optState.get(`L.weight:${slot}`)!, p.init.get('L.weight')!);
      const expected = torch[k]!.grads['L.weight']!;
      const row = (a: ArrayLike<number>) => Array.from(a).slice(PADDING_IDX * PADDING_DIM, (PADDING_IDX + 1) * PADDING_DIM);
      expect(row(expected)).toEqual([0, 0, 0]);
      expect(worstError(row(g), row(expected)).err).toBeLessThanOrEqual(TOL);
    });
});
