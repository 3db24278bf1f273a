/**
 * 2-D max pooling: the largest value in each window, per channel.
 *
 * PyTorch: torch.nn.MaxPool2d · ONNX: MaxPool (no Indices output) · Lecture: "CNNs (pooling)"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { numel } from '../shape';
import { isFailure, windowOut } from './common/window';
import { changed, pair } from './common/torch';

export const MaxPool2d = defineLayer({
  kind: 'MaxPool2d',
  category: 'pooling',
  doc: {
    summary: 'Keeps the largest value of each window, channel by channel. Shrinks the image and adds a little translation invariance.',
    formula: 'H_out = ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1 (⌈·⌉ with ceil_mode); no parameters',
    torch: 'torch.nn.MaxPool2d',
    onnx: 'MaxPool',
    lecture: 'CNNs (pooling)',
  },
  params: {
    kernel_size: p.pair({ default: 2, min: 1, doc: 'Window height and width.' }),
    stride: p.pairOrNull({ default: null, min: 1, doc: 'Step between windows; empty means kernel_size.' }),
    padding: p.pair({ default: 0, min: 0, doc: 'Implicit −∞ padding on each border (at most half the kernel).' }),
    dilation: p.pair({ default: 1, min: 1, doc: 'Spacing between window taps.' }),
    ceil_mode: p.bool({ default: false, doc: 'Round the output size up instead of down.' }),
  },
  inputs: { in: { doc: '[N, C, H, W]', rank: 4, layout: '[N, C, H, W]' } },
  outputs: { out: { doc: '[N, C, H_out, W_out]' } },
  inferShape: ({ params: q, in: { in: x } }) => {
    if (q.padding.some((pad, i) => pad * 2 > q.kernel_size[i]!))
      return fail('BAD_PARAM', { param: 'padding', problem: 'must be at most half of kernel_size' });
    const hw = windowOut(x!, { kernel: q.kernel_size, stride: q.stride ?? q.kernel_size, padding: q.padding, dilation: q.dilation, ceilMode: q.ceil_mode });
    if (isFailure(hw)) return hw;
    return ok({ out: ['N', x![1]!, ...hw] });
  },
  flops: ({ params: q, out }) => numel(out.out!.slice(1) as number[]) * numel(q.kernel_size),
  torch: ({ params: q }) => ({
    module: {
      fn: 'nn.MaxPool2d',
      args: [pair(q.kernel_size)],
      kwargs: changed({
        stride: [q.stride ? pair(q.stride) : null, null],
        padding: [pair(q.padding), 0],
        dilation: [pair(q.dilation), 1],
        ceil_mode: [q.ceil_mode, false],
      }),
    },
  }),
  lower: ({ ir, params: q, x: { in: x } }) => ({
    out: ir.maxPool(x!, {
      kernel_shape: [...q.kernel_size],
      strides: [...(q.stride ?? q.kernel_size)],
      pads: [...q.padding, ...q.padding],
      dilations: [...q.dilation],
      ceil_mode: q.ceil_mode,
    }),
  }),
});
