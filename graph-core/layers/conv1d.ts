/**
 * 1-D convolution (cross-correlation) over an N×C×L tensor, e.g. a signal or a sequence laid out channels-first.
 *
 *   L_out = ⌊(L + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1
 *   params = out_channels·(in_channels/groups)·kernel_size + out_channels
 *
 * PyTorch: torch.nn.Conv1d (in_channels inferred, as nn.LazyConv1d) · ONNX: Conv · Lecture: "Convolutions"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { fanInUniform } from './common/init';
import { isFailure, windowOut } from './common/window';
import { changed } from './common/torch';

export const Conv1d = defineLayer({
  kind: 'Conv1d',
  category: 'convolution',
  doc: {
    summary:
      'Slides learned filters along one axis (time or position). Each filter sees kernel_size neighbouring steps of every input channel and produces one output channel.',
    formula: 'L_out = ⌊(L + 2p − d(k − 1) − 1)/s⌋ + 1;  params = out·(in/groups)·k + out',
    torch: 'torch.nn.Conv1d',
    onnx: 'Conv',
    lecture: 'CNNs (convolution)',
  },
  params: {
    out_channels: p.int({ default: 16, min: 1, doc: 'Number of filters, i.e. output channels.' }),
    kernel_size: p.int({ default: 3, min: 1, doc: 'Filter length.' }),
    stride: p.int({ default: 1, min: 1, doc: 'Step between windows.' }),
    padding: p.int({ default: 0, min: 0, doc: 'Zeros added at each end.' }),
    dilation: p.int({ default: 1, min: 1, doc: 'Spacing between filter taps.' }),
    groups: p.int({ default: 1, min: 1, doc: 'Split channels into groups convolved separately (groups = in_channels gives a depthwise conv).' }),
    bias: p.bool({ default: true, doc: 'Learn one bias per output channel.' }),
  },
  inputs: { in: { doc: '[N, C, L]', rank: 3, layout: '[N, C, L]' } },
  outputs: { out: { doc: '[N, out_channels, L_out]' } },
  inferShape: ({ params: q, in: { in: x } }) => {
    const c = x![1] as number;
    if (c % q.groups !== 0) return fail('NOT_DIVISIBLE', { what: 'Input channels', value: c, by: 'groups', divisor: q.groups }, { port: 'in' });
    if (q.out_channels % q.groups !== 0)
      return fail('NOT_DIVISIBLE', { what: 'out_channels', value: q.out_channels, by: 'groups', divisor: q.groups });
    const l = windowOut(x!, { kernel: [q.kernel_size], stride: [q.stride], padding: [q.padding], dilation: [q.dilation] });
    if (isFailure(l)) return l;
    return ok({ out: ['N', q.out_channels, ...l] });
  },
  weights: ({ params: q, in: { in: x } }) => {
    const perGroup = (x![1] as number) / q.groups;
    const bound = fanInUniform(perGroup * q.kernel_size);
    return {
      weight: { shape: [q.out_channels, perGroup, q.kernel_size], init: { uniform: bound } },
      ...(q.bias ? { bias: { shape: [q.out_channels], init: { uniform: bound } } } : {}),
    };
  },
  flops: ({ params: q, in: { in: x }, out }) =>
    2 * q.out_channels * (out.out![2] as number) * ((x![1] as number) / q.groups) * q.kernel_size,
  torch: ({ params: q, in: { in: x } }) => ({
    module: {
      fn: 'nn.Conv1d',
      args: [x![1] as number, q.out_channels, q.kernel_size],
      kwargs: changed({ stride: [q.stride, 1], padding: [q.padding, 0], dilation: [q.dilation, 1], groups: [q.groups, 1], bias: [q.bias, true] }),
    },
  }),
  lower: ({ ir, params: q, x: { in: x }, w: { weight, bias } }) => ({
    out: ir.conv(x!, weight!, bias, { strides: [q.stride], pads: [q.padding, q.padding], dilations: [q.dilation], group: q.groups }),
  }),
});
