/**
 * Average pooling over the spatial dims of an NCL or NCHW input, per channel (no dilation in opset 17):
 *
 *   Y[n, c, o] = Σ_{real taps} X[n, c, o·s − pad_begin + j] / divisor     (j = 0…k−1)
 *   out = ⌊(in + pad_begin + pad_end − k) / s⌋ + 1     (⌈·⌉ with ceil_mode; see MaxPool for the last-window rule)
 *
 * The divisor follows PyTorch's AvgPool: with count_include_pad it is the size of the window clipped to the
 * padded input [−pad_begin, in + pad_end) per dim (the zero padding counts; the part of a ceil_mode window that
 * runs past the padded input does not); without it, the number of real input cells in the window. Sums
 * accumulate in float64. Pads must be smaller than the kernel (onnxruntime requires it).
 * ONNX: AveragePool with kernel_shape, strides, pads (all begins, then all ends), ceil_mode and
 * count_include_pad written explicitly; ceil_mode is written as 1 only when it adds a window on some axis, as
 * for MaxPool (the last-window rule), which leaves every divisor unchanged. onnxruntime 1.30 computes the same divisor as PyTorch in every case,
 * including ceil_mode windows that run past the padding (checked in the tests). Differences from PyTorch are in
 * what is expressible, not in values: ONNX allows asymmetric pads (then pad_end bounds the counted window) and
 * pads up to kernel − 1, where torch.nn.AvgPool requires symmetric pads of at most kernel / 2; PyTorch's
 * divisor_override has no ONNX counterpart.
 *
 * Gradient: dX[i] = Σ over the windows o whose real cells contain i of g[o] / divisor[o]. g is divided by a
 * constant map of the per-window divisors (the exact rule above, for either count_include_pad and ceil_mode;
 * a scalar where all divisors are equal), then spread over each window by an all-ones ConvTranspose with
 * the same strides and pad begins on the [N·C, 1, out…] planes. The ConvTranspose is sized back to X (see
 * transposeConvTo): what lands in the padding or past the padded input is cropped, as those taps read no X.
 */
import { attr, defineOp, IrError } from '../define-op';
import type { Tensor } from '../tensor';
import { activation, dims4, expectInputs, flag, intList, lift, liftPads, onnxCeilMode, unlift, windowOut } from './common/2-window';
import { transposeConvTo } from './conv';
import { concreteShape } from './slice';

export interface AveragePoolAttrs {
  readonly kernel_shape: readonly number[];
  readonly strides: readonly number[];
  readonly pads: readonly number[];
  readonly ceil_mode: boolean;
  readonly count_include_pad: boolean;
}

function checkAttrs(a: AveragePoolAttrs, r: number): AveragePoolAttrs {
  const checked = {
    kernel_shape: intList('AveragePool', 'kernel_shape', a.kernel_shape, r, 1),
    strides: intList('AveragePool', 'strides', a.strides, r, 1),
    pads: intList('AveragePool', 'pads', a.pads, 2 * r, 0),
    ceil_mode: flag('AveragePool', 'ceil_mode', a.ceil_mode),
    count_include_pad: flag('AveragePool', 'count_include_pad', a.count_include_pad),
  };
  checked.pads.forEach((p, i) => {
    if (p >= checked.kernel_shape[i % r]!)
      throw new IrError(`AveragePool: pad ${p} must be smaller than the kernel (${checked.kernel_shape[i % r]})`);
  });
  return checked;
}

/** One window along one dim: the real cells [lo, hi) and the count including padding. */
function span(o: number, input: number, kernel: number, stride: number, padBegin: number, padEnd: number): [number, number, number] {
  const start = o * stride - padBegin;
  const end = Math.min(start + kernel, input + padEnd);
  return [Math.max(start, 0), Math.min(end, input), end - start];
}

function averagePool(x: Tensor, a: AveragePoolAttrs): Tensor {
  const r = x.shape.length - 2;
  const [n, c, h, w] = dims4(x.shape);
  const [kh, kw] = lift(a.kernel_shape, 1);
  const [sh, sw] = lift(a.strides, 1);
  const [[pt, pl], [pb, pr]] = liftPads(a.pads);
  const oh = windowOut('AveragePool', h, kh, sh, pt, pb, 1, a.ceil_mode);
  const ow = windowOut('AveragePool', w, kw, sw, pl, pr, 1, a.ceil_mode);
  const out = new Float32Array(n * c * oh * ow);
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w;
    for (let y = 0; y < oh; y++) {
      const [y0, y1, ny] = span(y, h, kh, sh, pt, pb);
      for (let xo = 0; xo < ow; xo++) {
        const [x0, x1, nx] = span(xo, w, kw, sw, pl, pr);
        let sum = 0;
        for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) sum += x.data[base + iy * w + ix]!;
        const divisor = a.count_include_pad ? ny * nx : (y1 - y0) * (x1 - x0);
        out[(plane * oh + y) * ow + xo] = sum / divisor;
      }
    }
  }
  return { shape: unlift(r, n, c, oh, ow), dtype: 'float32', data: out };
}

export const AveragePool = defineOp<AveragePoolAttrs>({
  name: 'AveragePool',
  inferShape: (inputs, attrs) => {
    expectInputs('AveragePool', inputs, 1);
    const x = activation('AveragePool', inputs[0]);
    const r = x.spatial.length;
    const a = checkAttrs(attrs, r);
    const out = x.spatial.map((len, i) => windowOut('AveragePool', len, a.kernel_shape[i]!, a.strides[i]!, a.pads[i]!, a.pads[i + r]!, 1, a.ceil_mode));
    return [{ shape: [x.batch, x.channels, ...out], dtype: 'float32' }];
  },
  evaluate: ([x], attrs) => [averagePool(x!, checkAttrs(attrs, x!.shape.length - 2))],
  toOnnx: (attrs, inputs) => {
    const spatial = inputs[0]!.shape.slice(2) as number[];
    const a = checkAttrs(attrs, spatial.length);
    const ceil = onnxCeilMode(spatial, a.kernel_shape, a.strides, a.pads, spatial.map(() => 1), a.ceil_mode);
    return {
      opType: 'AveragePool',
      attributes: {
        kernel_shape: attr.ints(a.kernel_shape),
        strides: attr.ints(a.strides),
        pads: attr.ints(a.pads),
        ceil_mode: attr.int(ceil ? 1 : 0),
        count_include_pad: attr.int(a.count_include_pad ? 1 : 0),
      },
    };
  },
  gradient: ({ ir, inputs: [x], outputs: [y], attrs, grads: [g] }) => {
    const op = 'AveragePool gradient';
    const xs = concreteShape(op, x!.type.shape);
    const ys = concreteShape(op, y!.type.shape);
    const r = xs.length - 2;
    const a = checkAttrs(attrs, r);
    const spatial = xs.slice(2);
    const outs = ys.slice(2);
    // Per axis, each window's [real cells, count with padding]; the divisor is a product over the axes.
    const perAxis = outs.map((out, i) =>
      Array.from({ length: out }, (_, o) => {
        const [lo, hi, padded] = span(o, spatial[i]!, a.kernel_shape[i]!, a.strides[i]!, a.pads[i]!, a.pads[i + r]!);
        return a.count_include_pad ? padded : hi - lo;
      }),
    );
    let divisors = [1];
    for (const counts of perAxis) divisors = divisors.flatMap((d) => counts.map((c) => d * c));
    const uniform = divisors.every((d) => d === divisors[0]);
    const scaled = ir.div(g!, uniform ? ir.scalar(divisors[0]!) : ir.tensor(outs, divisors));
    const [n, c] = [xs[0]!, xs[1]!];
    const planes = ir.reshape(scaled, [n * c, 1, ...outs]);
    const ones = ir.tensor([1, 1, ...a.kernel_shape], new Float32Array(a.kernel_shape.reduce((p, k) => p * k, 1)).fill(1));
    const spread = transposeConvTo(
      ir,
      planes,
      ones,
      { strides: a.strides, padsBegin: a.pads.slice(0, r), dilations: spatial.map(() => 1), group: 1 },
      spatial,
    );
    return [ir.reshape(spread, xs)];
  },
});
