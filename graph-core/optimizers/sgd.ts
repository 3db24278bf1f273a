/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight decay.
 *
 *   d = g + λ·w                                   (weight decay, when λ ≠ 0)
 *   b₁ = d,   bₜ = μ·bₜ₋₁ + (1 − τ)·d            (momentum buffer, when μ ≠ 0)
 *   d = d + μ·bₜ  (Nesterov)   or   d = bₜ
 *   w ← w − η·d
 *
 * PyTorch: torch.optim.SGD · Lecture: "Optimization: SGD and momentum"
 */
import type { V } from '../ir/builder';
import { p } from '../params';
import { defineOptimizer, stateTensor } from './define-optimizer';

export const SGD = defineOptimizer({
  kind: 'SGD',
  doc: {
    summary:
      'Moves every weight a small step against its gradient. Momentum keeps a running direction, which ' +
      'speeds up progress along consistent slopes and damps zig-zagging.',
    formula: 'b₁ = g,  bₜ = μ·bₜ₋₁ + (1 − dampening)·g;   w ← w − η·bₜ   (Nesterov: w ← w − η·(g + μ·bₜ))',
    torch: 'torch.optim.SGD',
  },
  params: {
    lr: p.float({ default: 0.01, min: 0, exclusiveMin: true, doc: 'Learning rate η: the step size.' }),
    momentum: p.float({ default: 0, min: 0, doc: 'Momentum factor μ; 0 turns momentum off.' }),
    dampening: p.float({ default: 0, min: 0, max: 1, doc: 'Scales down the new gradient added to the momentum buffer (1 − dampening).' }),
    weight_decay: p.float({ default: 0, min: 0, doc: 'L2 penalty λ, added to the gradient as λ·w.' }),
    nesterov: p.bool({ default: false, doc: 'Nesterov momentum: step along the gradient plus the look-ahead μ·b.' }),
  },
  state: (q) => (q.momentum !== 0 ? ['momentum_buffer'] : []),
  check: (q) =>
    q.nesterov && (q.momentum <= 0 || q.dampening !== 0) ? ['Nesterov momentum requires a momentum above 0 and zero dampening.'] : [],
  step: (ir, x, q) => {
    // torch: d_p = d_p.add(param, alpha=weight_decay)
    const d = q.weight_decay !== 0 ? ir.add(x.g, ir.mul(ir.scalar(q.weight_decay), x.w)) : x.g;
    let direction = d;
    const state: Record<string, V> = {};
    if (q.momentum !== 0) {
      // torch: buf.mul_(momentum).add_(d_p, alpha=1 - dampening)
      const buf = stateTensor(x, 'momentum_buffer');
      const newGrad = q.dampening !== 0 ? ir.mul(ir.scalar(1 - q.dampening), d) : d;
      const decayed = ir.add(ir.mul(buf, ir.scalar(q.momentum)), newGrad);
      // NOTE: torch creates the buffer at the first step as a copy of d (no dampening), so b₁ = d exactly,
      // while the formula above would give (1 − dampening)·d. The state starts at zeros, so select on t = 1.
      const b = ir.where(ir.equal(x.t, ir.scalar(1)), d, decayed);
      state.momentum_buffer = b;
      // torch: d_p = d_p.add(buf, alpha=momentum) (Nesterov), else d_p = buf
      direction = q.nesterov ? ir.add(d, ir.mul(ir.scalar(q.momentum), b)) : b;
    }
    // torch: param.add_(d_p, alpha=-lr)
    return { w: ir.add(x.w, ir.mul(ir.neg(x.lr), direction)), state };
  },
});
