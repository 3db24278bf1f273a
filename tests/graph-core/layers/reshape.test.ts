import { layerCases } from '../../helpers/layer-cases';

// Shapes checked with x.reshape(x.shape[0], *shape).shape in torch; Reshape has no parameters.
layerCases('Reshape', [
  {
    name: '[N, 784] → [N, 1, 28, 28]',
    params: { shape: [1, 28, 28] },
    inputs: { in: ['N', 784] },
    outputs: { out: ['N', 1, 28, 28] },
    paramCount: 0,
    weights: {},
    flops: 0,
  },
  { name: 'default [-1] flattens', inputs: { in: ['N', 3, 4] }, outputs: { out: ['N', 12] }, paramCount: 0 },
  { name: 'an inferred entry', params: { shape: [16, -1] }, inputs: { in: ['N', 16, 5, 5] }, outputs: { out: ['N', 16, 25] } },
  { name: 'an empty shape gives [N]', params: { shape: [] }, inputs: { in: ['N', 1] }, outputs: { out: ['N'] } },
  { name: 'element counts that differ', params: { shape: [3, 4] }, inputs: { in: ['N', 10] }, errors: ['BAD_RESHAPE'], errorPort: 'in' },
  { name: 'an inferred entry that does not divide', params: { shape: [3, -1] }, inputs: { in: ['N', 10] }, errors: ['BAD_RESHAPE'], errorPort: 'in' },
  { name: 'two -1 entries are a bad param', params: { shape: [-1, -1] }, inputs: { in: ['N', 10] }, errors: ['BAD_PARAM'] },
  { name: 'a zero entry is a bad param', params: { shape: [0, 10] }, inputs: { in: ['N', 10] }, errors: ['BAD_PARAM'] },
]);
