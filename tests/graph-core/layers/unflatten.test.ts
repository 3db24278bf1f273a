import { layerCases } from '../../helpers/layer-cases';

// Shapes checked with torch.nn.Unflatten(dim, unflattened_size)(x).shape; Unflatten has no parameters.
layerCases('Unflatten', [
  {
    name: 'dense → image: [N, 784] → [N, 1, 28, 28]',
    params: { dim: 1, unflattened_size: [1, 28, 28] },
    inputs: { in: ['N', 784] },
    outputs: { out: ['N', 1, 28, 28] },
    paramCount: 0,
    weights: {},
  },
  { name: 'defaults (dim 1, [1, -1])', inputs: { in: ['N', 12] }, outputs: { out: ['N', 1, 12] }, paramCount: 0 },
  {
    name: 'negative dim with an inferred size',
    params: { dim: -1, unflattened_size: [3, -1] },
    inputs: { in: ['N', 3, 12] },
    outputs: { out: ['N', 3, 3, 4] },
  },
  {
    name: 'a middle dimension',
    params: { dim: 2, unflattened_size: [2, 3] },
    inputs: { in: ['N', 4, 6, 5] },
    outputs: { out: ['N', 4, 2, 3, 5] },
  },
  { name: 'dim 0 (the batch) is refused', params: { dim: 0 }, inputs: { in: ['N', 12] }, errors: ['BAD_DIM'] },
  { name: 'dim out of range', params: { dim: 3 }, inputs: { in: ['N', 12] }, errors: ['BAD_DIM'] },
  {
    name: 'sizes whose product differs',
    params: { unflattened_size: [3, 4] },
    inputs: { in: ['N', 10] },
    errors: ['BAD_RESHAPE'],
    errorPort: 'in',
  },
  {
    name: 'an inferred size that does not divide',
    params: { unflattened_size: [3, -1] },
    inputs: { in: ['N', 10] },
    errors: ['NOT_DIVISIBLE'],
    errorPort: 'in',
  },
  { name: 'two -1 entries are a bad param', params: { unflattened_size: [-1, -1] }, inputs: { in: ['N', 12] }, errors: ['BAD_PARAM'] },
  { name: 'a [N] input has nothing to split', inputs: { in: ['N'] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
]);
