import { layerCases } from '../../helpers/layer-cases';

// No parameters: sum(p.numel() for p in torch.nn.LogSoftmax(dim=-2).parameters()) == 0.
// Shapes checked against torch: torch.nn.LogSoftmax(dim=d)(x).shape == x.shape.
layerCases('LogSoftmax', [
  { name: 'class scores [N, 10] over the last dim', inputs: { in: ['N', 10] }, outputs: { out: ['N', 10] }, paramCount: 0, weights: {}, flops: 3 * 10 },
  { name: 'dim=-2 over the time steps of a sequence', params: { dim: -2 }, inputs: { in: ['N', 3, 4, 5] }, outputs: { out: ['N', 3, 4, 5] }, paramCount: 0, flops: 3 * 60 },
  { name: 'per-token vocabulary scores [N, T, V]', params: { dim: 2 }, inputs: { in: ['N', 12, 100] }, outputs: { out: ['N', 12, 100] }, paramCount: 0, flops: 3 * 1200 },
  { name: 'dim=0 (the batch) is refused', params: { dim: 0 }, inputs: { in: ['N', 10] }, errors: ['BAD_DIM'], errorPort: 'in' },
  { name: 'dim=-4 is out of range for [N, 3, 4]', params: { dim: -4 }, inputs: { in: ['N', 3, 4] }, errors: ['BAD_DIM'], errorPort: 'in' },
  { name: 'int64 input is refused', inputs: { in: { shape: ['N', 4], dtype: 'int64' } }, errors: ['DTYPE_MISMATCH'], errorPort: 'in' },
]);
