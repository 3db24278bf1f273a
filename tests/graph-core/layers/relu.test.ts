import { layerCases } from '../../helpers/layer-cases';

// ReLU has no parameters: sum(p.numel() for p in torch.nn.ReLU().parameters()) == 0. Shapes checked against torch.
layerCases('ReLU', [
  { name: 'features [N, 10] keep their shape', inputs: { in: ['N', 10] }, outputs: { out: ['N', 10] }, paramCount: 0, weights: {}, flops: 10 },
  { name: 'images [N, 3, 8, 8] keep their shape', inputs: { in: ['N', 3, 8, 8] }, outputs: { out: ['N', 3, 8, 8] }, paramCount: 0, flops: 3 * 8 * 8 },
  { name: 'sequences [N, 5, 7] keep their shape', inputs: { in: ['N', 5, 7] }, outputs: { out: ['N', 5, 7] }, paramCount: 0, flops: 35 },
  { name: 'a bare batch [N] is accepted', inputs: { in: ['N'] }, outputs: { out: ['N'] }, flops: 1 },
  { name: 'int64 token ids are refused', inputs: { in: { shape: ['N', 10], dtype: 'int64' } }, errors: ['DTYPE_MISMATCH'], errorPort: 'in' },
]);
