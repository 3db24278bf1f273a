/**
 * 1-D max pooling: the largest value in each window along the last axis, per channel.
 *
 *   L_out = ⌊(L + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1   (⌈·⌉ with ceil_mode)
 *
 * PyTorch: torch.nn.MaxPool1d · ONNX: MaxPool (no Indices output) · Lecture: "CNNs (pooling)"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { isFailure, windowOut } from './common/window';
import { changed } from './common/torch';

export const MaxPool1d = defineLayer({
  kind: 'MaxPool1d',
  category: 'pooling',
  doc: {
    summary: 'Keeps the largest value of each window along a sequence or signal, channel by channel. Shortens the sequence.',
    formula: 'L_out = ⌊(L + 2p − d(k − 1) − 1)/s⌋ + 1 (⌈·⌉ with ceil_mode); no parameters',
    torch: 'torch.nn.MaxPool1d',
    onnx: 'MaxPool',
    lecture: 'CNNs (pooling)',
  },
  params: {
    kernel_size: p.int({ default: 2, min: 1, doc: 'Window length.' }),
    stride: p.intOrNull({ default: null, min: 1, doc: 'Step between windows; empty means kernel_size.' }),
    padding: p.int({ default: 0, min: 0, doc: 'Implicit −∞ padding at each end (at most half the kernel).' }),
    dilation: p.int({ default: 1, min: 1, doc: 'Spacing between window taps.' }),
    ceil_mode: p.bool({ default: false, doc: 'Round the output size up instead of down.' }),
  },
  inputs: { in: { doc: '[N, C, L]', rank: 3, layout: '[N, C, L]' } },
  outputs: { out: { doc: '[N, C, L_out]' } },
  inferShape: ({ params: q, in: { in: x } }) => {
    if (q.padding * 2 > q.kernel_size) return fail('BAD_PARAM', { param: 'padding', problem: 'must be at most half of kernel_size' });
    const l = windowOut(x!, {
      kernel: [q.kernel_size],
      stride: [q.stride ?? q.kernel_size],
      padding: [q.padding],
      dilation: [q.dilation],
      ceilMode: q.ceil_mode,
    });
    if (isFailure(l)) return l;
    return ok({ out: ['N', x![1]!, ...l] });
  },
  flops: ({ params: q, out }) => (out.out![1] as number) * (out.out![2] as number) * q.kernel_size,
  torch: ({ params: q }) => ({
    module: {
      fn: 'nn.MaxPool1d',
      args: [q.kernel_size],
      kwargs: changed({ stride: [q.stride, null], padding: [q.padding, 0], dilation: [q.dilation, 1], ceil_mode: [q.ceil_mode, false] }),
    },
  }),
  lower: ({ ir, params: q, x: { in: x } }) => ({
    out: ir.maxPool(x!, {
      kernel_shape: [q.kernel_size],
      strides: [q.stride ?? q.kernel_size],
      pads: [q.padding, q.padding],
      dilations: [q.dilation],
      ceil_mode: q.ceil_mode,
    }),
  }),
});
