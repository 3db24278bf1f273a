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
 *
 * Gradient (shapes are concrete in train-step graphs):
 * - dX = ConvTranspose(g, W) with the same strides, pad begins, dilations and group, sized back to X's length
 *   (see transposeConvTo: the size is reached with ConvTranspose's end pad or output_padding).
 * - dW[m, c, j] = Σ_{n, o} g[n, m, o] · X[n, gC + c, o·s − pad_begin + j·d]: a Conv that treats the batch as the
 *   channels (correlateWeightGrad), with the forward dilations as strides and the forward strides as
 *   dilations, cropped to the kernel size. Groups are kept by a grouped Conv (G·N channels in, G groups); with
 *   one input channel per group, every sample is a group of its own instead and the N partial sums are added.
 * - dB = ReduceSum(g) over the batch and the spatial dims.
 * transposeConvTo and correlateWeightGrad are shared with ConvTranspose's and AveragePool's rules.
 */
import type { IrBuilder, V } from '../builder';
import { defineOp, attr, IrError } from '../define-op';
import type { Tensor } from '../tensor';
import { activation, concrete, dims4, expectInputs, intList, lift, liftPads, positiveInt, unlift, windowOut } from './common/2-window';
import { concreteShape, padWithZeros } from './slice';

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

/** [1, 0, 2, …]: swaps the first two dims of a rank-`rank` tensor. */
export function swap01(rank: number): number[] {
  return [1, 0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
}

/**
 * ConvTranspose(g, W) (no bias) whose spatial output has exactly the lengths `target`, for the adjoint of a
 * sliding window with the given strides, pad begins and dilations. Per axis the uncropped length is
 * T = (o − 1)·s + d·(k − 1) + 1 from −pad_begin: when T − pad_begin ≥ target the surplus is cropped with
 * ConvTranspose's end pad (the contributions that land there came from padding or past-the-input taps and
 * are dropped); otherwise the missing tail (input cells no window reads) is output_padding when it is
 * smaller than the stride (onnxruntime requires that) and zeros appended with Concat beyond that. For the
 * adjoint of a Conv or of a pooling window the missing tail is (in + pads − d·(k − 1) − 1) mod s at most, so
 * output_padding always suffices there; the Concat covers any other target.
 */
export function transposeConvTo(
  ir: IrBuilder,
  g: V,
  w: V,
  a: { readonly strides: readonly number[]; readonly padsBegin: readonly number[]; readonly dilations: readonly number[]; readonly group: number },
  target: readonly number[],
): V {
  const gs = concreteShape('ConvTranspose gradient', g.type.shape);
  const ks = concreteShape('ConvTranspose gradient', w.type.shape).slice(2);
  const r = target.length;
  const padsEnd: number[] = [];
  const outputPadding: number[] = [];
  const extra: number[] = [];
  for (let i = 0; i < r; i++) {
    const [s, d, pb, k, len] = [a.strides[i]!, a.dilations[i]!, a.padsBegin[i]!, ks[i]!, target[i]!];
    const base = (gs[i + 2]! - 1) * s + d * (k - 1) + 1 - pb;
    const missing = Math.max(0, len - base);
    padsEnd.push(Math.max(0, base - len));
    outputPadding.push(missing < s ? missing : 0);
    extra.push(missing < s ? 0 : missing);
  }
  let y = ir.convTranspose(g, w, undefined, {
    strides: [...a.strides],
    pads: [...a.padsBegin, ...padsEnd],
    dilations: [...a.dilations],
    group: a.group,
    output_padding: outputPadding,
  });
  extra.forEach((e, i) => {
    if (e > 0) y = padWithZeros(ir, y, i + 2, 0, e, 'ConvTranspose gradient');
  });
  return y;
}

/**
 * The weight gradient of a sliding-window product, as one Conv over the batch:
 *
 *   R[p, q, j] = Σ_{n, o} a[n, G(q)·A/G + p, o·s − pad_begin + j·d] · b[n, q, o]     (G(q) = ⌊q / (B/G)⌋, j < k)
 *
 * for a [N, A, La…] (the tensor the window slides over) and b [N, B, Lb…] (one value per window position);
 * returns R [A/G, B, k…]. a becomes the Conv input [A/G, G·N, La…] (batch-as-channels, group-major), b the
 * Conv weight [B, N, Lb…]; strides and dilations swap roles and the Conv runs with `group` groups. The end pad
 * is just what the last tap needs (taps past a read zero) and the output is cropped to k with Slice.
 *
 * With one channel per group (A = G, e.g. a first convolution over a grey image), that Conv would have a
 * batch of one, and onnxruntime runs a batch of one on one thread's unfolding. Then every sample is its own
 * group instead: a as the input [1, N·G, La…] and b as the weight [N·B, 1, Lb…] (both plain Reshapes), with
 * N·G groups, give one partial sum per sample [N, B, k…], summed over N. Same products and sums, in another
 * order; onnxruntime spreads the groups over its threads.
 */
export function correlateWeightGrad(
  ir: IrBuilder,
  a: V,
  b: V,
  w: { readonly strides: readonly number[]; readonly padsBegin: readonly number[]; readonly dilations: readonly number[]; readonly group: number },
  kernel: readonly number[],
): V {
  const as = concreteShape('Conv weight gradient', a.type.shape);
  const bs = concreteShape('Conv weight gradient', b.type.shape);
  const [n, ac] = [as[0]!, as[1]!];
  const r = as.length - 2;
  const G = w.group;
  const spatial = as.slice(2);
  const padsEnd = spatial.map((len, i) =>
    Math.max(0, (kernel[i]! - 1) * w.dilations[i]! + (bs[i + 2]! - 1) * w.strides[i]! + 1 - w.padsBegin[i]! - len),
  );
  const crop = (v: V): V => {
    kernel.forEach((k, i) => {
      if (v.type.shape[i + 2] !== k) v = ir.slice(v, i + 2, 0, k);
    });
    return v;
  };
  if (ac === G && n > 1) {
    const perSample = ir.conv(ir.reshape(a, [1, n * G, ...spatial]), ir.reshape(b, [n * bs[1]!, 1, ...bs.slice(2)]), undefined, {
      strides: [...w.dilations],
      pads: [...w.padsBegin, ...padsEnd],
      dilations: [...w.strides],
      group: n * G,
    });
    return ir.reduceSum(ir.reshape(crop(perSample), [n, bs[1]!, ...kernel]), [0], true);
  }
  const input =
    G === 1
      ? ir.transpose(a, swap01(r + 2))
      : ir.reshape(
          ir.transpose(ir.reshape(a, [n, G, ac / G, ...spatial]), [2, 1, 0, ...spatial.map((_, i) => i + 3)]),
          [ac / G, G * n, ...spatial],
        );
  const weight = ir.transpose(b, swap01(r + 2));
  return crop(
    ir.conv(input, weight, undefined, {
      strides: [...w.dilations],
      pads: [...w.padsBegin, ...padsEnd],
      dilations: [...w.strides],
      group: G,
    }),
  );
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
  gradient: ({ ir, inputs: [x, w, b], attrs, grads: [g] }) => {
    const r = x!.type.shape.length - 2;
    const a = checkAttrs(attrs, r);
    const xs = concreteShape('Conv gradient', x!.type.shape);
    const ks = concreteShape('Conv gradient', w!.type.shape).slice(2);
    const geometry = { strides: a.strides, padsBegin: a.pads.slice(0, r), dilations: a.dilations, group: a.group };
    const dx = transposeConvTo(ir, g!, w!, geometry, xs.slice(2));
    // correlateWeightGrad gives [C/group, M, k…]; W is [M, C/group, k…].
    const dw = ir.transpose(correlateWeightGrad(ir, x!, g!, geometry, ks), swap01(r + 2));
    if (!b) return [dx, dw];
    return [dx, dw, ir.reduceSum(g!, [0, ...xs.slice(2).map((_, i) => i + 2)], false)];
  },
});
