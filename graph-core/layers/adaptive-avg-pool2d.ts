/**
 * 2-D adaptive average pooling: averages the input down to a fixed output_size, whatever the input size.
 * Output cell i along an axis of length H averages rows ⌊i·H/oh⌋ … ⌈(i + 1)·H/oh⌉ − 1.
 *
 *   [N, C, H, W] → [N, C, oh, ow];  output_size 1 is global average pooling
 *
 * PyTorch also allows an output larger than the input (cells are then repeated). Layerloom refuses
 * oh > H or ow > W (SHAPE_MISMATCH): we keep adaptive pooling to down-sampling, so that it always lowers to
 * ordinary average pools (ONNX AveragePool / GlobalAveragePool); use Upsample to enlarge an image.
 * FLOPs: one addition per cell of every window (windows may overlap when the sizes do not divide).
 *
 * Lowering: output 1×1 is GlobalAveragePool; when both sizes divide evenly it is an AveragePool with
 * kernel = stride = in/out. Otherwise each axis whose size changes is pooled by a constant averaging matrix
 * (row i holds 1/len over the window ⌊i·H/oh⌋ … ⌈(i + 1)·H/oh⌉ − 1, exactly torch's windows):
 * out = P_h · x · P_wᵀ with P_h [oh, H] on the left (MatMul broadcasts it over N and C) and P_wᵀ [W, ow] on the right.
 *
 * PyTorch: torch.nn.AdaptiveAvgPool2d · ONNX: GlobalAveragePool (output 1×1) or AveragePool · Lecture: "CNNs (global average pooling)"
 */
import { defineLayer, fail, ok } from '../define-layer';
import type { IrBuilder, V } from '../ir/builder';
import { p } from '../params';
import { pair } from './common/torch';

/** Total length of the adaptive windows that split `size` cells into `out` windows. */
function windowTotal(size: number, out: number): number {
  let total = 0;
  for (let i = 0; i < out; i++) total += Math.ceil(((i + 1) * size) / out) - Math.floor((i * size) / out);
  return total;
}

/** The [out, size] matrix whose row i averages torch's adaptive window i (cells ⌊i·size/out⌋ … ⌈(i + 1)·size/out⌉ − 1). */
function poolingMatrix(size: number, out: number): number[] {
  const m = new Array<number>(out * size).fill(0);
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * size) / out);
    const end = Math.ceil(((i + 1) * size) / out);
    for (let j = start; j < end; j++) m[i * size + j] = 1 / (end - start);
  }
  return m;
}

function lowerAdaptive(ir: IrBuilder, x: V, [h, w]: readonly [number, number], [oh, ow]: readonly [number, number]): V {
  if (oh === 1 && ow === 1) return ir.globalAveragePool(x);
  if (h % oh === 0 && w % ow === 0) {
    const kernel = [h / oh, w / ow];
    return ir.averagePool(x, { kernel_shape: kernel, strides: kernel, pads: [0, 0, 0, 0], ceil_mode: false, count_include_pad: false });
  }
  let y = x;
  if (oh !== h) y = ir.matmul(ir.tensor([oh, h], poolingMatrix(h, oh)), y); // [oh, H]·[N, C, H, W] → [N, C, oh, W]
  if (ow !== w) {
    const pw = poolingMatrix(w, ow); // [ow, W], used transposed
    const pwT = Array.from({ length: w * ow }, (_, k) => pw[(k % ow) * w + Math.floor(k / ow)]!);
    y = ir.matmul(y, ir.tensor([w, ow], pwT)); // [N, C, oh, W]·[W, ow] → [N, C, oh, ow]
  }
  return y;
}

export const AdaptiveAvgPool2d = defineLayer({
  kind: 'AdaptiveAvgPool2d',
  category: 'pooling',
  doc: {
    summary:
      'Averages each channel down to a fixed output_size, whatever the image size. output_size 1 gives global average pooling, ' +
      'a common way to end a CNN before the classifier. Only down-sampling is allowed (output no larger than the input).',
    formula: '[N, C, H, W] → [N, C, oh, ow];  cell i averages rows ⌊i·H/oh⌋ … ⌈(i+1)·H/oh⌉ − 1; no parameters',
    torch: 'torch.nn.AdaptiveAvgPool2d',
    onnx: 'GlobalAveragePool (1×1) or AveragePool',
    lecture: 'CNNs (global average pooling)',
  },
  params: {
    output_size: p.pair({ default: 1, min: 1, doc: 'Output height and width (at most the input height and width).' }),
  },
  inputs: { in: { doc: '[N, C, H, W]', rank: 4, layout: '[N, C, H, W]' } },
  outputs: { out: { doc: '[N, C, oh, ow]' } },
  inferShape: ({ params: q, in: { in: x } }) => {
    const [oh, ow] = q.output_size;
    if (oh > (x![2] as number) || ow > (x![3] as number))
      return fail('SHAPE_MISMATCH', { port: 'in', expected: `[N, C, H ≥ ${oh}, W ≥ ${ow}] (adaptive pooling only down-samples)`, got: x! }, { port: 'in' });
    return ok({ out: ['N', x![1]!, oh, ow] });
  },
  flops: ({ params: q, in: { in: x } }) =>
    (x![1] as number) * windowTotal(x![2] as number, q.output_size[0]) * windowTotal(x![3] as number, q.output_size[1]),
  torch: ({ params: q }) => ({ module: { fn: 'nn.AdaptiveAvgPool2d', args: [pair(q.output_size)] } }),
  lower: ({ ir, params: q, x: { in: x }, in: { in: shape } }) => ({
    out: lowerAdaptive(ir, x!, [shape![2] as number, shape![3] as number], q.output_size),
  }),
});
