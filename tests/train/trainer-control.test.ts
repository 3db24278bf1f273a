import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inferShapes, parseDocument } from '../../graph-core';
import { getBuiltin } from '../../runtime/data/registry';
import { nodeBackend } from '../../runtime/train/backend-node';
import { Trainer, type TrainConfig } from '../../runtime/train/trainer';

const doc = parseDocument(readFileSync(new URL('../../examples/spiral-mlp.json', import.meta.url), 'utf8')).doc!;
const shaped = inferShapes(doc);
const base: TrainConfig = { batchSize: 64, optimizer: { kind: 'Adam' }, lr: 0.01, seed: 3, valSplit: 0, steps: 30 };

async function trainer(cfg: Partial<TrainConfig> = {}) {
  const ds = await getBuiltin('spirals')!.load({ seed: 3 });
  return new Trainer(shaped, ds, nodeBackend('native'), { ...base, ...cfg });
}

describe('Trainer control', () => {
  it('pauses without taking steps, resumes where it was, and ends like an uninterrupted run', async () => {
    const t = await trainer();
    // The log of what happened, in order: step numbers, and 'held' when the paused loop took hold.
    const log: (number | 'held')[] = [];
    let weightsAtPause: Map<string, Float32Array> | null = null;
    let weightsWhileHeld: Map<string, Float32Array> | null = null;
    const run = t.run({
      onStep: async (e) => {
        log.push(e.step);
        if (e.step !== 10) return;
        weightsAtPause = await t.readWeights();
        t.pause();
        // Resumed from the hold itself, not after a wait: the loop has finished step 10 and waits for unpause.
        void t.whenHeld().then(async () => {
          log.push('held');
          weightsWhileHeld = await t.readWeights();
          t.unpause();
        });
      },
    });
    const r = await run;
    expect(r.status).toBe('finished');
    // Held right after step 10, and no step before the unpause: step 11 comes only after the hold.
    expect(log).toEqual([...Array.from({ length: 10 }, (_, i) => i + 1), 'held', ...Array.from({ length: 20 }, (_, i) => i + 11)]);
    // While held, the weights were those step 10 left.
    expect(weightsAtPause).not.toBeNull();
    expect(weightsWhileHeld).not.toBeNull();
    for (const [name, w] of weightsAtPause!) expect(Array.from(weightsWhileHeld!.get(name)!)).toEqual(Array.from(w));
    const straight = await (await trainer()).run();
    for (const [name, w] of straight.weights) expect(Array.from(r.weights.get(name)!)).toEqual(Array.from(w));
  });

  it('stops on request, reporting the steps taken', async () => {
    const t = await trainer();
    const r = await t.run({ onStep: (e) => e.step === 7 && t.stop() });
    expect(r.status).toBe('stopped');
    expect(r.steps).toBe(7);
    expect(r.message).toBe('stopped at step 7');
  });

  it('stops on a NaN/Inf loss with a message naming the step, keeping the last good (finite) weights', async () => {
    const t = await trainer({ optimizer: { kind: 'SGD' }, lr: 1e6, steps: 200 });
    const r = await t.run();
    expect(r.status).toBe('diverged');
    expect(r.message).toMatch(/^the loss became (NaN|infinite) at step (\d+) \(epoch \d+\); training stopped and the weights from step \d+ were kept/);
    const bad = Number(/at step (\d+)/.exec(r.message!)![1]);
    expect(r.steps).toBe(bad - 1);
    for (const w of r.weights.values()) expect(w.every(Number.isFinite)).toBe(true);
  });
});
