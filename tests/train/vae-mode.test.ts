/**
 * The VAE objective: Reparameterize (with the runtime's ε) and KLDivergenceLoss beside a reconstruction loss,
 * value and gradients against PyTorch (pytorch/examples' formulas), and a Trainer run that learns.
 */
import { describe, expect, it } from 'vitest';
import { buildTrainStep, inferShapes, Rng } from '../../graph-core';
import type { Dataset } from '../../runtime/data/dataset';
import { nodeBackend } from '../../runtime/train/backend-node';
import { Trainer } from '../../runtime/train/trainer';
import { doc, edge, node } from '../helpers/graphs';
import { randTensor } from '../helpers/op-check';
import { expectAllClose, runGradients, torchModes, weightsOf } from './mode-helpers';

/** x [6] → enc 8 → ReLU → (μ 2, logvar 2) → z → dec 6; BCE-with-logits reconstruction of x plus β·KL. */
function vaeDoc(beta: number, features = 6, code = 2) {
  return doc(
    [
      node('x', 'Input', { shape: [features] }),
      node('enc', 'Linear', { out_features: 8 }),
      node('act', 'ReLU'),
      node('mu', 'Linear', { out_features: code }),
      node('lv', 'Linear', { out_features: code }),
      node('z', 'Reparameterize'),
      node('dec', 'Linear', { out_features: features }),
      node('rec', 'BCEWithLogitsLoss'),
      node('kl', 'KLDivergenceLoss', { beta }),
    ],
    [
      edge('x', 'enc'),
      edge('enc', 'act'),
      edge('act', 'mu'),
      edge('act', 'lv'),
      edge('mu', 'z.mu'),
      edge('lv', 'z.logvar'),
      edge('z', 'dec'),
      edge('dec', 'rec.input'),
      edge('x', 'rec.target'),
      edge('mu', 'kl.mu'),
      edge('lv', 'kl.logvar'),
    ],
  );
}

describe('VAE objective', () => {
  it('matches PyTorch: loss, KL, the sampled code and every weight gradient (1e-5)', async () => {
    const B = 5;
    const shaped = inferShapes(vaeDoc(0.5));
    const weights = weightsOf(shaped, 3);
    const x = randTensor([B, 6], 11, 0, 1);
    const eps = randTensor([B, 2], 12, -2, 2);
    const ours = await runGradients(shaped, B, { x, 'z.eps': eps }, weights, ['z', 'kl.kl']);
    const [ref] = torchModes([{ kind: 'vae', shapes: shaped, weights, tensors: { x, eps }, params: { beta: 0.5 } }]);
    expect(Math.abs(ours.loss - ref!.loss)).toBeLessThan(1e-5);
    expectAllClose(ours.outputs.get('kl.kl')!, ref!.outputs.kl!, 1e-5, 'KL');
    expectAllClose(ours.outputs.get('z')!, ref!.outputs.z!, 1e-5, 'z');
    expect(ours.grads.size).toBe(8);
    for (const [name, g] of ours.grads) expectAllClose(g, ref!.grads[name]!, 1e-5, `d loss / d ${name}`);
  });

  it('the train step draws ε from the seeded generator and reports the KL as a metric', () => {
    const p = buildTrainStep(inferShapes(vaeDoc(1)), { batch: 4, optimizer: { kind: 'Adam' } });
    expect(p.feeds.map((f) => [f.name, f.spec.kind])).toEqual([['z.eps', 'normal']]);
    expect(p.metrics).toContain('metric:kl.kl');
  });

  it('trains: reconstruction loss falls while the KL term keeps the code near the prior', async () => {
    // Binary patterns from 4 prototypes with bit noise: a 2-D code can separate them.
    const rng = new Rng(5);
    const n = 512;
    const protos = Array.from({ length: 4 }, () => Array.from({ length: 12 }, () => (rng.uniform(0, 1) < 0.5 ? 1 : 0)));
    const x = new Float32Array(n * 12);
    for (let i = 0; i < n; i++) {
      const pr = protos[i % 4]!;
      for (let j = 0; j < 12; j++) x[i * 12 + j] = rng.uniform(0, 1) < 0.05 ? 1 - pr[j]! : pr[j]!;
    }
    const ds: Dataset = {
      info: { name: 'prototypes', title: 'prototypes', description: '', origin: 'test', task: 'generative', defaultSplit: { val: 0, test: 0 } },
      size: n,
      inputs: { x: { shape: [12], dtype: 'float32' } },
      targets: {},
      arrays: { x },
    };
    const trainer = new Trainer(inferShapes(vaeDoc(1 / 12, 12)), ds, nodeBackend('native'), {
      batchSize: 32,
      optimizer: { kind: 'Adam' },
      lr: 0.01,
      seed: 1,
      epochs: 30,
      valSplit: 0,
    });
    const result = await trainer.run();
    expect(result.status).toBe('finished');
    const first = result.history[0]!;
    const last = result.history.at(-1)!;
    // The first epoch reconstructs about half the bits (chance); through a sampled 2-D code the decoder then
    // recovers most of the prototype bits (95% at best, with 5% of them flipped; the sampling costs a few more).
    expect(first.metrics['rec.accuracy']).toBeLessThan(0.65);
    expect(last.metrics['rec.accuracy']).toBeGreaterThan(0.85);
    expect(last.loss).toBeLessThan(0.7 * first.loss);
    // The code carries information (KL well above 0) but stays near the prior.
    expect(last.metrics['kl.kl']).toBeGreaterThan(0.5);
    expect(last.metrics['kl.kl']).toBeLessThan(10);
  }, 60_000);
});
