/**
 * Batch normalisation over images [N, C, H, W]: each channel is normalised with the mean and variance over the
 * batch and all pixels, then scaled and shifted by learned γ, β.
 *
 *   y = (x − E[x]) / √(Var[x] + eps) · γ + β   (statistics per channel c over N, H, W; running averages at inference)
 *
 * num_features = C is inferred from the input. FLOPs: 2 per element (folded scale and shift).
 *
 * PyTorch: torch.nn.BatchNorm2d · ONNX: BatchNormalization · Lecture: "Normalisation (batch norm)"
 */
import { defineLayer } from '../define-layer';
import { lowerBatchNorm } from './batch-norm1d';
import { defineBatchNorm } from './common/batch-norm';
import { changed } from './common/torch';

export const BatchNorm2d = defineLayer({
  ...defineBatchNorm({
    kind: 'BatchNorm2d',
    doc: {
      summary:
        'Normalises each channel of an image batch to zero mean and unit variance (over the batch and all pixels), then applies a learned scale and shift. ' +
        'Usually placed between a convolution and its activation.',
      formula: 'y = (x − μ_c) / √(σ²_c + eps) · γ_c + β_c;  params = 2·C (+ 2·C running statistics)',
      torch: 'torch.nn.BatchNorm2d',
      onnx: 'BatchNormalization',
      lecture: 'Normalisation (batch norm)',
    },
    input: { doc: '[N, C, H, W]', rank: 4, layout: '[N, C, H, W]' },
  }),
  torch: ({ params: q, in: { in: x } }) => ({
    module: {
      fn: 'nn.BatchNorm2d',
      args: [x![1] as number],
      kwargs: changed({
        eps: [q.eps, 1e-5],
        momentum: [q.momentum, 0.1],
        affine: [q.affine, true],
        track_running_stats: [q.track_running_stats, true],
      }),
    },
  }),
  lower: ({ ir, params: q, x: { in: x }, w, mode, updateBuffer }) => ({ out: lowerBatchNorm(ir, x!, w, q, mode, updateBuffer) }),
});
