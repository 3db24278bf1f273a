/**
 * RMSprop: divides the gradient by the root of a running mean of its square, so every weight gets a step
 * size that adapts to its gradient's scale. Optionally centered (divides by an estimate of the variance
 * instead), with momentum and L2 weight decay.
 *
 *   g = g + λ·w                                  (weight decay, when λ ≠ 0)
 *   sₜ = α·sₜ₋₁ + (1 − α)·g²                     (square_avg)
 *   aₜ = α·aₜ₋₁ + (1 − α)·g                      (grad_avg, when centered)
 *   r = √(sₜ − aₜ²) + ε   (centered)   or   r = √sₜ + ε
 *   bₜ = μ·bₜ₋₁ + g / r,   w ← w − η·bₜ          (momentum_buffer, when μ > 0)
 *   or                      w ← w − η·g / r
 *
 * PyTorch: torch.optim.RMSprop · Lecture: Hinton, "Neural Networks for Machine Learning", lecture 6e (2012)
 */
import type { V } from '../ir/builder';
import { p } from '../params';
import { defineOptimizer, stateTensor } from './define-optimizer';

export const RMSprop = defineOptimizer({
  kind: 'RMSprop',
  doc: {
    summary:
      'Divides each gradient by the root of the running mean of its recent squares, so weights with large ' +
      'gradients take smaller steps and weights with small gradients take larger ones.',
    formula: 'sₜ = α·s + (1−α)·g²;  w ← w − η·g / (√sₜ + ε)   (centered: √(sₜ − aₜ²); momentum: b = μ·b + g/(…))',
    torch: 'torch.optim.RMSprop',
  },
  params: {
    lr: p.float({ default: 0.01, min: 0, exclusiveMin: true, doc: 'Learning rate η.' }),
    alpha: p.float({ default: 0.99, min: 0, doc: 'Smoothing constant α of the running means.' }),
    eps: p.float({ default: 1e-8, min: 0, doc: 'Added to the denominator so it is never 0.' }),
    weight_decay: p.float({ default: 0, min: 0, doc: 'L2 penalty λ, added to the gradient as λ·w.' }),
    momentum: p.float({ default: 0, min: 0, doc: 'Momentum factor μ; 0 turns momentum off.' }),
    centered: p.bool({ default: false, doc: 'Normalise by the estimated variance of the gradient instead of its mean square.' }),
  },
  state: (q) => ['square_avg', ...(q.momentum > 0 ? ['momentum_buffer'] : []), ...(q.centered ? ['grad_avg'] : [])],
  step: (ir, x, q) => {
    // torch: grad = grad.add(param, alpha=weight_decay)
    const g = q.weight_decay !== 0 ? ir.add(x.g, ir.mul(ir.scalar(q.weight_decay), x.w)) : x.g;
    // torch: square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha), i.e. s·α + ((1 − α)·g)·g
    const oneMinusAlpha = ir.scalar(1 - q.alpha);
    const s = ir.add(ir.mul(stateTensor(x, 'square_avg'), ir.scalar(q.alpha)), ir.mul(ir.mul(oneMinusAlpha, g), g));
    const state: Record<string, V> = { square_avg: s };
    let meanSquare = s;
    if (q.centered) {
      // torch: grad_avg.mul_(alpha).add_(grad, alpha=1 - alpha)
      const a = ir.add(ir.mul(stateTensor(x, 'grad_avg'), ir.scalar(q.alpha)), ir.mul(oneMinusAlpha, g));
      state.grad_avg = a;
      // torch: square_avg.addcmul(grad_avg, grad_avg, value=-1), i.e. s + (−1·a)·a
      meanSquare = ir.add(s, ir.mul(ir.neg(a), a));
    }
    // torch: avg = square_avg.sqrt().add_(eps)
    const r = ir.add(ir.sqrt(meanSquare), ir.scalar(q.eps));
    if (q.momentum > 0) {
      // torch: buf.mul_(momentum).addcdiv_(grad, avg); param.add_(buf, alpha=-lr). The buffer starts at 0.
      const b = ir.add(ir.mul(stateTensor(x, 'momentum_buffer'), ir.scalar(q.momentum)), ir.div(g, r));
      state.momentum_buffer = b;
      return { w: ir.add(x.w, ir.mul(ir.neg(x.lr), b)), state };
    }
    // torch: param.addcdiv_(grad, avg, value=-lr), i.e. w + (−η·g) / r
    return { w: ir.add(x.w, ir.div(ir.mul(ir.neg(x.lr), g), r)), state };
  },
});
