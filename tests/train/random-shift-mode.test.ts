/**
 * RandomShift: the shift matrices the runtime feeds, the shifted images against PyTorch (zero-padded crops),
 * their gradient, and augmentation in a Trainer run.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildEvalStep, buildTrainStep, inferShapes, Rng, tensors, type GraphDoc } from '../../graph-core';
import { encodeModel } from '../../exporters/onnx/encode';
import { irToOnnx } from '../../exporters/onnx/from-ir';
import type { Dataset } from '../../runtime/data/dataset';
import { nodeBackend } from '../../runtime/train/backend-node';
import { fillShiftMatrices } from '../../runtime/train/feeds';
import { Trainer } from '../../runtime/train/trainer';
import { chain, doc, edge, node } from '../helpers/graphs';
import { randTensor } from '../helpers/op-check';
import { expectAllClose, runGradients, torchModes, weightsOf } from './mode-helpers';

describe('RandomShift', () => {
  it('draws every shift in −s…s, one matrix per sample with a single 1 per kept row', () => {
    const type = { shape: [200, 1, 6, 6], dtype: 'float32' } as const;
    const m = new Float32Array(200 * 36);
    const shifts = fillShiftMatrices(m, type, { kind: 'shift', maxShift: 2, transposed: false }, new Rng(4));
    expect(new Set(shifts)).toEqual(new Set([-2, -1, 0, 1, 2]));
    for (let n = 0; n < 200; n++) {
      const ones = m.subarray(n * 36, (n + 1) * 36).reduce((a, v) => a + v, 0);
      expect(ones).toBe(6 - Math.abs(shifts[n]!));
    }
  });

  it.each([
    ['zeros', 'a zero-padded crop'],
    ['circular', 'torch.roll'],
  ] as const)('padding_mode %s shifts each image like %s in PyTorch, and passes the gradient back through the shift', async (mode, _reference) => {
    const B = 4;
    const s = 2;
    const shaped = inferShapes(
      doc(
        [
          node('x', 'Input', { shape: [2, 5, 6] }),
          node('aug', 'RandomShift', { max_shift: s, padding_mode: mode }),
          node('flat', 'Flatten'),
          node('fc', 'Linear', { out_features: 3 }),
          node('loss', 'MSELoss'),
        ],
        [edge('x', 'aug'), edge('aug', 'flat'), edge('flat', 'fc'), edge('fc', 'loss.input')],
      ),
    );
    const p = buildTrainStep(shaped, { batch: B, optimizer: { kind: 'SGD' } });
    expect(p.feeds.map((f) => f.name)).toEqual(['aug.rows', 'aug.cols']);
    const rng = new Rng(9);
    const rows = new Float32Array(B * 25);
    const cols = new Float32Array(B * 36);
    const dy = fillShiftMatrices(rows, { shape: [B, 1, 5, 5], dtype: 'float32' }, { kind: 'shift', maxShift: s, transposed: false, circular: mode === 'circular' }, rng);
    const dx = fillShiftMatrices(cols, { shape: [B, 1, 6, 6], dtype: 'float32' }, { kind: 'shift', maxShift: s, transposed: true, circular: mode === 'circular' }, rng);
    const x = randTensor([B, 2, 5, 6], 3);
    const target = randTensor([B, 3], 5);
    const weights = weightsOf(shaped, 2);
    const ours = await runGradients(
      shaped,
      B,
      { x, 'loss.target': target, 'aug.rows': tensors.fromArray([B, 1, 5, 5], rows), 'aug.cols': tensors.fromArray([B, 1, 6, 6], cols) },
      weights,
      ['aug'],
    );
    const [ref] = torchModes([
      { kind: 'shift', tensors: { x, dy: tensors.fromArray([B], dy, 'int64'), dx: tensors.fromArray([B], dx, 'int64') }, params: { max_shift: s, padding_mode: mode } },
    ]);
    expectAllClose(ours.outputs.get('aug')!, ref!.outputs.y!, 0, 'shifted images');
    // The gradient reaches the layer after the shift (the train step differentiates through both MatMuls).
    expect(ours.grads.get('fc.weight')!.some((v) => v !== 0)).toBe(true);
  });

  it('trained on centred patterns only, a CNN with RandomShift recognises shifted ones far better', { timeout: 120_000 }, async () => {
    // 12×12 images of three 4×4 strokes (─, │, ╲): centred for training, moved by up to ±3 px for testing.
    const strokes = [
      (i: number, _j: number) => i === 1 || i === 2,
      (_i: number, j: number) => j === 1 || j === 2,
      (i: number, j: number) => i === j,
    ];
    const images = (n: number, maxShift: number, seed: number): Dataset => {
      const rng = new Rng(seed);
      const x = new Float32Array(n * 144);
      const y = new Int32Array(n);
      for (let k = 0; k < n; k++) {
        y[k] = k % 3;
        const dy = maxShift ? rng.int(2 * maxShift + 1) - maxShift : 0;
        const dx = maxShift ? rng.int(2 * maxShift + 1) - maxShift : 0;
        for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (strokes[y[k]!]!(i, j)) x[k * 144 + (4 + i + dy) * 12 + 4 + j + dx] = 1;
        for (let p = 0; p < 144; p++) x[k * 144 + p] = x[k * 144 + p]! + 0.1 * rng.normal();
      }
      return {
        info: { name: 'strokes', title: '', description: '', origin: 'test', task: 'classification', defaultSplit: { val: 0, test: 0 } },
        size: n,
        inputs: { x: { shape: [1, 12, 12], dtype: 'float32' } },
        targets: { y: { shape: [], dtype: 'int64' } },
        arrays: { x, y },
      };
    };
    const net = (augment: boolean): GraphDoc =>
      chain(
        node('x', 'Input', { shape: [1, 12, 12] }),
        ...(augment ? [node('aug', 'RandomShift', { max_shift: 3 })] : []),
        node('conv', 'Conv2d', { out_channels: 8, kernel_size: 3, padding: 1 }),
        node('act', 'ReLU'),
        node('flat', 'Flatten'),
        node('fc', 'Linear', { out_features: 3 }),
        node('ce', 'CrossEntropyLoss'),
      );
    const shiftedTest = images(300, 3, 2);
    const accuracy = async (g: GraphDoc, weights: ReadonlyMap<string, Float32Array>) => {
      const p = buildEvalStep(inferShapes(g));
      const session = await ort.InferenceSession.create(encodeModel(irToOnnx(p.graph, { name: 'eval', weights: new Map(), paramsAsInputs: true })));
      const feeds: Record<string, ort.Tensor> = {
        x: new ort.Tensor('float32', shiftedTest.arrays.x as Float32Array, [300, 1, 12, 12]),
        'ce.target': new ort.Tensor('int64', BigInt64Array.from(shiftedTest.arrays.y!, (v) => BigInt(v)), [300]),
      };
      for (const w of p.graph.params) feeds[w.name] = new ort.Tensor('float32', Float32Array.from(weights.get(w.name)!), p.graph.values[w.value]!.type.shape as number[]);
      const out = await session.run(feeds);
      await session.release();
      return (out['metric:ce.accuracy']!.data as Float32Array)[0]!;
    };
    const cfg = { batchSize: 32, optimizer: { kind: 'Adam' }, lr: 0.01, seed: 1, epochs: 8, valSplit: 0 } as const;
    const train = images(600, 0, 1);
    const plain = await new Trainer(inferShapes(net(false)), train, nodeBackend('native'), cfg).run();
    const augmented = await new Trainer(inferShapes(net(true)), train, nodeBackend('native'), cfg).run();
    const plainAcc = await accuracy(net(false), plain.weights);
    const augAcc = await accuracy(net(true), augmented.weights);
    // Without augmentation the fully connected head only knows the centre: about chance (1/3) on shifted strokes.
    expect(plainAcc).toBeLessThan(0.6);
    expect(augAcc).toBeGreaterThan(0.9);
    expect(augAcc).toBeGreaterThan(plainAcc + 0.2);
  });
});
