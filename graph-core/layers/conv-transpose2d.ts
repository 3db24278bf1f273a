/**
 * 2-D transposed convolution ("deconvolution"): the gradient of Conv2d with respect to its input, used to
 * up-sample feature maps in decoders and generators. Each input pixel scatters a weighted copy of the kernel
 * into the output.
 *
 *   H_out = (H − 1)·stride − 2·padding + dilation·(kernel_size − 1) + output_padding + 1
 *   weight : [in_channels, out_channels/groups, kh, kw]
 *
 * Initialisation: torch applies kaiming_uniform(a=√5) to the weight, whose fan-in it computes from
 * weight.size(1)·kh·kw = (out_channels/groups)·kh·kw; weight and bias are both U(±1/√that).
 * FLOPs: every input element is multiplied into (out_channels/groups)·kh·kw outputs (a multiply-add each):
 * 2·C_in·H·W·(out/groups)·kh·kw.
 * An output size below 1 is reported as BAD_PARAM on `padding`: here the window does not slide over the input,
 * so the cause is the padding cropping away more than the layer produces, not a kernel that is too large.
 *
 * Lowering: ConvTranspose. onnxruntime rejects an output_padding that is not smaller than the stride, which torch
 * allows when it is smaller than the dilation. output_padding only crops less at the end, so such an axis is
 * written with output_padding 0 and end padding p − output_padding; when that would be negative, the kernel gets
 * one more (zero) tap along that axis, which lengthens the full output by the dilation, and the end padding is
 * p + dilation − output_padding. Both give torch's output exactly.
 *
 * PyTorch: torch.nn.ConvTranspose2d (in_channels inferred) · ONNX: ConvTranspose · Lecture: "Generative models (up-sampling)"
 */
import { defineLayer, fail, ok } from '../define-layer';
import type { IrBuilder, V } from '../ir/builder';
import { p } from '../params';
import { convTransposeOutSize, numel } from '../shape';
import { fanInUniform } from './common/init';
import { changed, pair } from './common/torch';

interface ConvTransposeGeometry {
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly output_padding: readonly number[];
  readonly dilation: readonly number[];
  readonly groups: number;
}

function lowerConvTranspose(ir: IrBuilder, x: V, weight: V, bias: V | undefined, q: ConvTransposeGeometry): V {
  let w = weight;
  const padEnd = [...q.padding];
  const outputPadding = [...q.output_padding];
  for (const a of [0, 1]) {
    const op = q.output_padding[a]!;
    if (op < q.stride[a]!) continue;
    outputPadding[a] = 0;
    padEnd[a] = q.padding[a]! - op;
    if (padEnd[a]! < 0) {
      const shape = w.type.shape.map((d, i) => (i === a + 2 ? 1 : (d as number)));
      w = ir.concat([w, ir.tensor(shape, new Array<number>(shape.reduce((m, d) => m * d, 1)).fill(0))], a + 2);
      padEnd[a]! += q.dilation[a]!;
    }
  }
  return ir.convTranspose(x, w, bias, {
    strides: [...q.stride],
    pads: [...q.padding, ...padEnd],
    dilations: [...q.dilation],
    group: q.groups,
    output_padding: outputPadding,
  });
}

export const ConvTranspose2d = defineLayer({
  kind: 'ConvTranspose2d',
  category: 'convolution',
  doc: {
    summary:
      'Up-samples an image with learned filters: each input pixel paints a weighted copy of the kernel into a larger output. ' +
      'With stride 2 it roughly doubles height and width (decoders, GAN generators, U-Net).',
    formula: 'H_out = (H − 1)·s − 2p + d(k − 1) + output_padding + 1;  params = in·(out/groups)·kh·kw + out',
    torch: 'torch.nn.ConvTranspose2d',
    onnx: 'ConvTranspose',
    lecture: 'Generative models (transposed convolution)',
  },
  params: {
    out_channels: p.int({ default: 16, min: 1, doc: 'Number of output channels.' }),
    kernel_size: p.pair({ default: 3, min: 1, doc: 'Filter height and width.' }),
    stride: p.pair({ default: 1, min: 1, doc: 'Spacing of the input pixels in the output (the up-sampling factor).' }),
    padding: p.pair({ default: 0, min: 0, doc: 'Rows and columns cropped from each border of the output: dilation·(k − 1) − padding zeros are padded onto the input.' }),
    output_padding: p.pair({ default: 0, min: 0, doc: 'Extra rows/columns added on one side of the output, to reach an exact size. Must be smaller than stride or dilation.' }),
    groups: p.int({ default: 1, min: 1, doc: 'Split channels into groups processed separately.' }),
    bias: p.bool({ default: true, doc: 'Learn one bias per output channel.' }),
    dilation: p.pair({ default: 1, min: 1, doc: 'Spacing between filter taps.' }),
  },
  inputs: { in: { doc: '[N, C, H, W]', rank: 4, layout: '[N, C, H, W]' } },
  outputs: { out: { doc: '[N, out_channels, H_out, W_out]' } },
  inferShape: ({ params: q, in: { in: x } }) => {
    const c = x![1] as number;
    if (c % q.groups !== 0) return fail('NOT_DIVISIBLE', { what: 'Input channels', value: c, by: 'groups', divisor: q.groups }, { port: 'in' });
    if (q.out_channels % q.groups !== 0)
      return fail('NOT_DIVISIBLE', { what: 'out_channels', value: q.out_channels, by: 'groups', divisor: q.groups });
    if (q.output_padding.some((op, i) => op >= Math.max(q.stride[i]!, q.dilation[i]!)))
      return fail('BAD_PARAM', {
        param: 'output_padding',
        problem: `(${q.output_padding.join(', ')}) must be smaller than either stride (${q.stride.join(', ')}) or dilation (${q.dilation.join(', ')})`,
      });
    const hw = [2, 3].map((d, i) =>
      convTransposeOutSize(x![d] as number, q.kernel_size[i]!, q.stride[i]!, q.padding[i]!, q.output_padding[i]!, q.dilation[i]!),
    );
    if (hw.some((s) => s < 1))
      return fail('BAD_PARAM', {
        param: 'padding',
        problem: `(${q.padding.join(', ')}) crops too much: the ${x![2]}×${x![3]} input would give a ${hw.join('×')} output. Use less padding, a larger kernel or a larger stride`,
      });
    return ok({ out: ['N', q.out_channels, ...hw] });
  },
  weights: ({ params: q, in: { in: x } }) => {
    const shape = [x![1] as number, q.out_channels / q.groups, ...q.kernel_size];
    const bound = fanInUniform(numel(shape.slice(1)));
    return {
      weight: { shape, init: { uniform: bound } },
      ...(q.bias ? { bias: { shape: [q.out_channels], init: { uniform: bound } } } : {}),
    };
  },
  flops: ({ params: q, in: { in: x } }) =>
    2 * numel(x!.slice(1) as number[]) * (q.out_channels / q.groups) * numel(q.kernel_size),
  torch: ({ params: q, in: { in: x } }) => ({
    module: {
      fn: 'nn.ConvTranspose2d',
      args: [x![1] as number, q.out_channels, pair(q.kernel_size)],
      kwargs: changed({
        stride: [pair(q.stride), 1],
        padding: [pair(q.padding), 0],
        output_padding: [pair(q.output_padding), 0],
        groups: [q.groups, 1],
        bias: [q.bias, true],
        dilation: [pair(q.dilation), 1],
      }),
    },
  }),
  lower: ({ ir, params: q, x: { in: x }, w: { weight, bias } }) => ({ out: lowerConvTranspose(ir, x!, weight!, bias, q) }),
});
