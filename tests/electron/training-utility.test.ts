/**
 * The native training process as built (electron/training-utility.ts bundled by esbuild as `npm run
 * build:electron` does, onnxruntime-node left external), run in Node with a stand-in for the utility
 * process's `process.parentPort` and Electron-style ports (MessagePortMain wraps each message in an event)
 * over a real worker_threads MessageChannel: main's `connect` hands it a port, and the spiral MLP trains to
 * the end on native onnxruntime through it, two windows at once. The real Electron run is app.electron.test.ts.
 */
import Module from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from '../../graph-core';
import { mnistDigitsBinary } from '../../runtime/data/node/mnist';
import type { FromWorker } from '../../renderer/train/protocol';
import { DEFAULT_SETTINGS, type TrainSettings } from '../../renderer/train/settings';

const root = new URL('../../', import.meta.url).pathname;
const spiral = parseDocument(readFileSync(join(root, 'examples/spiral-mlp.json'), 'utf8')).doc!;
const settings: TrainSettings = { ...DEFAULT_SETTINGS, dataset: 'spirals', epochs: 2, batchSize: 64, lr: 0.01, seed: 2, valSplit: 0.2 };
const lenet = parseDocument(readFileSync(join(root, 'examples/lenet5.json'), 'utf8')).doc!;
/** The bundle's own folder: build:electron writes the digits' binary form beside the bundle. */
const bundleDir = mkdtempSync(join(tmpdir(), 'll-training-utility-'));

type ParentListener = (event: { data: unknown; ports: unknown[] }) => void;
let parentListener: ParentListener | null = null;
const open: MessagePort[] = [];

/** A Node MessagePort dressed as Electron's MessagePortMain (messages arrive as `{ data }`, start() required). */
function portMain(port: MessagePort) {
  let started = false;
  const early: unknown[] = [];
  let listener: ((e: { data: unknown }) => void) | null = null;
  port.on('message', (data) => (started && listener ? listener({ data }) : early.push(data)));
  return {
    postMessage: (m: unknown) => port.postMessage(m),
    on(event: 'message' | 'close', l: (e: { data: unknown }) => void) {
      if (event === 'message') listener = l;
      else port.on('close', l as () => void);
    },
    start() {
      started = true;
      for (const d of early.splice(0)) listener?.({ data: d });
    },
  };
}

beforeAll(async () => {
  const out = await build({
    entryPoints: [join(root, 'electron/training-utility.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    external: ['electron', 'onnxruntime-node'],
    write: false,
    logLevel: 'error',
  });
  const code = out.outputFiles[0]!.text;
  expect(code).not.toContain('onnxruntime-web');
  // The digits come from their binary file, not from the mnist package's JSON (not packaged with the app).
  expect(code).not.toContain('mnist/src/digits');
  (process as unknown as { parentPort: unknown }).parentPort = { on: (_event: string, l: ParentListener) => void (parentListener = l) };
  // Loaded from a folder of its own (where the digits file goes, as in dist/electron), with onnxruntime-node
  // resolving from the project's node_modules as it does for dist/electron.
  const filename = join(bundleDir, 'training-utility.cjs');
  const m = new Module(filename) as Module & { _compile(code: string, filename: string): void; paths: string[] };
  m.filename = filename;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(join(root, 'dist/electron'));
  m._compile(code, filename);
}, 60_000);

afterAll(() => {
  delete (process as unknown as { parentPort?: unknown }).parentPort;
  for (const p of open.splice(0)) p.close();
  rmSync(bundleDir, { recursive: true, force: true });
});

/** What main does for a window: a channel, one end to the process with `connect`. */
function connectWindow() {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  const messages: FromWorker[] = [];
  const waiters: Array<[(m: FromWorker) => boolean, (m: FromWorker) => void]> = [];
  port1.on('message', (m: FromWorker) => {
    messages.push(m);
    for (const w of [...waiters])
      if (w[0](m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w[1](m);
      }
  });
  parentListener!({ data: { type: 'connect' }, ports: [portMain(port2)] });
  const until = (test: (m: FromWorker) => boolean) =>
    new Promise<FromWorker>((resolve) => {
      const seen = messages.find(test);
      if (seen) resolve(seen);
      else waiters.push([test, resolve]);
    });
  return { send: (m: unknown) => port1.postMessage(m), messages, until };
}

describe('the training utility process (bundled entry)', () => {
  it('serves each connected window its own native training session', async () => {
    expect(parentListener).not.toBeNull();
    // Messages without a port, or of another kind, are ignored.
    parentListener!({ data: { type: 'connect' }, ports: [] });
    parentListener!({ data: { type: 'other' }, ports: [] });

    const a = connectWindow();
    const b = connectWindow();
    a.send({ type: 'start', doc: spiral, settings, data: { builtin: 'spirals' }, backend: 'native' });
    b.send({ type: 'start', doc: spiral, settings: { ...settings, epochs: 1, seed: 9 }, data: { builtin: 'spirals' }, backend: 'native' });
    const [endA, endB] = await Promise.all([a.until((m) => m.type === 'done' || m.type === 'error'), b.until((m) => m.type === 'done' || m.type === 'error')]);
    expect(endA).toEqual({ type: 'done', status: 'finished', steps: 74 });
    expect(endB).toEqual({ type: 'done', status: 'finished', steps: 37 });
    const started = a.messages.find((m): m is Extract<FromWorker, { type: 'started' }> => m.type === 'started')!;
    expect(started.info.backend).toBe('native');
    const losses = a.messages.flatMap((m) => (m.type === 'step' ? [m.e.loss] : []));
    expect(losses).toHaveLength(74);
    expect(losses.slice(-5).reduce((x, y) => x + y) / 5).toBeLessThan(0.8 * (losses.slice(0, 5).reduce((x, y) => x + y) / 5));

    // The GPU probe says there is none here (WebGPU lives in the editor's worker).
    b.send({ type: 'gpu', id: 1 });
    expect(await b.until((m) => m.type === 'gpu')).toEqual({ type: 'gpu', id: 1, available: false, reason: 'the native training process has no WebGPU' });
  }, 60_000);

  it('trains LeNet-5 on the digits it reads beside the bundle; without the file it says so in one line', async () => {
    const doc = { ...lenet, training: { dataset: 'digits', steps: 40, dataset_options: { size: 2000 } } };
    const digitSettings: TrainSettings = { ...DEFAULT_SETTINGS, dataset: 'digits', epochs: 1, batchSize: 32, lr: 0.002, seed: 1, valSplit: 0.1 };
    const start = { type: 'start', doc, settings: digitSettings, data: { builtin: 'digits' }, backend: 'native' };
    const ended = (m: FromWorker) => m.type === 'done' || m.type === 'error';

    const missing = connectWindow();
    missing.send(start);
    expect(await missing.until(ended)).toEqual({
      type: 'error',
      message: `The dataset "digits" could not be loaded here: the app's digits file ${join(bundleDir, 'mnist-digits.bin')} is missing; rebuild the app (npm run build:electron) to generate it`,
    });

    // The file as build:electron writes it; the process reads it on the next run (a failed read is not kept).
    writeFileSync(join(bundleDir, 'mnist-digits.bin'), await mnistDigitsBinary());
    const w = connectWindow();
    w.send(start);
    expect(await w.until(ended)).toEqual({ type: 'done', status: 'finished', steps: 40 });
    const losses = w.messages.flatMap((m) => (m.type === 'step' ? [m.e.loss] : []));
    expect(losses).toHaveLength(40);
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y) / xs.length;
    // Ten classes: a fresh model starts near ln 10 ≈ 2.3; LeNet-5 learns real digits within a few dozen steps.
    expect(mean(losses.slice(0, 3))).toBeGreaterThan(2);
    expect(mean(losses.slice(-5))).toBeLessThan(0.6 * mean(losses.slice(0, 5)));
  }, 120_000);
});
