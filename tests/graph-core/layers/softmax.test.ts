import { layerCases } from '../../helpers/layer-cases';

// No parameters: sum(p.numel() for p in torch.nn.Softmax(dim=1).parameters()) == 0.
// Shapes checked against torch: torch.nn.Softmax(dim=d)(x).shape == x.shape; dim=3 on rank 2 raises "Dimension out of range".
layerCases('Softmax', [
  { name: 'class scores [N, 10] over the last dim', inputs: { in: ['N', 10] }, outputs: { out: ['N', 10] }, paramCount: 0, weights: {}, flops: 3 * 10 },
  { name: 'dim=1 over the channels of an image', params: { dim: 1 }, inputs: { in: ['N', 3, 4, 5] }, outputs: { out: ['N', 3, 4, 5] }, paramCount: 0, flops: 3 * 60 },
  { name: 'dim=-2 over the time steps of a sequence', params: { dim: -2 }, inputs: { in: ['N', 7, 4] }, outputs: { out: ['N', 7, 4] }, paramCount: 0, flops: 3 * 28 },
  { name: 'dim=0 (the batch) is refused', params: { dim: 0 }, inputs: { in: ['N', 10] }, errors: ['BAD_DIM'], errorPort: 'in' },
  { name: 'dim=-2 on [N, 10] names the batch and is refused', params: { dim: -2 }, inputs: { in: ['N', 10] }, errors: ['BAD_DIM'], errorPort: 'in' },
  { name: 'dim=3 is out of range for [N, 10]', params: { dim: 3 }, inputs: { in: ['N', 10] }, errors: ['BAD_DIM'], errorPort: 'in' },
  { name: 'a bare batch [N] has nothing to normalise', inputs: { in: ['N'] }, errors: ['BAD_DIM'], errorPort: 'in' },
  { name: 'int64 input is refused', inputs: { in: { shape: ['N', 4], dtype: 'int64' } }, errors: ['DTYPE_MISMATCH'], errorPort: 'in' },
]);
