import { layerCases } from '../../helpers/layer-cases';

// MaxPool2d has no parameters: sum(p.numel() for p in torch.nn.MaxPool2d(2).parameters()) == 0. Shapes checked with PyTorch 1.13.
layerCases('MaxPool2d', [
  {
    name: 'the lecture example: [2, 4, 15, 15] –MaxPool2d(2, s2, p1)→ [2, 4, 8, 8]',
    params: { kernel_size: 2, stride: 2, padding: 1 },
    inputs: { in: ['N', 4, 15, 15] },
    outputs: { out: ['N', 4, 8, 8] },
    paramCount: 0,
    weights: {},
    flops: 4 * 8 * 8 * 4,
  },
  {
    name: 'LeNet S2: the default k2 halves 28×28',
    inputs: { in: ['N', 6, 28, 28] },
    outputs: { out: ['N', 6, 14, 14] },
    paramCount: 0,
  },
  { name: 'k2 on 7×7 rounds down', params: { kernel_size: 2 }, inputs: { in: ['N', 3, 7, 7] }, outputs: { out: ['N', 3, 3, 3] } },
  { name: 'ceil_mode rounds 7×7 up to 4×4', params: { kernel_size: 2, ceil_mode: true }, inputs: { in: ['N', 3, 7, 7] }, outputs: { out: ['N', 3, 4, 4] }, paramCount: 0 },
  {
    name: 'ceil_mode drops a window that would start in the right padding',
    params: { kernel_size: 2, stride: 2, padding: 1, ceil_mode: true },
    inputs: { in: ['N', 1, 5, 5] },
    outputs: { out: ['N', 1, 3, 3] },
  },
  {
    name: 'rectangular window, stride and padding with ceil_mode',
    params: { kernel_size: [3, 2], stride: [2, 1], padding: [1, 0], ceil_mode: true },
    inputs: { in: ['N', 8, 10, 6] },
    outputs: { out: ['N', 8, 6, 5] },
  },
  { name: 'dilation widens the window', params: { kernel_size: 3, stride: 1, dilation: 2 }, inputs: { in: ['N', 1, 10, 10] }, outputs: { out: ['N', 1, 6, 6] } },
  { name: 'a window larger than the input', params: { kernel_size: 7 }, inputs: { in: ['N', 1, 5, 5] }, errors: ['KERNEL_LARGER_THAN_INPUT'], errorPort: 'in' },
  { name: 'padding more than half the kernel', params: { kernel_size: 2, padding: 2 }, inputs: { in: ['N', 1, 8, 8] }, errors: ['BAD_PARAM'] },
  { name: 'a [N, F] input is refused by rank', inputs: { in: ['N', 10] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
]);
