/**
 * Views read the model while it trains: Trainer.readWeights, called from an awaited step handler, returns
 * exactly the weights a run stopped at that step ends with, and the run continues unchanged.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inferShapes, parseDocument } from '../../graph-core';
import { getBuiltin } from '../../runtime/data/registry';
import { nodeBackend } from '../../runtime/train/backend-node';
import { Trainer, type TrainConfig } from '../../runtime/train/trainer';

const doc = parseDocument(readFileSync(new URL('../../examples/spiral-mlp.json', import.meta.url), 'utf8')).doc!;
const shaped = inferShapes(doc);
const base: TrainConfig = { batchSize: 32, optimizer: { kind: 'Adam' }, lr: 0.01, seed: 5, valSplit: 0.2, steps: 12 };

async function trainer(cfg: Partial<TrainConfig> = {}) {
  const ds = await getBuiltin('spirals')!.load({ seed: 5, size: 600 });
  return new Trainer(shaped, ds, nodeBackend('native'), { ...base, ...cfg });
}

describe('Trainer.readWeights', () => {
  it('returns the weights of the step just taken, and the run goes on as if unread', async () => {
    const t = await trainer();
    expect(await t.readWeights()).toBeNull();
    let at6: Map<string, Float32Array> | null = null;
    const full = await t.run({
      onStep: async (e) => {
        if (e.step === 6) at6 = await t.readWeights();
      },
    });
    expect(await t.readWeights()).toBeNull();
    const short = await (await trainer({ steps: 6 })).run();
    expect(at6).not.toBeNull();
    for (const [name, w] of short.weights) expect(Array.from(at6!.get(name)!), name).toEqual(Array.from(w));
    const straight = await (await trainer()).run();
    for (const [name, w] of straight.weights) expect(Array.from(full.weights.get(name)!), name).toEqual(Array.from(w));
    expect(t.valIndices.length).toBe(120);
  });
});
