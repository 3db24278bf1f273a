/** Shared shape-rule helpers for the shaping ops (Transpose, Concat, Slice, Split, Gather…, Expand). */
import { fmtShape, type Dim, type Shape } from '../../../shape';
import { IrError } from '../../define-op';

/** Normalises a possibly negative axis against `rank`; throws IrError when it is not an integer in [-rank, rank). */
export function normAxis(op: string, a: number, rank: number): number {
  if (!Number.isInteger(a)) throw new IrError(`${op}: axis ${a} is not an integer`);
  const r = a < 0 ? a + rank : a;
  if (r < 0 || r >= rank) throw new IrError(`${op}: axis ${a} out of range for rank ${rank}`);
  return r;
}

/** Normalises a list of axes; throws IrError on duplicates (after normalisation). */
export function normAxes(op: string, axes: readonly number[], rank: number): number[] {
  const out = axes.map((a) => normAxis(op, a, rank));
  if (new Set(out).size !== out.length) throw new IrError(`${op}: duplicate axes [${axes.join(', ')}]`);
  return out;
}

/** Throws IrError when the batch symbol N appears anywhere but dim 0 (downstream code assumes batch-first shapes). */
export function expectBatchFirst(op: string, shape: Shape): Shape {
  if (shape.some((d, i) => d === 'N' && i !== 0)) throw new IrError(`${op}: result ${fmtShape(shape)} would move the batch N away from dim 0`);
  return shape;
}

/** The concrete size of dim `a` of `shape`; throws IrError when it is the batch N (its size is unknown when shapes are inferred). */
export function concreteDim(op: string, shape: Shape, a: number, what: string): number {
  const d: Dim | undefined = shape[a];
  if (d === undefined) throw new IrError(`${op}: no dim ${a} in ${fmtShape(shape)}`);
  if (d === 'N') throw new IrError(`${op}: cannot ${what} along the batch dim N of ${fmtShape(shape)}`);
  return d;
}

/** Throws IrError unless every entry of `values` is a positive integer. */
export function expectPositiveInts(op: string, what: string, values: readonly number[]): void {
  if (!values.every((v) => Number.isInteger(v) && v > 0)) throw new IrError(`${op}: ${what} [${values.join(', ')}] must be positive integers`);
}
