/**
 * Takes elements start, start + step, … (stopping before end) along one axis, with ONNX / Python rules:
 * negative start and end count from the end, out-of-range values are clamped, and a negative step walks
 * backwards (then start is clamped to [0, dim − 1] and end to [−1, dim − 1], where −1 means "past the front").
 * start and end may be ±Infinity for "from the very start / to the very end".
 *
 * ONNX: Slice with int64 inputs starts, ends, axes, steps (one element each). The mapping writes the already
 * clamped start and end, so every value fits in int64; a backward slice that runs past the front has the
 * clamped end −1, which ONNX would read as "the last element", so it is written as −(dim + 1) instead.
 *
 * The axis must be concrete (slicing the batch N throws IrError), and an empty result throws IrError.
 *
 * Gradient: g put back where its elements were taken from, zeros elsewhere. Step 1: Concat of zero blocks
 * before and after g along the axis. Any other step (negative included): the axis is moved last and g is
 * multiplied by a constant 0/1 selection matrix [count, dim] (row k has its 1 at start + k·step), then the axis
 * is moved back. Shapes are concrete in train-step graphs; meeting the batch N here throws IrError.
 */
import { fmtShape, type Shape } from '../../shape';
import type { IrBuilder, V } from '../builder';
import { defineOp, int64, IrError } from '../define-op';
import { size, zeros } from '../tensor';
import { concreteDim, normAxis } from './common/3-shaping';

interface SliceAttrs {
  axis: number;
  start: number;
  end: number;
  step?: number;
}

const isIndex = (v: number) => Number.isInteger(v) || v === Infinity || v === -Infinity;

/** The clamped start and end and the number of elements taken, as ONNX computes them. */
export function sliceRange(dim: number, start: number, end: number, step: number): { start: number; end: number; count: number } {
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const s0 = start < 0 ? start + dim : start;
  const e0 = end < 0 ? end + dim : end;
  if (step > 0) {
    const s = clamp(s0, 0, dim);
    const e = clamp(e0, 0, dim);
    return { start: s, end: e, count: Math.max(0, Math.ceil((e - s) / step)) };
  }
  const s = clamp(s0, 0, dim - 1);
  const e = clamp(e0, -1, dim - 1);
  return { start: s, end: e, count: Math.max(0, Math.ceil((s - e) / -step)) };
}

function resolve(shape: readonly (number | 'N')[], { axis, start, end, step = 1 }: SliceAttrs) {
  if (!Number.isInteger(step) || step === 0) throw new IrError(`Slice: step ${step} must be a non-zero integer`);
  if (!isIndex(start) || !isIndex(end)) throw new IrError(`Slice: start ${start} and end ${end} must be integers`);
  const ax = normAxis('Slice', axis, shape.length);
  const dim = concreteDim('Slice', shape, ax, 'slice');
  const r = sliceRange(dim, start, end, step);
  if (r.count === 0) throw new IrError(`Slice: [${start}:${end}:${step}] of axis ${axis} in ${fmtShape(shape)} is empty`);
  return { ax, dim, step, ...r };
}

/** `shape` with every dim concrete; IrError on the batch N (gradient rules run on fixed-batch train-step graphs). */
export function concreteShape(op: string, shape: Shape): number[] {
  return shape.map((d) => {
    if (d === 'N') throw new IrError(`${op}: needs a concrete batch size, got ${fmtShape(shape)}`);
    return d;
  });
}

/**
 * A float32 block of zeros of a concrete shape: a scalar constant broadcast with Expand, so the exported graph
 * carries no large all-zero initialiser (and no ConstantOfShape, which the IR avoids).
 */
export function zerosBlock(ir: IrBuilder, shape: Shape, op: string): V {
  return ir.expand(ir.scalar(0), concreteShape(op, shape));
}

/** `g` with `before` zeros in front of it and `after` zeros behind it along `axis` (a Concat; g itself when both are 0). */
export function padWithZeros(ir: IrBuilder, g: V, axis: number, before: number, after: number, op: string): V {
  if (before === 0 && after === 0) return g;
  const block = (n: number) => zerosBlock(ir, g.type.shape.map((d, i) => (i === axis ? n : d)), op);
  return ir.concat([...(before > 0 ? [block(before)] : []), g, ...(after > 0 ? [block(after)] : [])], axis);
}

export const Slice = defineOp<SliceAttrs>({
  name: 'Slice',
  inferShape: ([x], a) => {
    const { ax, count } = resolve(x!.shape, a);
    return [{ shape: x!.shape.map((d, i) => (i === ax ? count : d)), dtype: x!.dtype }];
  },
  evaluate: ([x], a) => {
    const { ax, dim, step, start, count } = resolve(x!.shape, a);
    const outer = size(x!.shape.slice(0, ax));
    const inner = size(x!.shape.slice(ax + 1));
    const out = zeros(
      x!.shape.map((d, i) => (i === ax ? count : d)),
      x!.dtype,
    );
    for (let o = 0; o < outer; o++)
      for (let k = 0; k < count; k++) {
        const src = (o * dim + start + k * step) * inner;
        out.data.set(x!.data.subarray(src, src + inner), (o * count + k) * inner);
      }
    return [out];
  },
  toOnnx: (a, [x]) => {
    const { ax, dim, step, start, end } = resolve(x!.shape, a);
    const onnxEnd = step < 0 && end === -1 ? -(dim + 1) : end;
    return { opType: 'Slice', constInputs: [int64([start]), int64([onnxEnd]), int64([ax]), int64([step])] };
  },
  gradient: ({ ir, inputs: [x], attrs, grads: [g] }) => {
    const { ax, dim, step, start, count } = resolve(x!.type.shape, attrs);
    if (step === 1) return [padWithZeros(ir, g!, ax, start, dim - start - count, 'Slice gradient')];
    const select = new Float32Array(count * dim);
    for (let k = 0; k < count; k++) select[k * dim + start + k * step] = 1;
    const matrix = ir.tensor([count, dim], select);
    const rank = x!.type.shape.length;
    if (ax === rank - 1) return [ir.matmul(g!, matrix)];
    const others = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== ax);
    const toLast = [...others, ax];
    const back = Array.from({ length: rank }, (_, i) => (i < ax ? i : i === ax ? rank - 1 : i - 1));
    return [ir.transpose(ir.matmul(ir.transpose(g!, toLast), matrix), back)];
  },
});
