import { layerCases } from '../../helpers/layer-cases';

// Shapes checked with x.permute(*dims).shape in torch; Permute has no parameters.
layerCases('Permute', [
  { name: 'default [0, 2, 1]: [N, T, F] → [N, F, T]', inputs: { in: ['N', 5, 8] }, outputs: { out: ['N', 8, 5] }, paramCount: 0, weights: {} },
  { name: 'channels last', params: { dims: [0, 2, 3, 1] }, inputs: { in: ['N', 3, 32, 32] }, outputs: { out: ['N', 32, 32, 3] } },
  { name: 'negative entries', params: { dims: [0, -1, -2] }, inputs: { in: ['N', 4, 6] }, outputs: { out: ['N', 6, 4] } },
  { name: 'swap the last two of four', params: { dims: [0, 1, 3, 2] }, inputs: { in: ['N', 3, 4, 5] }, outputs: { out: ['N', 3, 5, 4] } },
  { name: 'moving the batch is refused', params: { dims: [1, 0, 2] }, inputs: { in: ['N', 5, 8] }, errors: ['BAD_PARAM'] },
  { name: 'too few entries for the rank', params: { dims: [0, 1] }, inputs: { in: ['N', 5, 8] }, errors: ['BAD_PARAM'] },
  { name: 'the default on a rank-2 input', inputs: { in: ['N', 5] }, errors: ['BAD_PARAM'] },
  { name: 'a repeated dimension', params: { dims: [0, 1, 1] }, inputs: { in: ['N', 5, 8] }, errors: ['BAD_PARAM'] },
  { name: 'an out-of-range dimension', params: { dims: [0, 1, 3] }, inputs: { in: ['N', 5, 8] }, errors: ['BAD_DIM'] },
]);
