/**
 * Adam: per-weight step sizes from running averages of the gradient and of its square, with bias correction
 * for their zero start. Optional L2 weight decay (added to the gradient) and AMSGrad.
 *
 *   g = g + λ·w                                  (weight decay, when λ ≠ 0)
 *   mₜ = β₁·mₜ₋₁ + (1 − β₁)·g                    (exp_avg)
 *   vₜ = β₂·vₜ₋₁ + (1 − β₂)·g²                   (exp_avg_sq; AMSGrad divides by v̂ₜ = max(v̂ₜ₋₁, vₜ) instead)
 *   w ← w − η/(1 − β₁ᵗ) · mₜ / (√vₜ / √(1 − β₂ᵗ) + ε)
 *
 * PyTorch: torch.optim.Adam · Paper: Kingma & Ba, "Adam: A Method for Stochastic Optimization" (2015);
 * AMSGrad: Reddi et al., "On the Convergence of Adam and Beyond" (2018)
 */
import type { V } from '../ir/builder';
import { p } from '../params';
import { defineOptimizer, stateTensor } from './define-optimizer';
import { oneMinusPow } from './one-minus-pow';

export const Adam = defineOptimizer({
  kind: 'Adam',
  doc: {
    summary:
      'Gives every weight its own step size: the running mean of its gradient divided by the square root of ' +
      'the running mean of its squared gradient. A robust default for most networks.',
    formula: 'mₜ = β₁·m + (1−β₁)·g;  vₜ = β₂·v + (1−β₂)·g²;  w ← w − η/(1−β₁ᵗ) · mₜ / (√vₜ/√(1−β₂ᵗ) + ε)',
    torch: 'torch.optim.Adam',
  },
  params: {
    lr: p.float({ default: 1e-3, min: 0, exclusiveMin: true, doc: 'Learning rate η.' }),
    beta1: p.float({ default: 0.9, min: 0, max: 1, doc: 'Decay rate β₁ of the running mean of the gradient (torch: betas[0]); below 1.' }),
    beta2: p.float({ default: 0.999, min: 0, max: 1, doc: 'Decay rate β₂ of the running mean of the squared gradient (torch: betas[1]); below 1.' }),
    eps: p.float({ default: 1e-8, min: 0, doc: 'Added to the denominator so it is never 0.' }),
    weight_decay: p.float({ default: 0, min: 0, doc: 'L2 penalty λ, added to the gradient as λ·w (AdamW decouples it instead).' }),
    amsgrad: p.bool({ default: false, doc: 'AMSGrad: divide by the largest second moment seen so far.' }),
  },
  state: (q) => (q.amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq']),
  check: (q) => [
    ...(q.beta1 >= 1 ? ['beta1 must be below 1.'] : []),
    ...(q.beta2 >= 1 ? ['beta2 must be below 1.'] : []),
  ],
  step: (ir, x, q) => {
    // torch: grad = grad.add(param, alpha=weight_decay)
    const g = q.weight_decay !== 0 ? ir.add(x.g, ir.mul(ir.scalar(q.weight_decay), x.w)) : x.g;
    // torch: exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
    const m = ir.add(ir.mul(stateTensor(x, 'exp_avg'), ir.scalar(q.beta1)), ir.mul(ir.scalar(1 - q.beta1), g));
    // torch: exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2), i.e. v·β₂ + ((1 − β₂)·g)·g
    const v = ir.add(ir.mul(stateTensor(x, 'exp_avg_sq'), ir.scalar(q.beta2)), ir.mul(ir.mul(ir.scalar(1 - q.beta2), g), g));
    const state: Record<string, V> = { exp_avg: m, exp_avg_sq: v };
    let second = v;
    if (q.amsgrad) {
      // torch: torch.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
      second = ir.max(stateTensor(x, 'max_exp_avg_sq'), v);
      state.max_exp_avg_sq = second;
    }
    // torch: step_size = lr / (1 - beta1 ** step);  bias_correction2_sqrt = sqrt(1 - beta2 ** step)
    const stepSize = ir.div(x.lr, oneMinusPow(ir, q.beta1, x.t));
    const bc2Sqrt = ir.sqrt(oneMinusPow(ir, q.beta2, x.t));
    // torch: denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
    const denom = ir.add(ir.div(ir.sqrt(second), bc2Sqrt), ir.scalar(q.eps));
    // torch: param.addcdiv_(exp_avg, denom, value=-step_size), i.e. w + (−step_size·m) / denom
    return { w: ir.add(x.w, ir.div(ir.mul(ir.neg(stepSize), m), denom)), state };
  },
});
