import { layerCases } from '../../helpers/layer-cases';

// MaxPool1d has no parameters: sum(p.numel() for p in torch.nn.MaxPool1d(2).parameters()) == 0. Shapes checked with PyTorch 1.13.
layerCases('MaxPool1d', [
  {
    name: 'k2 halves the length',
    params: { kernel_size: 2 },
    inputs: { in: ['N', 16, 100] },
    outputs: { out: ['N', 16, 50] },
    paramCount: 0,
    flops: 16 * 50 * 2,
  },
  {
    name: 'k3, s2, p1 on an odd length',
    params: { kernel_size: 3, stride: 2, padding: 1 },
    inputs: { in: ['N', 16, 99] },
    outputs: { out: ['N', 16, 50] },
    paramCount: 0,
  },
  { name: 'k3, s2 rounds down', params: { kernel_size: 3, stride: 2 }, inputs: { in: ['N', 4, 10] }, outputs: { out: ['N', 4, 4] } },
  { name: 'ceil_mode rounds up', params: { kernel_size: 3, stride: 2, ceil_mode: true }, inputs: { in: ['N', 4, 10] }, outputs: { out: ['N', 4, 5] } },
  { name: 'dilation widens the window', params: { kernel_size: 3, stride: 1, dilation: 2 }, inputs: { in: ['N', 2, 10] }, outputs: { out: ['N', 2, 6] } },
  // torch 1.13 returns an empty [2, 4, 0] here; Layerloom refuses it.
  { name: 'a window longer than the input is refused', params: { kernel_size: 5 }, inputs: { in: ['N', 4, 3] }, errors: ['KERNEL_LARGER_THAN_INPUT'], errorPort: 'in' },
  { name: 'padding more than half the kernel', params: { kernel_size: 2, padding: 2 }, inputs: { in: ['N', 4, 10] }, errors: ['BAD_PARAM'] },
  { name: 'an image is refused by rank', inputs: { in: ['N', 4, 10, 10] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
]);
