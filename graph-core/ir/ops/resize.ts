/**
 * Resizes the trailing spatial dims of an NCL or NCHW input to `sizes`, with PyTorch's F.interpolate conventions
 * for a given output size (output index x, input length in, output length out; each spatial dim separately):
 *
 *   nearest:                      src = ⌊x · in / out⌋                                   (PyTorch 'nearest')
 *   linear, align_corners false:  src = max(0, (x + 0.5) · in / out − 0.5)               (half_pixel)
 *   linear, align_corners true:   src = x · (in − 1) / (out − 1), or 0 when out = 1
 *
 * Linear mode interpolates between ⌊src⌋ and ⌊src⌋ + 1 (clamped to the last pixel), bilinearly for NCHW.
 * The reference kernel uses exact arithmetic for the source index and float64 for the weights.
 *
 * ONNX: Resize (opset 17) with inputs X, roi empty and scales = float32 [1, 1, out/in…] (the batch is symbolic,
 * so `sizes` cannot be used, and opset 17 has no `axes`). Attributes: nearest → mode 'nearest',
 * coordinate_transformation_mode 'asymmetric', nearest_mode 'floor'; linear → mode 'linear' with 'half_pixel'
 * (align_corners false) or 'align_corners' (true).
 * Subtleties:
 * - 'half_pixel', not 'pytorch_half_pixel': they differ only for an output of length 1, where PyTorch samples
 *   the centre, in/2 − 0.5 (half_pixel), and pytorch_half_pixel samples pixel 0.
 * - Each scale is the smallest float32 ≥ out/in, so that floor(in · scale) = out both in onnxruntime's float32
 *   output-shape rule and in ONNX shape inference (float or double); a scale rounded down can lose a pixel.
 * - onnxruntime computes nearest's x / scale in float32. When out/in is not exact in float32 and x · in / out is
 *   an exact integer (x > 0), the quotient can round just below it and pick the previous pixel (20 → 12 maps
 *   x = 9 to pixel 14 instead of 15: 9 / 0.6000000238 rounds to 14.999999 in float32). About 10% of size pairs
 *   up to 32 → 64 slip at some pixel with the scale chosen here; a scale rounded down would fix many of them
 *   but breaks ONNX shape inference, and for about 3% no float32 scale works at all. PyTorch, which multiplies
 *   by in/out in float32, slips at other pairs. Integer upscales, power-of-two ratios and coprime in/out agree
 *   exactly. A lowering that needs exact indices at any ratio can gather with constant indices instead.
 *   Linear mode differs from the reference only by float32 rounding of the weights.
 * - The coordinates follow the output size, as PyTorch's interpolate(size=…) does. Upsample(scale_factor=f) in
 *   PyTorch maps with 1/f instead of in/out, so it matches this op only where in·f is an integer (e.g. integer f).
 *
 * Gradient: Resize is linear in X and separable, Y = M_h · X · M_wᵀ per plane with M [out, in] holding each
 * output's tap weights (the reference kernel's own index and weight rule, on the concrete sizes), so
 * dX = M_hᵀ · g · M_w, one spatial axis at a time, last axis first:
 * - an axis whose size is unchanged is the identity (nearest and both linear rules sample pixel x exactly);
 * - nearest with an integer up-scale f (src = ⌊x / f⌋) sums each block of f outputs: Reshape [… in, f …] and
 *   ReduceSum over the f axis (no float products);
 * - every other case multiplies by the constant matrix with MatMul (g · M along the last axis, M_hᵀ · g,
 *   broadcast over N and C, along the first). The gradient follows the reference rule; onnxruntime's nearest
 *   picks a neighbouring pixel at some ratios (see above), where the two disagree.
 */
import type { Dim } from '../../shape';
import { attr, defineOp, IrError, type OnnxAttr } from '../define-op';
import type { Tensor } from '../tensor';
import { activation, dims4, expectInputs, flag, intList, unlift } from './common/2-window';
import { concreteShape } from './slice';

export interface ResizeAttrs {
  readonly sizes: readonly number[];
  readonly mode: 'nearest' | 'linear';
  readonly align_corners: boolean;
}

function checkAttrs(a: ResizeAttrs, r: number): ResizeAttrs {
  const sizes = intList('Resize', 'sizes', a.sizes, r, 1);
  if (a.mode !== 'nearest' && a.mode !== 'linear') throw new IrError(`Resize: mode must be 'nearest' or 'linear', got ${String(a.mode)}`);
  const alignCorners = flag('Resize', 'align_corners', a.align_corners);
  if (alignCorners && a.mode !== 'linear') throw new IrError(`Resize: align_corners applies to linear mode only`);
  return { sizes, mode: a.mode, align_corners: alignCorners };
}

/** The next float32 above a float32 value (positive, finite). */
function nextFloat32Up(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer);
  u[0]! += 1;
  return f[0]!;
}

/** The smallest float32 ≥ out / in: floor(in · scale) is then out, computed in float32 or in float64. */
export function resizeScale(input: number, output: number): number {
  const exact = output / input;
  const s = Math.fround(exact);
  return s >= exact ? s : nextFloat32Up(s);
}

/** Along one dim: for each output index, the two source pixels and the weight of the second. */
interface Tap {
  readonly i0: number;
  readonly i1: number;
  readonly w1: number;
}

function taps(input: number, output: number, mode: ResizeAttrs['mode'], alignCorners: boolean): Tap[] {
  return Array.from({ length: output }, (_, x): Tap => {
    if (mode === 'nearest') return { i0: Math.min(Math.floor((x * input) / output), input - 1), i1: 0, w1: 0 };
    const src = alignCorners ? (output > 1 ? (x * (input - 1)) / (output - 1) : 0) : Math.max(0, ((x + 0.5) * input) / output - 0.5);
    const i0 = Math.min(Math.floor(src), input - 1);
    const i1 = Math.min(i0 + 1, input - 1);
    return { i0, i1, w1: i1 === i0 ? 0 : src - i0 };
  });
}

function resize(x: Tensor, a: ResizeAttrs): Tensor {
  const r = x.shape.length - 2;
  const [n, c, h, w] = dims4(x.shape);
  const oh = r === 1 ? 1 : a.sizes[0]!;
  const ow = a.sizes[r - 1]!;
  const ty = taps(h, oh, a.mode, a.align_corners);
  const tx = taps(w, ow, a.mode, a.align_corners);
  const out = new Float32Array(n * c * oh * ow);
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w;
    for (let y = 0; y < oh; y++) {
      const { i0: y0, i1: y1, w1: wy } = ty[y]!;
      for (let xo = 0; xo < ow; xo++) {
        const { i0: x0, i1: x1, w1: wx } = tx[xo]!;
        const at = (iy: number, ix: number) => x.data[base + iy * w + ix]!;
        const top = wx === 0 ? at(y0, x0) : (1 - wx) * at(y0, x0) + wx * at(y0, x1);
        const bottom = wy === 0 ? 0 : wx === 0 ? at(y1, x0) : (1 - wx) * at(y1, x0) + wx * at(y1, x1);
        out[(plane * oh + y) * ow + xo] = wy === 0 ? top : (1 - wy) * top + wy * bottom;
      }
    }
  }
  return { shape: unlift(r, n, c, oh, ow), dtype: 'float32', data: out };
}

export const Resize = defineOp<ResizeAttrs>({
  name: 'Resize',
  inferShape: (inputs, attrs) => {
    expectInputs('Resize', inputs, 1);
    const x = activation('Resize', inputs[0]);
    const a = checkAttrs(attrs, x.spatial.length);
    const shape: Dim[] = [x.batch, x.channels, ...a.sizes];
    return [{ shape, dtype: 'float32' }];
  },
  evaluate: ([x], attrs) => [resize(x!, checkAttrs(attrs, x!.shape.length - 2))],
  toOnnx: (attrs, inputs) => {
    const spatial = inputs[0]!.shape.slice(2) as number[];
    const a = checkAttrs(attrs, spatial.length);
    const scales = [1, 1, ...spatial.map((len, i) => resizeScale(len, a.sizes[i]!))];
    const attributes: Record<string, OnnxAttr> =
      a.mode === 'nearest'
        ? { mode: attr.string('nearest'), coordinate_transformation_mode: attr.string('asymmetric'), nearest_mode: attr.string('floor') }
        : { mode: attr.string('linear'), coordinate_transformation_mode: attr.string(a.align_corners ? 'align_corners' : 'half_pixel') };
    return { opType: 'Resize', attributes, constInputs: [null, { dtype: 'float32', dims: [scales.length], values: scales }] };
  },
  gradient: ({ ir, inputs: [x], attrs, grads: [g] }) => {
    const xs = concreteShape('Resize gradient', x!.type.shape);
    const r = xs.length - 2;
    const a = checkAttrs(attrs, r);
    let dx = g!;
    for (let i = r - 1; i >= 0; i--) {
      const ax = i + 2;
      const [input, output] = [xs[ax]!, a.sizes[i]!];
      if (input === output) continue;
      const shape = concreteShape('Resize gradient', dx.type.shape);
      if (a.mode === 'nearest' && output % input === 0) {
        const f = output / input;
        const blocks = ir.reshape(dx, [...shape.slice(0, ax), input, f, ...shape.slice(ax + 1)]);
        dx = ir.reduceSum(blocks, [ax + 1], false);
        continue;
      }
      // M [output, input]: row x holds 1 − w1 at i0 and w1 at i1 (summed where they coincide).
      const m = new Float64Array(output * input);
      taps(input, output, a.mode, a.align_corners).forEach(({ i0, i1, w1 }, o) => {
        m[o * input + i0]! += 1 - w1;
        if (w1 !== 0) m[o * input + i1]! += w1;
      });
      if (ax === xs.length - 1) dx = ir.matmul(dx, ir.tensor([output, input], m));
      else {
        const mt = new Float64Array(input * output);
        for (let o = 0; o < output; o++) for (let k = 0; k < input; k++) mt[k * output + o] = m[o * input + k]!;
        dx = ir.matmul(ir.tensor([input, output], mt), dx);
      }
    }
    return [dx];
  },
});
