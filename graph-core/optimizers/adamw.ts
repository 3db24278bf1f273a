/**
 * AdamW: Adam with decoupled weight decay. The weight shrinks by a fixed fraction η·λ before the Adam step,
 * instead of λ·w being added to the gradient (where Adam's per-weight scaling would weaken it).
 *
 *   w ← w·(1 − η·λ),   then the Adam step (without L2 decay) on the shrunk w
 *
 * PyTorch: torch.optim.AdamW · Paper: Loshchilov & Hutter, "Decoupled Weight Decay Regularization" (2019)
 */
import { p } from '../params';
import { Adam } from './adam';
import { defineOptimizer } from './define-optimizer';

export const AdamW = defineOptimizer({
  kind: 'AdamW',
  doc: {
    summary:
      'Adam with weight decay applied directly to the weights: every step shrinks each weight by the ' +
      'fraction η·λ, then takes the Adam step. The usual choice for transformers.',
    formula: 'w ← w·(1 − η·λ);  then Adam: w ← w − η/(1−β₁ᵗ) · mₜ / (√vₜ/√(1−β₂ᵗ) + ε)',
    torch: 'torch.optim.AdamW',
  },
  params: {
    ...Adam.params,
    weight_decay: p.float({ default: 0.01, min: 0, doc: 'Decoupled decay λ: every step multiplies the weight by 1 − η·λ.' }),
  },
  state: (q) => Adam.state(q),
  check: (q) => Adam.check?.(q) ?? [],
  step: (ir, x, q) => {
    // torch: param.mul_(1 - lr * weight_decay); the decay uses the scheduled η, so it follows the schedule.
    const w = q.weight_decay !== 0 ? ir.mul(x.w, ir.sub(ir.scalar(1), ir.mul(x.lr, ir.scalar(q.weight_decay)))) : x.w;
    // The rest is Adam's step on the decayed weight, with Adam's own (L2) weight decay off.
    return Adam.step(ir, { ...x, w }, { ...q, weight_decay: 0 });
  },
});
