import { layerCases } from '../../helpers/layer-cases';

// No parameters: sum(p.numel() for p in torch.nn.GELU(approximate='tanh').parameters()) == 0. Shapes checked against torch.
layerCases('GELU', [
  { name: 'exact GELU on [N, 10]', inputs: { in: ['N', 10] }, outputs: { out: ['N', 10] }, paramCount: 0, weights: {}, flops: 5 * 10 },
  { name: 'tanh approximation on a transformer stream', params: { approximate: 'tanh' }, inputs: { in: ['N', 16, 64] }, outputs: { out: ['N', 16, 64] }, paramCount: 0, flops: 5 * 16 * 64 },
  { name: 'images keep their shape', inputs: { in: ['N', 3, 4, 5] }, outputs: { out: ['N', 3, 4, 5] }, paramCount: 0, flops: 5 * 60 },
  { name: 'an unknown approximation is a bad param', params: { approximate: 'fast' }, inputs: { in: ['N', 10] }, errors: ['BAD_PARAM'] },
  { name: 'int64 input is refused', inputs: { in: { shape: ['N', 4], dtype: 'int64' } }, errors: ['DTYPE_MISMATCH'], errorPort: 'in' },
]);
