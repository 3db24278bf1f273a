/**
 * The training client in the desktop app: its CPU is native onnxruntime in another process, reached through
 * the host's `nativeTraining` and the port it hands over (renderer/train/native-channel.ts). Here the process
 * is serveTraining over a worker_threads MessageChannel with onnxruntime-node, and the browser worker is a
 * double that only answers the WebGPU probe and timings. CPU runs, controls and views go to the native
 * process; Auto times native against the GPU; a dying process ends the run with one line, and the next run
 * gets a new process; a refused request is one line too.
 */
import { readFileSync } from 'node:fs';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDocument } from '../../graph-core';
import { nodeBackend } from '../../runtime/train/backend-node';
import { NATIVE_TRAINING_PORT_MESSAGE, type NativeTraining } from '../../renderer/host/host';
import { CPU_LABELS, createTrainingClient, type RunState, type TrainingClient, type WorkerPort } from '../../renderer/train/client';
import { openNativeChannel, type PagePort, type PortEvent, type PortWindow } from '../../renderer/train/native-channel';
import type { FromWorker, ToWorker } from '../../renderer/train/protocol';
import { serveTraining } from '../../renderer/train/serve';
import { DEFAULT_SETTINGS, type TrainSettings } from '../../renderer/train/settings';

const spiral = parseDocument(readFileSync(new URL('../../examples/spiral-mlp.json', import.meta.url), 'utf8')).doc!;
const settings: TrainSettings = { ...DEFAULT_SETTINGS, dataset: 'spirals', epochs: 2, batchSize: 64, lr: 0.01, seed: 4, valSplit: 0.2 };
const data = { builtin: 'spirals' };

const ports: MessagePort[] = [];
afterEach(() => {
  for (const p of ports.splice(0)) p.close();
});

/** The page's window: listeners for 'message', as the preload's window.postMessage reaches them. */
function fakeWindow() {
  const listeners = new Set<(e: PortEvent) => void>();
  const win: PortWindow & { post(data: unknown, port?: MessagePort): void; listeners: number } = {
    addEventListener: (_t, l) => void listeners.add(l),
    removeEventListener: (_t, l) => void listeners.delete(l),
    post(data, port) {
      const event = { source: win, data, ports: port ? [port as unknown as PagePort] : [] };
      for (const l of [...listeners]) l(event);
    },
    get listeners() {
      return listeners.size;
    },
  };
  return win;
}

/** The desktop host's native training: each request starts a "process" (a served session) and relays its port. */
function fakeNative(win: ReturnType<typeof fakeWindow>, options: { refuse?: string } = {}) {
  const gone = new Set<(m: string) => void>();
  const processes: MessagePort[] = [];
  const native: NativeTraining & { requests: string[]; die(message: string): void } = {
    requests: [],
    async requestPort(nonce) {
      this.requests.push(nonce);
      if (options.refuse) throw new Error(options.refuse);
      const { port1, port2 } = new MessageChannel();
      ports.push(port1, port2);
      processes.push(port2);
      serveTraining(
        { postMessage: (m) => port2.postMessage(m), onMessage: (l) => port2.on('message', l), onClose: (l) => port2.on('close', l) },
        { backend: nodeBackend('native', 1), yieldToEvents: () => new Promise((r) => setImmediate(r)) },
      );
      setImmediate(() => {
        // Another page's port, or a stale nonce, is not ours.
        win.post({ type: NATIVE_TRAINING_PORT_MESSAGE, nonce: 'not-this-one' }, new MessageChannel().port1);
        win.post({ type: NATIVE_TRAINING_PORT_MESSAGE, nonce }, port1);
      });
    },
    onGone(listener) {
      gone.add(listener);
      return () => void gone.delete(listener);
    },
    die(message) {
      processes.at(-1)?.close();
      for (const l of [...gone]) l(message);
    },
  };
  return native;
}

/** The browser worker double: a WebGPU probe answer and GPU timings; it must never be asked to train here. */
function fakeWorker(gpu: { adapter?: Record<string, unknown>; msPerStep?: number }) {
  const received: ToWorker[] = [];
  const port: WorkerPort = {
    onmessage: null,
    postMessage(msg) {
      if (msg.type === 'init') return;
      received.push(msg);
      const answer = (m: FromWorker) => setImmediate(() => port.onmessage?.({ data: m }));
      if (msg.type === 'gpu') answer(gpu.adapter ? { type: 'gpu', id: msg.id, available: true, adapter: gpu.adapter } : { type: 'gpu', id: msg.id, available: false, reason: 'no WebGPU adapter' });
      if (msg.type === 'time') answer({ type: 'timed', id: msg.id, ...(gpu.msPerStep !== undefined ? { msPerStep: gpu.msPerStep } : {}) });
    },
    terminate() {},
  };
  return { port, received };
}

function until(client: TrainingClient, test: (s: RunState) => boolean): Promise<RunState> {
  return new Promise((resolve) => {
    if (test(client.state.getState())) return resolve(client.state.getState());
    const off = client.state.subscribe(() => {
      if (!test(client.state.getState())) return;
      off();
      resolve(client.state.getState());
    });
  });
}
const ended = (s: RunState) => ['finished', 'stopped', 'diverged', 'error'].includes(s.status);

describe('the training client with native training (desktop app)', () => {
  it('trains on the CPU in the native process: controls, views and weights go there, the worker never trains', async () => {
    const win = fakeWindow();
    const native = fakeNative(win);
    const worker = fakeWorker({});
    const client = createTrainingClient(() => worker.port, '', () => openNativeChannel(native, win));
    expect(client.cpuLabel).toBe(CPU_LABELS.native);
    await client.start(spiral, settings, data, 'cpu');
    expect(client.state.getState().backend).toEqual({ label: 'CPU (native)', why: 'chosen in the panel' });
    const end = await until(client, ended);
    expect(end).toMatchObject({ status: 'finished', message: 'Finished after 74 steps.', step: 74 });
    expect(end.info).toMatchObject({ backend: 'native', totalSteps: 74 });
    expect(client.series()!.loss).toHaveLength(74);
    const confusion = await client.view({ kind: 'confusion' });
    if (confusion.kind !== 'confusion') throw new Error(confusion.kind);
    expect(confusion.total).toBe(600);
    const weights = await client.weights();
    expect(weights!.get('fc1.weight')!.length).toBe(128);

    // A long run: paused, a view answered while paused, resumed, stopped.
    await client.start(spiral, { ...settings, epochs: 50 }, data, 'cpu');
    await until(client, (s) => s.status === 'running' && s.step >= 3);
    client.pause();
    const paused = await until(client, (s) => s.status === 'paused');
    const hist = await client.view({ kind: 'histograms', bins: 5 });
    if (hist.kind !== 'histograms') throw new Error(hist.kind);
    expect(hist.layers.find((l) => l.name === 'fc1.weight')!.counts.reduce((a, b) => a + b, 0)).toBe(128);
    expect(client.state.getState().step).toBe(paused.step);
    client.resume();
    await until(client, (s) => s.status === 'running');
    client.stop();
    const stopped = await until(client, ended);
    expect(stopped.status).toBe('stopped');
    expect(stopped.step).toBeGreaterThanOrEqual(paused.step);
    expect(stopped.step).toBeLessThan(37 * 50);

    expect(worker.received).toEqual([]);
    expect(native.requests).toHaveLength(1);
    // The port was picked up: the channel no longer listens on the window.
    expect(win.listeners).toBe(0);
    client.dispose();
  });

  it('Auto: without a hardware GPU it takes native without timing; with one it times WebGPU against native', async () => {
    const win = fakeWindow();
    const none = createTrainingClient(() => fakeWorker({}).port, '', () => openNativeChannel(fakeNative(win), win));
    await none.start(spiral, { ...settings, epochs: 1 }, data, 'auto');
    expect(none.state.getState().backend).toEqual({ label: 'CPU (native)', why: 'WebGPU is unavailable (no WebGPU adapter); using native CPU (onnxruntime-node)' });
    expect(await until(none, ended)).toMatchObject({ status: 'finished' });
    none.dispose();

    const software = createTrainingClient(() => fakeWorker({ adapter: { vendor: 'google', architecture: 'swiftshader' } }).port, '', () => openNativeChannel(fakeNative(win), win));
    await software.start(spiral, { ...settings, epochs: 1 }, data, 'auto');
    expect(software.state.getState().backend!.why).toBe('WebGPU adapter is software (SwiftShader); using native CPU (onnxruntime-node)');
    await until(software, ended);
    software.dispose();

    // A (pretend) hardware GPU that takes 10 s a step: native is timed for real and wins.
    const worker = fakeWorker({ adapter: { vendor: 'nvidia', architecture: 'ampere' }, msPerStep: 10_000 });
    const native = fakeNative(win);
    const timed = createTrainingClient(() => worker.port, '', () => openNativeChannel(native, win));
    await timed.start(spiral, { ...settings, epochs: 1 }, data, 'auto');
    const why = timed.state.getState().backend!.why;
    expect(why).toMatch(/^native CPU \(onnxruntime-node\) \d+(\.\d)? ms per step against WebGPU 10000 ms; using native CPU \(onnxruntime-node\)$/);
    expect(Number(/\) ([\d.]+) ms/.exec(why)![1])).toBeGreaterThan(0);
    expect(worker.received.map((m) => (m.type === 'time' ? `time ${m.backend}` : m.type))).toEqual(['gpu', 'time webgpu']);
    expect(await until(timed, ended)).toMatchObject({ status: 'finished', info: { backend: 'native' } });
    // One process served both the timing and the run.
    expect(native.requests).toHaveLength(1);
    timed.dispose();
  });

  it('a process that dies ends the run and its pending views with one line; the next run gets a new process', async () => {
    const win = fakeWindow();
    const native = fakeNative(win);
    const client = createTrainingClient(() => fakeWorker({}).port, '', () => openNativeChannel(native, win));
    await client.start(spiral, { ...settings, epochs: 50 }, data, 'cpu');
    await until(client, (s) => s.status === 'running' && s.step >= 2);
    client.pause();
    await until(client, (s) => s.status === 'paused');
    const message = 'The native training process stopped unexpectedly (exit code 9); the run ended there. Start again to train in a new process.';
    const view = client.view({ kind: 'histograms', bins: 5 });
    native.die(message);
    await expect(view).rejects.toThrow(message);
    expect(client.state.getState()).toMatchObject({ status: 'error', message });
    expect(await client.weights()).toBeNull();

    await client.start(spiral, { ...settings, epochs: 1 }, data, 'cpu');
    expect(await until(client, ended)).toMatchObject({ status: 'finished', step: 37 });
    expect(native.requests).toHaveLength(2);
    client.dispose();
  });

  it("main's refusal is the run's one-line message", async () => {
    const win = fakeWindow();
    const refusal = 'The native training process stopped 3 times within a minute, so it is not restarted now; train on the GPU or try again in a minute.';
    const client = createTrainingClient(() => fakeWorker({}).port, '', () => openNativeChannel(fakeNative(win, { refuse: refusal }), win));
    await client.start(spiral, settings, data, 'cpu');
    expect(await until(client, ended)).toMatchObject({ status: 'error', message: refusal });
    expect(win.listeners).toBe(0);
  });

  it('a request that cannot be cloned is one line, and the channel goes on', async () => {
    const win = fakeWindow();
    const client = createTrainingClient(() => fakeWorker({}).port, '', () => openNativeChannel(fakeNative(win), win));
    await client.start(spiral, { ...settings, epochs: 1 }, data, 'cpu');
    await until(client, ended);
    // An imported dataset carrying a function cannot be structured-cloned.
    const odd = { dataset: { info: { name: 'odd' }, size: 1, inputs: {}, targets: {}, arrays: {}, describe: () => 'not cloneable' } } as unknown as typeof data;
    await client.start(spiral, settings, odd, 'cpu');
    const state = await until(client, ended);
    expect(state.status).toBe('error');
    expect(state.message).toMatch(/^The run could not be handed to the trainer: .*could not be cloned/);
    expect(state.message).not.toContain('\n');
    await client.start(spiral, { ...settings, epochs: 1 }, data, 'cpu');
    expect(await until(client, ended)).toMatchObject({ status: 'finished', step: 37 });
    client.dispose();
  });

  it('the browser keeps WASM as its CPU', () => {
    const client = createTrainingClient(() => fakeWorker({}).port, '');
    expect(client.cpuLabel).toBe('CPU (WASM)');
  });
});
