/**
 * Kept weights through the training client: a client whose worker is the real TrainingSession (in Node,
 * native onnxruntime) restores weights kept from a run; the panel's state then shows a finished model with
 * its run info, and the playground's prediction and Export trained's weights equal the trained model's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../graph-core';
import { nodeBackend } from '../../runtime/train/backend-node';
import { createTrainingClient, type WorkerPort } from '../../renderer/train/client';
import type { FromWorker } from '../../renderer/train/protocol';
import { TrainingSession } from '../../renderer/train/session';
import { DEFAULT_SETTINGS, type TrainSettings } from '../../renderer/train/settings';

const spiral = parseDocument(readFileSync(new URL('../../examples/spiral-mlp.json', import.meta.url), 'utf8')).doc!;
const settings: TrainSettings = { ...DEFAULT_SETTINGS, dataset: 'spirals', epochs: 1, batchSize: 64, lr: 0.01, seed: 3, valSplit: 0.2 };

/** A worker port that runs a TrainingSession in this process. */
function inProcessWorker(): WorkerPort {
  const port: WorkerPort = {
    onmessage: null,
    postMessage(msg) {
      if (msg.type === 'init') return;
      void session.handle(msg);
    },
    terminate() {},
  };
  const session = new TrainingSession({
    backend: () => nodeBackend('native'),
    probeBackend: () => nodeBackend('native'),
    post: (m: FromWorker) => queueMicrotask(() => port.onmessage?.({ data: m })),
  });
  return port;
}

async function trainedWeights(): Promise<{ weights: Map<string, Float32Array>; probabilities: number[] }> {
  const messages: FromWorker[] = [];
  const session = new TrainingSession({ backend: () => nodeBackend('native'), probeBackend: () => nodeBackend('native'), post: (m) => messages.push(m) });
  await session.handle({ type: 'start', doc: spiral, settings, data: { builtin: 'spirals' }, backend: 'native' });
  await session.handle({ type: 'weights', id: 1 });
  await session.handle({ type: 'view', id: 2, request: { kind: 'predict', input: Float32Array.of(0.3, 0.5) } });
  const w = messages.find((m): m is Extract<FromWorker, { type: 'weights' }> => m.type === 'weights')!.weights!;
  const v = messages.find((m): m is Extract<FromWorker, { type: 'view' }> => m.type === 'view')!.result;
  if (v.kind !== 'predict') throw new Error(JSON.stringify(v));
  return { weights: w, probabilities: Array.from(v.probabilities) };
}

describe('restoring kept weights through the training client', () => {
  it('shows a finished model whose predictions and exported weights are the kept ones', async () => {
    const trained = await trainedWeights();
    const client = createTrainingClient(inProcessWorker, '');
    expect(await client.weights()).toBeNull();
    client.restore(spiral, settings, { builtin: 'spirals' }, trained.weights);
    await expect.poll(() => client.state.getState().status).toBe('finished');
    expect(client.state.getState().info).toMatchObject({ valSamples: 600, totalSteps: 0 });
    expect(client.state.getState().message).toBe('The trained weights kept with the project were restored.');
    const p = await client.view({ kind: 'predict', input: Float32Array.of(0.3, 0.5) });
    if (p.kind !== 'predict') throw new Error('no prediction');
    expect(Array.from(p.probabilities)).toEqual(trained.probabilities);
    const exported = (await client.weights())!;
    for (const [k, v] of trained.weights) expect(Array.from(exported.get(k)!)).toEqual(Array.from(v));
    client.dispose();
  });

  it('says so when the weights came with an imported model', async () => {
    const trained = await trainedWeights();
    const client = createTrainingClient(inProcessWorker, '');
    client.restore(spiral, settings, { builtin: 'spirals' }, trained.weights, true);
    await expect.poll(() => client.state.getState().status).toBe('finished');
    expect(client.state.getState().message).toBe("The imported model's weights are loaded: the views and the playground use them.");
    client.dispose();
  });

  it('says in one line when the kept weights do not fit the model, and stays idle', async () => {
    const trained = await trainedWeights();
    const wider = { ...spiral, nodes: spiral.nodes.map((n) => (n.id === 'fc2' ? { ...n, params: { out_features: 32 } } : n)) };
    const client = createTrainingClient(inProcessWorker, '');
    client.restore(wider, settings, { builtin: 'spirals' }, trained.weights);
    await expect.poll(() => client.state.getState().message).toBe('The kept fc2.weight has 4096 values, the model needs 2048; the model changed since it was trained.');
    expect(client.state.getState().status).toBe('idle');
    expect(client.state.getState().info).toBeNull();
    client.dispose();
  });
});
