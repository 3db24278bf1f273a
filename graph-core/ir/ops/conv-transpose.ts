/**
 * Transposed convolution (the gradient of Conv with respect to its input) over an NCL or NCHW input X [N, C, in…]
 * with filters W [C, M/group, k…] (the same layout in PyTorch and ONNX) and an optional bias B [M]. Every input
 * element scatters a scaled copy of its filter into the output:
 *
 *   Y[n, g·M/group + m, i·s − pad_begin + j·d] += X[n, c, i] · W[c, m, j]     (g = ⌊c / (C/group)⌋)
 *   out = (in − 1)·s − pad_begin − pad_end + d·(k − 1) + output_padding + 1
 *
 * output_padding adds rows at the end only; contributions that land in the cropped padding are dropped. Sums
 * accumulate in float64. output_padding must be smaller than the stride: PyTorch also accepts one smaller than
 * the dilation only, but onnxruntime rejects that at run time (its output shape check assumes output_padding < stride).
 * ONNX: ConvTranspose with kernel_shape (W's trailing dims), strides, pads (all begins, then all ends),
 * dilations, group and output_padding written explicitly; output_shape is never written, so ONNX derives the
 * output size from the pads with the formula above.
 *
 * Gradient (shapes are concrete in train-step graphs):
 * - dX = Conv(g, W) with the same strides, pads, dilations and group: W [C, M/group, k…] is already a Conv
 *   weight from M/group channels per group to C, and the Conv output length is exactly X's
 *   (⌊((in − 1)·s + output_padding) / s⌋ + 1 = in, as output_padding < s).
 * - dW[c, m, j] = Σ_{n, i} X[n, c, i] · g[n, gM/group + m, i·s − pad_begin + j·d]: Conv's weight-gradient
 *   trick with g as the slid-over tensor and X as the per-position values (correlateWeightGrad), transposed
 *   from [M/group, C, k…] to [C, M/group, k…]. Output positions in the end pads or output_padding read no X.
 * - dB = ReduceSum(g) over the batch and the spatial dims.
 */
import { attr, defineOp, IrError } from '../define-op';
import type { Tensor } from '../tensor';
import { activation, concrete, dims4, expectInputs, intList, lift, liftPads, positiveInt, unlift } from './common/2-window';
import { correlateWeightGrad, swap01 } from './conv';
import { concreteShape } from './slice';

export interface ConvTransposeAttrs {
  readonly strides: readonly number[];
  readonly pads: readonly number[];
  readonly dilations: readonly number[];
  readonly group: number;
  readonly output_padding: readonly number[];
}

function checkAttrs(a: ConvTransposeAttrs, r: number): ConvTransposeAttrs {
  const checked = {
    strides: intList('ConvTranspose', 'strides', a.strides, r, 1),
    pads: intList('ConvTranspose', 'pads', a.pads, 2 * r, 0),
    dilations: intList('ConvTranspose', 'dilations', a.dilations, r, 1),
    group: positiveInt('ConvTranspose', 'group', a.group),
    output_padding: intList('ConvTranspose', 'output_padding', a.output_padding, r, 0),
  };
  checked.output_padding.forEach((p, i) => {
    if (p >= checked.strides[i]!) throw new IrError(`ConvTranspose: output_padding ${p} must be smaller than the stride (${checked.strides[i]})`);
  });
  return checked;
}

function outSize(input: number, kernel: number, stride: number, padBegin: number, padEnd: number, dilation: number, outputPadding: number): number {
  const out = (input - 1) * stride - padBegin - padEnd + dilation * (kernel - 1) + outputPadding + 1;
  if (out < 1) throw new IrError(`ConvTranspose: the pads (${padBegin} + ${padEnd}) crop the whole output`);
  return out;
}

function convTranspose(x: Tensor, w: Tensor, b: Tensor | undefined, a: ConvTransposeAttrs): Tensor {
  const r = x.shape.length - 2;
  const [n, c, h, wd] = dims4(x.shape);
  const [, mg, kh, kw] = dims4(w.shape);
  const [sh, sw] = lift(a.strides, 1);
  const [dh, dw] = lift(a.dilations, 1);
  const [oph, opw] = lift(a.output_padding, 0);
  const [[pt, pl], [pb, pr]] = liftPads(a.pads);
  const oh = outSize(h, kh, sh, pt, pb, dh, oph);
  const ow = outSize(wd, kw, sw, pl, pr, dw, opw);
  const m = mg * a.group;
  const cg = c / a.group;
  const acc = new Float64Array(n * m * oh * ow);
  for (let bi = 0; bi < n; bi++)
    for (let ci = 0; ci < c; ci++) {
      const g = Math.floor(ci / cg);
      for (let iy = 0; iy < h; iy++)
        for (let ix = 0; ix < wd; ix++) {
          const v = x.data[((bi * c + ci) * h + iy) * wd + ix]!;
          for (let mi = 0; mi < mg; mi++) {
            const outBase = (bi * m + g * mg + mi) * oh * ow;
            const wBase = (ci * mg + mi) * kh * kw;
            for (let i = 0; i < kh; i++) {
              const y = iy * sh - pt + i * dh;
              if (y < 0 || y >= oh) continue;
              for (let j = 0; j < kw; j++) {
                const xo = ix * sw - pl + j * dw;
                if (xo < 0 || xo >= ow) continue;
                acc[outBase + y * ow + xo]! += v * w.data[wBase + i * kw + j]!;
              }
            }
          }
        }
    }
  const out = new Float32Array(acc.length);
  for (let k = 0; k < acc.length; k++) out[k] = acc[k]! + (b ? b.data[Math.floor(k / (oh * ow)) % m]! : 0);
  return { shape: unlift(r, n, m, oh, ow), dtype: 'float32', data: out };
}

export const ConvTranspose = defineOp<ConvTransposeAttrs>({
  name: 'ConvTranspose',
  inferShape: (inputs, attrs) => {
    expectInputs('ConvTranspose', inputs, 2, 3);
    const x = activation('ConvTranspose', inputs[0]);
    const r = x.spatial.length;
    const [wc, mg, ...k] = concrete('ConvTranspose', inputs[1], 'W', r + 2) as [number, number, ...number[]];
    const a = checkAttrs(attrs, r);
    if (wc !== x.channels) throw new IrError(`ConvTranspose: W is for ${wc} input channels but X has ${x.channels}`);
    if (x.channels % a.group !== 0) throw new IrError(`ConvTranspose: ${x.channels} input channels are not divisible by group ${a.group}`);
    const m = mg * a.group;
    if (inputs[2]) {
      const [bm] = concrete('ConvTranspose', inputs[2], 'B', 1);
      if (bm !== m) throw new IrError(`ConvTranspose: B has ${bm} values for ${m} output channels`);
    }
    const out = x.spatial.map((len, i) => outSize(len, k[i]!, a.strides[i]!, a.pads[i]!, a.pads[i + r]!, a.dilations[i]!, a.output_padding[i]!));
    return [{ shape: [x.batch, m, ...out], dtype: 'float32' }];
  },
  evaluate: ([x, w, b], attrs) => [convTranspose(x!, w!, b, checkAttrs(attrs, x!.shape.length - 2))],
  toOnnx: (attrs, inputs) => {
    const w = inputs[1]!.shape as number[];
    const a = checkAttrs(attrs, w.length - 2);
    return {
      opType: 'ConvTranspose',
      attributes: {
        kernel_shape: attr.ints(w.slice(2)),
        strides: attr.ints(a.strides),
        pads: attr.ints(a.pads),
        dilations: attr.ints(a.dilations),
        group: attr.int(a.group),
        output_padding: attr.ints(a.output_padding),
      },
    };
  },
  gradient: ({ ir, inputs: [x, w, b], attrs, grads: [g] }) => {
    const r = x!.type.shape.length - 2;
    const a = checkAttrs(attrs, r);
    const ks = concreteShape('ConvTranspose gradient', w!.type.shape).slice(2);
    const gs = concreteShape('ConvTranspose gradient', g!.type.shape);
    const dx = ir.conv(g!, w!, undefined, { strides: [...a.strides], pads: [...a.pads], dilations: [...a.dilations], group: a.group });
    const geometry = { strides: a.strides, padsBegin: a.pads.slice(0, r), dilations: a.dilations, group: a.group };
    const dw = ir.transpose(correlateWeightGrad(ir, g!, x!, geometry, ks), swap01(r + 2));
    if (!b) return [dx, dw];
    return [dx, dw, ir.reduceSum(g!, [0, ...gs.slice(2).map((_, i) => i + 2)], false)];
  },
});
