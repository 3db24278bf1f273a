/**
 * Shared helpers for group 2's ops over NCL (rank 3) and NCHW (rank 4) activations: input and attribute checks,
 * the sliding-window output-size rule, and a lift of 1-D geometry to 2-D (an NCL tensor is read as N×C×1×L) so
 * that every reference kernel is written once, for two spatial dims.
 */
import type { Dim, TensorType } from '../../../shape';
import { IrError } from '../../define-op';

/** An activation split into its batch dim (the symbol N or a number), channels and spatial dims. */
export interface Activation {
  readonly batch: Dim;
  readonly channels: number;
  readonly spatial: readonly number[];
}

export function expectInputs(op: string, inputs: readonly TensorType[], lo: number, hi = lo): void {
  if (inputs.length < lo || inputs.length > hi)
    throw new IrError(`${op}: expected ${lo === hi ? lo : `${lo} or ${hi}`} inputs, got ${inputs.length}`);
}

/** Checks an NCL / NCHW float32 activation: only dim 0 may be the batch symbol. */
export function activation(op: string, t: TensorType | undefined): Activation {
  if (!t) throw new IrError(`${op}: missing input X`);
  if (t.dtype !== 'float32') throw new IrError(`${op}: X has dtype ${t.dtype}; expected float32`);
  if (t.shape.length !== 3 && t.shape.length !== 4)
    throw new IrError(`${op}: expected an NCL (rank 3) or NCHW (rank 4) input, got [${t.shape.join(', ')}]`);
  const [batch, ...rest] = t.shape;
  if (rest.some((d) => typeof d !== 'number' || d < 1))
    throw new IrError(`${op}: only dim 0 of X may be the batch N, got [${t.shape.join(', ')}]`);
  const dims = rest as number[];
  return { batch: batch!, channels: dims[0]!, spatial: dims.slice(1) };
}

/** Checks a weight-like float32 input of a given rank with concrete dims; returns its shape. */
export function concrete(op: string, t: TensorType | undefined, name: string, rank: number): number[] {
  if (!t) throw new IrError(`${op}: missing input ${name}`);
  if (t.dtype !== 'float32') throw new IrError(`${op}: ${name} has dtype ${t.dtype}; expected float32`);
  if (t.shape.length !== rank || t.shape.some((d) => typeof d !== 'number' || d < 1))
    throw new IrError(`${op}: ${name} must have rank ${rank} with concrete dims, got [${t.shape.join(', ')}]`);
  return t.shape as number[];
}

/** A list of `length` integers, each at least `min`. */
export function intList(op: string, name: string, v: unknown, length: number, min: number): number[] {
  if (!Array.isArray(v) || v.length !== length || v.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < min))
    throw new IrError(`${op}: ${name} must be ${length} integer(s) ≥ ${min}, got ${JSON.stringify(v)}`);
  return v as number[];
}

export function positiveInt(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new IrError(`${op}: ${name} must be a positive integer, got ${String(v)}`);
  return v;
}

export function flag(op: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new IrError(`${op}: ${name} must be a boolean, got ${String(v)}`);
  return v;
}

/**
 * Output length of a sliding window (convolution or pooling), as ONNX and PyTorch define it:
 *   ⌊(in + pad_begin + pad_end − d·(k − 1) − 1) / s⌋ + 1
 * With `ceilMode`, ⌈·⌉ replaces ⌊·⌋, and a last window that would start in the end padding (at or past
 * in + pad_begin) is dropped; a window longer than the padded input then still gives one output, as in
 * PyTorch and onnxruntime. Throws IrError when no window fits.
 */
export function windowOut(
  op: string,
  input: number,
  kernel: number,
  stride: number,
  padBegin: number,
  padEnd: number,
  dilation = 1,
  ceilMode = false,
): number {
  const span = input + padBegin + padEnd - dilation * (kernel - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= input + padBegin) out -= 1;
  if (out < 1)
    throw new IrError(`${op}: the window (${dilation * (kernel - 1) + 1}) is larger than the padded input (${input + padBegin + padEnd})`);
  return out;
}

/** A per-spatial-dim list lifted to two dims: `[fill, v]` for NCL, unchanged for NCHW. */
export function lift(values: readonly number[], fill: number): [number, number] {
  return values.length === 1 ? [fill, values[0]!] : [values[0]!, values[1]!];
}

/** ONNX pads (all begins, then all ends) lifted to two dims: [[top, left], [bottom, right]]. */
export function liftPads(pads: readonly number[]): [[number, number], [number, number]] {
  const r = pads.length / 2;
  return [lift(pads.slice(0, r), 0), lift(pads.slice(r), 0)];
}

/** A concrete NCL / NCHW (or weight) shape lifted to four dims: [d0, d1, 1, L] for rank 3. */
export function dims4(shape: readonly number[]): [number, number, number, number] {
  return shape.length === 3 ? [shape[0]!, shape[1]!, 1, shape[2]!] : [shape[0]!, shape[1]!, shape[2]!, shape[3]!];
}

/** The [d0, d1, …spatial] shape for the spatial rank `r` (drops the lifted unit dim of an NCL tensor). */
export function unlift(r: number, d0: number, d1: number, h: number, w: number): number[] {
  return r === 1 ? [d0, d1, w] : [d0, d1, h, w];
}

/**
 * The ceil_mode to write in ONNX for a pooling op. ONNX's shape rule (opset 17 text and onnx's shape inference)
 * keeps a ceil_mode window that starts in the end padding, while onnxruntime, like PyTorch, drops it. Where
 * ceil_mode adds no window over floor mode on any axis, the windows are identical, so floor mode is written and
 * every consumer agrees. Where an axis really gains a window, ceil_mode is written; if another axis then drops
 * one, onnxruntime still computes the right result but ONNX shape inference disagrees with the declared shape.
 */
export function onnxCeilMode(
  spatial: readonly number[],
  kernel: readonly number[],
  strides: readonly number[],
  pads: readonly number[],
  dilations: readonly number[],
  ceilMode: boolean,
): boolean {
  if (!ceilMode) return false;
  const r = spatial.length;
  return spatial.some((len, i) => {
    const [k, s, pb, pe, d] = [kernel[i]!, strides[i]!, pads[i]!, pads[i + r]!, dilations[i]!];
    const floorCount = Math.floor((len + pb + pe - d * (k - 1) - 1) / s) + 1;
    return windowOut('', len, k, s, pb, pe, d, true) !== floorCount;
  });
}
