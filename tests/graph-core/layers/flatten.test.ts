import { layerCases } from '../../helpers/layer-cases';

// Shapes checked with torch.nn.Flatten(start_dim, end_dim)(x).shape; Flatten has no parameters.
layerCases('Flatten', [
  { name: 'default: LeNet [N, 16, 5, 5] → [N, 400]', inputs: { in: ['N', 16, 5, 5] }, outputs: { out: ['N', 400] }, paramCount: 0, weights: {} },
  { name: 'start_dim 2, end_dim 3', params: { start_dim: 2, end_dim: 3 }, inputs: { in: ['N', 2, 3, 4, 5] }, outputs: { out: ['N', 2, 12, 5] } },
  { name: 'a negative start_dim', params: { start_dim: -2 }, inputs: { in: ['N', 3, 4, 5] }, outputs: { out: ['N', 3, 20] } },
  { name: 'an already flat input is unchanged', inputs: { in: ['N', 7] }, outputs: { out: ['N', 7] } },
  { name: 'a single dimension range', params: { start_dim: 1, end_dim: 1 }, inputs: { in: ['N', 3, 4] }, outputs: { out: ['N', 3, 4] } },
  { name: 'start_dim 0 (the batch) is refused', params: { start_dim: 0 }, inputs: { in: ['N', 16, 5, 5] }, errors: ['BAD_DIM'] },
  { name: 'end_dim before start_dim', params: { start_dim: 3, end_dim: 1 }, inputs: { in: ['N', 16, 5, 5] }, errors: ['BAD_DIM'] },
  { name: 'start_dim out of range', params: { start_dim: 5 }, inputs: { in: ['N', 4, 5] }, errors: ['BAD_DIM'] },
]);
