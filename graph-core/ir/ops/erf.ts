/**
 * Elementwise Gauss error function erf x = (2/√π)∫₀ˣ e^(−t²) dt (float32), for exact GELU. ONNX: Erf.
 * The reference kernel evaluates a positive-term series in float64 (accurate to ~1e−15 before rounding to
 * float32), not the 7.1.26 approximation, whose 1.5e−7 absolute error shows up in float32 comparisons.
 * Gradient: g·(2/√π)·e^(−x²).
 */
import { withGradient } from '../define-op';
import { checked, erf } from './common/1-checks';
import { unaryOp } from './common/elementwise';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export const Erf = withGradient(checked(unaryOp('Erf', (x) => erf(x)), 1, ['float32']), ({ ir, inputs: [x], grads: [g] }) => [
  ir.mul(g!, ir.mul(ir.exp(ir.neg(ir.mul(x!, x!))), ir.scalar(TWO_OVER_SQRT_PI))),
]);
