/**
 * The main thread's side of training: owns the training worker, turns its messages into the run state the
 * panel shows (a small store, bumped at most once per animation frame) and the plot series (plain arrays,
 * appended in place, so a long run costs no copying), and keeps the finished runs of this project for
 * overlaying. The Auto backend is decided here from the worker's WebGPU probe and step timings.
 *
 * In the desktop app the CPU is native onnxruntime in a separate process (native-channel.ts), reached through
 * the same WorkerPort interface; a run, its controls and its views go to the channel it started on.
 */
import { castDraft } from 'immer';
import type { GraphDoc } from '../../graph-core';
import type { EpochEvent, StepEvent } from '../../runtime/train/trainer';
import { createStore, type Store } from '../store/store';
import { chooseBackend, shouldTimeGpu, type AdapterInfo, type BackendCandidate, type DeviceChoice } from './auto-backend';
import type { DataSource, FromWorker, RunInfo, ToWorker, ViewRequest, ViewResult, WorkerBackend } from './protocol';
import { appendGradNorms } from './grad-plot';
import type { TrainSettings } from './settings';

export type RunStatus = 'idle' | 'choosing' | 'starting' | 'running' | 'paused' | 'stopping' | 'finished' | 'stopped' | 'diverged' | 'error';

export interface RunState {
  readonly status: RunStatus;
  /** The last problem or the end-of-run message, one line. */
  readonly message: string | null;
  readonly info: RunInfo | null;
  /** Which backend runs, and why (Auto's sentence, or "chosen by you"). */
  readonly backend: { readonly label: string; readonly why: string } | null;
  readonly step: number;
  readonly epoch: number;
  readonly loss: number | null;
  readonly samplesPerSec: number;
  readonly etaSec: number;
  /** Bumped when the series grew, so plots redraw. */
  readonly version: number;
  /** Bumped when a GAN sample batch arrives. */
  readonly samplesVersion: number;
}

/**
 * Everything one run plotted, appended in place. Every array is aligned with `step` (one entry per step),
 * so a chart takes them as they are; per-epoch values sit at the epoch's last step, null elsewhere.
 */
export interface RunSeries {
  readonly label: string;
  readonly step: number[];
  readonly loss: number[];
  readonly lr: number[];
  readonly throughput: number[];
  /** In-step metrics (accuracy, …) by name. */
  readonly metrics: Record<string, number[]>;
  /** The epoch's mean training loss. */
  readonly epochLoss: (number | null)[];
  readonly valLoss: (number | null)[];
  readonly valMetrics: Record<string, (number | null)[]>;
  /** ‖∂L/∂W‖₂ of every layer with trainable weights, by node id (null where a step did not report it). */
  readonly gradNorms: Record<string, (number | null)[]>;
}

const emptySeries = (label: string): RunSeries => ({ label, step: [], loss: [], lr: [], throughput: [], metrics: {}, epochLoss: [], valLoss: [], valMetrics: {}, gradNorms: {} });

const initial: RunState = {
  status: 'idle',
  message: null,
  info: null,
  backend: null,
  step: 0,
  epoch: 0,
  loss: null,
  samplesPerSec: 0,
  etaSec: 0,
  version: 0,
  samplesVersion: 0,
};

/** A channel to a training session: the browser's Web Worker, the desktop app's native process, or a test double. */
export interface WorkerPort {
  postMessage(msg: ToWorker | { type: 'init'; wasmPaths: string }): void;
  onmessage: ((e: { data: FromWorker }) => void) | null;
  /** Set by the client: the channel ended on its own (the native process died); one line for a person. */
  onclose?: ((message: string) => void) | null;
  terminate(): void;
}

/** How the panel names the CPU backend. */
export const CPU_LABELS = { wasm: 'CPU (WASM)', native: 'CPU (native)' } as const;

export interface TrainingClient {
  readonly state: Store<RunState>;
  /** The panel's name for the CPU choice: native onnxruntime in the desktop app, WASM in a browser. */
  readonly cpuLabel: string;
  /** The current run's series (the last one after it ends). */
  series(): RunSeries | null;
  /** Earlier runs of this project, oldest first (for overlays). */
  previousRuns(): readonly RunSeries[];
  /** The GAN's latest generated batch. */
  samples(): { step: number; shape: readonly number[]; data: Float32Array } | null;
  isActive(): boolean;
  /** Starts a run; with `startFrom` it starts from those weights (fine-tuning) instead of fresh ones. */
  start(doc: GraphDoc, settings: TrainSettings, data: DataSource, device: DeviceChoice, startFrom?: ReadonlyMap<string, Float32Array>): Promise<void>;
  pause(): void;
  resume(): void;
  stop(): void;
  view(request: ViewRequest): Promise<ViewResult>;
  /** The trained weights of the last run (null while running or before any run). */
  weights(): Promise<Map<string, Float32Array> | null>;
  /**
   * Loads weights kept with the project (from its last run, or imported with an ONNX model) as the trained
   * weights, without training; the views, the playground and Export trained then use them. `imported` says
   * they came with an imported ONNX model (the status line says so).
   */
  restore(doc: GraphDoc, settings: TrainSettings, data: DataSource, weights: Map<string, Float32Array>, imported?: boolean): void;
  /** Forgets the overlays (another project was opened). */
  resetRuns(): void;
  dispose(): void;
}

const MAX_OVERLAYS = 4;

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

/**
 * `makeNative` opens a channel to native training (the desktop app); without it the CPU is the worker's WASM.
 */
const RESTORED_TRAINED = 'The trained weights kept with the project were restored.';

export function createTrainingClient(makeWorker: () => WorkerPort, wasmPaths: string, makeNative?: () => WorkerPort): TrainingClient {
  const state = createStore<RunState>(initial);
  let worker: WorkerPort | null = null;
  let native: WorkerPort | null = null;
  /** The channel of the current (or last) run or restore: its controls, views and weights go there. */
  let runOn: WorkerPort | null = null;
  let current: RunSeries | null = null;
  const previous: RunSeries[] = [];
  let gan: { step: number; shape: readonly number[]; data: Float32Array } | null = null;
  let nextId = 1;
  let runCount = 0;
  /** What the status says once kept weights are loaded: trained ones, or an imported model's. */
  let restoredMessage = RESTORED_TRAINED;
  /** Requests waiting for their answer: how to answer them, on which channel, and the answer if the channel dies. */
  const pending = new Map<number, { resolve: (m: FromWorker) => void; channel: WorkerPort; fail: (message: string) => FromWorker }>();
  // Step events arrive faster than frames: the store is updated once per redraw with the latest one.
  let lastStep: StepEvent | null = null;
  let frame: ReturnType<typeof setTimeout> | null = null;

  const flush = () => {
    frame = null;
    const e = lastStep;
    state.update((d) => {
      d.version++;
      if (e) {
        d.step = e.step;
        d.epoch = e.epoch;
        d.loss = e.loss;
        d.samplesPerSec = e.samplesPerSec;
        d.etaSec = e.etaSec;
      }
    });
  };
  const schedule = () => {
    if (frame !== null) return;
    // At most ten redraws a second: smooth enough for a curve, and it leaves the CPU to the training worker.
    // The client also runs in Node (tests), where there is no requestAnimationFrame.
    const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number }).requestAnimationFrame;
    frame = setTimeout(() => (raf ? raf.call(globalThis, flush) : flush()), 100);
  };

  const onStep = (e: StepEvent) => {
    const s = current;
    if (!s) return;
    s.step.push(e.step);
    s.loss.push(e.loss);
    s.lr.push(e.lr);
    s.throughput.push(e.samplesPerSec);
    for (const [k, v] of Object.entries(e.metrics)) (s.metrics[k] ??= []).push(v);
    s.epochLoss.push(null);
    s.valLoss.push(null);
    for (const v of Object.values(s.valMetrics)) v.push(null);
    appendGradNorms(s.gradNorms, s.step.length, e.gradNorms);
    lastStep = e;
    schedule();
  };

  const onEpoch = (e: EpochEvent) => {
    const s = current;
    const at = s ? s.step.lastIndexOf(e.step) : -1;
    if (!s || at < 0) return;
    s.epochLoss[at] = e.loss;
    s.valLoss[at] = e.val?.loss ?? null;
    for (const [k, v] of Object.entries(e.val?.metrics ?? {})) {
      const column = (s.valMetrics[k] ??= s.step.map(() => null));
      column[at] = v;
    }
    schedule();
  };

  const onMessage = (m: FromWorker) => {
    switch (m.type) {
      case 'started':
        state.update((d) => {
          d.status = 'running';
          d.info = castDraft(m.info);
        });
        return;
      case 'step':
        return onStep(m.e);
      case 'epoch':
        return onEpoch(m.e);
      case 'samples':
        gan = { step: m.step, shape: m.shape, data: m.data };
        state.update((d) => {
          d.samplesVersion++;
        });
        return;
      case 'paused':
        // Show the step the run paused at, not the one of the last redraw.
        if (frame !== null) {
          clearTimeout(frame);
          flush();
        }
        state.update((d) => {
          if (d.status === 'running') d.status = 'paused';
        });
        return;
      case 'resumed':
        state.update((d) => {
          if (d.status === 'paused') d.status = 'running';
        });
        return;
      case 'done':
        if (frame !== null) {
          clearTimeout(frame);
          flush();
        }
        state.update((d) => {
          d.status = m.status;
          d.message = m.message ?? (m.status === 'finished' ? `Finished after ${m.steps} steps.` : `Stopped at step ${m.steps}.`);
          d.step = m.steps;
          d.version++;
        });
        return;
      case 'restored':
        state.update((d) => {
          if (d.status !== 'idle' && d.status !== 'finished' && d.status !== 'stopped' && d.status !== 'diverged' && d.status !== 'error') return;
          d.status = 'finished';
          d.info = castDraft(m.info);
          d.message = restoredMessage;
        });
        return;
      case 'error':
        state.update((d) => {
          d.status = d.status === 'running' || d.status === 'paused' || d.status === 'starting' || d.status === 'choosing' || d.status === 'stopping' ? 'error' : d.status;
          d.message = m.message;
        });
        return;
      case 'view':
      case 'timed':
      case 'gpu':
      case 'weights':
        pending.get(m.id)?.resolve(m);
        pending.delete(m.id);
        return;
    }
  };

  const ensureWorker = (): WorkerPort => {
    if (!worker) {
      worker = makeWorker();
      worker.onmessage = (e) => onMessage(e.data);
      worker.postMessage({ type: 'init', wasmPaths });
    }
    return worker;
  };

  /** The native process is gone: its pending requests get their failure, and a run on it ends with the message. */
  const nativeClosed = (channel: WorkerPort, message: string) => {
    if (native === channel) native = null;
    for (const [id, p] of [...pending]) {
      if (p.channel !== channel) continue;
      pending.delete(id);
      p.resolve(p.fail(message));
    }
    if (runOn !== channel) return;
    runOn = null;
    if (frame !== null) {
      clearTimeout(frame);
      flush();
    }
    state.update((d) => {
      if (['choosing', 'starting', 'running', 'paused', 'stopping'].includes(d.status)) d.status = 'error';
      d.message = message;
    });
  };

  const ensureNative = (): WorkerPort => {
    if (!native) {
      const channel = makeNative!();
      native = channel;
      channel.onmessage = (e) => onMessage(e.data);
      channel.onclose = (message) => nativeClosed(channel, message);
    }
    return native;
  };

  const failure = (request: ToWorker, id: number) => (message: string): FromWorker => {
    switch (request.type) {
      case 'time':
        return { type: 'timed', id, error: message };
      case 'gpu':
        return { type: 'gpu', id, available: false, reason: message };
      case 'weights':
        return { type: 'weights', id, weights: null };
      default:
        return { type: 'view', id, result: { kind: 'error', message } };
    }
  };

  const ask = <T extends FromWorker>(build: (id: number) => ToWorker, channel: WorkerPort = runOn ?? ensureWorker()): Promise<T> => {
    const id = nextId++;
    const request = build(id);
    return new Promise<T>((resolve) => {
      const fail = failure(request, id);
      pending.set(id, { resolve: resolve as (m: FromWorker) => void, channel, fail });
      try {
        channel.postMessage(request);
      } catch (e) {
        // A value that cannot be cloned (DataCloneError): answered at once, in one line.
        pending.delete(id);
        resolve(fail(`the request could not be sent: ${firstLine(e)}`) as T);
      }
    });
  };

  const active = () => ['choosing', 'starting', 'running', 'paused', 'stopping'].includes(state.getState().status);

  const cpuBackend: WorkerBackend = makeNative ? 'native' : 'wasm';
  const cpuLabel = CPU_LABELS[makeNative ? 'native' : 'wasm'];
  const channelFor = (backend: WorkerBackend) => (backend === 'native' ? ensureNative() : ensureWorker());

  /** Auto: probe WebGPU; time the GPU and the CPU (native in the desktop app) when the GPU is real hardware; pick. */
  async function choose(doc: GraphDoc, settings: TrainSettings, data: DataSource): Promise<{ backend: WorkerBackend; label: string; why: string }> {
    const g = await ask<Extract<FromWorker, { type: 'gpu' }>>((id) => ({ type: 'gpu', id }), ensureWorker());
    const gpu: BackendCandidate = {
      kind: 'gpu',
      label: 'WebGPU',
      available: g.available,
      ...(g.reason ? { reason: g.reason } : {}),
      ...(g.adapter ? { adapter: g.adapter as AdapterInfo } : {}),
    };
    let cpu: BackendCandidate = { kind: 'cpu', label: makeNative ? 'native CPU (onnxruntime-node)' : 'WASM (CPU)', available: true };
    let timedGpu = gpu;
    if (shouldTimeGpu(gpu)) {
      const time = (backend: WorkerBackend) =>
        ask<Extract<FromWorker, { type: 'timed' }>>((id) => ({ type: 'time', id, doc, settings, data, backend, steps: 3 }), channelFor(backend));
      const tg = await time('webgpu');
      const tc = await time(cpuBackend);
      timedGpu = { ...gpu, ...(tg.msPerStep !== undefined ? { msPerStep: tg.msPerStep } : {}) };
      cpu = { ...cpu, ...(tc.msPerStep !== undefined ? { msPerStep: tc.msPerStep } : {}) };
    }
    const c = chooseBackend([timedGpu, cpu]);
    return c.kind === 'gpu' ? { backend: 'webgpu', label: 'GPU (WebGPU)', why: c.why } : { backend: cpuBackend, label: cpuLabel, why: c.why };
  }

  return {
    state,
    cpuLabel,
    series: () => current,
    previousRuns: () => previous,
    samples: () => gan,
    isActive: active,
    async start(doc, settings, data, device, startFrom) {
      if (active()) return;
      if (current && current.step.length > 0) {
        previous.push(current);
        if (previous.length > MAX_OVERLAYS) previous.shift();
      }
      runCount++;
      current = emptySeries(`run ${runCount}`);
      gan = null;
      lastStep = null;
      state.setState({ ...initial, status: device === 'auto' ? 'choosing' : 'starting', version: state.getState().version + 1 });
      let chosen: { backend: WorkerBackend; label: string; why: string };
      if (device === 'auto') chosen = await choose(doc, settings, data);
      else if (device === 'gpu') chosen = { backend: 'webgpu', label: 'GPU (WebGPU)', why: 'chosen in the panel' };
      else chosen = { backend: cpuBackend, label: cpuLabel, why: 'chosen in the panel' };
      // Stopped while Auto was timing.
      if (state.getState().status !== 'choosing' && state.getState().status !== 'starting') return;
      state.update((d) => {
        d.status = 'starting';
        d.backend = { label: chosen.label, why: chosen.why };
      });
      runOn = channelFor(chosen.backend);
      try {
        runOn.postMessage({ type: 'start', doc, settings, data, backend: chosen.backend, ...(startFrom ? { weights: startFrom } : {}) });
      } catch (e) {
        state.update((d) => {
          d.status = 'error';
          d.message = `The run could not be handed to the trainer: ${firstLine(e)}`;
        });
      }
    },
    pause() {
      if (state.getState().status === 'running') runOn?.postMessage({ type: 'pause' });
    },
    resume() {
      if (state.getState().status === 'paused') runOn?.postMessage({ type: 'resume' });
    },
    stop() {
      const s = state.getState().status;
      if (s === 'choosing' || s === 'starting') {
        state.update((d) => {
          d.status = 'stopped';
          d.message = 'Stopped before the first step.';
        });
      }
      if (s === 'running' || s === 'paused' || s === 'starting') {
        if (s !== 'starting')
          state.update((d) => {
            d.status = 'stopping';
          });
        runOn?.postMessage({ type: 'stop' });
      }
    },
    async view(request) {
      const m = await ask<Extract<FromWorker, { type: 'view' }>>((id) => ({ type: 'view', id, request }));
      if (m.result.kind === 'error') throw new Error(m.result.message);
      return m.result;
    },
    async weights() {
      if (!runOn) return null;
      const m = await ask<Extract<FromWorker, { type: 'weights' }>>((id) => ({ type: 'weights', id }));
      return m.weights;
    },
    restore(doc, settings, data, weights, imported = false) {
      if (active()) return;
      restoredMessage = imported ? 'The imported model\'s weights are loaded: the views and the playground use them.' : RESTORED_TRAINED;
      runOn = ensureWorker();
      runOn.postMessage({ type: 'restore', doc, settings, data, weights });
    },
    resetRuns() {
      previous.length = 0;
    },
    dispose() {
      worker?.terminate();
      worker = null;
      native?.terminate();
      native = null;
      runOn = null;
      for (const p of pending.values()) p.resolve(p.fail('the training worker was closed'));
      pending.clear();
    },
  };
}
