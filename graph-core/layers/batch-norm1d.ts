/**
 * Batch normalisation over [N, C] features or [N, C, L] sequences: each channel is normalised with the mean and
 * variance over the batch (and length), then scaled and shifted by learned γ, β.
 *
 *   y = (x − E[x]) / √(Var[x] + eps) · γ + β   (statistics per channel c; running averages at inference)
 *
 * num_features = C is inferred from the input. FLOPs: 2 per element (folded scale and shift).
 *
 * PyTorch: torch.nn.BatchNorm1d · ONNX: BatchNormalization · Lecture: "Normalisation (batch norm)"
 */
import { defineLayer, type LowerMode } from '../define-layer';
import type { IrBuilder, V } from '../ir/builder';
import { defineBatchNorm } from './common/batch-norm';
import { changed } from './common/torch';

/**
 * The lowering shared by BatchNorm1d and BatchNorm2d (channels on dim 1). With running statistics in eval mode:
 * ONNX BatchNormalization (γ = 1, β = 0 without affine). In train mode, or without running statistics (where torch
 * normalises with batch statistics at inference too): the per-channel mean and biased variance over N and the
 * spatial dims, y = (x − μ)·(γ/√(σ² + eps)) + β. Updating the running statistics is not part of the lowering.
 */
export function lowerBatchNorm(
  ir: IrBuilder,
  x: V,
  w: Readonly<Record<string, V>>,
  q: { readonly eps: number; readonly momentum: number; readonly affine: boolean; readonly track_running_stats: boolean },
  mode: LowerMode,
  updateBuffer: (name: string, value: V) => void,
): V {
  const rank = x.type.shape.length;
  const c = x.type.shape[1] as number;
  if (mode === 'eval' && q.track_running_stats) {
    const scale = w.weight ?? ir.tensor([c], new Float32Array(c).fill(1));
    const bias = w.bias ?? ir.tensor([c], new Float32Array(c));
    return ir.batchNorm(x, scale, bias, w.running_mean!, w.running_var!, q.eps);
  }
  const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
  const perChannel = (v: V) => (rank === 2 ? v : ir.reshape(v, [c, ...new Array<number>(rank - 2).fill(1)]));
  const mean = ir.reduceMean(x, axes, true);
  const centred = ir.sub(x, mean);
  const variance = ir.reduceMean(ir.mul(centred, centred), axes, true);
  if (mode === 'train' && q.track_running_stats) {
    // torch: running = (1 − momentum)·running + momentum·batch statistic, with the unbiased batch variance.
    const count = axes.reduce((n, a) => n * (x.type.shape[a] as number), 1);
    const flat = (v: V) => ir.reshape(v, [c]);
    const blend = (old: V, batch: V) => ir.add(ir.mul(old, ir.scalar(1 - q.momentum)), ir.mul(batch, ir.scalar(q.momentum)));
    updateBuffer('running_mean', blend(w.running_mean!, flat(mean)));
    updateBuffer('running_var', blend(w.running_var!, ir.mul(flat(variance), ir.scalar(count / Math.max(1, count - 1)))));
  }
  const inv = ir.reciprocal(ir.sqrt(ir.add(variance, ir.scalar(q.eps))));
  if (!q.affine) return ir.mul(centred, inv);
  return ir.add(ir.mul(centred, ir.mul(inv, perChannel(w.weight!))), perChannel(w.bias!));
}

export const BatchNorm1d = defineLayer({
  ...defineBatchNorm({
    kind: 'BatchNorm1d',
    doc: {
      summary:
        'Normalises each feature (channel) to zero mean and unit variance over the batch, then applies a learned scale and shift. ' +
        'Speeds up and stabilises training of MLPs and 1-D CNNs.',
      formula: 'y = (x − μ_c) / √(σ²_c + eps) · γ_c + β_c;  params = 2·C (+ 2·C running statistics)',
      torch: 'torch.nn.BatchNorm1d',
      onnx: 'BatchNormalization',
      lecture: 'Normalisation (batch norm)',
    },
    input: { doc: '[N, C] or [N, C, L]', rank: [2, 3], layout: '[N, C] or [N, C, L]' },
  }),
  torch: ({ params: q, in: { in: x } }) => ({
    module: {
      fn: 'nn.BatchNorm1d',
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
