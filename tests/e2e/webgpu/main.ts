/**
 * The WebGPU training check page: trains the spiral MLP (tests/e2e/webgpu/spiral.ts) with onnxruntime-web's
 * native WebGPU EP (or its WASM EP, with ?backend=wasm) and publishes the outcome as `globalThis.layerloomWebgpu` (a promise of PageResult) and
 * as JSON in #result. Every session.run is watched, to show where each output lived and that every GPU
 * tensor was disposed by the end.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { Backend, OrtApi } from '../../../runtime/train/backend';
import { webBackend, webgpuAdapterInfo, webgpuAvailable } from '../../../runtime/train/backend-web';
import { trainSpiral, type SpiralRun } from './spiral';

/** Where the train step's outputs lived, counted over every run, and how many GPU tensors were never disposed. */
export interface OutputAudit {
  /** Output name → the locations it came back in (one entry per distinct location). */
  readonly locations: Record<string, string[]>;
  readonly runs: number;
  readonly gpuTensors: number;
  readonly undisposedGpuTensors: number;
}

export type PageResult =
  | { readonly ok: true; readonly backend: 'webgpu' | 'wasm'; readonly adapter: Record<string, string>; readonly run: SpiralRun; readonly audit: OutputAudit }
  | { readonly ok: false; readonly error: string };

type Run = (feeds: InferenceSession.FeedsType) => Promise<InferenceSession.ReturnType>;
type Create = (model: Uint8Array, options: InferenceSession.SessionOptions) => Promise<InferenceSession>;

/** The backend, with every session's run() wrapped to record its outputs. */
function audited(base: Backend): { backend: Backend; audit: () => OutputAudit } {
  const seen = new Map<string, Set<string>>();
  const gpu: Tensor[] = [];
  let runs = 0;
  const create = base.ort.InferenceSession.create.bind(base.ort.InferenceSession) as Create;
  const InferenceSession = {
    create: async (model: Uint8Array, options: InferenceSession.SessionOptions) => {
      const session = await create(model, options);
      const run = session.run.bind(session) as Run;
      Object.assign(session, {
        run: async (feeds: InferenceSession.FeedsType) => {
          const out = await run(feeds);
          runs++;
          for (const [name, t] of Object.entries(out)) {
            if (!seen.has(name)) seen.set(name, new Set());
            seen.get(name)!.add(t.location);
            if (t.location === 'gpu-buffer') gpu.push(t);
          }
          return out;
        },
      });
      return session;
    },
  };
  const ort: OrtApi = { Tensor: base.ort.Tensor, InferenceSession: InferenceSession as unknown as OrtApi['InferenceSession'] };
  return {
    backend: { ...base, ort },
    audit: () => ({
      locations: Object.fromEntries([...seen].map(([k, v]) => [k, [...v].sort()])),
      runs,
      gpuTensors: gpu.length,
      undisposedGpuTensors: gpu.filter((t) => t.location !== 'none').length,
    }),
  };
}

const page = globalThis as unknown as {
  layerloomWebgpu?: Promise<PageResult>;
  location: { search: string };
  document: { getElementById(id: string): { textContent: string | null } | null };
};

/** Trains on WebGPU, or on WASM with `?backend=wasm`. */
async function main(): Promise<PageResult> {
  const name = new URLSearchParams(page.location.search).get('backend') === 'wasm' ? 'wasm' : 'webgpu';
  if (name === 'webgpu') {
    const available = await webgpuAvailable();
    if (!available.ok) return { ok: false, error: `WebGPU is unavailable in this browser: ${available.reason}` };
  }
  const { backend, audit } = audited(webBackend(name));
  const run = await trainSpiral(backend);
  return { ok: true, backend: name, adapter: name === 'webgpu' ? await webgpuAdapterInfo() : {}, run, audit: audit() };
}

page.layerloomWebgpu = main().catch((e: unknown): PageResult => ({ ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) }));
void page.layerloomWebgpu.then((r) => {
  const el = page.document.getElementById('result');
  if (el) el.textContent = JSON.stringify(r, null, 2);
});
