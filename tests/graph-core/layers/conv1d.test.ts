import { layerCases } from '../../helpers/layer-cases';

// Parameter counts: sum(p.numel() for p in torch.nn.Conv1d(...).parameters()), checked with PyTorch 1.13.
layerCases('Conv1d', [
  {
    name: '3→16, k5 over a length-100 signal',
    params: { out_channels: 16, kernel_size: 5 },
    inputs: { in: ['N', 3, 100] },
    outputs: { out: ['N', 16, 96] },
    paramCount: 256, // nn.Conv1d(3, 16, 5)
    weights: { weight: [16, 3, 5], bias: [16] },
    flops: 2 * 16 * 96 * 3 * 5,
  },
  {
    name: 'stride, padding and dilation',
    params: { out_channels: 4, kernel_size: 3, stride: 2, padding: 2, dilation: 2 },
    inputs: { in: ['N', 8, 50] },
    outputs: { out: ['N', 4, 25] },
    paramCount: 100, // nn.Conv1d(8, 4, 3, stride=2, padding=2, dilation=2)
    weights: { weight: [4, 8, 3], bias: [4] },
  },
  {
    name: 'groups=4 without bias',
    params: { out_channels: 12, kernel_size: 3, groups: 4, bias: false },
    inputs: { in: ['N', 8, 20] },
    outputs: { out: ['N', 12, 18] },
    paramCount: 72, // nn.Conv1d(8, 12, 3, groups=4, bias=False)
    weights: { weight: [12, 2, 3] },
  },
  {
    name: 'defaults: 16 filters of length 3',
    inputs: { in: ['N', 1, 10] },
    outputs: { out: ['N', 16, 8] },
    paramCount: 64, // nn.Conv1d(1, 16, 3)
  },
  { name: 'a kernel longer than the input is refused', params: { kernel_size: 5 }, inputs: { in: ['N', 3, 4] }, errors: ['KERNEL_LARGER_THAN_INPUT'], errorPort: 'in' },
  { name: 'channels not divisible by groups', params: { groups: 2 }, inputs: { in: ['N', 3, 10] }, errors: ['NOT_DIVISIBLE'], errorPort: 'in' },
  { name: 'out_channels not divisible by groups', params: { out_channels: 5, groups: 2 }, inputs: { in: ['N', 4, 10] }, errors: ['NOT_DIVISIBLE'] },
  { name: 'an image [N, C, H, W] is refused by rank', inputs: { in: ['N', 3, 8, 8] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
  { name: 'a pair kernel_size is a bad param', params: { kernel_size: [3, 3] }, inputs: { in: ['N', 3, 10] }, errors: ['BAD_PARAM'] },
]);
