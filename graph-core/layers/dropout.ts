/**
 * Dropout: during training each element is zeroed with probability p and the survivors are scaled by 1/(1 − p),
 * so the expected value is unchanged; at inference (and in exported ONNX) it is the identity.
 *
 *   training:  y = x · m / (1 − p),  m ~ Bernoulli(1 − p)   (p = 1 gives all zeros)
 *   inference: y = x
 *
 * FLOPs: 1 per element (the training-time mask-and-scale); free at inference.
 *
 * PyTorch: torch.nn.Dropout · ONNX: Dropout (identity at inference, usually removed) · Lecture: "Regularisation (dropout)"
 */
import { p } from '../params';
import { defineElementwise } from './common/elementwise';

export const Dropout = defineElementwise({
  kind: 'Dropout',
  category: 'normalization',
  doc: {
    summary:
      'While training, randomly zeroes each value with probability p and scales the others by 1/(1 − p), so the network cannot rely on any single unit. ' +
      'At inference (and in exported ONNX) it does nothing.',
    formula: 'training: y = x·m/(1 − p), m ~ Bernoulli(1 − p);  inference: y = x',
    torch: 'torch.nn.Dropout',
    onnx: 'Dropout (identity at inference)',
    lecture: 'Regularisation (dropout)',
  },
  params: {
    p: p.float({ default: 0.5, min: 0, max: 1, doc: 'Probability of zeroing each element during training.' }),
  },
  flopsPerElement: 1,
  torch: ({ params: q }) => ({ module: { fn: 'nn.Dropout', args: q.p === 0.5 ? [] : [q.p] } }),
  lower: (x, { ir, mode, feed, params: q }) => (mode === 'eval' || q.p === 0 ? x : ir.mul(x, feed('mask', x.type, { kind: 'dropout', p: q.p }))),
});
