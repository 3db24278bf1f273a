/**
 * Max pooling over the spatial dims of an NCL or NCHW input, per channel. The padding is −∞ (it never wins):
 *
 *   Y[n, c, o] = max_j X[n, c, o·s − pad_begin + j·d]     (j = 0…k−1, taps outside the input skipped)
 *   out = ⌊(in + pad_begin + pad_end − d·(k − 1) − 1) / s⌋ + 1
 *
 * ceil_mode rounds up instead, exactly as PyTorch does: the extra last window may run past the padded input
 * (its missing taps are skipped), but a window that would start in the end padding is dropped. Pads must be
 * smaller than the kernel (onnxruntime requires it).
 * ONNX: MaxPool with kernel_shape, strides, pads (all begins, then all ends), dilations and ceil_mode written
 * explicitly, and only the first output (the Indices output fails on the WebGPU EP). onnxruntime's kernel drops
 * a ceil_mode window that starts in the end padding, like PyTorch, but the opset 17 text and onnx's shape
 * inference keep it. So ceil_mode is written as 1 only when it adds a window on some axis (else the windows
 * equal floor mode's and 0 is written, which every consumer reads alike); see onnxCeilMode.
 */
import { attr, defineOp, IrError } from '../define-op';
import type { Tensor } from '../tensor';
import { activation, dims4, expectInputs, flag, intList, lift, liftPads, onnxCeilMode, unlift, windowOut } from './common/2-window';

export interface MaxPoolAttrs {
  readonly kernel_shape: readonly number[];
  readonly strides: readonly number[];
  readonly pads: readonly number[];
  readonly dilations: readonly number[];
  readonly ceil_mode: boolean;
}

function checkAttrs(a: MaxPoolAttrs, r: number): MaxPoolAttrs {
  const checked = {
    kernel_shape: intList('MaxPool', 'kernel_shape', a.kernel_shape, r, 1),
    strides: intList('MaxPool', 'strides', a.strides, r, 1),
    pads: intList('MaxPool', 'pads', a.pads, 2 * r, 0),
    dilations: intList('MaxPool', 'dilations', a.dilations, r, 1),
    ceil_mode: flag('MaxPool', 'ceil_mode', a.ceil_mode),
  };
  checked.pads.forEach((p, i) => {
    if (p >= checked.kernel_shape[i % r]!) throw new IrError(`MaxPool: pad ${p} must be smaller than the kernel (${checked.kernel_shape[i % r]})`);
  });
  return checked;
}

function maxPool(x: Tensor, a: MaxPoolAttrs): Tensor {
  const r = x.shape.length - 2;
  const [n, c, h, w] = dims4(x.shape);
  const [kh, kw] = lift(a.kernel_shape, 1);
  const [sh, sw] = lift(a.strides, 1);
  const [dh, dw] = lift(a.dilations, 1);
  const [[pt, pl], [pb, pr]] = liftPads(a.pads);
  const oh = windowOut('MaxPool', h, kh, sh, pt, pb, dh, a.ceil_mode);
  const ow = windowOut('MaxPool', w, kw, sw, pl, pr, dw, a.ceil_mode);
  const out = new Float32Array(n * c * oh * ow);
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w;
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++) {
        let best = -Infinity;
        for (let i = 0; i < kh; i++) {
          const iy = y * sh - pt + i * dh;
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < kw; j++) {
            const ix = xo * sw - pl + j * dw;
            if (ix < 0 || ix >= w) continue;
            const v = x.data[base + iy * w + ix]!;
            if (v > best || Number.isNaN(v)) best = v;
          }
        }
        out[(plane * oh + y) * ow + xo] = best;
      }
  }
  return { shape: unlift(r, n, c, oh, ow), dtype: 'float32', data: out };
}

export const MaxPool = defineOp<MaxPoolAttrs>({
  name: 'MaxPool',
  inferShape: (inputs, attrs) => {
    expectInputs('MaxPool', inputs, 1);
    const x = activation('MaxPool', inputs[0]);
    const r = x.spatial.length;
    const a = checkAttrs(attrs, r);
    const out = x.spatial.map((len, i) =>
      windowOut('MaxPool', len, a.kernel_shape[i]!, a.strides[i]!, a.pads[i]!, a.pads[i + r]!, a.dilations[i]!, a.ceil_mode),
    );
    return [{ shape: [x.batch, x.channels, ...out], dtype: 'float32' }];
  },
  evaluate: ([x], attrs) => [maxPool(x!, checkAttrs(attrs, x!.shape.length - 2))],
  toOnnx: (attrs, inputs) => {
    const spatial = inputs[0]!.shape.slice(2) as number[];
    const a = checkAttrs(attrs, spatial.length);
    const ceil = onnxCeilMode(spatial, a.kernel_shape, a.strides, a.pads, a.dilations, a.ceil_mode);
    return {
      opType: 'MaxPool',
      attributes: {
        kernel_shape: attr.ints(a.kernel_shape),
        strides: attr.ints(a.strides),
        pads: attr.ints(a.pads),
        dilations: attr.ints(a.dilations),
        ceil_mode: attr.int(ceil ? 1 : 0),
      },
    };
  },
});
