/**
 * Softmax along one dimension: exponentiates and normalises so the values along `dim` are positive and sum to 1.
 *
 *   Softmax(x)_i = exp(x_i) / Σ_j exp(x_j)   (i, j along `dim`)
 *
 * `dim` defaults to the last dimension (torch's implicit dim is deprecated); the batch dimension 0 is refused.
 * FLOPs: 3 per element (exp, add into the sum, divide).
 *
 * PyTorch: torch.nn.Softmax · ONNX: Softmax · Lecture: "Classification and softmax"
 */
import { defineLayer } from '../define-layer';
import { p } from '../params';
import { normDim, numelPerSample } from '../shape';
import { softmaxShape } from './common/softmax-dim';

export const Softmax = defineLayer({
  kind: 'Softmax',
  category: 'activation',
  doc: {
    summary:
      'Turns scores into probabilities: every value along dim becomes positive and they sum to 1. ' +
      'Do not put it before CrossEntropyLoss, which applies softmax itself.',
    formula: 'Softmax(x)ᵢ = exp(xᵢ) / Σⱼ exp(xⱼ)  (along dim)',
    torch: 'torch.nn.Softmax',
    onnx: 'Softmax',
    lecture: 'Classification and softmax',
  },
  params: {
    dim: p.int({ default: -1, doc: 'Dimension along which the values sum to 1 (negative counts from the end; 0, the batch, is not allowed).' }),
  },
  inputs: { in: { doc: 'Any tensor [N, …].', rank: [1, 8] } },
  outputs: { out: { doc: 'Same shape as the input; values along dim are positive and sum to 1.' } },
  inferShape: ({ params: q, in: { in: x } }) => softmaxShape(x!, q.dim),
  flops: ({ out }) => 3 * numelPerSample(out.out!),
  torch: ({ params: q }) => ({ module: { fn: 'nn.Softmax', kwargs: { dim: q.dim } } }),
  lower: ({ ir, params: q, x: { in: x } }) => ({ out: ir.softmax(x!, normDim(q.dim, x!.type.shape.length)) }),
});
