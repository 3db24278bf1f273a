/**
 * The native CPU backend: onnxruntime-node. Its own module (without onnxruntime-web) so that a Node-only
 * bundle, such as the desktop app's training process, carries native onnxruntime and nothing else.
 */
import * as ortNode from 'onnxruntime-node';
import type { Backend, OrtApi } from './backend';

/** onnxruntime-node on the CPU; `threads` 0 lets onnxruntime use one thread per physical core. */
export function nativeBackend(threads = 0): Backend {
  return {
    name: 'native',
    ort: ortNode as unknown as OrtApi,
    sessionOptions: { executionProviders: ['cpu'], graphOptimizationLevel: 'all', ...(threads > 0 ? { intraOpNumThreads: threads } : {}) },
  };
}
