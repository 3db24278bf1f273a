import { layerCases } from '../../helpers/layer-cases';

// No parameters: sum(p.numel() for p in torch.nn.Sigmoid().parameters()) == 0. Shapes checked against torch.
layerCases('Sigmoid', [
  { name: 'a binary score [N, 1]', inputs: { in: ['N', 1] }, outputs: { out: ['N', 1] }, paramCount: 0, weights: {}, flops: 3 },
  { name: 'images [N, 3, 4, 5]', inputs: { in: ['N', 3, 4, 5] }, outputs: { out: ['N', 3, 4, 5] }, paramCount: 0, flops: 3 * 60 },
  { name: 'gates on a sequence [N, 9, 20]', inputs: { in: ['N', 9, 20] }, outputs: { out: ['N', 9, 20] }, paramCount: 0, flops: 3 * 180 },
  { name: 'int64 input is refused', inputs: { in: { shape: ['N', 4], dtype: 'int64' } }, errors: ['DTYPE_MISMATCH'], errorPort: 'in' },
]);
