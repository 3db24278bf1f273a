import { layerCases } from '../../helpers/layer-cases';

// No parameters: sum(p.numel() for p in torch.nn.Upsample(scale_factor=2).parameters()) == 0. Shapes checked with PyTorch 1.13.
layerCases('Upsample', [
  {
    name: 'default: nearest, ×2',
    inputs: { in: ['N', 3, 8, 8] },
    outputs: { out: ['N', 3, 16, 16] },
    paramCount: 0,
    flops: 0,
  },
  {
    name: 'bilinear ×1.5 rounds down (5×7 → 7×10)',
    params: { scale_factor: 1.5, mode: 'bilinear' },
    inputs: { in: ['N', 2, 5, 7] },
    outputs: { out: ['N', 2, 7, 10] },
    paramCount: 0,
    flops: 8 * 2 * 7 * 10,
  },
  {
    name: 'size overrides scale_factor',
    params: { size: [3, 11], scale_factor: 4 },
    inputs: { in: ['N', 2, 9, 10] },
    outputs: { out: ['N', 2, 3, 11] },
  },
  { name: 'a factor below 1 down-samples', params: { scale_factor: 0.34 }, inputs: { in: ['N', 2, 9, 10] }, outputs: { out: ['N', 2, 3, 3] } },
  {
    name: 'bilinear with align_corners',
    params: { scale_factor: 3, mode: 'bilinear', align_corners: true },
    inputs: { in: ['N', 4, 4, 6] },
    outputs: { out: ['N', 4, 12, 18] },
  },
  { name: 'a factor that leaves no pixel', params: { scale_factor: 0.1 }, inputs: { in: ['N', 3, 5, 5] }, errors: ['BAD_PARAM'] },
  { name: 'align_corners with nearest (torch raises too)', params: { align_corners: true }, inputs: { in: ['N', 3, 5, 5] }, errors: ['BAD_PARAM'] },
  { name: 'scale_factor 0 is a bad param', params: { scale_factor: 0 }, inputs: { in: ['N', 3, 5, 5] }, errors: ['BAD_PARAM'] },
  { name: 'a sequence [N, C, L] is refused by rank', inputs: { in: ['N', 3, 8] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
]);
