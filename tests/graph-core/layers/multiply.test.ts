import { layerCases } from '../../helpers/layer-cases';

// Shapes checked with (a * b).shape in torch; Multiply has no parameters.
layerCases('Multiply', [
  {
    name: 'a squeeze-and-excitation gate [N, C, 1, 1]',
    inputs: { a: ['N', 16, 8, 8], b: ['N', 16, 1, 1] },
    outputs: { out: ['N', 16, 8, 8] },
    paramCount: 0,
    weights: {},
    flops: 16 * 64,
  },
  { name: 'a per-step mask [N, T, 1]', inputs: { a: ['N', 10, 32], b: ['N', 10, 1] }, outputs: { out: ['N', 10, 32] }, flops: 320 },
  { name: 'same shapes', inputs: { a: ['N', 6], b: ['N', 6] }, outputs: { out: ['N', 6] }, flops: 6 },
  { name: 'sizes that do not broadcast', inputs: { a: ['N', 16, 8, 8], b: ['N', 8, 1, 1] }, errors: ['SHAPE_MISMATCH'], errorPort: 'b' },
  { name: 'ranks that misalign the batch', inputs: { a: ['N', 4, 8], b: ['N', 8] }, errors: ['SHAPE_MISMATCH'], errorPort: 'b' },
]);
