/**
 * Gradient reversal: DANN's objective against PyTorch (the feature layer receives the label gradient minus
 * λ times the domain gradient), the λ_p schedule fed by the Trainer, and the exported model.
 */
import { describe, expect, it } from 'vitest';
import { buildTrainStep, inferShapes, Rng, tensors } from '../../graph-core';
import { exportGraph } from '../../exporters/export-graph';
import type { Dataset } from '../../runtime/data/dataset';
import { scheduledValue } from '../../runtime/train/feeds';
import { nodeBackend } from '../../runtime/train/backend-node';
import { generateFeed, Trainer } from '../../runtime/train/trainer';
import { doc, edge, node } from '../helpers/graphs';
import { checkOnnx } from '../helpers/onnx-checker';
import { intTensor, randTensor } from '../helpers/op-check';
import { expectAllClose, runGradients, torchModes, weightsOf } from './mode-helpers';

/**
 * x [2] → f1 8 → ReLU → head 2 (CE with the class labels); features → GRL(λ) → dom 1 (BCE-with-logits with
 * the domain labels). Both targets come from the data (`ce.target`, `bce.target`).
 */
function dannDoc(grl: Record<string, number | string>) {
  return doc(
    [
      node('x', 'Input', { shape: [2] }),
      node('f1', 'Linear', { out_features: 8 }),
      node('act', 'ReLU'),
      node('head', 'Linear', { out_features: 2 }),
      node('ce', 'CrossEntropyLoss'),
      node('grl', 'GradientReversal', grl),
      node('dom', 'Linear', { out_features: 1 }),
      node('bce', 'BCEWithLogitsLoss'),
    ],
    [
      edge('x', 'f1'),
      edge('f1', 'act'),
      edge('act', 'head'),
      edge('head', 'ce.input'),
      edge('act', 'grl'),
      edge('grl', 'dom'),
      edge('dom', 'bce.input'),
    ],
  );
}

describe('GradientReversal', () => {
  it('matches a PyTorch autograd.Function: the features get −λ times the domain gradient (1e-5)', async () => {
    const B = 6;
    const shaped = inferShapes(dannDoc({ lambda: 0.6 }));
    const weights = weightsOf(shaped, 4);
    const x = randTensor([B, 2], 21, -2, 2);
    const y = intTensor([B], [0, 1, 1, 0, 1, 0]);
    const d = tensors.fromArray([B, 1], [0, 0, 0, 1, 1, 1]);
    const lambda = 0.35; // a value part-way along a schedule, fed as the runtime would
    const ours = await runGradients(shaped, B, { x, 'ce.target': y, 'bce.target': d, 'grl.lambda': tensors.fromArray([], [lambda]) }, weights);
    const [ref, plain] = torchModes([
      { kind: 'dann', shapes: shaped, weights, tensors: { x, y, d }, params: { lambda } },
      { kind: 'dann', shapes: shaped, weights, tensors: { x, y, d }, params: { lambda: -1 } },
    ]);
    expect(Math.abs(ours.loss - ref!.loss)).toBeLessThan(1e-5);
    for (const [name, g] of ours.grads) expectAllClose(g, ref!.grads[name]!, 1e-5, `d loss / d ${name}`);
    // Without reversal (λ = −1 is a plain identity) the feature gradients differ: the reversal is really there.
    expect(Math.abs(plain!.grads['f1.weight']![0]! - ref!.grads['f1.weight']![0]!)).toBeGreaterThan(1e-4);
  });

  it('the dann schedule rises from 0 to λ as 2/(1 + e^(−γp)) − 1, fed once per step', () => {
    const spec = { kind: 'schedule', value: 0.8, schedule: 'dann', gamma: 10 } as const;
    expect(scheduledValue(spec, 0)).toBe(0);
    expect(scheduledValue(spec, 0.5)).toBeCloseTo(0.8 * (2 / (1 + Math.exp(-5)) - 1), 12);
    expect(scheduledValue(spec, 1)).toBeCloseTo(0.8 * 0.9999092, 6);
    expect(scheduledValue({ ...spec, schedule: 'constant' }, 0)).toBe(0.8);
    const fed = generateFeed(spec, { shape: [], dtype: 'float32' }, new Rng(1), 0.25);
    expect(Array.from(fed)).toEqual([Math.fround(0.8 * (2 / (1 + Math.exp(-2.5)) - 1))]);
  });

  it('trains with the Trainer (λ fed every step); the exported model leaves the layer out and passes the checker', async () => {
    const shaped = inferShapes(dannDoc({ lambda: 1, schedule: 'dann' }));
    const program = buildTrainStep(shaped, { batch: 8, optimizer: { kind: 'Adam' } });
    expect(program.feeds.map((f) => f.name)).toEqual(['grl.lambda']);
    const rng = new Rng(2);
    const n = 64;
    const ds: Dataset = {
      info: { name: 'two-domains', title: '', description: '', origin: 'test', task: 'classification', defaultSplit: { val: 0, test: 0 } },
      size: n,
      inputs: { x: { shape: [2], dtype: 'float32' } },
      targets: { ce: { shape: [], dtype: 'int64' }, bce: { shape: [1], dtype: 'float32' } },
      arrays: {
        x: Float32Array.from({ length: 2 * n }, () => rng.uniform(-1, 1)),
        ce: Int32Array.from({ length: n }, (_, i) => i % 2),
        bce: Float32Array.from({ length: n }, (_, i) => (i < n / 2 ? 0 : 1)),
      },
    };
    const result = await new Trainer(shaped, ds, nodeBackend('native'), { batchSize: 8, optimizer: { kind: 'Adam' }, lr: 0.01, seed: 3, epochs: 2, valSplit: 0 }).run();
    expect(result.status).toBe('finished');
    expect(result.steps).toBe(16);
    const exported = exportGraph(dannDoc({ lambda: 1 }), { seed: 1 });
    expect(exported.ok).toBe(true);
    if (exported.ok) checkOnnx(exported.onnx);
  });
});
