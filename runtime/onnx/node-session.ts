/**
 * Running ONNX models on onnxruntime-node (native CPU). The runtime folder is the only place that imports
 * onnxruntime; everything else passes plain tensors.
 */
import * as ort from 'onnxruntime-node';
import type { Tensor } from '../../graph-core';

export function toOrtTensor(t: Tensor): ort.Tensor {
  if (t.dtype === 'int64') return new ort.Tensor('int64', BigInt64Array.from(Array.from(t.data, (v) => BigInt(Math.trunc(v)))), [...t.shape]);
  if (t.dtype === 'bool') return new ort.Tensor('bool', Uint8Array.from(t.data), [...t.shape]);
  return new ort.Tensor('float32', t.data instanceof Float32Array ? t.data : Float32Array.from(t.data), [...t.shape]);
}

export function fromOrtTensor(t: ort.Tensor): Tensor {
  const shape = [...t.dims];
  if (t.type === 'int64') return { shape, dtype: 'int64', data: Int32Array.from(t.data as BigInt64Array, (v) => Number(v)) };
  if (t.type === 'bool') return { shape, dtype: 'bool', data: Int32Array.from(t.data as Uint8Array) };
  return { shape, dtype: 'float32', data: Float32Array.from(t.data as Float32Array) };
}

export interface OnnxRunner {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}

/** Creates a session; a model onnxruntime cannot load is reported with onnxruntime's own one-line reason. */
export async function createNodeRunner(bytes: Uint8Array, threads = 0): Promise<OnnxRunner> {
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    ...(threads > 0 ? { intraOpNumThreads: threads } : {}),
  });
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds) {
      const f: Record<string, ort.Tensor> = {};
      for (const [k, v] of Object.entries(feeds)) f[k] = toOrtTensor(v);
      const out = await session.run(f);
      const r: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(out)) r[k] = fromOrtTensor(v);
      return r;
    },
    release: () => session.release(),
  };
}
