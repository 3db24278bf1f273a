import { layerCases } from '../../helpers/layer-cases';

// Shapes checked with x.select(dim, index).shape in torch; SelectIndex has no parameters.
layerCases('SelectIndex', [
  { name: 'the class token x[:, 0]', inputs: { in: ['N', 5, 16] }, outputs: { out: ['N', 16] }, paramCount: 0, weights: {}, flops: 0 },
  { name: 'the last time step x[:, -1]', params: { index: -1 }, inputs: { in: ['N', 7, 4] }, outputs: { out: ['N', 4] } },
  { name: 'a middle dim', params: { dim: 2, index: 3 }, inputs: { in: ['N', 2, 4, 6] }, outputs: { out: ['N', 2, 6] } },
  { name: 'negative dim, last index', params: { dim: -1, index: 4 }, inputs: { in: ['N', 3, 5] }, outputs: { out: ['N', 3] } },
  { name: 'the most negative valid index', params: { index: -5 }, inputs: { in: ['N', 5, 16] }, outputs: { out: ['N', 16] } },
  { name: 'index past the end', params: { index: 5 }, inputs: { in: ['N', 5, 16] }, errors: ['BAD_PARAM'] },
  { name: 'negative index before the start', params: { index: -6 }, inputs: { in: ['N', 5, 16] }, errors: ['BAD_PARAM'] },
  { name: 'dim 0 (the batch) is refused', params: { dim: 0 }, inputs: { in: ['N', 5, 16] }, errors: ['BAD_DIM'] },
  { name: 'dim out of range', params: { dim: 3 }, inputs: { in: ['N', 5, 16] }, errors: ['BAD_DIM'] },
  { name: 'a [N] input has no dim to pick from', inputs: { in: ['N'] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
]);
