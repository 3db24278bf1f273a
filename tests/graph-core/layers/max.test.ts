import { layerCases } from '../../helpers/layer-cases';

// Shapes checked with x.amax(dim, keepdim=keepdim).shape in torch; Max has no parameters.
layerCases('Max', [
  {
    name: 'over time: [N, T, F] → [N, F]',
    inputs: { in: ['N', 10, 32] },
    outputs: { out: ['N', 32] },
    paramCount: 0,
    weights: {},
    flops: 320,
  },
  { name: 'last dim with keepdim', params: { dim: -1, keepdim: true }, inputs: { in: ['N', 10, 32] }, outputs: { out: ['N', 10, 1] }, flops: 320 },
  { name: 'a middle dim of an image', params: { dim: 2 }, inputs: { in: ['N', 3, 8, 8] }, outputs: { out: ['N', 3, 8] } },
  { name: 'channels with keepdim, negative dim', params: { dim: -3, keepdim: true }, inputs: { in: ['N', 3, 8, 8] }, outputs: { out: ['N', 1, 8, 8] } },
  { name: 'dim 0 (the batch) is refused', params: { dim: 0 }, inputs: { in: ['N', 10, 32] }, errors: ['BAD_DIM'] },
  { name: 'a negative dim that reaches the batch is refused', params: { dim: -3 }, inputs: { in: ['N', 10, 32] }, errors: ['BAD_DIM'] },
  { name: 'dim out of range', params: { dim: 3 }, inputs: { in: ['N', 10, 32] }, errors: ['BAD_DIM'] },
  { name: 'a [N] input has nothing to reduce', inputs: { in: ['N'] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
]);
