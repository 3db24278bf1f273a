import { layerCases } from '../../helpers/layer-cases';

// No parameters: sum(p.numel() for p in torch.nn.AdaptiveAvgPool2d(1).parameters()) == 0. Shapes checked with PyTorch 1.13.
layerCases('AdaptiveAvgPool2d', [
  {
    name: 'global average pooling (ResNet head)',
    inputs: { in: ['N', 512, 7, 7] },
    outputs: { out: ['N', 512, 1, 1] },
    paramCount: 0,
    flops: 512 * 7 * 7,
  },
  {
    name: 'AlexNet 6×6 from 13×13 (overlapping windows)',
    params: { output_size: 6 },
    inputs: { in: ['N', 256, 13, 13] },
    outputs: { out: ['N', 256, 6, 6] },
    paramCount: 0,
    // windows per axis: rows 0-2, 2-4, 4-6, 6-8, 8-10, 10-12 → 3 cells each, 18 in total
    flops: 256 * 18 * 18,
  },
  { name: 'rectangular output_size', params: { output_size: [2, 3] }, inputs: { in: ['N', 4, 5, 7] }, outputs: { out: ['N', 4, 2, 3] } },
  { name: 'output_size equal to the input', params: { output_size: [5, 7] }, inputs: { in: ['N', 4, 5, 7] }, outputs: { out: ['N', 4, 5, 7] } },
  { name: 'up-sampling (output larger than the input) is refused', params: { output_size: 8 }, inputs: { in: ['N', 4, 7, 7] }, errors: ['SHAPE_MISMATCH'], errorPort: 'in' },
  { name: 'a sequence [N, C, L] is refused by rank', inputs: { in: ['N', 4, 7] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
  { name: 'output_size 0 is a bad param', params: { output_size: 0 }, inputs: { in: ['N', 4, 7, 7] }, errors: ['BAD_PARAM'] },
]);
