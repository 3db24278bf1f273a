/**
 * 1 − βᵗ for a constant β ∈ [0, 1) and the step number t (a scalar graph input): Adam's bias corrections.
 *
 * torch computes `1 - beta2 ** step` in double precision. Written naively in float32 as Sub(1, Pow(β, t)) it is
 * far from that: float32(0.999) is off by 1.3·10⁻⁸ and βᵗ is rounded to a 6·10⁻⁸ grid near 1, and subtracting
 * from 1 keeps those absolute errors, so 1 − 0.999ᵗ comes out 1.3·10⁻⁵ too small at t = 1 (2·10⁻⁵ at t = 2),
 * and Adam's first steps are off by about half that. Instead
 *
 *   1 − βᵗ = −expm1(t·ln β)
 *
 * with ln β computed here in double precision (one float32 rounding), and expm1 built from Exp and Log with
 * Kahan's trick, which cancels the rounding error of the exponential:
 *
 *   u = eˣ;   expm1(x) = x                 if u = 1  (|x| below half an ulp of 1)
 *                       = u − 1             if u < ½  (no cancellation; also covers u = 0 after underflow)
 *                       = (u − 1)·x / ln u  otherwise
 *
 * The result is within a few float32 ulps of torch's double value for every t, so Adam's steps match torch to
 * float32 precision even at t = 1 with β₂ = 0.999.
 *
 * Reference: W. Kahan's expm1 trick, as in N. Higham, "Accuracy and Stability of Numerical Algorithms", §1.14.1.
 */
import type { IrBuilder, V } from '../ir/builder';

/** Appends 1 − βᵗ (a scalar) for a constant β ∈ [0, 1) and a float32 step number t ≥ 1. */
export function oneMinusPow(ir: IrBuilder, beta: number, t: V): V {
  // NOTE: 0ᵗ = 0 for every t ≥ 1 (torch's Adam allows beta1 = 0), and ln 0 would be −∞.
  if (beta === 0) return ir.scalar(1);
  const x = ir.mul(ir.scalar(Math.log(beta)), t); // t·ln β ≤ 0
  const u = ir.exp(x);
  const uMinus1 = ir.sub(u, ir.scalar(1));
  const kahan = ir.div(ir.mul(uMinus1, x), ir.log(u));
  // Where evaluates both branches; the NaN that `kahan` gives at u = 1 (0/0) is never selected.
  const expm1 = ir.where(ir.equal(u, ir.scalar(1)), x, ir.where(ir.less(u, ir.scalar(0.5)), uMinus1, kahan));
  return ir.neg(expm1);
}
