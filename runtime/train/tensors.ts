/** onnxruntime tensor helpers shared by the trainers. */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { Backend } from './backend';

/** `metric:loss.accuracy` → `loss.accuracy` */
export const metricKey = (output: string) => output.replace(/^metric:/, '');

/** The single value of a loss or metric output, wherever the tensor lives. */
export async function scalar(t: Tensor): Promise<number> {
  return ((await t.getData()) as Float32Array)[0]!;
}

/** Whether a tensor lives in device memory (a WebGPU buffer) that must be freed explicitly. */
export function isOnDevice(t: Tensor): boolean {
  return t.location !== 'cpu' && t.location !== 'cpu-pinned' && t.location !== 'none';
}

/** Frees tensors held in device memory; CPU tensors are left to the garbage collector. */
export function disposeOnDevice(...ts: readonly (Tensor | undefined)[]): void {
  for (const t of ts) if (t && isOnDevice(t)) t.dispose();
}

/**
 * The backend's session options for a session with these outputs. A device output location (WebGPU's
 * 'gpu-buffer') applies only to the outputs fed back into the next step (updated weights, optimizer state,
 * buffers), so they stay on the device between steps; the loss and metrics are read every step and come
 * back to the CPU. Backends without an output location (native, WASM) get their options unchanged.
 */
export function sessionOptionsFor(backend: Backend, outputs: readonly string[], fedBack: ReadonlyMap<string, string>): InferenceSession.SessionOptions {
  const o = backend.sessionOptions;
  const where = o.preferredOutputLocation;
  if (typeof where !== 'string' || where === 'cpu') return o;
  return { ...o, preferredOutputLocation: Object.fromEntries(outputs.map((n) => [n, fedBack.has(n) ? where : 'cpu'])) };
}
