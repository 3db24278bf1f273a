/**
 * Per-layer gradient norms (`gradnorm:<node id>` outputs of the train step, `gradNorms` in step events):
 * against PyTorch's norms of each module's .grad, and the vanishing gradients of a deep sigmoid network.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildTrainStep, inferShapes, LR_INPUT, Rng, STEP_INPUT, gradNormName } from '../../graph-core';
import { encodeModel } from '../../exporters/onnx/encode';
import { irToOnnx } from '../../exporters/onnx/from-ir';
import type { Dataset } from '../../runtime/data/dataset';
import { nodeBackend } from '../../runtime/train/backend-node';
import { Trainer, type StepEvent } from '../../runtime/train/trainer';
import { chain, node } from '../helpers/graphs';
import { intTensor, randTensor, toOrt } from '../helpers/op-check';
import { torchModes, weightsOf } from './mode-helpers';

const small = () =>
  inferShapes(chain(node('x', 'Input', { shape: [4] }), node('l1', 'Linear', { out_features: 5 }), node('s', 'Sigmoid'), node('l2', 'Linear', { out_features: 3 }), node('ce', 'CrossEntropyLoss')));

describe('per-layer gradient norms', () => {
  it('equal PyTorch\'s ‖grad‖₂ over each layer\'s weight and bias (1e-5), and are only there when asked for', async () => {
    const B = 6;
    const shaped = small();
    expect(buildTrainStep(shaped, { batch: B, optimizer: { kind: 'SGD' } }).gradNorms).toEqual([]);
    const p = buildTrainStep(shaped, { batch: B, optimizer: { kind: 'SGD' }, clipNorm: 1e-3, gradNorms: true });
    expect(p.gradNorms).toEqual([
      { name: gradNormName('l1'), node: 'l1' },
      { name: gradNormName('l2'), node: 'l2' },
    ]);
    const weights = weightsOf(shaped, 6);
    const x = randTensor([B, 4], 1, -2, 2);
    const y = intTensor([B], [0, 2, 1, 1, 0, 2]);
    const session = await ort.InferenceSession.create(encodeModel(irToOnnx(p.graph, { name: 'step', weights: new Map(), paramsAsInputs: true })));
    const feeds: Record<string, ort.Tensor> = { x: toOrt(x), 'ce.target': toOrt(y) };
    feeds[LR_INPUT] = new ort.Tensor('float32', Float32Array.of(0.1), []);
    feeds[STEP_INPUT] = new ort.Tensor('float32', Float32Array.of(1), []);
    for (const w of p.weights) feeds[w.name] = new ort.Tensor('float32', Float32Array.from(weights.get(w.name)!), w.type.shape as number[]);
    const out = await session.run(feeds);
    await session.release();
    const [ref] = torchModes([{ kind: 'gradnorm', shapes: shaped, weights, tensors: { x, y } }]);
    for (const g of p.gradNorms) {
      const ours = (out[g.name]!.data as Float32Array)[0]!;
      const want = ref!.outputs[g.name]![0]!;
      // Reported before clipping (the clip norm 1e-3 is far below both).
      expect(want).toBeGreaterThan(1e-2);
      expect(Math.abs(ours - want) / want, `${g.name}: ${ours} vs ${want}`).toBeLessThan(1e-5);
    }
  });

  it('show vanishing gradients in a deep sigmoid network through the Trainer\'s step events', async () => {
    const layers = [node('x', 'Input', { shape: [2] })];
    for (let k = 1; k <= 8; k++) layers.push(node(`fc${k}`, 'Linear', { out_features: 32 }), node(`act${k}`, 'Sigmoid'));
    layers.push(node('head', 'Linear', { out_features: 3 }), node('ce', 'CrossEntropyLoss'));
    const rng = new Rng(3);
    const n = 96;
    const ds: Dataset = {
      info: { name: 'points', title: '', description: '', origin: 'test', task: 'classification', defaultSplit: { val: 0, test: 0 } },
      size: n,
      inputs: { x: { shape: [2], dtype: 'float32' } },
      targets: { y: { shape: [], dtype: 'int64' } },
      arrays: { x: Float32Array.from({ length: 2 * n }, () => rng.uniform(-1, 1)), y: Int32Array.from({ length: n }, (_, i) => i % 3) },
    };
    const events: StepEvent[] = [];
    const trainer = new Trainer(inferShapes(chain(...layers)), ds, nodeBackend('native'), {
      batchSize: 32,
      optimizer: { kind: 'SGD', params: { momentum: 0.9 } },
      lr: 0.01,
      seed: 1,
      steps: 3,
      valSplit: 0,
      gradNorms: true,
    });
    await trainer.run({ onStep: (e) => void events.push(e) });
    expect(events).toHaveLength(3);
    const norms = events[0]!.gradNorms!;
    expect(Object.keys(norms)).toEqual([...Array.from({ length: 8 }, (_, k) => `fc${k + 1}`), 'head']);
    // Each sigmoid scales the gradient by at most 1/4: eight of them leave the first layer orders of magnitude behind.
    expect(norms['fc1']!).toBeLessThan(1e-3 * norms['head']!);
    for (let k = 1; k < 8; k++) expect(norms[`fc${k}`]!).toBeLessThan(norms[`fc${k + 1}`]!);
  });
});
