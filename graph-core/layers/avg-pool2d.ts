/**
 * 2-D average pooling: the mean of each window, per channel.
 *
 *   H_out = ⌊(H + 2·padding − kernel_size) / stride⌋ + 1   (⌈·⌉ with ceil_mode)
 *   out = Σ window / (kh·kw)   (with count_include_pad = false, divided by the number of real, unpadded cells)
 *
 * FLOPs: one addition per window cell, so out_elements·kh·kw (the division is folded in).
 *
 * PyTorch: torch.nn.AvgPool2d · ONNX: AveragePool · Lecture: "CNNs (pooling)"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { numel } from '../shape';
import { isFailure, windowOut } from './common/window';
import { changed, pair } from './common/torch';

export const AvgPool2d = defineLayer({
  kind: 'AvgPool2d',
  category: 'pooling',
  doc: {
    summary: 'Replaces each window by its average, channel by channel. Shrinks the image while keeping a smoothed summary of it.',
    formula: 'H_out = ⌊(H + 2p − k)/s⌋ + 1 (⌈·⌉ with ceil_mode);  out = mean of the window; no parameters',
    torch: 'torch.nn.AvgPool2d',
    onnx: 'AveragePool',
    lecture: 'CNNs (pooling)',
  },
  params: {
    kernel_size: p.pair({ default: 2, min: 1, doc: 'Window height and width.' }),
    stride: p.pairOrNull({ default: null, min: 1, doc: 'Step between windows; empty means kernel_size.' }),
    padding: p.pair({ default: 0, min: 0, doc: 'Zeros added on each border (at most half the kernel).' }),
    ceil_mode: p.bool({ default: false, doc: 'Round the output size up instead of down.' }),
    count_include_pad: p.bool({ default: true, doc: 'Count the padding zeros when dividing (otherwise divide by the number of real cells).' }),
  },
  inputs: { in: { doc: '[N, C, H, W]', rank: 4, layout: '[N, C, H, W]' } },
  outputs: { out: { doc: '[N, C, H_out, W_out]' } },
  inferShape: ({ params: q, in: { in: x } }) => {
    if (q.padding.some((pad, i) => pad * 2 > q.kernel_size[i]!))
      return fail('BAD_PARAM', { param: 'padding', problem: 'must be at most half of kernel_size' });
    const hw = windowOut(x!, { kernel: q.kernel_size, stride: q.stride ?? q.kernel_size, padding: q.padding, dilation: [1, 1], ceilMode: q.ceil_mode });
    if (isFailure(hw)) return hw;
    return ok({ out: ['N', x![1]!, ...hw] });
  },
  flops: ({ params: q, out }) => numel(out.out!.slice(1) as number[]) * numel(q.kernel_size),
  torch: ({ params: q }) => ({
    module: {
      fn: 'nn.AvgPool2d',
      args: [pair(q.kernel_size)],
      kwargs: changed({
        stride: [q.stride ? pair(q.stride) : null, null],
        padding: [pair(q.padding), 0],
        ceil_mode: [q.ceil_mode, false],
        count_include_pad: [q.count_include_pad, true],
      }),
    },
  }),
  lower: ({ ir, params: q, x: { in: x } }) => ({
    out: ir.averagePool(x!, {
      kernel_shape: [...q.kernel_size],
      strides: [...(q.stride ?? q.kernel_size)],
      pads: [...q.padding, ...q.padding],
      ceil_mode: q.ceil_mode,
      count_include_pad: q.count_include_pad,
    }),
  }),
});
