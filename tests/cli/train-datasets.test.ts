/**
 * `layerloom train` on every built-in dataset and on every import format (CSV, image folder, text, .npz),
 * each through the CLI's main() in-process: the run exits 0, the loss is finite and falls, and --out gets
 * model.onnx. Broken data files are refused with one line, exit 2, and nothing written.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import type { GraphDoc, GraphNode, RawParamValue } from '../../graph-core';
import { builtinDatasets } from '../../runtime/data/registry';
import { chain, doc, edge, node } from '../helpers/graphs';
import { runInOrt } from '../helpers/op-check';

const work = mkdtempSync(join(tmpdir(), 'layerloom-train-data-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let counter = 0;
const fresh = (name: string) => join(work, `${name}-${counter++}`);

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    readText: async (p) => (await import('node:fs/promises')).readFile(p, 'utf8'),
    isTTY: false,
  };
  return { code: await main(argv, io), out, err };
}

function writeGraph(name: string, g: GraphDoc): string {
  const path = join(work, `${name}.json`);
  writeFileSync(path, JSON.stringify(g));
  return path;
}

interface StepLine {
  readonly type: 'step';
  readonly step: number;
  readonly loss: number;
}

/**
 * Trains `graph` through the CLI with --json and checks what every run must give: exit 0, no message, a
 * finite loss at every step that falls from the first steps to the last ones, and model.onnx in --out.
 * Returns the step losses, the mean losses of the first and the last quarter of the steps, and --out.
 */
async function trainOk(graph: string, dataset: string, flags: readonly string[]): Promise<{ losses: number[]; first: number; last: number; out: string }> {
  const out = fresh('out');
  const r = await run('train', graph, '--dataset', dataset, '--out', out, '--json', '--seed', '1', ...flags);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const events = r.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string });
  const steps = events.filter((e): e is StepLine => e.type === 'step');
  const losses = steps.map((s) => s.loss);
  expect(losses.length).toBeGreaterThanOrEqual(4);
  for (const l of losses) expect(Number.isFinite(l)).toBe(true);
  // The mean loss of the last quarter of the steps is at least 10% below that of the first quarter.
  const q = Math.max(1, Math.floor(losses.length / 4));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first = mean(losses.slice(0, q));
  const last = mean(losses.slice(-q));
  expect(last).toBeLessThan(first * 0.9);
  expect(events.filter((e) => e.type === 'epoch').length).toBeGreaterThanOrEqual(1);
  expect(readFileSync(join(out, 'model.onnx')).length).toBeGreaterThan(100);
  return { losses, first, last, out };
}

// ── graphs ──────────────────────────────────────────────────────────────────────────────────────────

/** 2-D points → MLP → C classes. */
const mlp2d = (classes: number) =>
  chain(
    node('x', 'Input', { shape: [2] }),
    node('fc1', 'Linear', { out_features: 32 }),
    node('a1', 'ReLU'),
    node('out', 'Linear', { out_features: classes }),
    node('loss', 'CrossEntropyLoss'),
  );

/** Token ids [T] → Embedding → LSTM → a class per position ([N, T, C] scores). */
const tokenLstmPerPosition = (vocab: number, classes: number, t: number, extra: Record<string, RawParamValue> = {}): GraphDoc =>
  chain(
    node('x', 'Input', { shape: [t], dtype: 'int64' }),
    node('emb', 'Embedding', { num_embeddings: vocab, embedding_dim: 16 }),
    node('rnn', 'LSTM', { hidden_size: 32, ...extra }),
    node('out', 'Linear', { out_features: classes }),
    node('loss', 'CrossEntropyLoss'),
  );

/** Token ids [T] → Embedding → Linear → ReLU → Linear per position ([N, T, C] scores). */
const tokenLinearPerPosition = (vocab: number, classes: number, t: number): GraphDoc =>
  chain(
    node('x', 'Input', { shape: [t], dtype: 'int64' }),
    node('emb', 'Embedding', { num_embeddings: vocab, embedding_dim: 16 }),
    node('fc', 'Linear', { out_features: 32 }),
    node('act', 'ReLU'),
    node('out', 'Linear', { out_features: classes }),
    node('loss', 'CrossEntropyLoss'),
  );

/** Token ids [T] → Embedding → recurrent layer → its last state → Linear → one class per sequence. */
function tokenSequenceClassifier(vocab: number, classes: number, t: number, rnn: 'LSTM' | 'GRU'): GraphDoc {
  const nodes: GraphNode[] = [
    node('x', 'Input', { shape: [t], dtype: 'int64' }),
    node('emb', 'Embedding', { num_embeddings: vocab, embedding_dim: 16 }),
    node('rnn', rnn, { hidden_size: 32 }),
    node('out', 'Linear', { out_features: classes }),
    node('loss', 'CrossEntropyLoss'),
  ];
  return doc(nodes, [edge('x', 'emb'), edge('emb', 'rnn'), edge('rnn.last', 'out'), edge('out', 'loss')]);
}

/** Encoder LSTM over src, decoder LSTM over tgt_in, attention of the decoder over the encoder, Linear per step. */
function seq2seqAttention(vocab: number, srcLen: number, tgtLen: number): GraphDoc {
  const nodes: GraphNode[] = [
    node('src', 'Input', { shape: [srcLen], dtype: 'int64' }),
    node('tgt_in', 'Input', { shape: [tgtLen], dtype: 'int64' }),
    node('src_emb', 'Embedding', { num_embeddings: vocab, embedding_dim: 16 }),
    node('tgt_emb', 'Embedding', { num_embeddings: vocab, embedding_dim: 16 }),
    node('enc', 'LSTM', { hidden_size: 32 }),
    node('dec', 'LSTM', { hidden_size: 32 }),
    node('att', 'Attention', { score: 'scaled_dot' }),
    node('cat', 'Concat', { dim: -1 }),
    node('out', 'Linear', { out_features: vocab }),
    node('loss', 'CrossEntropyLoss', { ignore_index: 0 }),
  ];
  return doc(nodes, [
    edge('src', 'src_emb'),
    edge('tgt_in', 'tgt_emb'),
    edge('src_emb', 'enc'),
    edge('tgt_emb', 'dec'),
    edge('dec.out', 'att.query'),
    edge('enc.out', 'att.keys'),
    edge('enc.out', 'att.values', 'enc->att.values'),
    edge('dec.out', 'cat', 'dec->cat'),
    edge('att.context', 'cat', 'att->cat'),
    edge('cat', 'out'),
    edge('out', 'loss'),
  ]);
}

interface BuiltinCase {
  readonly graph: GraphDoc;
  readonly flags: readonly string[];
  /** The mean loss of the last quarter of the steps must also be below this. */
  readonly lastBelow?: number;
}

const fast = ['--val-split', '0.05'];

/** One graph per built-in dataset, fitting its shapes and task. */
const BUILTIN_CASES: Record<string, BuiltinCase> = {
  spirals: { graph: mlp2d(3), flags: ['--steps', '40', '--lr', '0.01', ...fast] },
  xor: { graph: mlp2d(2), flags: ['--steps', '40', '--lr', '0.01', ...fast] },
  moons: { graph: mlp2d(2), flags: ['--steps', '40', '--lr', '0.01', ...fast] },
  circles: { graph: mlp2d(2), flags: ['--steps', '40', '--lr', '0.01', ...fast] },
  blobs: { graph: mlp2d(3), flags: ['--steps', '40', '--lr', '0.01', ...fast] },
  gaussians8: { graph: mlp2d(8), flags: ['--steps', '40', '--lr', '0.01', ...fast] },
  sine: {
    graph: chain(
      node('x', 'Input', { shape: [1] }),
      node('fc1', 'Linear', { out_features: 32 }),
      node('a1', 'Tanh'),
      node('out', 'Linear', { out_features: 1 }),
      node('loss', 'MSELoss'),
    ),
    flags: ['--steps', '40', '--lr', '0.01', ...fast],
  },
  timeseries: {
    graph: doc(
      [
        node('x', 'Input', { shape: [20, 1] }),
        node('rnn', 'LSTM', { hidden_size: 16 }),
        node('out', 'Linear', { out_features: 1 }),
        node('loss', 'MSELoss'),
      ],
      [edge('x', 'rnn'), edge('rnn.last', 'out'), edge('out', 'loss')],
    ),
    flags: ['--steps', '30', '--lr', '0.01', ...fast],
  },
  copy: { graph: tokenLstmPerPosition(10, 10, 8), flags: ['--steps', '30', '--lr', '0.01', ...fast] },
  // Every output position depends on another input position: an MLP over the whole flattened sequence.
  reverse: {
    graph: chain(
      node('x', 'Input', { shape: [8], dtype: 'int64' }),
      node('emb', 'Embedding', { num_embeddings: 10, embedding_dim: 8 }),
      node('flat', 'Flatten'),
      node('fc', 'Linear', { out_features: 80 }),
      node('per_step', 'Reshape', { shape: [8, 10] }),
      node('loss', 'CrossEntropyLoss'),
    ),
    flags: ['--steps', '30', '--lr', '0.02', ...fast],
  },
  sort: { graph: tokenLstmPerPosition(10, 10, 8, { bidirectional: true }), flags: ['--steps', '30', '--lr', '0.01', ...fast] },
  addition: { graph: tokenLinearPerPosition(13, 13, 8), flags: ['--steps', '30', '--lr', '0.01', ...fast] },
  // Parity is not learnt in a few steps, and a model that only calibrates stays at ln 2 = 0.693. A wide MLP
  // memorises the 800 training samples (val-split 0.8) instead, which takes the loss clearly below ln 2.
  parity: {
    graph: chain(
      node('x', 'Input', { shape: [16], dtype: 'int64' }),
      node('emb', 'Embedding', { num_embeddings: 2, embedding_dim: 4 }),
      node('flat', 'Flatten'),
      node('fc', 'Linear', { out_features: 256 }),
      node('act', 'ReLU'),
      node('out', 'Linear', { out_features: 2 }),
      node('loss', 'CrossEntropyLoss'),
    ),
    flags: ['--steps', '80', '--lr', '0.02', '--batch-size', '100', '--val-split', '0.8'],
    lastBelow: Math.LN2 - 0.04,
  },
  brackets: { graph: tokenSequenceClassifier(3, 2, 12, 'LSTM'), flags: ['--steps', '30', '--lr', '0.01', ...fast] },
  digits: {
    graph: chain(
      node('x', 'Input', { shape: [1, 28, 28] }),
      node('flat', 'Flatten'),
      node('out', 'Linear', { out_features: 10 }),
      node('loss', 'CrossEntropyLoss'),
    ),
    flags: ['--steps', '30', '--lr', '0.01', ...fast],
  },
  translation: { graph: seq2seqAttention(92, 11, 13), flags: ['--steps', '30', '--lr', '0.01', ...fast] },
  // Two losses, each reading the target of its own id (label: the moon, −100 on hidden target samples; domain).
  'rotated-moons': {
    graph: doc(
      [
        node('x', 'Input', { shape: [2] }),
        node('f1', 'Linear', { out_features: 16 }),
        node('r1', 'ReLU'),
        node('head', 'Linear', { out_features: 2 }),
        node('label', 'CrossEntropyLoss'),
        node('d1', 'Linear', { out_features: 1 }),
        node('domain', 'BCEWithLogitsLoss'),
      ],
      [edge('x', 'f1'), edge('f1', 'r1'), edge('r1', 'head'), edge('head', 'label.input'), edge('r1', 'd1'), edge('d1', 'domain.input')],
    ),
    flags: ['--steps', '40', '--lr', '0.02', '--val-split', '0.1'],
  },
  'reverse-seq2seq': { graph: seq2seqAttention(13, 12, 13), flags: ['--steps', '30', '--lr', '0.01', ...fast] },
  pos: { graph: tokenLstmPerPosition(74, 8, 12), flags: ['--steps', '30', '--lr', '0.01', ...fast] },
  sentiment: { graph: tokenSequenceClassifier(57, 2, 9, 'GRU'), flags: ['--steps', '60', '--lr', '0.02', ...fast] },
  'corpus-skipgram': {
    graph: chain(
      node('x', 'Input', { shape: [], dtype: 'int64' }),
      node('emb', 'Embedding', { num_embeddings: 166, embedding_dim: 16 }),
      node('out', 'Linear', { out_features: 166 }),
      node('loss', 'CrossEntropyLoss'),
    ),
    flags: ['--steps', '40', '--lr', '0.02', '--batch-size', '128', ...fast],
  },
  'corpus-chars': { graph: tokenLstmPerPosition(30, 30, 32), flags: ['--steps', '20', '--lr', '0.02', ...fast] },
  synthdigits: {
    graph: chain(
      node('x', 'Input', { shape: [1, 28, 28] }),
      node('flat', 'Flatten'),
      node('out', 'Linear', { out_features: 10 }),
      node('loss', 'CrossEntropyLoss'),
    ),
    flags: ['--steps', '30', '--lr', '0.01', ...fast],
  },
  'spam-features': {
    graph: chain(node('x', 'Input', { shape: [3] }), node('fc', 'Linear', { out_features: 8 }), node('a', 'Tanh'), node('out', 'Linear', { out_features: 2 }), node('loss', 'CrossEntropyLoss')),
    flags: ['--steps', '40', '--lr', '0.02', ...fast],
  },
  'xor-clusters': { graph: mlp2d(2), flags: ['--steps', '40', '--lr', '0.01', ...fast] },
  'noisy-sine': {
    graph: chain(node('x', 'Input', { shape: [1] }), node('fc1', 'Linear', { out_features: 32 }), node('a1', 'Tanh'), node('out', 'Linear', { out_features: 1 }), node('loss', 'MSELoss')),
    flags: ['--steps', '40', '--lr', '0.01', '--batch-size', '15'],
  },
  // A masked term follows from the visible ones: an MLP over the whole flattened sequence.
  progressions: {
    graph: chain(
      node('x', 'Input', { shape: [9], dtype: 'int64' }),
      node('emb', 'Embedding', { num_embeddings: 12, embedding_dim: 8 }),
      node('flat', 'Flatten'),
      node('fc', 'Linear', { out_features: 128 }),
      node('a', 'ReLU'),
      node('out', 'Linear', { out_features: 90 }),
      node('per_step', 'Reshape', { shape: [9, 10] }),
      node('loss', 'CrossEntropyLoss'),
    ),
    flags: ['--steps', '60', '--lr', '0.01', ...fast],
  },
  // The label is the first token: picking position 0 learns in a few steps (the LSTM template shows the memory task).
  'first-token': {
    graph: chain(
      node('x', 'Input', { shape: [30], dtype: 'int64' }),
      node('emb', 'Embedding', { num_embeddings: 8, embedding_dim: 8 }),
      node('first', 'SelectIndex', { dim: 1, index: 0 }),
      node('out', 'Linear', { out_features: 8 }),
      node('loss', 'CrossEntropyLoss'),
    ),
    flags: ['--steps', '30', '--lr', '0.05', ...fast],
  },
  // Each token is compared with every other one: single-head self-attention, then a per-token classifier.
  duplicates: {
    graph: doc(
      [
        node('x', 'Input', { shape: [8], dtype: 'int64' }),
        node('emb', 'Embedding', { num_embeddings: 10, embedding_dim: 16 }),
        node('q', 'Linear', { out_features: 16, bias: false }),
        node('k', 'Linear', { out_features: 16, bias: false }),
        node('v', 'Linear', { out_features: 16, bias: false }),
        node('attn', 'Attention'),
        node('cat', 'Concat', { dim: -1 }),
        node('out', 'Linear', { out_features: 2 }),
        node('loss', 'CrossEntropyLoss'),
      ],
      [
        edge('x', 'emb'),
        edge('emb', 'q'),
        edge('emb', 'k'),
        edge('emb', 'v'),
        edge('q', 'attn.query'),
        edge('k', 'attn.keys'),
        edge('v', 'attn.values'),
        edge('emb', 'cat'),
        edge('attn.context', 'cat'),
        edge('cat', 'out'),
        edge('out', 'loss'),
      ],
    ),
    flags: ['--steps', '150', '--lr', '0.02', ...fast],
  },
};

describe('layerloom train on every built-in dataset', () => {
  it('has a case for every dataset of the registry (and of layerloom data list)', async () => {
    const r = await run('data', 'list', '--json');
    expect(r.code).toBe(0);
    const listed = (JSON.parse(r.out) as { name: string }[]).map((d) => d.name).sort();
    expect(listed).toEqual(builtinDatasets.map((d) => d.info.name).sort());
    expect(Object.keys(BUILTIN_CASES).sort()).toEqual(listed);
  });

  it.each(Object.keys(BUILTIN_CASES))('trains on %s: exit 0, a finite, falling loss, and model.onnx', async (name) => {
    const c = BUILTIN_CASES[name]!;
    const graph = writeGraph(`builtin-${name}`, c.graph);
    const { last } = await trainOk(graph, name, c.flags);
    if (c.lastBelow !== undefined) expect(last).toBeLessThan(c.lastBelow);
  });
});

// ── import formats ──────────────────────────────────────────────────────────────────────────────────

/** A deterministic generator for the test files (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 300 rows: the species (a word) first, then two numeric measurements that separate the three species.
 * Returns the features and the class indices (species sorted by name, as the importer numbers them).
 */
function writeCsv(path: string): { x: Float32Array; y: number[] } {
  const r = rng(7);
  const centres: Record<string, [number, number]> = { setosa: [-1.5, 0], versicolor: [1.5, 1], virginica: [0, -1.5] };
  const names = Object.keys(centres);
  const lines = ['species,petal_length,petal_width'];
  const x = new Float32Array(300 * 2);
  const y: number[] = [];
  for (let i = 0; i < 300; i++) {
    const name = names[i % 3]!;
    const [cx, cy] = centres[name]!;
    const a = (cx + (r() - 0.5) * 1.2).toFixed(3);
    const b = (cy + (r() - 0.5) * 1.2).toFixed(3);
    lines.push(`${name},${a},${b}`);
    x[2 * i] = Number(a);
    x[2 * i + 1] = Number(b);
    y.push(i % 3);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { x, y };
}

/** An image folder with classes `left` and `top` (that half of the picture is bright): 12×12 8-bit PNGs with noise. */
function writeImageFolder(root: string, channels: 1 | 3): void {
  const r = rng(11);
  const size = 12;
  for (const cls of ['left', 'top']) {
    mkdirSync(join(root, cls), { recursive: true });
    for (let k = 0; k < 40; k++) {
      const data = new Uint8Array(size * size * channels);
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) {
          const on = (cls === 'left' ? x : y) < size / 2;
          const v = Math.max(0, Math.min(255, Math.round((on ? 190 : 60) + (r() - 0.5) * 100)));
          for (let c = 0; c < channels; c++) data[(y * size + x) * channels + c] = v;
        }
      writeFileSync(join(root, cls, `${String(k).padStart(3, '0')}.png`), encodePng({ width: size, height: size, data, channels, depth: 8 }));
    }
  }
}

const TEXT = (() => {
  const r = rng(3);
  const subjects = ['the cat', 'a dog', 'the bird', 'my friend', 'the teacher'];
  const verbs = ['sees', 'likes', 'finds', 'follows', 'draws'];
  const objects = ['the ball', 'a tree', 'the house', 'a book', 'the river'];
  const pick = (xs: string[]) => xs[Math.floor(r() * xs.length)]!;
  const sentences: string[] = [];
  for (let i = 0; i < 200; i++) sentences.push(`${pick(subjects)} ${pick(verbs)} ${pick(objects)}.`);
  return sentences.join(' ');
})();

/** A classifier over F float features. */
const featureClassifier = (features: number, classes: number) =>
  chain(
    node('x', 'Input', { shape: [features] }),
    node('fc1', 'Linear', { out_features: 32 }),
    node('a1', 'ReLU'),
    node('out', 'Linear', { out_features: classes }),
    node('loss', 'CrossEntropyLoss'),
  );

/** A language model that predicts the next token from the current one: Embedding → Linear per position. */
const nextTokenModel = (vocab: number, t: number) =>
  chain(
    node('x', 'Input', { shape: [t], dtype: 'int64' }),
    node('emb', 'Embedding', { num_embeddings: vocab, embedding_dim: 16 }),
    node('out', 'Linear', { out_features: vocab }),
    node('loss', 'CrossEntropyLoss'),
  );

const NPZ_SCRIPT = `
import sys
import numpy as np
rs = np.random.RandomState(5)
x = rs.randn(400, 4).astype(np.float32)
y = (x[:, 0] + x[:, 1] > 0).astype(np.int64) + 2 * (x[:, 2] > 0.5).astype(np.int64)
np.savez(sys.argv[1], x=x, y=y)
`;

describe('layerloom train on every import format', () => {
  it('CSV: numeric features and a text label column chosen with --label', async () => {
    const csv = join(work, 'iris-like.csv');
    const rows = writeCsv(csv);
    const graph = writeGraph('csv', featureClassifier(2, 3));
    const { last, out: trained } = await trainOk(graph, csv, ['--label', 'species', '--steps', '40', '--lr', '0.01', '--val-split', '0.1']);
    expect(last).toBeLessThan(0.3);
    // The model was trained on features standardised with the training rows' statistics, saved beside it;
    // with them, the exported model.onnx tells the species apart from the file's measurements.
    const norm = JSON.parse(readFileSync(join(trained, 'normalization.json'), 'utf8')) as { mean: number[]; std: number[] };
    expect(norm.mean).toHaveLength(2);
    const x = Float32Array.from(rows.x, (v, i) => (v - norm.mean[i % 2]!) / norm.std[i % 2]!);
    const scores = (await runInOrt(readFileSync(join(trained, 'model.onnx')), { x: { shape: [300, 2], dtype: 'float32', data: x } }))['out']!;
    let correct = 0;
    for (let i = 0; i < 300; i++) {
      const row = Array.from(scores.data.slice(i * 3, i * 3 + 3));
      if (row.indexOf(Math.max(...row)) === rows.y[i]) correct++;
    }
    expect(correct / 300).toBeGreaterThanOrEqual(0.9);
    // Without --label the last column (a measurement) is the target and the species becomes 3 one-hot
    // features: the graph no longer fits, so --label is what made the run above work.
    const out = fresh('no-label');
    const r = await run('train', graph, '--dataset', csv, '--steps', '2', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain("layerloom: Input x expects [2] float32; dataset 'iris-like.csv' gives [4] float32.\n");
    expect(r.err).toContain("layerloom: Input loss.target expects [] int64 class indices; dataset 'iris-like.csv' gives [1] float32.\n");
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    ['grayscale 8x8 through Conv2d', 'grayscale', 1, '8x8'],
    ['rgb 6x6 through Flatten and Linear', 'rgb', 3, '6x6'],
  ] as const)('an image folder of PNGs, %s', async (_n, color, channels, size) => {
    const folder = fresh('stripes');
    writeImageFolder(folder, channels);
    const [h, w] = size.split('x').map(Number) as [number, number];
    const graph =
      channels === 1
        ? chain(
            node('x', 'Input', { shape: [1, h, w] }),
            node('conv', 'Conv2d', { out_channels: 4, kernel_size: 3, padding: 1 }),
            node('act', 'ReLU'),
            node('flat', 'Flatten'),
            node('out', 'Linear', { out_features: 2 }),
            node('loss', 'CrossEntropyLoss'),
          )
        : chain(node('x', 'Input', { shape: [3, h, w] }), node('flat', 'Flatten'), node('out', 'Linear', { out_features: 2 }), node('loss', 'CrossEntropyLoss'));
    const g = writeGraph(`images-${color}`, graph);
    const { last } = await trainOk(g, folder, ['--image-size', size, '--color', color, '--steps', '30', '--lr', '0.01', '--batch-size', '16', '--val-split', '0.1']);
    expect(last).toBeLessThan(0.3);
    // The default size and colour (32x32 RGB) do not fit this graph: the flags are what made it fit.
    const out = fresh('no-size');
    const r = await run('train', g, '--dataset', folder, '--steps', '2', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^layerloom: Input x expects \\[${channels}, ${h}, ${w}\\] float32; dataset 'stripes-\\d+' gives \\[3, 32, 32\\] float32\\.\\n$`));
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    ['char', '16'],
    ['word', '8'],
  ] as const)('a text file as a language model, --tokenize %s --seq-len %s', async (mode, seqLen) => {
    const txt = join(work, `story-${mode}.txt`);
    writeFileSync(txt, TEXT);
    const tokens = mode === 'char' ? Array.from(TEXT) : (TEXT.toLowerCase().match(/[a-z]+|[^\s\w]/g) ?? []);
    const vocab = new Set(tokens).size + 2; // <pad> and <unk>
    const g = writeGraph(`text-${mode}`, nextTokenModel(vocab, Number(seqLen)));
    const { first, last } = await trainOk(g, txt, ['--tokenize', mode, '--seq-len', seqLen, '--steps', '30', '--lr', '0.02', '--batch-size', '16', '--val-split', '0.1']);
    expect(last).toBeLessThan(first * 0.7);
    // Without --seq-len the samples are 64 characters or 16 words long and no longer fit the graph.
    const out = fresh('no-seq-len');
    const r = await run('train', g, '--dataset', txt, '--tokenize', mode, '--steps', '2', '--out', out);
    expect(r.code).toBe(2);
    const given = mode === 'char' ? 64 : 16;
    expect(r.err).toBe(
      `layerloom: Input x expects [${seqLen}] int64; dataset 'story-${mode}.txt' gives [${given}] int64.\n` +
        `layerloom: Input loss.target expects [${seqLen}] int64 class indices; dataset 'story-${mode}.txt' gives [${given}] int64.\n`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('an .npz archive written by numpy, arrays x and y', async () => {
    const npz = join(work, 'features.npz');
    execFileSync('/usr/bin/python3', ['-c', NPZ_SCRIPT, npz]);
    const g = writeGraph('npz', featureClassifier(4, 4));
    const { last } = await trainOk(g, npz, ['--steps', '40', '--lr', '0.01', '--val-split', '0.1']);
    expect(last).toBeLessThan(0.6);
  });
});

describe('layerloom train refuses broken data files', () => {
  const BROKEN_NPZ = `
import sys
import numpy as np
np.savez(sys.argv[1], x=np.ones((100, 4), dtype=np.float32), y=np.zeros(100, dtype=np.int64))
with open(sys.argv[1], 'rb') as f:
    data = f.read()
with open(sys.argv[1], 'wb') as f:
    f.write(data[: len(data) // 2])
`;

  it.each([
    ['a missing file', () => join(work, 'no-such-data.csv'), /dataset ".*no-such-data\.csv" is neither a built-in dataset \(see layerloom data list\) nor a file or folder/],
    [
      'a truncated npz',
      () => {
        const p = join(work, 'truncated.npz');
        execFileSync('/usr/bin/python3', ['-c', BROKEN_NPZ, p]);
        return p;
      },
      /truncated\.npz: not a readable \.npz file \(the zip archive is truncated or damaged/,
    ],
    [
      'a ragged CSV',
      () => {
        const p = join(work, 'ragged.csv');
        writeFileSync(p, 'a,b,label\n1,2,x\n3,4,y\n5,z\n6,7,x\n');
        return p;
      },
      /ragged\.csv, line 4: expected 3 fields, found 2/,
    ],
  ] as const)('%s: one line, exit 2, nothing written to --out', async (_n, make, pattern) => {
    const data = make();
    const graph = writeGraph('broken', featureClassifier(2, 2));
    const out = fresh('never');
    const r = await run('train', graph, '--dataset', data, '--steps', '2', '--out', out, '--json');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(pattern);
    expect(r.err).toMatch(/^layerloom: [^\n]+\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    ['--image-size', '28', /--image-size must be HxW with whole numbers from 1 to 4096, e\.g\. 28x28, not "28"/],
    ['--image-size', '0x8', /--image-size must be HxW/],
    ['--color', 'gray', /--color must be grayscale or rgb, not "gray"/],
    ['--tokenize', 'bpe', /--tokenize must be char or word, not "bpe"/],
    ['--seq-len', '0', /--seq-len must be a whole number ≥ 1, not "0"/],
  ])('refuses %s %s with one line and exit 2', async (flag, value, pattern) => {
    const txt = join(work, 'flags.txt');
    writeFileSync(txt, TEXT);
    const out = fresh('never');
    const r = await run('train', writeGraph('flags', nextTokenModel(25, 16)), '--dataset', txt, flag, value, '--steps', '2', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
    expect(r.err).toMatch(/^layerloom: [^\n]+\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses data-file flags with a built-in dataset, and documents them in --help', async () => {
    const out = fresh('never');
    const r = await run('train', writeGraph('spirals', mlp2d(3)), '--dataset', 'spirals', '--label', 'y', '--seq-len', '4', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toBe("layerloom: --label, --seq-len are only for data files, not the built-in dataset 'spirals'\n");
    expect(existsSync(out)).toBe(false);
    const help = await run('train', '--help');
    expect(help.code).toBe(0);
    for (const flag of ['--label COLUMN', '--image-size HxW', '--color grayscale|rgb', '--tokenize char|word', '--seq-len N']) expect(help.out).toContain(flag);
  });
});
