/**
 * Up-sampling of an image by a scale factor or to a fixed size, with no learned parameters.
 *
 *   H_out = ⌊H · scale_factor⌋, W_out = ⌊W · scale_factor⌋   (or H_out, W_out = size when size is set)
 *   nearest:  out[y, x] = in[⌊y·H/H_out⌋, ⌊x·W/W_out⌋]
 *   bilinear: a weighted average of the 4 nearest input pixels
 *
 * FLOPs: nearest only copies (0); bilinear is 4 multiply-adds per output element (8).
 * As in torch, align_corners may only be set for bilinear mode (false here plays the role of torch's None).
 *
 * PyTorch: torch.nn.Upsample · ONNX: Resize · Lecture: "Generative models (up-sampling)"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { numelPerSample } from '../shape';

export const Upsample = defineLayer({
  kind: 'Upsample',
  category: 'vision',
  doc: {
    summary:
      'Enlarges an image by scale_factor (or to a fixed size) without learned weights: "nearest" repeats pixels, ' +
      '"bilinear" interpolates smoothly between them. Often followed by a convolution in decoders.',
    formula: 'H_out = ⌊H·scale_factor⌋, W_out = ⌊W·scale_factor⌋ (or size); no parameters',
    torch: 'torch.nn.Upsample',
    onnx: 'Resize',
    lecture: 'Generative models (up-sampling)',
  },
  params: {
    size: p.pairOrNull({ default: null, min: 1, doc: 'Output height and width. When set, it overrides scale_factor.' }),
    scale_factor: p.float({ default: 2, min: 0, exclusiveMin: true, doc: 'Multiplier for height and width (the result is rounded down).' }),
    mode: p.enum({ default: 'nearest', choices: ['nearest', 'bilinear'], doc: '"nearest" repeats pixels; "bilinear" interpolates.' }),
    align_corners: p.bool({ default: false, doc: 'Bilinear only: align the corner pixels of input and output exactly.' }),
  },
  inputs: { in: { doc: '[N, C, H, W]', rank: 4, layout: '[N, C, H, W]' } },
  outputs: { out: { doc: '[N, C, H_out, W_out]' } },
  inferShape: ({ params: q, in: { in: x } }) => {
    if (q.align_corners && q.mode !== 'bilinear')
      return fail('BAD_PARAM', { param: 'align_corners', problem: 'can only be true in "bilinear" mode' });
    if (q.size) return ok({ out: ['N', x![1]!, ...q.size] });
    const hw = [x![2] as number, x![3] as number].map((s) => Math.floor(s * q.scale_factor));
    if (hw.some((s) => s < 1))
      return fail('BAD_PARAM', {
        param: 'scale_factor',
        problem: `(${q.scale_factor}) is too small: the ${x![2]}×${x![3]} input would become ${hw.join('×')}`,
      });
    return ok({ out: ['N', x![1]!, ...hw] });
  },
  flops: ({ params: q, out }) => (q.mode === 'bilinear' ? 8 * numelPerSample(out.out!) : 0),
});
