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
import { defineBatchNorm } from './common/batch-norm';

export const BatchNorm1d = defineBatchNorm({
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
});
