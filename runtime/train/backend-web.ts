/**
 * Backends available in a browser (or Electron's renderer): WebGPU, through onnxruntime-web's native C++
 * WebGPU execution provider, and WASM on the CPU. Both come from the one `onnxruntime-web/webgpu` build, so
 * a page loads a single .wasm binary (ort-wasm-simd-threaded.asyncify.wasm) whichever it trains on.
 *
 * On WebGPU the trainer keeps weights, optimizer state and buffers on the GPU between steps: the session
 * asks for 'gpu-buffer' outputs, the trainer narrows that to the updated values it feeds back (the loss and
 * metrics come back to the CPU) and disposes each replaced tensor every step.
 */
import * as ort from 'onnxruntime-web/webgpu';
import type { Backend, OrtApi } from './backend';

export interface WebBackendOptions {
  /**
   * The URL prefix (ending in '/') where onnxruntime-web's .wasm/.mjs files are served. Default: ORT's own
   * lookup, beside its module.
   */
  readonly wasmPaths?: string;
  /** WASM threads; more than 1 needs a cross-origin-isolated page (COOP/COEP headers). Default 1. */
  readonly threads?: number;
}

/** Whether this browser exposes WebGPU and gives an adapter; the reason when it does not. */
export async function webgpuAvailable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  if (!gpu) return { ok: false, reason: 'navigator.gpu is missing: this browser or page has no WebGPU (it needs a secure context, e.g. http://127.0.0.1)' };
  try {
    if (!(await gpu.requestAdapter())) return { ok: false, reason: 'navigator.gpu.requestAdapter() returned null: no WebGPU adapter is available' };
  } catch (e) {
    return { ok: false, reason: `navigator.gpu.requestAdapter() failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  return { ok: true };
}

export function webBackend(name: 'webgpu' | 'wasm', o: WebBackendOptions = {}): Backend {
  if (o.wasmPaths !== undefined) ort.env.wasm.wasmPaths = o.wasmPaths;
  ort.env.wasm.numThreads = o.threads !== undefined && o.threads > 0 ? o.threads : 1;
  const api = ort as unknown as OrtApi;
  if (name === 'webgpu')
    return {
      name,
      ort: api,
      sessionOptions: {
        // NCHW: with its default NHWC layout onnxruntime-web 1.30's WebGPU EP computes a Conv whose input has 6
        // channels (LeNet-5's second convolution) wrongly, off by up to 1.6 on unit inputs; channel counts of 1, 4
        // and 8 come out right. In NCHW every Conv of LeNet-5 and its gradients agrees with the CPU (docs/webgpu.md).
        executionProviders: [{ name: 'webgpu', preferredLayout: 'NCHW' }],
        graphOptimizationLevel: 'all',
        preferredOutputLocation: 'gpu-buffer',
      },
    };
  return { name, ort: api, sessionOptions: { executionProviders: ['wasm'], graphOptimizationLevel: 'all' } };
}

/** The adapter onnxruntime-web's WebGPU device runs on (vendor, architecture, device, description), once a WebGPU session exists. */
export async function webgpuAdapterInfo(): Promise<Record<string, string>> {
  const device = (await ort.env.webgpu.device) as unknown as { adapterInfo?: Record<string, unknown> } | undefined;
  const info = device?.adapterInfo ?? {};
  const out: Record<string, string> = {};
  for (const k of ['vendor', 'architecture', 'device', 'description']) if (typeof info[k] === 'string') out[k] = info[k];
  return out;
}
