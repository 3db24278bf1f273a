/**
 * The training Web Worker: trains the user's model off the main thread, so the editor never blocks.
 * It runs a TrainingSession on onnxruntime-web: WebGPU (the native C++ EP, weights kept on the GPU between
 * steps) or WASM, and probes (the teaching views) on WASM. The page sends `init` with the URL its
 * onnxruntime files are served from, then the protocol's requests.
 */
import { env } from 'onnxruntime-web/webgpu';
import { z } from 'zod';
import type { Backend } from '../../runtime/train/backend';
import { webBackend } from '../../runtime/train/backend-web';
import type { AdapterInfo } from './auto-backend';
import { registerAppDigits } from './digits-source';
import type { FromWorker, ToWorker } from './protocol';
import { TrainingSession } from './session';

// The app's CSP forbids eval; graph-core's schemas must not compile validators (as in main.tsx).
z.config({ jitless: true });
// onnxruntime's placement notes ("some nodes were not assigned to the preferred execution providers": shape
// ops on the CPU, by design) would reach the console as errors; only real errors should.
env.logLevel = 'error';

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker | { type: 'init'; wasmPaths: string }>) => void) | null;
  postMessage(msg: FromWorker): void;
  navigator: { gpu?: { requestAdapter(): Promise<{ info?: Record<string, unknown> } | null> } };
}
const scope = self as unknown as WorkerScope;

let wasmPaths: string | undefined;
const backends = new Map<string, Backend>();
function backend(name: 'webgpu' | 'wasm'): Backend {
  let b = backends.get(name);
  if (!b) {
    const base = webBackend(name, wasmPaths !== undefined ? { wasmPaths } : {});
    // Native log level 3 (errors): the same placement notes come from onnxruntime's C++ side.
    b = { ...base, sessionOptions: { ...base.sessionOptions, logSeverityLevel: 3 } };
    backends.set(name, b);
  }
  return b;
}

/** A macrotask turn without setTimeout's clamping: a message to ourselves through a channel. */
const channel = new MessageChannel();
const turns: (() => void)[] = [];
channel.port1.onmessage = () => turns.shift()?.();
const yieldToEvents = () =>
  new Promise<void>((resolve) => {
    turns.push(resolve);
    channel.port2.postMessage(null);
  });

const session = new TrainingSession({
  yieldToEvents,
  backend: (name) => {
    if (name === 'native') throw new Error('native onnxruntime runs in the desktop app only');
    return backend(name);
  },
  probeBackend: () => backend('wasm'),
  post: (msg) => scope.postMessage(msg),
});

/** Whether WebGPU works here, and on which adapter. */
async function gpuInfo(id: number): Promise<FromWorker> {
  const gpu = scope.navigator.gpu;
  if (!gpu) return { type: 'gpu', id, available: false, reason: 'this browser has no WebGPU' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { type: 'gpu', id, available: false, reason: 'no WebGPU adapter' };
    const info = adapter.info ?? {};
    const pick = (k: string) => (typeof info[k] === 'string' ? { [k]: info[k] } : {});
    const a: AdapterInfo = {
      ...pick('vendor'),
      ...pick('architecture'),
      ...pick('device'),
      ...pick('description'),
      ...(typeof info.isFallbackAdapter === 'boolean' ? { isFallbackAdapter: info.isFallbackAdapter } : {}),
    };
    return { type: 'gpu', id, available: true, adapter: a };
  } catch (e) {
    return { type: 'gpu', id, available: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

scope.onmessage = (e) => {
  const msg = e.data;
  if (msg.type === 'init') {
    wasmPaths = msg.wasmPaths;
    // The app's files are served from the same base: the digits are fetched from there when a run needs them.
    registerAppDigits(msg.wasmPaths);
    return;
  }
  if (msg.type === 'gpu') {
    void gpuInfo(msg.id).then((m) => scope.postMessage(m));
    return;
  }
  session.handle(msg).catch((err: unknown) => scope.postMessage({ type: 'error', message: `training failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` }));
};
