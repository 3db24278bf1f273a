/**
 * Gradient clipping by global norm, applied to all gradients together before the optimizer step.
 *
 *   ‖g‖ = √(Σᵢ ‖gᵢ‖²)   (the 2-norm of all gradients viewed as one vector)
 *   c = min(max_norm / (‖g‖ + 10⁻⁶), 1);   gᵢ ← c·gᵢ
 *
 * Like torch, the gradients are always multiplied by c (c = 1 when the norm is within the limit), which
 * keeps the graph free of control flow.
 *
 * PyTorch: torch.nn.utils.clip_grad_norm_ (norm_type 2)
 */
import type { IrBuilder, V } from '../ir/builder';

/** torch adds this to the norm so that all-zero gradients do not divide by zero. */
const NORM_EPS = 1e-6;

/** ‖g‖ of one tensor, as a scalar: √Σg². */
function tensorNorm(ir: IrBuilder, g: V): V {
  const squares = ir.mul(g, g);
  const rank = g.type.shape.length;
  // NOTE: a rank-0 gradient (a scalar weight) is its own sum; Reduce* ops need at least one axis.
  const sum = rank === 0 ? squares : ir.reduceSum(squares, Array.from({ length: rank }, (_, i) => i), false);
  return ir.sqrt(sum);
}

/**
 * The global 2-norm of a list of gradients, as a scalar. Computed as torch does: the norm of each tensor
 * first, then the norm of those norms. An empty list gives 0.
 */
export function globalNorm(ir: IrBuilder, grads: readonly V[]): V {
  if (grads.length === 0) return ir.scalar(0);
  let sumOfSquares: V | undefined;
  for (const g of grads) {
    const n = tensorNorm(ir, g);
    const sq = ir.mul(n, n);
    sumOfSquares = sumOfSquares ? ir.add(sumOfSquares, sq) : sq;
  }
  return ir.sqrt(sumOfSquares ?? ir.scalar(0));
}

/**
 * Scales every gradient by min(max_norm / (‖g‖ + 10⁻⁶), 1), where ‖g‖ is the global norm of all of them
 * (torch.nn.utils.clip_grad_norm_). Returns the clipped gradients in the same order.
 */
export function clipByGlobalNorm(ir: IrBuilder, grads: readonly V[], maxNorm: number): V[] {
  if (grads.length === 0) return [];
  const total = globalNorm(ir, grads);
  // torch: clip_coef = max_norm / (total_norm + 1e-6); clip_coef_clamped = torch.clamp(clip_coef, max=1.0)
  const coef = ir.min(ir.div(ir.scalar(maxNorm), ir.add(total, ir.scalar(NORM_EPS))), ir.scalar(1));
  return grads.map((g) => ir.mul(g, coef));
}
