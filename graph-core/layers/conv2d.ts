/**
 * 2-D convolution (cross-correlation) over an N×C×H×W tensor.
 *
 *   out = ⌊(in + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1
 *
 * PyTorch: torch.nn.Conv2d (in_channels inferred) · ONNX: Conv · Lecture: "Convolutions"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { numel } from '../shape';
import { fanInUniform } from './common/init';
import { isFailure, windowOut } from './common/window';
import { changed, pair } from './common/torch';

export const Conv2d = defineLayer({
  kind: 'Conv2d',
  category: 'convolution',
  doc: {
    summary: 'Slides learned filters over an image. Each filter sees a small window of every input channel and produces one output channel.',
    formula: 'H_out = ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1;  params = out·(in/groups)·kh·kw + out',
    torch: 'torch.nn.Conv2d',
    onnx: 'Conv',
    lecture: 'CNNs (convolution)',
  },
  params: {
    out_channels: p.int({ default: 16, min: 1, doc: 'Number of filters, i.e. output channels.' }),
    kernel_size: p.pair({ default: 3, min: 1, doc: 'Filter height and width.' }),
    stride: p.pair({ default: 1, min: 1, doc: 'Step between windows.' }),
    padding: p.pair({ default: 0, min: 0, doc: 'Zeros added on each border.' }),
    dilation: p.pair({ default: 1, min: 1, doc: 'Spacing between filter taps.' }),
    groups: p.int({ default: 1, min: 1, doc: 'Split channels into groups convolved separately (groups = in_channels gives a depthwise conv).' }),
    bias: p.bool({ default: true, doc: 'Learn one bias per output channel.' }),
  },
  inputs: { in: { doc: '[N, C, H, W]', rank: 4, layout: '[N, C, H, W]' } },
  outputs: { out: { doc: '[N, out_channels, H_out, W_out]' } },
  inferShape: ({ params: q, in: { in: x } }) => {
    const c = x![1] as number;
    if (c % q.groups !== 0) return fail('NOT_DIVISIBLE', { what: 'Input channels', value: c, by: 'groups', divisor: q.groups }, { port: 'in' });
    if (q.out_channels % q.groups !== 0)
      return fail('NOT_DIVISIBLE', { what: 'out_channels', value: q.out_channels, by: 'groups', divisor: q.groups });
    const hw = windowOut(x!, { kernel: q.kernel_size, stride: q.stride, padding: q.padding, dilation: q.dilation });
    if (isFailure(hw)) return hw;
    return ok({ out: ['N', q.out_channels, ...hw] });
  },
  weights: ({ params: q, in: { in: x } }) => {
    const shape = [q.out_channels, (x![1] as number) / q.groups, ...q.kernel_size];
    const bound = fanInUniform(numel(shape.slice(1)));
    return {
      weight: { shape, init: { uniform: bound } },
      ...(q.bias ? { bias: { shape: [q.out_channels], init: { uniform: bound } } } : {}),
    };
  },
  flops: ({ params: q, in: { in: x }, out }) =>
    2 * numel(out.out!.slice(1) as number[]) * ((x![1] as number) / q.groups) * numel(q.kernel_size),
  torch: ({ params: q, in: { in: x } }) => ({
    module: {
      fn: 'nn.Conv2d',
      args: [x![1] as number, q.out_channels, pair(q.kernel_size)],
      kwargs: changed({
        stride: [pair(q.stride), 1],
        padding: [pair(q.padding), 0],
        dilation: [pair(q.dilation), 1],
        groups: [q.groups, 1],
        bias: [q.bias, true],
      }),
    },
  }),
  lower: ({ ir, params: q, x: { in: x }, w: { weight, bias } }) => ({
    out: ir.conv(x!, weight!, bias, { strides: [...q.stride], pads: [...q.padding, ...q.padding], dilations: [...q.dilation], group: q.groups }),
  }),
});
