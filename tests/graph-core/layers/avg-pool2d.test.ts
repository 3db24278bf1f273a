import { layerCases } from '../../helpers/layer-cases';

// AvgPool2d has no parameters: sum(p.numel() for p in torch.nn.AvgPool2d(2).parameters()) == 0. Shapes checked with PyTorch 1.13.
layerCases('AvgPool2d', [
  {
    name: 'LeNet S2: k2 halves 28×28',
    params: { kernel_size: 2 },
    inputs: { in: ['N', 6, 28, 28] },
    outputs: { out: ['N', 6, 14, 14] },
    paramCount: 0,
    flops: 6 * 14 * 14 * 4,
  },
  {
    name: 'k3, s2, p1 on 15×15',
    params: { kernel_size: 3, stride: 2, padding: 1 },
    inputs: { in: ['N', 8, 15, 15] },
    outputs: { out: ['N', 8, 8, 8] },
    paramCount: 0,
  },
  {
    name: 'count_include_pad=false keeps the shape',
    params: { kernel_size: 3, stride: 2, padding: 1, count_include_pad: false },
    inputs: { in: ['N', 8, 15, 15] },
    outputs: { out: ['N', 8, 8, 8] },
  },
  { name: 'rectangular kernel rounds down', params: { kernel_size: [2, 3] }, inputs: { in: ['N', 3, 7, 9] }, outputs: { out: ['N', 3, 3, 3] } },
  { name: 'rectangular kernel with ceil_mode', params: { kernel_size: [2, 3], ceil_mode: true }, inputs: { in: ['N', 3, 7, 9] }, outputs: { out: ['N', 3, 4, 3] } },
  { name: 'padding more than half the kernel', params: { kernel_size: 3, padding: 2 }, inputs: { in: ['N', 8, 15, 15] }, errors: ['BAD_PARAM'] },
  { name: 'a window larger than the input', params: { kernel_size: 5 }, inputs: { in: ['N', 8, 3, 3] }, errors: ['KERNEL_LARGER_THAN_INPUT'], errorPort: 'in' },
  { name: 'a [N, F] input is refused by rank', inputs: { in: ['N', 10] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
]);
