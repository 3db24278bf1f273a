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
 * Lowering follows torch's own index arithmetic (aten UpSample.h, in float32). With a scale_factor (and no size),
 * torch maps output pixel x through 1/scale_factor, not in/out, which differs when in·scale_factor is not an
 * integer; nearest also floors a float32 product, so a given size can pick other pixels than ⌊x·in/out⌋.
 *   nearest: Resize when every axis is an integer up-scale k whose torch indices are ⌊x/k⌋ (the ×2 default);
 *     otherwise a Gather of torch's exact source rows, then columns (int64 constant indices).
 *   bilinear: Resize when torch's coordinates are those of the output size (align_corners, size given, or
 *     in·scale_factor an integer on both axes); otherwise out = A_h · x · A_wᵀ with constant interpolation
 *     matrices holding torch's two weights per output row and column.
 *
 * PyTorch: torch.nn.Upsample · ONNX: Resize · Lecture: "Generative models (up-sampling)"
 */
import { defineLayer, fail, ok } from '../define-layer';
import type { IrBuilder, V } from '../ir/builder';
import { p } from '../params';
import { numelPerSample } from '../shape';
import { changed, pair } from './common/torch';

/**
 * torch's float32 scale from output to input coordinates along one axis without align_corners:
 * 1/scale_factor when a factor is given, else in/out (compute_scales_value).
 */
const torchScale = (input: number, output: number, factor: number | null): number => Math.fround(factor !== null ? 1 / factor : input / output);

/** torch's nearest source index for every output index (nearest_idx in aten/src/ATen/native/UpSample.h). */
function nearestIndices(input: number, output: number, factor: number | null): number[] {
  const scale = torchScale(input, output, factor);
  return Array.from({ length: output }, (_, x) => {
    if (output === input) return x;
    if (output === 2 * input) return x >> 1;
    return Math.min(Math.floor(Math.fround(x * scale)), input - 1);
  });
}

/** torch's bilinear weights along one axis as an [output, input] matrix (area_pixel_compute_source_index, float32). */
function bilinearMatrix(input: number, output: number, alignCorners: boolean, factor: number | null): number[] {
  const scale = alignCorners ? (output > 1 ? Math.fround((input - 1) / (output - 1)) : 0) : torchScale(input, output, factor);
  const m = new Array<number>(output * input).fill(0);
  for (let x = 0; x < output; x++) {
    const src = alignCorners ? Math.fround(scale * x) : Math.max(0, Math.fround(scale * (x + 0.5) - 0.5));
    const i0 = Math.min(Math.floor(src), input - 1);
    const i1 = i0 < input - 1 ? i0 + 1 : i0;
    const w1 = Math.fround(src - i0);
    m[x * input + i0]! += Math.fround(1 - w1);
    m[x * input + i1]! += w1;
  }
  return m;
}

const isIdentity = (m: readonly number[], n: number): boolean => m.length === n * n && m.every((v, k) => v === (k % (n + 1) === 0 ? 1 : 0));

interface UpsampleGeometry {
  readonly input: readonly [number, number];
  readonly output: readonly [number, number];
  /** The scale factor torch maps with, or null when the output size is given. */
  readonly factor: number | null;
}

function lowerNearest(ir: IrBuilder, x: V, { input, output, factor }: UpsampleGeometry): V {
  const indices = [0, 1].map((a) => nearestIndices(input[a]!, output[a]!, factor));
  const integerUpscale = [0, 1].every((a) => {
    const k = output[a]! / input[a]!;
    return Number.isInteger(k) && indices[a]!.every((i, o) => i === Math.floor(o / k));
  });
  if (integerUpscale) return ir.resize(x, { sizes: [...output], mode: 'nearest', align_corners: false });
  let y = x;
  for (const a of [0, 1]) {
    const idx = indices[a]!;
    if (idx.length === input[a] && idx.every((i, o) => i === o)) continue;
    y = ir.gather(y, ir.tensor([idx.length], idx, 'int64'), a + 2);
  }
  return y;
}

function lowerBilinear(ir: IrBuilder, x: V, { input, output, factor }: UpsampleGeometry, alignCorners: boolean): V {
  const sizeMapping = alignCorners || factor === null || [0, 1].every((a) => input[a]! * factor === output[a]);
  if (sizeMapping) return ir.resize(x, { sizes: [...output], mode: 'linear', align_corners: alignCorners });
  const [h, w] = input;
  const [oh, ow] = output;
  let y = x;
  const ah = bilinearMatrix(h, oh, alignCorners, factor);
  if (!isIdentity(ah, h)) y = ir.matmul(ir.tensor([oh, h], ah), y); // [oh, H]·[N, C, H, W] → [N, C, oh, W]
  const aw = bilinearMatrix(w, ow, alignCorners, factor);
  if (!isIdentity(aw, w)) {
    const awT = Array.from({ length: w * ow }, (_, k) => aw[(k % ow) * w + Math.floor(k / ow)]!);
    y = ir.matmul(y, ir.tensor([w, ow], awT)); // [N, C, oh, W]·[W, ow] → [N, C, oh, ow]
  }
  return y;
}

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
  torch: ({ params: q }) => ({
    module: {
      fn: 'nn.Upsample',
      kwargs: {
        ...(q.size ? { size: pair(q.size) } : { scale_factor: q.scale_factor }),
        mode: q.mode,
        ...changed({ align_corners: [q.align_corners, false] }),
      },
    },
  }),
  lower: ({ ir, params: q, x: { in: x }, in: { in: shape }, out }) => {
    const geometry: UpsampleGeometry = {
      input: [shape![2] as number, shape![3] as number],
      output: [out.out![2] as number, out.out![3] as number],
      factor: q.size ? null : q.scale_factor,
    };
    return { out: q.mode === 'nearest' ? lowerNearest(ir, x!, geometry) : lowerBilinear(ir, x!, geometry, q.align_corners) };
  },
});
