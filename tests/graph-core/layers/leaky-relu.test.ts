import { layerCases } from '../../helpers/layer-cases';

// No parameters: sum(p.numel() for p in torch.nn.LeakyReLU(0.2).parameters()) == 0. Shapes checked against torch.
layerCases('LeakyReLU', [
  { name: 'default slope on [N, 10]', inputs: { in: ['N', 10] }, outputs: { out: ['N', 10] }, paramCount: 0, weights: {}, flops: 10 },
  { name: 'slope 0.2 on images', params: { negative_slope: 0.2 }, inputs: { in: ['N', 3, 4, 5] }, outputs: { out: ['N', 3, 4, 5] }, paramCount: 0, flops: 60 },
  { name: 'sequences keep their shape', params: { negative_slope: 0.5 }, inputs: { in: ['N', 7, 16] }, outputs: { out: ['N', 7, 16] }, paramCount: 0, flops: 112 },
  { name: 'a non-numeric slope is a bad param', params: { negative_slope: 'steep' }, inputs: { in: ['N', 10] }, errors: ['BAD_PARAM'] },
  { name: 'int64 input is refused', inputs: { in: { shape: ['N', 4], dtype: 'int64' } }, errors: ['DTYPE_MISMATCH'], errorPort: 'in' },
]);
