import { layerCases } from '../../helpers/layer-cases';

// No parameters: sum(p.numel() for p in torch.nn.SiLU().parameters()) == 0. Shapes checked against torch.
layerCases('SiLU', [
  { name: 'features [N, 10]', inputs: { in: ['N', 10] }, outputs: { out: ['N', 10] }, paramCount: 0, weights: {}, flops: 4 * 10 },
  { name: 'images [N, 32, 7, 7]', inputs: { in: ['N', 32, 7, 7] }, outputs: { out: ['N', 32, 7, 7] }, paramCount: 0, flops: 4 * 32 * 49 },
  { name: 'sequences [N, 5, 3]', inputs: { in: ['N', 5, 3] }, outputs: { out: ['N', 5, 3] }, paramCount: 0, flops: 4 * 15 },
  { name: 'int64 input is refused', inputs: { in: { shape: ['N', 4], dtype: 'int64' } }, errors: ['DTYPE_MISMATCH'], errorPort: 'in' },
]);
