/**
 * Convolution (cross-correlation, as in PyTorch) over an NCL or NCHW input X with filters W [M, C/group, k…] and
 * an optional bias B [M]. Channels are split into `group` groups; output channel m sees only its group's inputs:
 *
 *   Y[n, m, o] = B[m] + Σ_{c, j} X[n, g·C/group + c, o·s − pad_begin + j·d] · W[m, c, j]     (g = ⌊m / (M/group)⌋)
 *   out = ⌊(in + pad_begin + pad_end − d·(k − 1) − 1) / s⌋ + 1
 *
 * Taps that land in the padding read zero; sums accumulate in float64.
 * ONNX: Conv with kernel_shape (W's trailing dims), strides, pads (all begins, then all ends), dilations and
 * group written explicitly; auto_pad stays NOTSET. Asymmetric pads are allowed.
 */
import { defineOp, attr, IrError } from '../define-op';
import type { Tensor } from '../tensor';
import { activation, concrete, dims4, expectInputs, intList, lift, liftPads, positiveInt, unlift, windowOut } from './common/2-window';

export interface ConvAttrs {
  readonly strides: readonly number[];
  readonly pads: readonly number[];
  readonly dilations: readonly number[];
  readonly group: number;
}

function checkAttrs(a: ConvAttrs, r: number): ConvAttrs {
  return {
    strides: intList('Conv', 'strides', a.strides, r, 1),
    pads: intList('Conv', 'pads', a.pads, 2 * r, 0),
    dilations: intList('Conv', 'dilations', a.dilations, r, 1),
    group: positiveInt('Conv', 'group', a.group),
  };
}

function conv(x: Tensor, w: Tensor, b: Tensor | undefined, a: ConvAttrs): Tensor {
  const r = x.shape.length - 2;
  const [n, c, h, wd] = dims4(x.shape);
  const [m, cg, kh, kw] = dims4(w.shape);
  const [sh, sw] = lift(a.strides, 1);
  const [dh, dw] = lift(a.dilations, 1);
  const [[pt, pl], [pb, pr]] = liftPads(a.pads);
  const oh = windowOut('Conv', h, kh, sh, pt, pb, dh);
  const ow = windowOut('Conv', wd, kw, sw, pl, pr, dw);
  const mg = m / a.group;
  const out = new Float32Array(n * m * oh * ow);
  for (let bi = 0; bi < n; bi++)
    for (let mi = 0; mi < m; mi++) {
      const g = Math.floor(mi / mg);
      const bias = b ? b.data[mi]! : 0;
      for (let y = 0; y < oh; y++)
        for (let xo = 0; xo < ow; xo++) {
          let acc = bias;
          for (let ci = 0; ci < cg; ci++) {
            const xBase = (bi * c + g * cg + ci) * h * wd;
            const wBase = (mi * cg + ci) * kh * kw;
            for (let i = 0; i < kh; i++) {
              const iy = y * sh - pt + i * dh;
              if (iy < 0 || iy >= h) continue;
              for (let j = 0; j < kw; j++) {
                const ix = xo * sw - pl + j * dw;
                if (ix < 0 || ix >= wd) continue;
                acc += x.data[xBase + iy * wd + ix]! * w.data[wBase + i * kw + j]!;
              }
            }
          }
          out[((bi * m + mi) * oh + y) * ow + xo] = acc;
        }
    }
  return { shape: unlift(r, n, m, oh, ow), dtype: 'float32', data: out };
}

export const Conv = defineOp<ConvAttrs>({
  name: 'Conv',
  inferShape: (inputs, attrs) => {
    expectInputs('Conv', inputs, 2, 3);
    const x = activation('Conv', inputs[0]);
    const r = x.spatial.length;
    const [m, cg, ...k] = concrete('Conv', inputs[1], 'W', r + 2) as [number, number, ...number[]];
    const a = checkAttrs(attrs, r);
    if (x.channels % a.group !== 0) throw new IrError(`Conv: ${x.channels} input channels are not divisible by group ${a.group}`);
    if (cg * a.group !== x.channels)
      throw new IrError(`Conv: W has ${cg} channels per group but X has ${x.channels} channels in ${a.group} group(s)`);
    if (m % a.group !== 0) throw new IrError(`Conv: ${m} output channels are not divisible by group ${a.group}`);
    if (inputs[2]) {
      const [bm] = concrete('Conv', inputs[2], 'B', 1);
      if (bm !== m) throw new IrError(`Conv: B has ${bm} values for ${m} output channels`);
    }
    const out = x.spatial.map((len, i) => windowOut('Conv', len, k[i]!, a.strides[i]!, a.pads[i]!, a.pads[i + r]!, a.dilations[i]!));
    return [{ shape: [x.batch, m, ...out], dtype: 'float32' }];
  },
  evaluate: ([x, w, b], attrs) => [conv(x!, w!, b, checkAttrs(attrs, x!.shape.length - 2))],
  toOnnx: (attrs, inputs) => {
    const w = inputs[1]!.shape as number[];
    const a = checkAttrs(attrs, w.length - 2);
    return {
      opType: 'Conv',
      attributes: {
        kernel_shape: attr.ints(w.slice(2)),
        strides: attr.ints(a.strides),
        pads: attr.ints(a.pads),
        dilations: attr.ints(a.dilations),
        group: attr.int(a.group),
      },
    };
  },
});
