import { layerCases } from '../../helpers/layer-cases';

// No parameters: sum(p.numel() for p in torch.nn.Tanh().parameters()) == 0. Shapes checked against torch.
layerCases('Tanh', [
  { name: 'features [N, 10]', inputs: { in: ['N', 10] }, outputs: { out: ['N', 10] }, paramCount: 0, weights: {}, flops: 10 },
  { name: 'images [N, 3, 4, 5]', inputs: { in: ['N', 3, 4, 5] }, outputs: { out: ['N', 3, 4, 5] }, paramCount: 0, flops: 60 },
  { name: 'sequences [N, 12, 32]', inputs: { in: ['N', 12, 32] }, outputs: { out: ['N', 12, 32] }, paramCount: 0, flops: 384 },
  { name: 'int64 input is refused', inputs: { in: { shape: ['N', 4], dtype: 'int64' } }, errors: ['DTYPE_MISMATCH'], errorPort: 'in' },
]);
