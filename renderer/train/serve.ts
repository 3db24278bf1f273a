/**
 * A training session served over a message port: the desktop app's native training process
 * (electron/training-utility.ts, an Electron utility process running onnxruntime-node) answers the
 * training panel with this, speaking the same protocol as the browser's Web Worker (protocol.ts).
 *
 * No DOM and no Node here: the caller supplies the port and the onnxruntime backends, so Node tests drive
 * the same function over a worker_threads MessageChannel. Every message from the port is checked before the
 * session sees it; a malformed one is answered with one line, never a stack trace.
 */
import type { Backend } from '../../runtime/train/backend';
import type { FromWorker, ToWorker, WorkerBackend } from './protocol';
import { TrainingSession } from './session';

/** One end of a message channel, whatever its flavour (Electron's MessagePortMain, Node's MessagePort). */
export interface ServiceEndpoint {
  postMessage(message: FromWorker): void;
  /** Calls `listener` with each message's data. */
  onMessage(listener: (data: unknown) => void): void;
  /** Calls `listener` once the other end is gone (the window closed or reloaded). */
  onClose(listener: () => void): void;
}

export interface ServeOptions {
  /** The backend runs train on; only `native` is served (the process has no WebGPU and no WASM). */
  readonly backend: Backend;
  /** Where probes (the teaching views) run; the training backend when absent. */
  readonly probeBackend?: Backend;
  /** A macrotask turn, so Pause, Stop and views arrive while a run is going (Node: setImmediate). */
  readonly yieldToEvents?: () => Promise<void>;
}

export interface Served {
  /** Stops a run in progress (the port closed, or the process is going away). */
  stop(): void;
}

const REQUESTS = new Set(['init', 'start', 'time', 'gpu', 'view', 'pause', 'resume', 'stop', 'weights', 'restore']);
const WITH_ID = new Set(['time', 'gpu', 'view', 'weights']);
const WITH_MODEL = new Set(['start', 'time', 'restore']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The message as a request the session can take, or one line saying why it is not one. */
export function checkRequest(data: unknown): { ok: true; request: ToWorker | { type: 'init' } } | { ok: false; message: string } {
  if (!isObject(data) || typeof data.type !== 'string') return { ok: false, message: 'The training process received a message that is not a request.' };
  const type = data.type;
  if (!REQUESTS.has(type)) return { ok: false, message: `The training process does not know the request "${type.slice(0, 40)}".` };
  if (WITH_ID.has(type) && !Number.isSafeInteger(data.id)) return { ok: false, message: `The training process received a "${type}" request without a numeric id.` };
  if (WITH_MODEL.has(type)) {
    if (!isObject(data.doc) || !Array.isArray(data.doc.nodes) || !Array.isArray(data.doc.edges))
      return { ok: false, message: `The training process received a "${type}" request without a model.` };
    if (!isObject(data.settings)) return { ok: false, message: `The training process received a "${type}" request without settings.` };
    const source = data.data;
    if (!isObject(source) || !(typeof source.builtin === 'string' || isObject(source.dataset)))
      return { ok: false, message: `The training process received a "${type}" request without a dataset.` };
  }
  if (type === 'restore' && !(data.weights instanceof Map)) return { ok: false, message: 'The training process received kept weights it cannot read.' };
  if (type === 'view' && !(isObject(data.request) && typeof data.request.kind === 'string'))
    return { ok: false, message: 'The training process received a view request without a view.' };
  return { ok: true, request: data as unknown as ToWorker | { type: 'init' } };
}

/** A backend other than native, asked of the native process: one line, as the session would say it. */
function refuseBackend(name: WorkerBackend): string {
  return `The desktop app's training process runs native onnxruntime on the CPU; ${name === 'webgpu' ? 'WebGPU' : 'WASM'} runs in the editor's own worker.`;
}

const defaultYield = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Serves one training session on `port` until the other end closes. */
export function serveTraining(port: ServiceEndpoint, options: ServeOptions): Served {
  let closed = false;
  const post = (message: FromWorker) => {
    if (!closed) port.postMessage(message);
  };
  const session = new TrainingSession({
    backend: (name) => {
      if (name !== 'native') throw new Error(refuseBackend(name));
      return options.backend;
    },
    probeBackend: () => options.probeBackend ?? options.backend,
    post,
    yieldToEvents: options.yieldToEvents ?? defaultYield,
  });
  const stop = () => void session.handle({ type: 'stop' });

  port.onMessage((data) => {
    const checked = checkRequest(data);
    if (!checked.ok) {
      post({ type: 'error', message: checked.message });
      return;
    }
    const msg = checked.request;
    if (msg.type === 'init') return;
    if (msg.type === 'gpu') {
      post({ type: 'gpu', id: msg.id, available: false, reason: 'the native training process has no WebGPU' });
      return;
    }
    // Refused before the session starts preparing, so the panel hears it at once.
    if ((msg.type === 'start' || msg.type === 'time') && msg.backend !== 'native') {
      if (msg.type === 'time') post({ type: 'timed', id: msg.id, error: refuseBackend(msg.backend) });
      else post({ type: 'error', message: refuseBackend(msg.backend) });
      return;
    }
    session.handle(msg).catch((e: unknown) => post({ type: 'error', message: `training failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` }));
  });
  port.onClose(() => {
    stop();
    closed = true;
  });
  return { stop };
}
