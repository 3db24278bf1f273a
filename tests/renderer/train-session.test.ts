/**
 * The training worker's logic, driven in Node with native onnxruntime: a run of the spiral MLP streams its
 * steps and epochs, pauses (taking no step) while it answers views, resumes and finishes; the confusion
 * matrix's accuracy equals the validation accuracy the eval graph computed, activations equal a hand
 * computation, and mistakes arrive as one line.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sessionHarness } from '../helpers/training-session';
import { parseDocument, type GraphDoc } from '../../graph-core';
import type { FromWorker } from '../../renderer/train/protocol';
import { DEFAULT_SETTINGS, type TrainSettings } from '../../renderer/train/settings';

const spiral = parseDocument(readFileSync(new URL('../../examples/spiral-mlp.json', import.meta.url), 'utf8')).doc!;
const settings: TrainSettings = { ...DEFAULT_SETTINGS, dataset: 'spirals', epochs: 2, batchSize: 64, lr: 0.01, seed: 1, valSplit: 0.2 };

const harness = sessionHarness;

describe('TrainingSession', () => {
  it('holds a GAN run while paused, taking no step, and resumes it to the end', async () => {
    const h = harness();
    const ring = parseDocument(readFileSync(new URL('../../examples/gan-ring.json', import.meta.url), 'utf8')).doc!;
    const run = h.session.handle({ type: 'start', doc: ring, settings: { ...settings, dataset: 'gaussians8', epochs: 2, valSplit: 0 }, data: { builtin: 'gaussians8' }, backend: 'native' });
    const started = await h.until<Extract<FromWorker, { type: 'started' }>>((m) => m.type === 'started');
    expect(started.info.gan).toBe(true);
    await h.until((m) => m.type === 'step' && m.e.step === 3);
    void h.session.handle({ type: 'pause' });
    const paused = await h.until<Extract<FromWorker, { type: 'paused' }>>((m) => m.type === 'paused');
    const stepsAtPause = h.messages.filter((m) => m.type === 'step').length;
    expect(paused.step).toBe(stepsAtPause);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.messages.filter((m) => m.type === 'step').length).toBe(stepsAtPause);
    void h.session.handle({ type: 'resume' });
    await run;
    const steps = h.messages.filter((m): m is Extract<FromWorker, { type: 'step' }> => m.type === 'step').map((m) => m.e.step);
    expect(steps).toEqual(Array.from({ length: started.info.totalSteps }, (_, i) => i + 1));
    expect(h.messages.find((m) => m.type === 'done')).toMatchObject({ status: 'finished', steps: started.info.totalSteps });
  });

  it('trains, pauses without taking steps while answering views, resumes and finishes', async () => {
    const h = harness();
    const run = h.session.handle({ type: 'start', doc: spiral, settings, data: { builtin: 'spirals' }, backend: 'native' });
    const started = await h.until<Extract<FromWorker, { type: 'started' }>>((m) => m.type === 'started');
    expect(started.info).toMatchObject({ backend: 'native', trainSamples: 2400, valSamples: 600, batch: 64, stepsPerEpoch: 37, totalSteps: 74, gan: false });
    await h.until((m) => m.type === 'step' && m.e.step === 5);
    void h.session.handle({ type: 'pause' });
    const paused = await h.until<Extract<FromWorker, { type: 'paused' }>>((m) => m.type === 'paused');
    const stepsAtPause = h.messages.filter((m) => m.type === 'step').length;
    expect(paused.step).toBe(stepsAtPause);

    // While paused: views answer from the weights of the paused step.
    const c = await h.view({ kind: 'confusion' });
    expect(c.kind).toBe('confusion');
    if (c.kind !== 'confusion') return;
    expect(c.total).toBe(600);
    expect(c.split).toBe('validation');
    expect(c.classNames).toHaveLength(3);
    const act = await h.view({ kind: 'activation', node: 'a1', sample: 0 });
    expect(act.kind === 'activation' && act.shape).toEqual([1, 64]);
    if (act.kind === 'activation') for (const v of act.data) expect(v).toBeGreaterThanOrEqual(0); // after ReLU
    await new Promise((r) => setTimeout(r, 50));
    expect(h.messages.filter((m) => m.type === 'step').length).toBe(stepsAtPause);

    void h.session.handle({ type: 'resume' });
    await run;
    const steps = h.messages.filter((m): m is Extract<FromWorker, { type: 'step' }> => m.type === 'step');
    expect(steps.map((m) => m.e.step)).toEqual(Array.from({ length: 74 }, (_, i) => i + 1));
    const done = h.messages.find((m) => m.type === 'done');
    expect(done).toMatchObject({ status: 'finished', steps: 74 });
    const epochs = h.messages.filter((m): m is Extract<FromWorker, { type: 'epoch' }> => m.type === 'epoch');
    expect(epochs).toHaveLength(2);
    const lossFell = steps.at(-1)!.e.loss < steps[0]!.e.loss;
    expect(lossFell).toBe(true);
    // Every step reports the gradient norm of each layer with weights, for the gradient view.
    for (const m of steps) {
      expect(Object.keys(m.e.gradNorms ?? {})).toEqual(['fc1', 'fc2', 'out']);
      for (const v of Object.values(m.e.gradNorms!)) expect(v > 0 && Number.isFinite(v)).toBe(true);
    }

    // After the run: the confusion matrix of the final weights has the eval graph's validation accuracy.
    const final = await h.view({ kind: 'confusion' });
    if (final.kind !== 'confusion') throw new Error(JSON.stringify(final));
    const valAccuracy = epochs.at(-1)!.e.val!.metrics['loss.accuracy']!;
    expect(final.accuracy).toBeCloseTo(valAccuracy, 6);
    expect(final.counts.reduce((a, b) => a + b, 0)).toBe(600);

    // The decision boundary covers the data; most data points lie in a cell of their own class.
    const b = await h.view({ kind: 'boundary', resolution: 40 });
    if (b.kind !== 'boundary') throw new Error(JSON.stringify(b));
    expect(b.grid).toHaveLength(1600);
    expect(new Set(b.grid).size).toBe(3);
    const [x0, x1, y0, y1] = b.bounds;
    let agree = 0;
    for (let i = 0; i < b.labels.length; i++) {
      const col = Math.min(39, Math.floor(((b.points[i * 2]! - x0) / (x1 - x0)) * 40));
      const row = Math.min(39, Math.floor(((y1 - b.points[i * 2 + 1]!) / (y1 - y0)) * 40));
      if (b.grid[row * 40 + col] === b.labels[i]) agree++;
    }
    expect(agree / b.labels.length).toBeGreaterThan(valAccuracy - 0.15);

    const hist = await h.view({ kind: 'histograms', bins: 10 });
    if (hist.kind !== 'histograms') throw new Error(JSON.stringify(hist));
    expect(hist.layers.map((l) => l.name).sort()).toEqual(['fc1.bias', 'fc1.weight', 'fc2.bias', 'fc2.weight', 'out.bias', 'out.weight']);
    expect(hist.layers.find((l) => l.name === 'fc1.weight')!.counts.reduce((a, b) => a + b, 0)).toBe(128);

    const pred = await h.view({ kind: 'predict', input: Float32Array.of(0.1, -0.2) });
    if (pred.kind !== 'predict') throw new Error(JSON.stringify(pred));
    expect(pred.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(pred.predicted).toBe(pred.probabilities.indexOf(Math.max(...pred.probabilities)));
  });

  it('restores kept weights without training: predictions and the confusion matrix equal the trained session\'s', async () => {
    const a = harness();
    const short = { ...settings, epochs: 1 };
    await a.session.handle({ type: 'start', doc: spiral, settings: short, data: { builtin: 'spirals' }, backend: 'native' });
    void a.session.handle({ type: 'weights', id: 1 });
    const kept = (await a.until<Extract<FromWorker, { type: 'weights' }>>((m) => m.type === 'weights')).weights!;
    expect(kept.size).toBe(6);

    const b = harness();
    await b.session.handle({ type: 'restore', doc: spiral, settings: short, data: { builtin: 'spirals' }, weights: kept });
    const restored = b.messages.find((m): m is Extract<FromWorker, { type: 'restored' }> => m.type === 'restored');
    expect(restored?.info).toMatchObject({ trainSamples: 2400, valSamples: 600, totalSteps: 0, gan: false });
    expect(restored?.info.classNames).toHaveLength(3);
    expect(b.messages.filter((m) => m.type === 'step')).toHaveLength(0);
    for (const input of [Float32Array.of(0.1, -0.2), Float32Array.of(-0.7, 0.4)]) {
      const pa = await a.view({ kind: 'predict', input });
      const pb = await b.view({ kind: 'predict', input });
      if (pa.kind !== 'predict' || pb.kind !== 'predict') throw new Error(JSON.stringify([pa, pb]));
      expect(Array.from(pb.probabilities)).toEqual(Array.from(pa.probabilities));
    }
    const ca = await a.view({ kind: 'confusion' });
    const cb = await b.view({ kind: 'confusion' });
    if (ca.kind !== 'confusion' || cb.kind !== 'confusion') throw new Error('no confusion matrix');
    expect(Array.from(cb.counts)).toEqual(Array.from(ca.counts));
    // Export trained takes the restored weights.
    void b.session.handle({ type: 'weights', id: 2 });
    const exported = (await b.until<Extract<FromWorker, { type: 'weights' }>>((m) => m.type === 'weights')).weights!;
    expect([...exported.keys()].sort()).toEqual([...kept.keys()].sort());
    for (const [k, v] of kept) expect(Array.from(exported.get(k)!)).toEqual(Array.from(v));

    // Weights of another model: one line, nothing loaded.
    const c = harness();
    const wrong = new Map(kept);
    wrong.set('fc1.weight', new Float32Array(10));
    await c.session.handle({ type: 'restore', doc: spiral, settings: short, data: { builtin: 'spirals' }, weights: wrong });
    const err = c.messages.find((m): m is Extract<FromWorker, { type: 'error' }> => m.type === 'error');
    expect(err?.message).toBe('The kept fc1.weight has 10 values, the model needs 128; the model changed since it was trained.');
    expect(await c.view({ kind: 'confusion' })).toMatchObject({ kind: 'error' });
  });

  it('computes an activation equal to the Linear layer by hand, from the trained weights', async () => {
    const h = harness();
    await h.session.handle({ type: 'start', doc: spiral, settings: { ...settings, epochs: 1 }, data: { builtin: 'spirals' }, backend: 'native' });
    const fc1 = await h.view({ kind: 'activation', node: 'fc1', sample: 3 });
    const x = await h.view({ kind: 'activation', node: 'x', sample: 3 });
    const answer = h.until<Extract<FromWorker, { type: 'weights' }>>((m) => m.type === 'weights' && m.id === 99);
    void h.session.handle({ type: 'weights', id: 99 });
    const weights = (await answer).weights!;
    if (fc1.kind !== 'activation' || x.kind !== 'activation') throw new Error('no activation');
    expect(x.shape).toEqual([1, 2]);
    const w = weights.get('fc1.weight')!;
    const bias = weights.get('fc1.bias')!;
    for (let j = 0; j < 64; j++) expect(fc1.data[j]).toBeCloseTo(x.data[0]! * w[j * 2]! + x.data[1]! * w[j * 2 + 1]! + bias[j]!, 4);
  });

  it('says in one line what stops a run: no dataset, a model with errors, a dataset that does not fit', async () => {
    const h = harness();
    await h.session.handle({ type: 'start', doc: spiral, settings: { ...settings, dataset: '' }, data: { builtin: '' }, backend: 'native' });
    const broken: GraphDoc = { ...spiral, edges: spiral.edges.filter((e) => e.id !== 'e3') };
    await h.session.handle({ type: 'start', doc: broken, settings, data: { builtin: 'spirals' }, backend: 'native' });
    await h.session.handle({ type: 'start', doc: spiral, settings: { ...settings, dataset: 'sine' }, data: { builtin: 'sine' }, backend: 'native' });
    const errors = h.messages.filter((m): m is Extract<FromWorker, { type: 'error' }> => m.type === 'error').map((m) => m.message);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toBe('Choose a dataset.');
    expect(errors[1]).toMatch(/^The model has errors; fix them first/);
    for (const e of errors) expect(e).not.toContain('\n');
    expect(errors[2]).not.toMatch(/^training failed/);
    const v = await h.view({ kind: 'attention', node: 'fc1', sample: 0 });
    expect(v.kind).toBe('error');
  });

  it('shows attention per head with the sample\'s tokens, and the embedding table on two principal axes', async () => {
    const h = harness();
    const doc = parseDocument(readFileSync(new URL('../e2e/dashboard/sentiment-attention.json', import.meta.url), 'utf8')).doc!;
    const s: TrainSettings = { ...DEFAULT_SETTINGS, dataset: 'sentiment', epochs: 1, batchSize: 32, lr: 0.01, seed: 2 };
    await h.session.handle({ type: 'start', doc, settings: s, data: { builtin: 'sentiment' }, backend: 'native' });
    expect(h.messages.find((m) => m.type === 'done')).toMatchObject({ status: 'finished', steps: 100 });
    const a = await h.view({ kind: 'attention', node: 'mha', sample: 0 });
    if (a.kind !== 'attention') throw new Error(JSON.stringify(a));
    expect([a.heads, a.tq, a.tk]).toEqual([2, 9, 9]);
    expect(a.tokens).toHaveLength(9);
    expect(a.tokens.every((t) => /^[a-z<>']+$/.test(t))).toBe(true); // words of the vocabulary, not ids
    for (let row = 0; row < 18; row++) expect(a.data.subarray(row * 9, row * 9 + 9).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
    const e = await h.view({ kind: 'embedding', node: 'emb' });
    if (e.kind !== 'embedding') throw new Error(JSON.stringify(e));
    expect(e.labels).toHaveLength(57);
    expect(e.labels[1]).toBe('i');
    expect(e.explained[0]).toBeGreaterThanOrEqual(e.explained[1]);
    const p = await h.view({ kind: 'predict', sample: 2 });
    if (p.kind !== 'predict') throw new Error(JSON.stringify(p));
    expect(p.classNames).toEqual(['negative', 'positive']);
    expect(p.input?.tokens).toHaveLength(9);
  });

  it('times a few steps for Auto', async () => {
    const h = harness();
    await h.session.handle({ type: 'time', id: 7, doc: spiral, settings, data: { builtin: 'spirals' }, backend: 'native', steps: 3 });
    const t = h.messages.find((m) => m.type === 'timed');
    expect(t).toMatchObject({ id: 7 });
    expect(t?.type === 'timed' && t.msPerStep).toBeGreaterThan(0);
  });
});
