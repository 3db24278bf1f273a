/**
 * Every optimizer against torch.optim (torch 1.13): three consecutive steps on the same weight with a different
 * random gradient each step (of different sizes, so AMSGrad's maximum and the running means matter), comparing
 * the weight and every state tensor after each step to 1e-6 relative. All cases run in one Python call.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, AdamW, findOptimizer, getOptimizer, optimizers, resolveOptimizerParams, RMSprop, SGD } from '../../../graph-core/optimizers';
import { expectRelClose, randomValues, runOurSteps, torchReference, type OptimizerCase, type TorchResults } from './torch-optim';

const SHAPE = [4, 5];
const N = 20;
/** The gradient's scale at steps 1, 2, 3: a large gradient first, so AMSGrad keeps an older maximum. */
const GRAD_SCALES = [1, 0.1, 0.5];

function optimizerCase(name: string, kind: string, params: OptimizerCase['params'], lr: number, seed: number): OptimizerCase {
  return {
    name,
    kind,
    params,
    lr,
    w: { shape: SHAPE, data: randomValues(N, seed) },
    grads: GRAD_SCALES.map((s, k) => randomValues(N, seed * 10 + k + 1, s)),
  };
}

const cases: readonly OptimizerCase[] = [
  optimizerCase('SGD without momentum', 'SGD', {}, 0.1, 1),
  optimizerCase('SGD with weight decay', 'SGD', { weight_decay: 0.1 }, 0.1, 2),
  optimizerCase('SGD with momentum', 'SGD', { momentum: 0.9 }, 0.05, 3),
  optimizerCase('SGD with momentum and dampening (first buffer is g, undamped)', 'SGD', { momentum: 0.9, dampening: 0.5 }, 0.05, 4),
  optimizerCase('SGD with Nesterov momentum and weight decay', 'SGD', { momentum: 0.8, nesterov: true, weight_decay: 0.01 }, 0.05, 5),
  optimizerCase('Adam with defaults', 'Adam', {}, 0.05, 6),
  optimizerCase('Adam with L2 weight decay', 'Adam', { weight_decay: 0.1 }, 0.05, 7),
  optimizerCase('Adam with AMSGrad', 'Adam', { amsgrad: true }, 0.05, 8),
  optimizerCase('Adam with beta1 = 0, beta2 = 0.99, eps = 1e-6, AMSGrad and weight decay', 'Adam', { beta1: 0, beta2: 0.99, eps: 1e-6, amsgrad: true, weight_decay: 0.05 }, 0.02, 9),
  optimizerCase('AdamW with defaults (weight decay 0.01)', 'AdamW', {}, 0.05, 10),
  optimizerCase('AdamW with strong decay and AMSGrad', 'AdamW', { weight_decay: 0.5, amsgrad: true, beta2: 0.95 }, 0.1, 11),
  optimizerCase('RMSprop with defaults', 'RMSprop', {}, 0.01, 12),
  optimizerCase('RMSprop with momentum', 'RMSprop', { momentum: 0.9 }, 0.01, 13),
  optimizerCase('RMSprop centered', 'RMSprop', { centered: true }, 0.01, 14),
  optimizerCase('RMSprop centered with momentum, weight decay and alpha 0.9', 'RMSprop', { centered: true, momentum: 0.5, weight_decay: 0.05, alpha: 0.9 }, 0.02, 15),
];

let torch: TorchResults;
beforeAll(() => {
  torch = torchReference({ optimizers: cases });
});

describe('optimizer steps match torch.optim over three steps', () => {
  cases.forEach((c, k) => {
    it(c.name, () => {
      const def = getOptimizer(c.kind)!;
      const ours = runOurSteps(c, def);
      const theirs = torch.optimizers[k]!.steps;
      expect(theirs.length).toBe(3);
      ours.forEach((step, s) => {
        const ref = theirs[s]!;
        expect(Object.keys(step.state).sort(), `step ${s + 1} state names`).toEqual(Object.keys(ref.state).sort());
        expectRelClose(step.w, ref.w, `${c.name}, step ${s + 1}, w`);
        for (const [name, values] of Object.entries(ref.state)) expectRelClose(step.state[name]!, values, `${c.name}, step ${s + 1}, ${name}`);
      });
      // The weight really moved, so the comparison is not between two copies of the start value.
      expect(ours[2]!.w).not.toEqual(c.w.data);
    });
  });
});

describe('optimizer definitions', () => {
  it('declares torch state-dict names that depend on the params', () => {
    const state = (def: typeof SGD | typeof Adam | typeof RMSprop, raw: Record<string, unknown>) => {
      const r = resolveOptimizerParams(def, raw);
      if (!r.ok) throw new Error(JSON.stringify(r.problems));
      return def.state(r.params as never);
    };
    expect(state(SGD, {})).toEqual([]);
    expect(state(SGD, { momentum: 0.9 })).toEqual(['momentum_buffer']);
    expect(state(Adam, {})).toEqual(['exp_avg', 'exp_avg_sq']);
    expect(state(Adam, { amsgrad: true })).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq']);
    expect(state(RMSprop, { momentum: 0.9, centered: true })).toEqual(['square_avg', 'momentum_buffer', 'grad_avg']);
  });

  it('uses torch defaults, with AdamW decaying by 0.01', () => {
    const defaults = (def: { params: Record<string, { default: unknown }> }) =>
      Object.fromEntries(Object.entries(def.params).map(([k, s]) => [k, s.default]));
    expect(defaults(Adam)).toEqual({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0, amsgrad: false });
    expect(defaults(AdamW)).toEqual({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01, amsgrad: false });
    expect(defaults(RMSprop)).toEqual({ lr: 0.01, alpha: 0.99, eps: 1e-8, weight_decay: 0, momentum: 0, centered: false });
    expect(defaults(SGD)).toEqual({ lr: 0.01, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false });
  });

  it('rejects what torch rejects, and unknown or out-of-range params', () => {
    const problems = (kind: string, raw: Record<string, unknown>) => {
      const r = resolveOptimizerParams(getOptimizer(kind)!, raw);
      return r.ok ? [] : r.problems.map((p) => p.param ?? '(combination)');
    };
    expect(problems('SGD', { nesterov: true })).toEqual(['(combination)']);
    expect(problems('SGD', { nesterov: true, momentum: 0.9, dampening: 0.1 })).toEqual(['(combination)']);
    expect(problems('SGD', { nesterov: true, momentum: 0.9 })).toEqual([]);
    expect(problems('Adam', { beta2: 1 })).toEqual(['(combination)']);
    expect(problems('AdamW', { beta1: 1 })).toEqual(['(combination)']);
    expect(problems('Adam', { lr: 0 })).toEqual(['lr']);
    expect(problems('RMSprop', { momentum: -0.1, rho: 0.9 })).toEqual(['momentum', 'rho']);
  });

  it('registers the four optimizers, found case-insensitively by their CLI names', () => {
    expect(optimizers.map((o) => o.kind)).toEqual(['SGD', 'Adam', 'AdamW', 'RMSprop']);
    expect(['sgd', 'adam', 'adamw', 'rmsprop', ' AdamW '].map((n) => findOptimizer(n)?.kind)).toEqual(['SGD', 'Adam', 'AdamW', 'RMSprop', 'AdamW']);
    expect(findOptimizer('lbfgs')).toBeUndefined();
    expect(getOptimizer('adamw')).toBeUndefined();
    expect(getOptimizer('AdamW')).toBe(AdamW);
  });
});
