/** Backends available in Node: native CPU (onnxruntime-node) and WASM (onnxruntime-web). */
import * as ortWeb from 'onnxruntime-web';
import type { Backend, BackendName, OrtApi } from './backend';
import { nativeBackend } from './backend-native';

export function nodeBackend(name: Exclude<BackendName, 'webgpu'>, threads = 0): Backend {
  if (name === 'native') return nativeBackend(threads);
  ortWeb.env.wasm.numThreads = threads > 0 ? threads : 1;
  return { name, ort: ortWeb as unknown as OrtApi, sessionOptions: { executionProviders: ['wasm'], graphOptimizationLevel: 'all' } };
}
