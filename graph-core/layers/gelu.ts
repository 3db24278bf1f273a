/**
 * Gaussian error linear unit: the input weighted by the probability that a standard normal variable is below it.
 *
 *   GELU(x) = x · Φ(x) = ½ · x · (1 + erf(x / √2))
 *   approximate = 'tanh':  ½ · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))
 *
 * FLOPs: 5 per element (divide, erf, add, two multiplies); the tanh approximation is counted the same.
 *
 * PyTorch: torch.nn.GELU · ONNX: Gelu (opset 20; Div, Erf, Add, Mul before) · Lecture: "MLPs and activations"
 */
import { p } from '../params';
import { defineElementwise } from './common/elementwise';
import { changed } from './common/torch';

export const GELU = defineElementwise({
  kind: 'GELU',
  doc: {
    summary: 'A smooth version of ReLU used in transformers (BERT, GPT): small negative values leak through, large negative ones are zeroed.',
    formula: 'GELU(x) = x·Φ(x) = ½x·(1 + erf(x/√2));  tanh form: ½x·(1 + tanh(√(2/π)·(x + 0.044715x³)))',
    torch: 'torch.nn.GELU',
    onnx: 'Gelu (opset 20), or Div, Erf, Add, Mul',
    lecture: 'MLPs and activations',
  },
  params: {
    approximate: p.enum({ default: 'none', choices: ['none', 'tanh'], doc: '"none" uses the exact erf form; "tanh" uses the faster tanh approximation.' }),
  },
  flopsPerElement: 5,
  torch: ({ params: q }) => ({ module: { fn: 'nn.GELU', kwargs: changed({ approximate: [q.approximate, 'none'] }) } }),
  lower: (x, { ir, params: q }) => {
    const half = ir.mul(x, ir.scalar(0.5));
    if (q.approximate === 'tanh') {
      const cube = ir.mul(ir.mul(x, x), x);
      const inner = ir.mul(ir.add(x, ir.mul(cube, ir.scalar(0.044715))), ir.scalar(Math.sqrt(2 / Math.PI)));
      return ir.mul(half, ir.add(ir.tanh(inner), ir.scalar(1)));
    }
    return ir.mul(half, ir.add(ir.erf(ir.mul(x, ir.scalar(Math.SQRT1_2))), ir.scalar(1)));
  },
});
