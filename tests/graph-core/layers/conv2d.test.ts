import { layerCases } from '../../helpers/layer-cases';

// Parameter counts: sum(p.numel() for p in torch.nn.Conv2d(...).parameters()).
layerCases('Conv2d', [
  {
    name: 'LeNet C1: 1→6, k5, p2 keeps 28×28',
    params: { out_channels: 6, kernel_size: 5, padding: 2 },
    inputs: { in: ['N', 1, 28, 28] },
    outputs: { out: ['N', 6, 28, 28] },
    paramCount: 156,
    weights: { weight: [6, 1, 5, 5], bias: [6] },
    flops: 2 * 6 * 28 * 28 * 25,
  },
  {
    name: 'the lecture exam net: 3→4, k4, s2 on 32×32 gives 15×15',
    params: { out_channels: 4, kernel_size: 4, stride: 2 },
    inputs: { in: ['N', 3, 32, 32] },
    outputs: { out: ['N', 4, 15, 15] },
    paramCount: 196,
  },
  {
    name: 'rectangular kernel, stride, padding and dilation',
    params: { out_channels: 8, kernel_size: [3, 5], stride: [2, 1], padding: [1, 2], dilation: [2, 1] },
    inputs: { in: ['N', 4, 17, 9] },
    outputs: { out: ['N', 8, 8, 9] },
    paramCount: 8 * 4 * 15 + 8,
  },
  {
    name: 'groups=2 halves the weight fan-in',
    params: { out_channels: 8, kernel_size: 3, groups: 2, bias: false },
    inputs: { in: ['N', 4, 8, 8] },
    outputs: { out: ['N', 8, 6, 6] },
    paramCount: 144,
    weights: { weight: [8, 2, 3, 3] },
  },
  {
    name: 'depthwise (groups = channels)',
    params: { out_channels: 6, kernel_size: 3, groups: 6, padding: 1 },
    inputs: { in: ['N', 6, 5, 5] },
    outputs: { out: ['N', 6, 5, 5] },
    paramCount: 60,
  },
  { name: 'a kernel larger than the input is refused', params: { kernel_size: 7 }, inputs: { in: ['N', 1, 5, 5] }, errors: ['KERNEL_LARGER_THAN_INPUT'], errorPort: 'in' },
  { name: 'channels not divisible by groups', params: { groups: 2 }, inputs: { in: ['N', 3, 8, 8] }, errors: ['NOT_DIVISIBLE'] },
  { name: 'a [N, F] input is refused by rank', inputs: { in: ['N', 10] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
  { name: 'kernel_size 0 is a bad param', params: { kernel_size: 0 }, inputs: { in: ['N', 1, 5, 5] }, errors: ['BAD_PARAM'] },
]);
