/**
 * The onnxruntime flavour a trainer runs on. onnxruntime-node (native CPU) and onnxruntime-web (WASM, and
 * WebGPU in a browser) share one API (onnxruntime-common), so the trainer is written once against it.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';

export type BackendName = 'native' | 'wasm' | 'webgpu';

export interface OrtApi {
  readonly Tensor: typeof Tensor;
  readonly InferenceSession: typeof InferenceSession;
}

export interface Backend {
  readonly name: BackendName;
  readonly ort: OrtApi;
  readonly sessionOptions: InferenceSession.SessionOptions;
}
