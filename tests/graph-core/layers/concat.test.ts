import { layerCases } from '../../helpers/layer-cases';

// Shapes checked with torch.cat(xs, dim).shape; Concat has no parameters.
layerCases('Concat', [
  {
    name: 'channels of two feature maps',
    inputs: { in: [['N', 3, 8, 8], ['N', 5, 8, 8]] },
    outputs: { out: ['N', 8, 8, 8] },
    paramCount: 0,
    weights: {},
    flops: 0,
  },
  {
    name: 'three inputs on the last dim',
    params: { dim: -1 },
    inputs: { in: [['N', 4, 2], ['N', 4, 3], ['N', 4, 5]] },
    outputs: { out: ['N', 4, 10] },
  },
  { name: 'a sequence along time', params: { dim: 2 }, inputs: { in: [['N', 3, 4], ['N', 3, 6]] }, outputs: { out: ['N', 3, 10] } },
  { name: 'a single input passes through', inputs: { in: [['N', 7]] }, outputs: { out: ['N', 7] } },
  {
    name: 'other sizes that differ',
    inputs: { in: [['N', 3, 8, 8], ['N', 5, 4, 4]] },
    errors: ['SHAPE_MISMATCH'],
    errorPort: 'in',
  },
  { name: 'ranks that differ', inputs: { in: [['N', 3, 8, 8], ['N', 3, 8]] }, errors: ['SHAPE_MISMATCH'], errorPort: 'in' },
  { name: 'dim 0 (the batch) is refused', params: { dim: 0 }, inputs: { in: [['N', 3], ['N', 4]] }, errors: ['BAD_DIM'] },
  { name: 'dim out of range', params: { dim: 2 }, inputs: { in: [['N', 3], ['N', 4]] }, errors: ['BAD_DIM'] },
  {
    name: 'int64 inputs are refused',
    inputs: { in: [['N', 3], { shape: ['N', 4], dtype: 'int64' }] },
    errors: ['DTYPE_MISMATCH'],
    errorPort: 'in',
  },
]);
