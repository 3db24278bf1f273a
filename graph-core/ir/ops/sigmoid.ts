/**
 * Elementwise logistic function 1/(1 + e^(−x)) (float32). Written per sign so neither branch overflows:
 * for x < 0 it is eˣ/(1 + eˣ). ONNX: Sigmoid. Gradient: g·y·(1 − y), y the output.
 */
import { withGradient } from '../define-op';
import { checked } from './common/1-checks';
import { unaryOp } from './common/elementwise';

export const Sigmoid = withGradient(
  checked(
    unaryOp('Sigmoid', (x) => {
      if (x >= 0) return 1 / (1 + Math.exp(-x));
      const e = Math.exp(x);
      return e / (1 + e);
    }),
    1,
    ['float32'],
  ),
  ({ ir, outputs: [y], grads: [g] }) => [ir.mul(g!, ir.mul(y!, ir.sub(ir.scalar(1), y!)))],
);
