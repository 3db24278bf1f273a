/**
 * The Auto backend: which of the available backends trains this model faster, and a sentence saying why.
 * The training worker times a few steps on each candidate (after a warm-up step, so WebGPU's shader
 * compilation is not counted); this module only decides, so the rule is unit-tested without a browser.
 *
 * A software WebGPU adapter (SwiftShader, llvmpipe, lavapipe, Microsoft's Basic Render Driver) emulates the
 * GPU on the CPU and is always slower than training on the CPU directly, so it is not even timed.
 */

/** The backends the panel offers: a GPU (onnxruntime-web WebGPU) and the CPU (WASM in a browser, native in Electron). */
export type DeviceChoice = 'auto' | 'gpu' | 'cpu';
export type DeviceKind = 'gpu' | 'cpu';

export interface AdapterInfo {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
  /** GPUAdapterInfo.isFallbackAdapter, where the browser reports it. */
  readonly isFallbackAdapter?: boolean;
}

/** What is known about one backend before the choice. */
export interface BackendCandidate {
  readonly kind: DeviceKind;
  /** A human name: "WebGPU", "WASM", "native CPU (onnxruntime-node)". */
  readonly label: string;
  readonly available: boolean;
  /** Why it is unavailable. */
  readonly reason?: string;
  readonly adapter?: AdapterInfo;
  /** Measured milliseconds per training step; absent when not timed. */
  readonly msPerStep?: number;
}

export interface BackendChoice {
  readonly kind: DeviceKind;
  /** One sentence for the panel. */
  readonly why: string;
}

const SOFTWARE = [
  ['swiftshader', 'SwiftShader'],
  ['llvmpipe', 'llvmpipe'],
  ['lavapipe', 'lavapipe'],
  ['basic render', 'Microsoft Basic Render Driver'],
] as const;

/** The name of the software renderer behind a WebGPU adapter, or null for a hardware GPU. */
export function softwareAdapterName(a: AdapterInfo | undefined): string | null {
  if (!a) return null;
  const text = `${a.vendor ?? ''} ${a.architecture ?? ''} ${a.device ?? ''} ${a.description ?? ''}`.toLowerCase();
  for (const [needle, name] of SOFTWARE) if (text.includes(needle)) return name;
  if (a.isFallbackAdapter) return 'a fallback adapter';
  return null;
}

/** Whether the GPU candidate is worth timing: available and on real hardware. */
export function shouldTimeGpu(gpu: BackendCandidate | undefined): boolean {
  return !!gpu && gpu.available && softwareAdapterName(gpu.adapter) === null;
}

const ms = (v: number) => (v >= 10 ? v.toFixed(0) : v.toFixed(1));

/** Picks a backend from the candidates (one GPU, one CPU at most); the CPU is always available. */
export function chooseBackend(candidates: readonly BackendCandidate[]): BackendChoice {
  const gpu = candidates.find((c) => c.kind === 'gpu');
  const cpu = candidates.find((c) => c.kind === 'cpu');
  const cpuLabel = cpu?.label ?? 'CPU';
  if (!gpu || !gpu.available) return { kind: 'cpu', why: `WebGPU is unavailable${gpu?.reason ? ` (${gpu.reason})` : ''}; using ${cpuLabel}` };
  const software = softwareAdapterName(gpu.adapter);
  if (software) return { kind: 'cpu', why: `WebGPU adapter is software (${software}); using ${cpuLabel}` };
  if (gpu.msPerStep === undefined || !Number.isFinite(gpu.msPerStep)) return { kind: 'cpu', why: `WebGPU could not be timed; using ${cpuLabel}` };
  if (cpu?.msPerStep === undefined || !Number.isFinite(cpu.msPerStep)) return { kind: 'gpu', why: `${gpu.label} took ${ms(gpu.msPerStep)} ms per step; using the GPU` };
  const [fast, slow] = gpu.msPerStep < cpu.msPerStep ? [gpu, cpu] : [cpu, gpu];
  return {
    kind: fast.kind,
    why: `${fast.label} ${ms(fast.msPerStep!)} ms per step against ${slow.label} ${ms(slow.msPerStep!)} ms; using ${fast.kind === 'gpu' ? 'the GPU' : fast.label}`,
  };
}
