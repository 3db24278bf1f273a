/**
 * Elementwise aᵇ with NumPy broadcasting, float32 only. ONNX: Pow (a negative base with a non-integer
 * exponent gives NaN, as in C's pow).
 *
 * Gradient, each part summed over its broadcast dims, with PyTorch's conventions where a formula breaks down:
 * - base: g·b·a^(b−1) (written with Pow, so a = 0 is fine for b ≥ 1); where b = 0 it is 0 (a⁰ = 1 is flat in
 *   a, while the formula would give 0·0⁻¹ = NaN at a = 0).
 * - exponent: g·aᵇ·ln a, valid for a > 0. Where a = 0 it is 0 (0ᵇ = 0 is flat in b for b > 0; PyTorch masks
 *   a = 0 with b ≥ 0, and for b < 0 the forward value is already infinite); a negative base gives NaN.
 */
import { withGradient } from '../define-op';
import { checked } from './common/1-checks';
import { binaryOp } from './common/elementwise';

export const Pow = withGradient(
  checked(binaryOp('Pow', (a, b) => Math.pow(a, b)), 2, ['float32']),
  ({ ir, inputs: [a, b], outputs: [y], grads: [g] }) => {
    const zero = ir.scalar(0);
    const da = ir.where(ir.equal(b!, zero), zero, ir.mul(g!, ir.mul(b!, ir.pow(a!, ir.sub(b!, ir.scalar(1))))));
    const db = ir.where(ir.equal(a!, zero), zero, ir.mul(ir.mul(g!, y!), ir.log(a!)));
    return [ir.sumTo(da, a!.type.shape), ir.sumTo(db, b!.type.shape)];
  },
);
