/**
 * Logarithm of the softmax along one dimension, computed stably.
 *
 *   LogSoftmax(x)_i = x_i − log Σ_j exp(x_j)   (i, j along `dim`)
 *
 * `dim` defaults to the last dimension (torch's implicit dim is deprecated); the batch dimension 0 is refused.
 * FLOPs: 3 per element (exp, add into the sum, subtract); the one log per slice is ignored.
 *
 * PyTorch: torch.nn.LogSoftmax · ONNX: LogSoftmax · Lecture: "Classification and softmax"
 */
import { defineLayer } from '../define-layer';
import { p } from '../params';
import { normDim, numelPerSample } from '../shape';
import { softmaxShape } from './common/softmax-dim';

export const LogSoftmax = defineLayer({
  kind: 'LogSoftmax',
  category: 'activation',
  doc: {
    summary:
      'Log-probabilities: the logarithm of Softmax, computed without overflow. Pair it with NLLLoss; ' +
      'CrossEntropyLoss already includes it.',
    formula: 'LogSoftmax(x)ᵢ = xᵢ − log Σⱼ exp(xⱼ)  (along dim)',
    torch: 'torch.nn.LogSoftmax',
    onnx: 'LogSoftmax',
    lecture: 'Classification and softmax',
  },
  params: {
    dim: p.int({ default: -1, doc: 'Dimension along which to normalise (negative counts from the end; 0, the batch, is not allowed).' }),
  },
  inputs: { in: { doc: 'Any tensor [N, …].', rank: [1, 8] } },
  outputs: { out: { doc: 'Same shape as the input; exp of the values along dim sums to 1.' } },
  inferShape: ({ params: q, in: { in: x } }) => softmaxShape(x!, q.dim),
  flops: ({ out }) => 3 * numelPerSample(out.out!),
  // x − log Σ exp(x) with ReduceLogSumExp (ONNX LogSoftmax runs on the CPU under WebGPU), applied to s = x − max(x):
  // the JSEP/WebGPU ReduceLogSumExp sums exp(x) without a shift and would overflow past x ≈ 88.
  torch: ({ params: q }) => ({ module: { fn: 'nn.LogSoftmax', kwargs: { dim: q.dim } } }),
  lower: ({ ir, params: q, x: { in: x } }) => {
    const axes = [normDim(q.dim, x!.type.shape.length)];
    const shifted = ir.sub(x!, ir.reduceMax(x!, axes, true));
    return { out: ir.sub(shifted, ir.reduceLogSumExp(shifted, axes, true)) };
  },
});
