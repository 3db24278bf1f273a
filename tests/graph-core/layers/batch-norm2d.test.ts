import { layerCases } from '../../helpers/layer-cases';

// Parameter counts: sum(p.numel() for p in m.parameters()); buffer counts: running_mean + running_var
// (the state dict also holds num_batches_tracked, a scalar int64 not counted here)
// (num_batches_tracked left out). Output shapes equal the input's, as torch.nn.BatchNorm2d(C)(x).shape.
layerCases('BatchNorm2d', [
  {
    name: 'after a ResNet conv: [N, 64, 32, 32]',
    inputs: { in: ['N', 64, 32, 32] },
    outputs: { out: ['N', 64, 32, 32] },
    paramCount: 128, // torch.nn.BatchNorm2d(64)
    bufferCount: 128,
    weights: { weight: [64], bias: [64], running_mean: [64], running_var: [64], num_batches_tracked: [] },
    flops: 2 * 64 * 32 * 32,
  },
  {
    name: 'LeNet-sized [N, 6, 28, 28]',
    inputs: { in: ['N', 6, 28, 28] },
    outputs: { out: ['N', 6, 28, 28] },
    paramCount: 12, // torch.nn.BatchNorm2d(6)
    bufferCount: 12,
    weights: { weight: [6], bias: [6], running_mean: [6], running_var: [6], num_batches_tracked: [] },
  },
  {
    name: 'affine=False keeps only the running statistics',
    params: { affine: false },
    inputs: { in: ['N', 3, 8, 8] },
    outputs: { out: ['N', 3, 8, 8] },
    paramCount: 0, // torch.nn.BatchNorm2d(3, affine=False)
    bufferCount: 6,
    weights: { running_mean: [3], running_var: [3], num_batches_tracked: [] },
  },
  {
    name: 'track_running_stats=False keeps only weight and bias',
    params: { track_running_stats: false },
    inputs: { in: ['N', 3, 5, 7] },
    outputs: { out: ['N', 3, 5, 7] },
    paramCount: 6, // torch.nn.BatchNorm2d(3, track_running_stats=False)
    bufferCount: 0,
    weights: { weight: [3], bias: [3] },
  },
  { name: 'features [N, 64] are refused by rank', inputs: { in: ['N', 64] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
  { name: 'negative momentum is a bad param', params: { momentum: -0.1 }, inputs: { in: ['N', 3, 8, 8] }, errors: ['BAD_PARAM'] },
]);
