/**
 * The native training service (renderer/train/serve.ts, what the desktop app's utility process runs), driven
 * over a real worker_threads MessageChannel, so every message is structured-cloned as it is between the
 * editor and the utility process, with onnxruntime-node: the spiral MLP trains and its loss falls, the losses
 * equal those of the Trainer run directly with the same seed, pause holds the run while views answer, resume
 * and stop work, and malformed requests get one line each.
 */
import { readFileSync } from 'node:fs';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { inferShapes, parseDocument, type GraphDoc } from '../../graph-core';
import { getBuiltin } from '../../runtime/data/registry';
import { splitIndices } from '../../runtime/data/split';
import { nodeBackend } from '../../runtime/train/backend-node';
import { Trainer } from '../../runtime/train/trainer';
import type { FromWorker, ToWorker, ViewRequest, ViewResult } from '../../renderer/train/protocol';
import { serveTraining, type ServiceEndpoint } from '../../renderer/train/serve';
import { DEFAULT_SETTINGS, toTrainConfig, type TrainSettings } from '../../renderer/train/settings';

const spiral = parseDocument(readFileSync(new URL('../../examples/spiral-mlp.json', import.meta.url), 'utf8')).doc!;
const settings: TrainSettings = { ...DEFAULT_SETTINGS, dataset: 'spirals', epochs: 2, batchSize: 64, lr: 0.01, seed: 5, valSplit: 0.2 };

/** A Node MessagePort as the service's endpoint (Electron's MessagePortMain differs only in wrapping data in an event). */
function endpoint(port: MessagePort): ServiceEndpoint {
  return {
    postMessage: (m) => port.postMessage(m),
    onMessage: (listener) => port.on('message', listener),
    onClose: (listener) => port.on('close', listener),
  };
}

const open: MessagePort[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

/** The editor's side of the channel: what it received, and a way to wait for a message. */
function connect() {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  // One thread, so the run is bit-for-bit reproducible against the Trainer run directly.
  serveTraining(endpoint(port2), { backend: nodeBackend('native', 1), yieldToEvents: () => new Promise((r) => setImmediate(r)) });
  const messages: FromWorker[] = [];
  const waiters: { test: (m: FromWorker) => boolean; resolve: (m: FromWorker) => void }[] = [];
  port1.on('message', (m: FromWorker) => {
    messages.push(m);
    for (const w of [...waiters])
      if (w.test(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
  });
  const until = <T extends FromWorker>(test: (m: FromWorker) => boolean) =>
    new Promise<T>((resolve) => {
      const seen = messages.find(test);
      if (seen) resolve(seen as T);
      else waiters.push({ test, resolve: resolve as (m: FromWorker) => void });
    });
  const send = (m: ToWorker | Record<string, unknown> | unknown) => port1.postMessage(m);
  let nextId = 1;
  const view = async (request: ViewRequest): Promise<ViewResult | { kind: 'error'; message: string }> => {
    const id = nextId++;
    const answer = until<Extract<FromWorker, { type: 'view' }>>((m) => m.type === 'view' && m.id === id);
    send({ type: 'view', id, request });
    return (await answer).result;
  };
  const steps = () => messages.filter((m): m is Extract<FromWorker, { type: 'step' }> => m.type === 'step').map((m) => m.e);
  return { messages, until, send, view, steps };
}

const done = (m: FromWorker) => m.type === 'done' || m.type === 'error';

/** The losses of the same run with the Trainer called directly (as the session sets it up). */
async function directLosses(doc: GraphDoc, s: TrainSettings): Promise<number[]> {
  const shaped = inferShapes(doc);
  const dataset = await getBuiltin('spirals')!.load({ seed: s.seed });
  const trial = splitIndices(dataset.size, { val: s.valSplit, test: 0 }, s.seed);
  const stepsPerEpoch = Math.floor(trial.train.length / Math.min(s.batchSize, trial.train.length));
  const trainer = new Trainer(shaped, dataset, nodeBackend('native', 1), { ...toTrainConfig(s, stepsPerEpoch, doc.training), gradNorms: true });
  const losses: number[] = [];
  await trainer.run({ onStep: (e) => void losses.push(e.loss) });
  return losses;
}

describe('serveTraining over a MessageChannel (native onnxruntime)', () => {
  it('trains the spiral MLP: the loss falls, and every loss equals the Trainer run directly with the same seed', async () => {
    const c = connect();
    c.send({ type: 'init', wasmPaths: '' });
    c.send({ type: 'start', doc: spiral, settings, data: { builtin: 'spirals' }, backend: 'native' });
    const started = await c.until<Extract<FromWorker, { type: 'started' }>>((m) => m.type === 'started');
    expect(started.info).toMatchObject({ backend: 'native', trainSamples: 2400, valSamples: 600, batch: 64, stepsPerEpoch: 37, totalSteps: 74, gan: false });
    const end = await c.until<Extract<FromWorker, { type: 'done' }>>(done);
    expect(end).toEqual({ type: 'done', status: 'finished', steps: 74 });
    const losses = c.steps().map((e) => e.loss);
    expect(losses).toHaveLength(74);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // Three classes start near ln 3 ≈ 1.10; two epochs of Adam bring the loss well down.
    expect(losses[0]).toBeGreaterThan(1.0);
    expect(mean(losses.slice(0, 5))).toBeGreaterThan(0.9);
    expect(mean(losses.slice(-5))).toBeLessThan(0.8 * mean(losses.slice(0, 5)));
    expect(losses).toEqual(await directLosses(spiral, settings));
    // Each step reports the per-layer gradient norms, cloned through the port like everything else.
    expect(Object.keys(c.steps()[0]!.gradNorms ?? {}).sort()).toEqual(['fc1', 'fc2', 'out']);
    const epochs = c.messages.filter((m): m is Extract<FromWorker, { type: 'epoch' }> => m.type === 'epoch');
    expect(epochs.map((m) => m.e.step)).toEqual([37, 74]);

    // Views after the run answer from the trained weights; the confusion matrix covers the validation split.
    const confusion = await c.view({ kind: 'confusion' });
    if (confusion.kind !== 'confusion') throw new Error(JSON.stringify(confusion));
    expect(confusion.total).toBe(600);
    expect(confusion.counts.reduce((a, b) => a + b, 0)).toBe(600);
    const diagonal = [0, 1, 2].reduce((a, k) => a + confusion.counts[k * 3 + k]!, 0);
    expect(confusion.accuracy).toBeCloseTo(diagonal / 600, 12);
    expect(confusion.accuracy).toBeCloseTo(epochs[1]!.e.val!.metrics['loss.accuracy']!, 5);

    // The trained weights come back as a Map of Float32Arrays (Export trained, kept weights).
    c.send({ type: 'weights', id: 99 });
    const w = await c.until<Extract<FromWorker, { type: 'weights' }>>((m) => m.type === 'weights');
    expect(w.weights).toBeInstanceOf(Map);
    expect(w.weights!.get('fc1.weight')).toBeInstanceOf(Float32Array);
    expect(w.weights!.get('fc1.weight')!.length).toBe(128);
  });

  it('pauses (taking no step while views answer), resumes to the end, and stops a second run early', async () => {
    const c = connect();
    c.send({ type: 'start', doc: spiral, settings, data: { builtin: 'spirals' }, backend: 'native' });
    await c.until((m) => m.type === 'step' && m.e.step === 3);
    c.send({ type: 'pause' });
    const paused = await c.until<Extract<FromWorker, { type: 'paused' }>>((m) => m.type === 'paused');
    const atPause = c.steps().length;
    expect(paused.step).toBe(atPause);
    const hist = await c.view({ kind: 'histograms', bins: 8 });
    if (hist.kind !== 'histograms') throw new Error(JSON.stringify(hist));
    expect(hist.layers.find((l) => l.name === 'out.weight')!.counts.reduce((a, b) => a + b, 0)).toBe(64 * 3);
    const boundary = await c.view({ kind: 'boundary', resolution: 16 });
    if (boundary.kind !== 'boundary') throw new Error(JSON.stringify(boundary));
    expect(boundary.grid.length).toBe(256);
    expect(Math.max(...boundary.grid)).toBeLessThan(3);
    // Still paused after two views: no step was taken.
    expect(c.steps().length).toBe(atPause);
    c.send({ type: 'resume' });
    await c.until((m) => m.type === 'resumed');
    const end = await c.until<Extract<FromWorker, { type: 'done' }>>(done);
    expect(end).toMatchObject({ status: 'finished', steps: 74 });
    expect(c.steps().map((e) => e.step)).toEqual(Array.from({ length: 74 }, (_, i) => i + 1));

    // A second run on the same port, stopped after its fifth step.
    const before = c.messages.length;
    c.send({ type: 'start', doc: spiral, settings: { ...settings, epochs: 20 }, data: { builtin: 'spirals' }, backend: 'native' });
    await c.until((m) => c.messages.indexOf(m) >= before && m.type === 'step' && m.e.step === 5);
    c.send({ type: 'stop' });
    const stopped = await c.until<Extract<FromWorker, { type: 'done' }>>((m) => c.messages.indexOf(m) >= before && done(m));
    expect(stopped.status).toBe('stopped');
    expect(stopped.steps).toBeGreaterThanOrEqual(5);
    expect(stopped.steps).toBeLessThan(740);
  });

  it('answers malformed requests, other backends and a broken model with one line each', async () => {
    const c = connect();
    const errors = () => c.messages.filter((m): m is Extract<FromWorker, { type: 'error' }> => m.type === 'error').map((m) => m.message);
    c.send('hello');
    c.send({ type: 'format-disk' });
    c.send({ type: 'view', request: { kind: 'confusion' } });
    c.send({ type: 'start', doc: null, settings, data: { builtin: 'spirals' }, backend: 'native' });
    c.send({ type: 'start', doc: spiral, settings, data: { builtin: 'spirals' }, backend: 'webgpu' });
    c.send({ type: 'gpu', id: 4 });
    const gpu = await c.until<Extract<FromWorker, { type: 'gpu' }>>((m) => m.type === 'gpu');
    expect(gpu).toMatchObject({ id: 4, available: false });
    c.send({ type: 'time', id: 5, doc: spiral, settings, data: { builtin: 'spirals' }, backend: 'wasm', steps: 2 });
    const timed = await c.until<Extract<FromWorker, { type: 'timed' }>>((m) => m.type === 'timed');
    expect(timed.msPerStep).toBeUndefined();
    expect(timed.error).toMatch(/native onnxruntime/);
    expect(errors()).toEqual([
      'The training process received a message that is not a request.',
      'The training process does not know the request "format-disk".',
      'The training process received a "view" request without a numeric id.',
      'The training process received a "start" request without a model.',
      "The desktop app's training process runs native onnxruntime on the CPU; WebGPU runs in the editor's own worker.",
    ]);

    // A model with a dangling edge, and an unknown dataset: the session's own one-line messages.
    const broken: GraphDoc = { ...spiral, edges: [...spiral.edges, { id: 'dangling', from: { node: 'nowhere', port: 'out' }, to: { node: 'fc1', port: 'in' } }] } as GraphDoc;
    c.send({ type: 'start', doc: broken, settings, data: { builtin: 'spirals' }, backend: 'native' });
    c.send({ type: 'start', doc: spiral, settings, data: { builtin: 'no-such-data' }, backend: 'native' });
    await c.until(() => errors().length >= 7);
    for (const message of errors()) {
      expect(message).not.toContain('\n');
      expect(message).not.toMatch(/\bat .*:\d+:\d+/);
    }
    expect(errors()[5]).toMatch(/^The model has errors; fix them first/);
    expect(errors()[6]).toBe('There is no built-in dataset "no-such-data".');

    // Timing on native works (what Auto asks for in the desktop app).
    c.send({ type: 'time', id: 6, doc: spiral, settings, data: { builtin: 'spirals' }, backend: 'native', steps: 2 });
    const native = await c.until<Extract<FromWorker, { type: 'timed' }>>((m) => m.type === 'timed' && m.id === 6);
    expect(native.error).toBeUndefined();
    expect(native.msPerStep).toBeGreaterThan(0);
  });
});
