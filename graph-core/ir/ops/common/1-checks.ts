/**
 * Shared helpers for group 1's primitive ops (elementwise math, normalisation, reductions): arity and dtype
 * guards around the generic elementwise factories, attribute validation, axis normalisation, and an
 * accurate erf.
 */
import type { DType, TensorType } from '../../../shape';
import { defineOp, IrError, type OpDef } from '../../define-op';

/**
 * Wraps an op so that its shape rule first checks the number of inputs and that every input has one of the
 * allowed dtypes (`allowed[i]` for input i, or one list for all), then runs the op's own rule.
 */
export function checked<A>(
  def: OpDef<A>,
  arity: number | readonly [number, number],
  allowed: readonly DType[] | readonly (readonly DType[])[],
): OpDef<A> {
  const [lo, hi] = typeof arity === 'number' ? [arity, arity] : arity;
  return defineOp<A>({
    ...def,
    inferShape: (inputs, attrs) => {
      if (inputs.length < lo || inputs.length > hi)
        throw new IrError(`${def.name}: expected ${lo === hi ? lo : `${lo} to ${hi}`} inputs, got ${inputs.length}`);
      inputs.forEach((t, i) => {
        const ok = (Array.isArray(allowed[0]) ? (allowed as readonly (readonly DType[])[])[i] : (allowed as readonly DType[])) ?? [];
        if (!ok.includes(t.dtype)) throw new IrError(`${def.name}: input ${i} has dtype ${t.dtype}; expected ${ok.join(' or ')}`);
      });
      return def.inferShape(inputs, attrs);
    },
  });
}

/** Throws unless every input is float32 (for ops with a hand-written shape rule). */
export function expectFloat(op: string, inputs: readonly TensorType[]): void {
  inputs.forEach((t, i) => {
    if (t.dtype !== 'float32') throw new IrError(`${op}: input ${i} has dtype ${t.dtype}; expected float32`);
  });
}

export function expectArity(op: string, inputs: readonly TensorType[], lo: number, hi = lo): void {
  if (inputs.length < lo || inputs.length > hi) throw new IrError(`${op}: expected ${lo === hi ? lo : `${lo} to ${hi}`} inputs, got ${inputs.length}`);
}

export function expectInt(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new IrError(`${op}: attribute ${name} must be an integer, got ${String(v)}`);
  return v;
}

export function expectFinite(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new IrError(`${op}: attribute ${name} must be a finite number, got ${String(v)}`);
  return v;
}

export function expectBool(op: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new IrError(`${op}: attribute ${name} must be a boolean, got ${String(v)}`);
  return v;
}

/** Normalises a possibly negative axis against a rank; IrError when it is not an integer in [-rank, rank). */
export function normAxis(op: string, a: unknown, rank: number): number {
  const v = expectInt(op, 'axis', a);
  const r = v < 0 ? v + rank : v;
  if (r < 0 || r >= rank) throw new IrError(`${op}: axis ${v} out of range for rank ${rank}`);
  return r;
}

/** Normalises a non-empty list of distinct axes; returns them sorted ascending. */
export function normAxes(op: string, axes: unknown, rank: number): number[] {
  if (!Array.isArray(axes) || axes.length === 0) throw new IrError(`${op}: axes must be a non-empty list`);
  const out = axes.map((a) => normAxis(op, a, rank)).sort((x, y) => x - y);
  for (let i = 1; i < out.length; i++) if (out[i] === out[i - 1]) throw new IrError(`${op}: axes [${axes.join(', ')}] repeat an axis`);
  return out;
}

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * The error function to about 1e-15 relative in float64, from the everywhere-convergent series of
 * Abramowitz & Stegun 7.1.6: erf x = (2/√π)·e^(−x²)·Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)). Every term is
 * positive, so there is no cancellation; beyond |x| = 6, erf x is ±1 in float64 (erfc 6 ≈ 2e−17).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  const x2 = ax * ax;
  let term = ax;
  let sum = ax;
  for (let n = 1; n < 500; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  const r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  return x < 0 ? -r : r;
}
