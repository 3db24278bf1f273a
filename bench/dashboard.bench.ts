/**
 * `npm run bench:dashboard`: what the live dashboard costs the training run. The same TrainingSession that
 * the training worker runs (renderer/train/session.ts) trains the spiral MLP twice per round, on native
 * onnxruntime with one thread:
 *
 *   headless   the session's messages go nowhere; nobody asks for a view;
 *   dashboard  every message goes through the panel's client (renderer/train/client.ts: plot series
 *              appended, run state updated at most ten times a second), and the open views ask as the
 *              panel does while a run is live: decision boundary (60×60 grid) every 500 ms, activation
 *              every 1.5 s, weight histograms every 1.5 s, gradient histograms (a forward and backward pass
 *              on a training batch, on the CPU probe backend) every 1.5 s, confusion matrix over the validation
 *              split every 2 s.
 *
 * Both yield to the event loop between steps as the worker does. The figure is the throughput (samples/s
 * over the whole run, as the step events report it); rounds alternate the two, and the medians are compared.
 * Target: the dashboard costs under 5% of the headless throughput. Last, the time one gradient-histogram request
 * takes (median of 20, after a run, the probe session already built), beside the time of one train step. uPlot and the views' canvas drawing run
 * on the browser's main thread, not on the training worker's, so they are not part of this figure.
 *
 * Flags: --epochs N (150) --rounds R (7)
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from '../graph-core';
import { nodeBackend } from '../runtime/train/backend-node';
import { createTrainingClient, type WorkerPort } from '../renderer/train/client';
import type { FromWorker, ToWorker, ViewRequest } from '../renderer/train/protocol';
import { TrainingSession } from '../renderer/train/session';
import { DEFAULT_SETTINGS, type TrainSettings } from '../renderer/train/settings';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const EPOCHS = arg('epochs', 150);
const ROUNDS = arg('rounds', 7);

const doc = parseDocument(readFileSync(join(root, 'examples/spiral-mlp.json'), 'utf8')).doc!;
const settings: TrainSettings = { ...DEFAULT_SETTINGS, dataset: 'spirals', epochs: EPOCHS, batchSize: 64, lr: 0.01, seed: 1, valSplit: 0.2 };
const backend = nodeBackend('native', 1);
const yieldToEvents = () => new Promise<void>((r) => setImmediate(r));

/** One run; returns samples per second over the run and how many views were answered. */
async function run(withDashboard: boolean): Promise<{ samplesPerSec: number; views: number }> {
  let last = 0;
  let views = 0;
  if (!withDashboard) {
    const session = new TrainingSession({
      backend: () => backend,
      probeBackend: () => backend,
      yieldToEvents,
      post: (m) => {
        if (m.type === 'step') last = m.e.samplesPerSec;
      },
    });
    await session.handle({ type: 'start', doc, settings, data: { builtin: 'spirals' }, backend: 'native' });
    return { samplesPerSec: last, views };
  }
  let port: WorkerPort | null = null;
  const session = new TrainingSession({
    backend: () => backend,
    probeBackend: () => backend,
    yieldToEvents,
    post: (m: FromWorker) => {
      if (m.type === 'step') last = m.e.samplesPerSec;
      if (m.type === 'view') views++;
      port?.onmessage?.({ data: m });
    },
  });
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  const client = createTrainingClient(() => {
    port = {
      onmessage: null,
      postMessage: (msg: ToWorker | { type: 'init'; wasmPaths: string }) => {
        if (msg.type === 'init') return;
        void session.handle(msg).then(() => msg.type === 'start' && done());
      },
      terminate: () => undefined,
    };
    return port;
  }, '');
  const ask = (request: ViewRequest, everyMs: number) =>
    setInterval(() => {
      if (client.state.getState().status === 'running') client.view(request).catch(() => undefined);
    }, everyMs);
  const timers = [
    ask({ kind: 'boundary', resolution: 60 }, 500),
    ask({ kind: 'activation', node: 'a2', sample: 0 }, 1500),
    ask({ kind: 'histograms', bins: 30 }, 1500),
    ask({ kind: 'gradHistograms', bins: 30 }, 1500),
    ask({ kind: 'confusion' }, 2000),
  ];
  await client.start(doc, settings, { builtin: 'spirals' }, 'cpu');
  await finished;
  for (const t of timers) clearInterval(t);
  client.dispose();
  return { samplesPerSec: last, views };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Milliseconds per gradient-histogram request after a one-epoch run, and per train step of that run. */
async function gradHistogramCost(): Promise<{ requestMs: number; stepMs: number }> {
  const answers = new Map<number, () => void>();
  let sps = 0;
  const session = new TrainingSession({
    backend: () => backend,
    probeBackend: () => backend,
    post: (m) => {
      if (m.type === 'step') sps = m.e.samplesPerSec;
      if (m.type === 'view') {
        if (m.result.kind === 'error') throw new Error(m.result.message);
        answers.get(m.id)?.();
      }
    },
  });
  await session.handle({ type: 'start', doc, settings: { ...settings, epochs: 1 }, data: { builtin: 'spirals' }, backend: 'native' });
  const times: number[] = [];
  for (let id = 0; id < 21; id++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      answers.set(id, resolve);
      void session.handle({ type: 'view', id, request: { kind: 'gradHistograms', bins: 30 } });
    });
    if (id > 0) times.push(performance.now() - t0); // the first request builds the probe session
  }
  return { requestMs: median(times), stepMs: (settings.batchSize / sps) * 1000 };
}

async function main(): Promise<void> {
  console.log(`bench:dashboard: spiral MLP 2-64-64-3, batch 64, ${EPOCHS} epochs (${Math.floor(2400 / 64) * EPOCHS} steps), native onnxruntime, 1 thread, ${ROUNDS} rounds`);
  await run(false); // warm-up: onnxruntime's first session, the dataset generator
  const headless: number[] = [];
  const dashboard: number[] = [];
  let views = 0;
  for (let r = 0; r < ROUNDS; r++) {
    headless.push((await run(false)).samplesPerSec);
    const d = await run(true);
    dashboard.push(d.samplesPerSec);
    views += d.views;
    console.log(`  round ${r + 1}: headless ${Math.round(headless.at(-1)!)} samples/s, dashboard ${Math.round(d.samplesPerSec)} samples/s (${d.views} views answered)`);
  }
  const h = median(headless);
  const d = median(dashboard);
  const cost = (1 - d / h) * 100;
  console.log(`median: headless ${Math.round(h)} samples/s, with dashboard ${Math.round(d)} samples/s: the dashboard costs ${cost.toFixed(1)}% (target < 5%); ${views} views answered in all`);
  const g = await gradHistogramCost();
  console.log(`gradient histograms: ${g.requestMs.toFixed(2)} ms per request (forward and backward on 64 samples, 6 histograms of 30 bins), one train step ${g.stepMs.toFixed(2)} ms`);
}

void main();
