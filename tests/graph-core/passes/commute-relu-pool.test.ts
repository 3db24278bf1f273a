/**
 * commuteReluMaxPool (graph-core/passes/commute-relu-pool.ts): ReLU → MaxPool rewritten to MaxPool → ReLU.
 * Checked against the same graph without the rewrite, both run in onnxruntime-node (and with the reference
 * kernels): the forward values and the gradients agree, on inputs full of ties, zeros and all-negative windows;
 * a LeNet-like train step gives the same loss, weights and Adam state, and its eval step the same loss and
 * accuracy. The LeNet-like one-step golden against PyTorch (tests/train/one-step-golden.test.ts) runs with it.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { autodiff, buildEvalStep, buildTrainStep, evaluateIr, initWeights, IrBuilder, lowerLayers, Rng, type GraphDoc, type IrGraph, type Tensor } from '../../../graph-core';
import { commuteReluMaxPool } from '../../../graph-core/passes/commute-relu-pool';
import { encodeModel } from '../../../exporters/onnx/encode';
import { irToOnnx } from '../../../exporters/onnx/from-ir';
import { doc, edge, node } from '../../helpers/graphs';
import { checkOnnx } from '../../helpers/onnx-checker';
import { randTensor, runInOrt } from '../../helpers/op-check';
import { shape } from '../../train/golden-helpers';

const X_SHAPE = [2, 3, 7, 6];

/** Values from {−1, −½, 0, ½, 1}: many equal maxima, windows whose maximum is 0 and windows with no positive value. */
function tiedInput(seed: number): Tensor {
  const rng = new Rng(seed);
  const n = X_SHAPE.reduce((a, d) => a * d, 1);
  return { shape: X_SHAPE, dtype: 'float32', data: Float32Array.from({ length: n }, () => (rng.int(5) - 2) / 2) };
}

interface Pool {
  readonly kernel_shape: number[];
  readonly strides: number[];
  readonly pads: number[];
  readonly dilations: number[];
  readonly ceil_mode: boolean;
}

/** y = MaxPool(ReLU(x)), loss = Σ y ⊙ r, and d loss / d x; rewritten with commuteReluMaxPool before the backward when asked. */
function poolGraph(pool: Pool, rewrite: boolean): { graph: IrGraph; moved: number } {
  const ir = new IrBuilder();
  const x = ir.input('x', { shape: X_SHAPE, dtype: 'float32' });
  const y = ir.maxPool(ir.relu(x), pool);
  const r = ir.input('r', y.type);
  const loss = ir.reduceSum(ir.mul(y, r), [0, 1, 2, 3], false);
  const moved = rewrite ? commuteReluMaxPool(ir) : 0;
  const dx = autodiff(ir, loss, [x]).get(x.id)!;
  ir.output('y', y);
  ir.output('dx', dx);
  return { graph: ir.build(), moved };
}

const bytesOf = (g: IrGraph) => encodeModel(irToOnnx(g, { name: 'step', weights: new Map(), paramsAsInputs: true }));

const POOLS: readonly [string, Pool][] = [
  ['2×2 tiling windows (LeNet)', { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1], ceil_mode: false }],
  ['3×3 stride 2 padding 1 (overlapping windows)', { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], ceil_mode: false }],
  ['2×2 ceil_mode (windows past the edge)', { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1], ceil_mode: true }],
  ['2×2 dilation 2 stride 1', { kernel_shape: [2, 2], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [2, 2], ceil_mode: false }],
];

describe('commuteReluMaxPool on ReLU → MaxPool', () => {
  for (const [label, pool] of POOLS) {
    it(`${label}: same values and input gradient, ties, zeros and negative windows included`, async () => {
      const before = poolGraph(pool, false);
      const after = poolGraph(pool, true);
      expect(after.moved).toBe(1);
      // The ReLU now runs on the pooled tensor, and the MaxPool reads the input itself.
      const relu = after.graph.nodes.find((n) => n.op === 'Relu')!;
      const mp = after.graph.nodes.find((n) => n.op === 'MaxPool')!;
      expect(mp.inputs).toEqual([after.graph.inputs[0]!.value]);
      expect(relu.inputs).toEqual(mp.outputs);
      expect(after.graph.nodes.length).toBe(before.graph.nodes.length);
      for (const seed of [1, 2, 3]) {
        const x = tiedInput(seed);
        const r = randTensor(before.graph.values[before.graph.inputs[1]!.value]!.type.shape as number[], seed + 10);
        const feeds = { x, r };
        const ref = evaluateIr(before.graph, feeds, {});
        const refAfter = evaluateIr(after.graph, feeds, {});
        const ortBefore = await runInOrt(bytesOf(before.graph), feeds);
        const ortAfter = await runInOrt(bytesOf(after.graph), feeds);
        // every gradient entry is 0 or a sum of the same few r values in both orders: equal to the bit (±0 aside)
        const same = (a: Tensor, b: Tensor, what: string) => {
          const bad = Array.from(a.data).findIndex((v, i) => v !== b.data[i]);
          expect(bad, `${what}: first difference at ${bad}: ${a.data[bad]} vs ${b.data[bad]}`).toBe(-1);
        };
        same(refAfter.y!, ref.y!, 'y, reference kernels');
        same(refAfter.dx!, ref.dx!, 'dx, reference kernels');
        same(ortAfter.y!, ortBefore.y!, 'y, onnxruntime');
        same(ortAfter.dx!, ortBefore.dx!, 'dx, onnxruntime');
        same(ortBefore.dx!, ref.dx!, 'dx, onnxruntime vs reference kernels');
        // the case is not trivial: some gradient passes, some is stopped by ReLU at windows whose maximum is ≤ 0
        expect(Array.from(ref.dx!.data).some((v) => v !== 0)).toBe(true);
        expect(Array.from(ref.y!.data).some((v) => v === 0)).toBe(true);
      }
    });
  }

  it('leaves a ReLU alone whose output is also a graph output', () => {
    const ir = new IrBuilder();
    const x = ir.input('x', { shape: X_SHAPE, dtype: 'float32' });
    const a = ir.relu(x);
    ir.output('a', a);
    ir.output('y', ir.maxPool(a, POOLS[0]![1]));
    const ops = ir.build().nodes.map((n) => n.op);
    expect(commuteReluMaxPool(ir)).toBe(0);
    expect(ir.build().nodes.map((n) => n.op)).toEqual(ops);
  });

  it('leaves a ReLU alone whose output feeds another layer besides the MaxPool (fan-out)', () => {
    const fanOut = shape(
      doc(
        [
          node('x', 'Input', { shape: [1, 8, 8] }),
          node('c1', 'Conv2d', { out_channels: 2, kernel_size: 3, padding: 1 }),
          node('a1', 'ReLU'),
          node('s2', 'MaxPool2d', { kernel_size: 2 }),
          node('flat', 'Flatten'),
          node('flat2', 'Flatten'),
          node('fc', 'Linear', { out_features: 3 }),
          node('fc2', 'Linear', { out_features: 3 }),
          node('y', 'Input', { shape: [], dtype: 'int64' }),
          node('loss', 'CrossEntropyLoss'),
          node('loss2', 'CrossEntropyLoss'),
        ],
        [
          edge('x', 'c1'),
          edge('c1', 'a1'),
          edge('a1', 's2'),
          edge('s2', 'flat'),
          edge('flat', 'fc'),
          edge('fc', 'loss.input'),
          edge('y', 'loss.target'),
          edge('a1', 'flat2'),
          edge('flat2', 'fc2'),
          edge('fc2', 'loss2.input'),
          edge('y', 'loss2.target'),
        ],
        'fan-out',
      ),
    );
    const ir = lowerLayers(fanOut, { mode: 'train', includeLosses: true, batch: 4 }).builder;
    const ops = ir.build().nodes.map((n) => `${n.op} ${n.inputs.join(',')}`);
    expect(commuteReluMaxPool(ir)).toBe(0);
    expect(ir.build().nodes.map((n) => `${n.op} ${n.inputs.join(',')}`)).toEqual(ops);
  });
});

const LENET_LIKE: GraphDoc = doc(
  [
    node('x', 'Input', { shape: [1, 12, 12] }),
    node('c1', 'Conv2d', { out_channels: 4, kernel_size: 3, padding: 1 }),
    node('a1', 'ReLU'),
    node('s2', 'MaxPool2d', { kernel_size: 2 }),
    node('c3', 'Conv2d', { out_channels: 16, kernel_size: 3 }),
    node('a3', 'ReLU'),
    node('s4', 'MaxPool2d', { kernel_size: 2 }),
    node('flat', 'Flatten'),
    node('fc', 'Linear', { out_features: 5 }),
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
);

describe('the train and eval steps of a LeNet-like graph, with and without the rewrite', () => {
  const shaped = shape(LENET_LIKE);
  const BATCH = 8;
  const init = initWeights(shaped, 7);
  const rng = new Rng(3);
  const xData = Float32Array.from({ length: BATCH * 144 }, () => rng.uniform(-1, 1));
  const yData = BigInt64Array.from({ length: BATCH }, () => BigInt(rng.int(5)));

  async function run(graph: IrGraph, extra: (name: string, type: IrGraph['values'][number]['type']) => ort.Tensor | undefined) {
    const session = await ort.InferenceSession.create(bytesOf(graph));
    try {
      const feeds: Record<string, ort.Tensor> = {};
      for (const i of [...graph.inputs, ...graph.params]) {
        const type = graph.values[i.value]!.type;
        const dims = type.shape.map((d) => (d === 'N' ? BATCH : (d as number)));
        const w = init.get(i.name);
        if (i.name === 'x') feeds.x = new ort.Tensor('float32', xData, dims);
        else if (i.name === 'loss.target' || i.name === 'y') feeds[i.name] = new ort.Tensor('int64', yData, dims);
        else if (w) feeds[i.name] = new ort.Tensor('float32', Float32Array.from(w), dims);
        else feeds[i.name] = extra(i.name, type) ?? new ort.Tensor('float32', new Float32Array(dims.reduce((a, d) => a * d, 1)), dims);
      }
      const out = await session.run(feeds);
      return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Array.from(v.data as Float32Array)]));
    } finally {
      await session.release();
    }
  }

  it('one Adam step: same loss, accuracy, weights and optimizer state; the ReLUs run on the pooled tensors', async () => {
    const cfg = { batch: BATCH, optimizer: { kind: 'Adam' } };
    const plain = buildTrainStep(shaped, { ...cfg, rewrite: false });
    const fast = buildTrainStep(shaped, cfg);
    const reluSizes = (g: IrGraph) =>
      g.nodes.filter((n) => n.op === 'Relu').map((n) => (g.values[n.outputs[0]!]!.type.shape as number[]).reduce((a, d) => a * d, 1));
    expect(reluSizes(plain.graph)).toEqual([BATCH * 4 * 144, BATCH * 16 * 16]);
    expect(reluSizes(fast.graph)).toEqual([BATCH * 4 * 36, BATCH * 16 * 4]);
    const stepFeeds = (name: string) => (name === 'lr' ? new ort.Tensor('float32', Float32Array.of(1e-3), []) : name === 't' ? new ort.Tensor('float32', Float32Array.of(1), []) : undefined);
    const a = await run(plain.graph, stepFeeds);
    const b = await run(fast.graph, stepFeeds);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    expect(Object.keys(a)).toContain('new:c1.weight');
    for (const k of Object.keys(a)) {
      const worst = a[k]!.reduce((m, v, i) => Math.max(m, Math.abs(v - b[k]![i]!) / Math.max(1e-3, Math.abs(v))), 0);
      expect(worst, k).toBeLessThanOrEqual(1e-6);
    }
    // the step moved c1's weights at all (a gradient reached the first convolution through both pools)
    const w0 = init.get('c1.weight')!;
    expect(a['new:c1.weight']!.some((v, i) => v !== w0[i])).toBe(true);
  });

  it('the rewritten train and eval steps pass the onnx checker (the ReLU outputs they no longer compute are not declared)', () => {
    checkOnnx(bytesOf(buildTrainStep(shaped, { batch: BATCH, optimizer: { kind: 'Adam' } }).graph));
    checkOnnx(bytesOf(buildEvalStep(shaped).graph));
  });

  it('eval step: same loss and accuracy', async () => {
    const a = await run(buildEvalStep(shaped, { rewrite: false }).graph, () => undefined);
    const b = await run(buildEvalStep(shaped).graph, () => undefined);
    expect(Object.keys(a).length).toBeGreaterThanOrEqual(2);
    for (const k of Object.keys(a)) expect(b[k], k).toEqual(a[k]);
  });
});
