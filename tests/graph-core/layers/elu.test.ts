import { layerCases } from '../../helpers/layer-cases';

// No parameters: sum(p.numel() for p in torch.nn.ELU().parameters()) == 0. Shapes checked against torch.
layerCases('ELU', [
  { name: 'default alpha on [N, 10]', inputs: { in: ['N', 10] }, outputs: { out: ['N', 10] }, paramCount: 0, weights: {}, flops: 3 * 10 },
  { name: 'alpha 0.5 on images', params: { alpha: 0.5 }, inputs: { in: ['N', 3, 4, 5] }, outputs: { out: ['N', 3, 4, 5] }, paramCount: 0, flops: 3 * 60 },
  { name: 'sequences keep their shape', inputs: { in: ['N', 6, 8] }, outputs: { out: ['N', 6, 8] }, paramCount: 0, flops: 3 * 48 },
  { name: 'alpha must be a number', params: { alpha: true }, inputs: { in: ['N', 10] }, errors: ['BAD_PARAM'] },
  { name: 'int64 input is refused', inputs: { in: { shape: ['N', 4], dtype: 'int64' } }, errors: ['DTYPE_MISMATCH'], errorPort: 'in' },
]);
