/**
 * The WebGPU training check page: trains the spiral MLP (tests/e2e/webgpu/spiral.ts), or with ?model=lenet or
 * ?model=lstm LeNet-5 or the Embedding+LSTM classifier (tests/e2e/webgpu/models.ts), with onnxruntime-web's
 * native WebGPU EP (or its WASM EP, with ?backend=wasm) and publishes the outcome as `globalThis.layerloomWebgpu` (a promise of PageResult) and
 * as JSON in #result. Every session.run is watched, to show where each output lived and that every GPU
 * tensor was disposed by the end.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { Backend, OrtApi } from '../../../runtime/train/backend';
import { webBackend, webgpuAdapterInfo, webgpuAvailable } from '../../../runtime/train/backend-web';
import { MODEL_KEYS, trainModel, type ModelKey, type ModelRun } from './models';
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
  | { readonly ok: true; readonly backend: 'webgpu' | 'wasm'; readonly adapter: Record<string, string>; readonly run: SpiralRun | ModelRun; readonly audit: OutputAudit }
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

/**
 * Trains on WebGPU, or on WASM with `?backend=wasm`; the spiral MLP, or `?model=lenet|lstm`. With `?verbose=1`
 * onnxruntime logs at its verbose level to the console (where each node was placed, among much else).
 */
async function main(): Promise<PageResult> {
  const query = new URLSearchParams(page.location.search);
  const name = query.get('backend') === 'wasm' ? 'wasm' : 'webgpu';
  const model = query.get('model');
  if (model !== null && !MODEL_KEYS.includes(model as ModelKey)) return { ok: false, error: `unknown model ${JSON.stringify(model)}: use ${MODEL_KEYS.join(' or ')}` };
  if (name === 'webgpu') {
    const available = await webgpuAvailable();
    if (!available.ok) return { ok: false, error: `WebGPU is unavailable in this browser: ${available.reason}` };
  }
  const base = webBackend(name);
  const verbose = query.get('verbose') === '1';
  const { backend, audit } = audited(verbose ? { ...base, sessionOptions: { ...base.sessionOptions, logSeverityLevel: 0, logVerbosityLevel: 0 } } : base);
  const run = model === null ? await trainSpiral(backend) : await trainModel(model as ModelKey, backend);
  return { ok: true, backend: name, adapter: name === 'webgpu' ? await webgpuAdapterInfo() : {}, run, audit: audit() };
}

page.layerloomWebgpu = main().catch((e: unknown): PageResult => ({ ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) }));
void page.layerloomWebgpu.then((r) => {
  const el = page.document.getElementById('result');
  if (el) el.textContent = JSON.stringify(r, null, 2);
});
