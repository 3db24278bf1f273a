/**
 * Adam's bias corrections 1 − βᵗ, built from float32 IR ops, against the double-precision value torch uses.
 */
import { describe, expect, it } from 'vitest';
import { evaluateIr, IrBuilder } from '../../../graph-core';
import { oneMinusPow } from '../../../graph-core/optimizers';
import { scalarTensor } from './torch-optim';

/** Evaluates 1 − βᵗ as built by `build` for each t. */
function evaluate(build: (ir: IrBuilder, t: ReturnType<IrBuilder['input']>) => ReturnType<IrBuilder['input']>, ts: readonly number[]) {
  const ir = new IrBuilder();
  const t = ir.input('t', { shape: [], dtype: 'float32' });
  ir.output('y', build(ir, t));
  const graph = ir.build();
  return ts.map((v) => evaluateIr(graph, { t: scalarTensor(v) }, {}).y!.data[0]!);
}

const STEPS = [1, 2, 3, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000];

describe('oneMinusPow', () => {
  it.each([0.9, 0.99, 0.999, 0.9999, 0.5, 0.1])('matches 1 − β^t in double precision to 3e-7 relative for β = %s', (beta) => {
    const got = evaluate((ir, t) => oneMinusPow(ir, beta, t), STEPS);
    STEPS.forEach((t, k) => {
      const exact = 1 - Math.pow(beta, t);
      expect(Math.abs(got[k]! - exact) / exact, `t = ${t}: ${got[k]} vs ${exact}`).toBeLessThanOrEqual(3e-7);
    });
  });

  it('is exactly 1 for β = 0 (Adam with beta1 = 0)', () => {
    expect(evaluate((ir, t) => oneMinusPow(ir, 0, t), [1, 2, 50])).toEqual([1, 1, 1]);
  });

  it('is 1 once βᵗ underflows float32, not NaN', () => {
    // 0.9^2000 ≈ 1e-92 underflows float32, so e^(t·ln β) is 0.
    expect(evaluate((ir, t) => oneMinusPow(ir, 0.9, t), [2000, 1e6])).toEqual([1, 1]);
  });

  it('is needed: the naive float32 1 − Pow(β, t) is off by more than 1e-5 relative for β = 0.999', () => {
    const naive = evaluate((ir, t) => ir.sub(ir.scalar(1), ir.pow(ir.scalar(0.999), t)), [1, 2]);
    expect(Math.abs(naive[0]! - 0.001) / 0.001).toBeGreaterThan(1e-5);
    expect(Math.abs(naive[1]! - (1 - 0.999 ** 2)) / (1 - 0.999 ** 2)).toBeGreaterThan(1e-5);
  });
});
