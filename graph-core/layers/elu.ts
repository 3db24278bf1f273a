/**
 * Exponential linear unit: the identity for positive inputs, a smooth exponential saturating at −alpha below zero.
 *
 *   ELU(x) = x if x > 0, else alpha · (exp(x) − 1)
 *
 * FLOPs: 3 per element (exp, subtract, multiply).
 *
 * PyTorch: torch.nn.ELU · ONNX: Elu · Lecture: "MLPs and activations"
 */
import { p } from '../params';
import { defineElementwise } from './common/elementwise';
import { changed } from './common/torch';

export const ELU = defineElementwise({
  kind: 'ELU',
  doc: {
    summary: 'Keeps positive values; negative values curve smoothly towards −alpha. Its outputs have a mean closer to zero than ReLU’s.',
    formula: 'ELU(x) = x if x > 0, else α·(eˣ − 1)',
    torch: 'torch.nn.ELU',
    onnx: 'Elu',
    lecture: 'MLPs and activations',
  },
  params: {
    alpha: p.float({ default: 1.0, doc: 'The value the output approaches for very negative inputs is −alpha.' }),
  },
  flopsPerElement: 3,
  torch: ({ params: q }) => ({ module: { fn: 'nn.ELU', kwargs: changed({ alpha: [q.alpha, 1] }) } }),
  lower: (x, { ir, params: q }) => ir.elu(x, q.alpha),
});
