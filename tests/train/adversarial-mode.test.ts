/**
 * Adversarial examples and adversarial training: the input gradient, FGSM and PGD against PyTorch, accuracy
 * under attack of a trained classifier, and PGD adversarial training that makes it robust.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildInputGradientStep, inferShapes, Rng, TrainConfigError } from '../../graph-core';
import type { Dataset } from '../../runtime/data/dataset';
import { AttackSpecError, evaluateUnderAttack, InputAttacker, resolveAttack } from '../../runtime/train/attack';
import { nodeBackend } from '../../runtime/train/backend-node';
import { Trainer, TrainSetupError } from '../../runtime/train/trainer';
import { chain, doc, edge, node } from '../helpers/graphs';
import { intTensor, randTensor, toOrt } from '../helpers/op-check';
import { expectAllClose, torchModes, weightsOf } from './mode-helpers';

const backend = nodeBackend('native');

/**
 * Two classes y = ±1 with one robust feature (x₀ = y with probability 0.9, else −y) and D weak ones
 * (x_j ~ N(η·y, 1)) — the setting of Tsipras et al. (2019). Averaging the weak features classifies well but
 * an L∞ attack of ε > η flips them all; only x₀ survives ε < 1. Every value is then squashed into [0, 1].
 */
function robustFeatures(n: number, seed: number, d = 24, eta = 0.35): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(n * (d + 1));
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = rng.uniform(0, 1) < 0.5 ? 1 : -1;
    y[i] = label > 0 ? 1 : 0;
    x[i * (d + 1)] = (rng.uniform(0, 1) < 0.9 ? label : -label) * 0.25 + 0.5;
    for (let j = 1; j <= d; j++) x[i * (d + 1) + j] = (eta * label + rng.normal()) * 0.25 + 0.5;
  }
  return {
    info: { name: 'robust-features', title: '', description: '', origin: 'test', task: 'classification', defaultSplit: { val: 0, test: 0 } },
    size: n,
    inputs: { x: { shape: [d + 1], dtype: 'float32' } },
    targets: { y: { shape: [], dtype: 'int64' } },
    arrays: { x, y },
  };
}

const classifier = (d: number) =>
  inferShapes(chain(node('x', 'Input', { shape: [d] }), node('l1', 'Linear', { out_features: 16 }), node('act', 'ReLU'), node('l2', 'Linear', { out_features: 2 }), node('ce', 'CrossEntropyLoss')));

describe('attacks', () => {
  it('the input gradient, FGSM and PGD match PyTorch (1e-5)', async () => {
    const B = 8;
    const shaped = inferShapes(chain(node('x', 'Input', { shape: [5] }), node('l1', 'Linear', { out_features: 7 }), node('t', 'Tanh'), node('l2', 'Linear', { out_features: 3 }), node('ce', 'CrossEntropyLoss')));
    const weights = weightsOf(shaped, 8);
    const x = randTensor([B, 5], 31, 0, 1);
    const y = intTensor([B], [0, 1, 2, 2, 1, 0, 0, 1]);
    const attacker = await InputAttacker.create(shaped, backend, B);
    try {
      const live = new Map([...weights].map(([k, v]) => [k, new ort.Tensor('float32', Float32Array.from(v), [...shaped.info.get(k.split('.')[0]!)!.weights[k.split('.')[1]!]!.shape])]));
      const data = { x: toOrt(x), 'ce.target': toOrt(y) };
      const ours = await attacker.gradients(data, live);
      const spec = { eps: 0.1, alpha: 0.03, steps: 4, range: [0, 1] as const };
      const fgsm = await attacker.perturb(data, live, { kind: 'fgsm', ...spec }, new Rng(1));
      const pgd = await attacker.perturb(data, live, { kind: 'pgd', randomStart: false, ...spec }, new Rng(1));
      const [ref] = torchModes([{ kind: 'attack', shapes: shaped, weights, tensors: { x, y }, params: { ...spec, range: [0, 1] } }]);
      expect(Math.abs(ours.loss - ref!.loss)).toBeLessThan(1e-5);
      expectAllClose(ours.grads.get('x')!, ref!.grads.x!, 1e-5, 'd loss / d x');
      expectAllClose(fgsm.get('x')!, ref!.outputs.fgsm!, 1e-6, 'FGSM');
      expectAllClose(pgd.get('x')!, ref!.outputs.pgd!, 1e-6, 'PGD');
      // PGD stays in the ε-ball and the data range.
      pgd.get('x')!.forEach((v, i) => {
        expect(Math.abs(v - x.data[i]!)).toBeLessThanOrEqual(0.1 + 1e-6);
        expect(v >= 0 && v <= 1).toBe(true);
      });
    } finally {
      await attacker.release();
    }
  });

  it('refuses what cannot be attacked, with a message for a person', () => {
    expect(() => resolveAttack({ kind: 'pgd', eps: 0 })).toThrow(AttackSpecError);
    expect(() => resolveAttack({ kind: 'pgd', eps: 0.1, steps: 0 })).toThrow(/steps/);
    expect(() => resolveAttack({ kind: 'fgsm', eps: 0.1, range: [1, 0] })).toThrow(/range/);
    const tokens = inferShapes(chain(node('x', 'Input', { shape: [4], dtype: 'int64' }), node('e', 'Embedding', { num_embeddings: 5, embedding_dim: 3 }), node('f', 'Flatten'), node('l', 'Linear', { out_features: 2 }), node('ce', 'CrossEntropyLoss')));
    expect(() => buildInputGradientStep(tokens, { batch: 2 })).toThrow(TrainConfigError);
    const noisy = inferShapes(
      doc(
        [node('x', 'Input', { shape: [3] }), node('z', 'Noise', { size: 3 }), node('sum', 'Add'), node('l', 'Linear', { out_features: 2 }), node('ce', 'CrossEntropyLoss')],
        [edge('x', 'sum.a'), edge('z', 'sum.b'), edge('sum', 'l'), edge('l', 'ce.input')],
      ),
    );
    expect(() => buildInputGradientStep(noisy, { batch: 2 })).toThrow(/draws fresh noise/);
    expect(() => new Trainer(classifier(25), robustFeatures(64, 1), backend, { batchSize: 8, optimizer: { kind: 'Adam' }, lr: 0.01, seed: 0, valSplit: 0, adversarial: { kind: 'pgd', eps: 0.1, fraction: 2 } })).toThrow(TrainSetupError);
  });

  it('FGSM breaks a normally trained classifier; PGD adversarial training makes it robust', { timeout: 120_000 }, async () => {
    const train = robustFeatures(1024, 1);
    const test = robustFeatures(400, 2);
    const shaped = classifier(25);
    const cfg = { batchSize: 32, optimizer: { kind: 'Adam' }, lr: 0.01, seed: 0, epochs: 6, valSplit: 0 } as const;
    const attack = { kind: 'fgsm', eps: 0.15 } as const; // 0.6 before squashing: beyond η, short of the robust feature's margin
    const pgd = { kind: 'pgd', eps: 0.15, steps: 10 } as const;

    const plain = await new Trainer(shaped, train, backend, cfg).run();
    const plainFgsm = await evaluateUnderAttack(shaped, test, plain.weights, { ...attack, range: [0, 1] }, { backend, seed: 1 });
    const plainPgd = await evaluateUnderAttack(shaped, test, plain.weights, { ...pgd, range: [0, 1] }, { backend, seed: 1 });

    const robust = await new Trainer(shaped, train, backend, { ...cfg, adversarial: { kind: 'pgd', eps: 0.15, steps: 5 } }).run();
    const robustFgsm = await evaluateUnderAttack(shaped, test, robust.weights, { ...attack, range: [0, 1] }, { backend, seed: 1 });
    const robustPgd = await evaluateUnderAttack(shaped, test, robust.weights, { ...pgd, range: [0, 1] }, { backend, seed: 1 });
    const acc = (e: { metrics: Readonly<Record<string, number>> }) => e.metrics['ce.accuracy']!;
    expect(plainFgsm.samples).toBe(400);
    expect(acc(plainFgsm.clean)).toBeGreaterThan(0.9);
    expect(acc(plainFgsm.attacked)).toBeLessThan(0.3);
    expect(acc(plainPgd.attacked)).toBeLessThanOrEqual(acc(plainFgsm.attacked) + 0.02);
    expect(acc(robustFgsm.clean)).toBeGreaterThan(0.8);
    expect(acc(robustPgd.attacked)).toBeGreaterThan(0.8);
    expect(acc(robustPgd.attacked)).toBeGreaterThan(acc(plainPgd.attacked) + 0.4);
  });
});
