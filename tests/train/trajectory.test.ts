/**
 * 20 Adam steps of the spiral MLP (examples/spiral-mlp.json, its lr 0.01, batch 64) with the Trainer, against
 * PyTorch on the same initial weights and the same batches, in the same order: the loss of every step and the
 * final weights agree.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initWeights, parseDocument, type OptimizerChoice } from '../../graph-core';
import { batches } from '../../runtime/data/batches';
import { splitIndices } from '../../runtime/data/split';
import { getBuiltin } from '../../runtime/data/registry';
import { nodeBackend } from '../../runtime/train/backend-node';
import { Trainer } from '../../runtime/train/trainer';
import { shape, torchCase, torchSteps, worstError, type DataBatch } from './golden-helpers';

const STEPS = 20;
const BATCH = 64;
const LR = 0.01;
const SEED = 5;

describe('training trajectory vs PyTorch', () => {
  it('the spiral MLP: 20 Adam steps give the same loss at every step and the same weights', async () => {
    const loaded = parseDocument(readFileSync(new URL('../../examples/spiral-mlp.json', import.meta.url), 'utf8'));
    expect(loaded.diagnostics).toEqual([]);
    const shaped = shape(loaded.doc!);
    const ds = await getBuiltin('spirals')!.load({ seed: SEED });
    const optimizer: OptimizerChoice = { kind: 'Adam', params: { lr: LR } };
    const trainer = new Trainer(shaped, ds, nodeBackend('native'), {
      steps: STEPS,
      batchSize: BATCH,
      optimizer,
      lr: LR,
      seed: SEED,
      shuffle: false,
      valSplit: 0,
    });
    const losses: number[] = [];
    const result = await trainer.run({ onStep: (e) => losses.push(e.loss) });
    expect(result.status).toBe('finished');
    expect(losses).toHaveLength(STEPS);

    // The batches the trainer took: without shuffling, the seed's fixed order of the training split, 64 at a time.
    const order = splitIndices(ds.size, { val: 0, test: 0 }, SEED).train;
    expect(order.length).toBeGreaterThanOrEqual(STEPS * BATCH);
    const data: DataBatch[] = [];
    for (const b of batches(ds, order, BATCH, { dropLast: true })) {
      if (data.length === STEPS) break;
      data.push({
        x: { shape: b.shapes.x!, dtype: 'float32', data: b.arrays.x as Float32Array },
        'loss.target': { shape: b.shapes.y!, dtype: 'int64', data: Int32Array.from(b.arrays.y as BigInt64Array, Number) },
      });
    }
    const init = initWeights(shaped, SEED);
    const [ref] = torchSteps([torchCase('spiral MLP', shaped, init, optimizer, LR, data)]);

    expect(ref!.losses).toHaveLength(STEPS);
    losses.forEach((loss, k) => expect(Math.abs(loss - ref!.losses[k]!), `step ${k + 1}: ${loss} vs torch ${ref!.losses[k]}`).toBeLessThanOrEqual(1e-4));
    // the run really trained: the loss fell
    expect(losses.at(-1)!).toBeLessThan(losses[0]! - 0.05);
    for (const [name, w] of result.weights) {
      const { err, at } = worstError(w, ref!.state[name]!);
      expect(err, `${name}[${at}]: ${w[at]} vs torch ${ref!.state[name]![at]}`).toBeLessThanOrEqual(1e-4);
    }
    expect([...result.weights.keys()].sort()).toEqual(Object.keys(ref!.state).sort());
  });
});
