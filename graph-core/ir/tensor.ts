/**
 * Concrete tensors for the reference kernels (tests, previews, and checking onnxruntime): a shape and a
 * flat row-major buffer. int64 tensors are held as Int32Array (indices and shapes only; never arithmetic).
 */
import type { DType } from '../shape';

export interface Tensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: Float32Array | Int32Array;
}

export function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  const n = size(shape);
  return { shape: [...shape], dtype, data: dtype === 'float32' ? new Float32Array(n) : new Int32Array(n) };
}

export function fromArray(shape: readonly number[], values: ArrayLike<number>, dtype: DType = 'float32'): Tensor {
  if (values.length !== size(shape)) throw new Error(`fromArray: ${values.length} values for shape [${shape.join(', ')}]`);
  return { shape: [...shape], dtype, data: dtype === 'float32' ? Float32Array.from(values) : Int32Array.from(values) };
}

/** NumPy broadcasting of concrete shapes; throws (a bug) when they do not broadcast. */
export function broadcastConcrete(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[i - (rank - a.length)] ?? 1;
    const db = b[i - (rank - b.length)] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`shapes [${a}] and [${b}] do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** For each flat index of `out`, the flat index into a tensor of shape `src` broadcast to it. */
export function broadcastIndex(src: readonly number[], out: readonly number[]): Int32Array {
  const n = size(out);
  const idx = new Int32Array(n);
  const rank = out.length;
  const offset = rank - src.length;
  const srcStrides = strides(src);
  const eff = out.map((_, i) => (i < offset || src[i - offset] === 1 ? 0 : srcStrides[i - offset]!));
  const counter = new Array<number>(rank).fill(0);
  let pos = 0;
  for (let k = 0; k < n; k++) {
    idx[k] = pos;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      pos += eff[d]!;
      if (counter[d]! < out[d]!) break;
      pos -= eff[d]! * out[d]!;
      counter[d] = 0;
    }
  }
  return idx;
}

/** Elementwise binary op with broadcasting. */
export function binary(a: Tensor, b: Tensor, f: (x: number, y: number) => number, dtype: DType = 'float32'): Tensor {
  const shape = broadcastConcrete(a.shape, b.shape);
  const out = zeros(shape, dtype);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  for (let k = 0; k < out.data.length; k++) out.data[k] = f(a.data[ia[k]!]!, b.data[ib[k]!]!);
  return out;
}

export function unary(a: Tensor, f: (x: number) => number): Tensor {
  const out = zeros(a.shape, a.dtype);
  for (let k = 0; k < out.data.length; k++) out.data[k] = f(a.data[k]!);
  return out;
}

/** Normalises a possibly negative axis; throws (a bug) when out of range. */
export function axis(a: number, rank: number): number {
  const r = a < 0 ? a + rank : a;
  if (r < 0 || r >= rank) throw new Error(`axis ${a} out of range for rank ${rank}`);
  return r;
}

/** Transposes a tensor by a permutation. */
export function transpose(t: Tensor, perm: readonly number[]): Tensor {
  const shape = perm.map((p) => t.shape[p]!);
  const out = zeros(shape, t.dtype);
  const inStr = strides(t.shape);
  const permStr = perm.map((p) => inStr[p]!);
  const rank = shape.length;
  const counter = new Array<number>(rank).fill(0);
  let src = 0;
  for (let k = 0; k < out.data.length; k++) {
    out.data[k] = t.data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      src += permStr[d]!;
      if (counter[d]! < shape[d]!) break;
      src -= permStr[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
  return out;
}

/** Reduces over the given axes (normalised, sorted) with an accumulator. */
export function reduce(
  t: Tensor,
  axes: readonly number[],
  keepdims: boolean,
  init: number,
  step: (acc: number, x: number) => number,
  finish: (acc: number, count: number) => number = (acc) => acc,
): Tensor {
  const rank = t.shape.length;
  const ax = new Set(axes.map((a) => axis(a, rank)));
  const outShapeKeep = t.shape.map((d, i) => (ax.has(i) ? 1 : d));
  const outShape = keepdims ? outShapeKeep : t.shape.filter((_, i) => !ax.has(i));
  const acc = new Float64Array(size(outShapeKeep)).fill(init);
  const idx = broadcastIndex(outShapeKeep, t.shape);
  for (let k = 0; k < t.data.length; k++) acc[idx[k]!] = step(acc[idx[k]!]!, t.data[k]!);
  const count = size(t.shape) / Math.max(1, size(outShapeKeep));
  const out = zeros(outShape, t.dtype);
  for (let k = 0; k < out.data.length; k++) out.data[k] = finish(acc[k]!, count);
  return out;
}
