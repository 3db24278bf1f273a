import { layerCases } from '../../helpers/layer-cases';

// Parameter counts: sum(p.numel() for p in m.parameters()); buffer counts: running_mean + running_var
// (the state dict also holds num_batches_tracked, a scalar int64 not counted here)
// (num_batches_tracked left out). Shapes checked against torch (BatchNorm1d keeps [N, C] and [N, C, L]).
layerCases('BatchNorm1d', [
  {
    name: 'features [N, 16]',
    inputs: { in: ['N', 16] },
    outputs: { out: ['N', 16] },
    paramCount: 32, // torch.nn.BatchNorm1d(16)
    bufferCount: 32,
    weights: { weight: [16], bias: [16], running_mean: [16], running_var: [16], num_batches_tracked: [] },
    flops: 2 * 16,
  },
  {
    name: 'sequences [N, C, L] = [N, 16, 100]',
    inputs: { in: ['N', 16, 100] },
    outputs: { out: ['N', 16, 100] },
    paramCount: 32, // torch.nn.BatchNorm1d(16)
    bufferCount: 32,
    flops: 2 * 1600,
  },
  {
    name: 'affine=False keeps only the running statistics',
    params: { affine: false },
    inputs: { in: ['N', 16] },
    outputs: { out: ['N', 16] },
    paramCount: 0, // torch.nn.BatchNorm1d(16, affine=False)
    bufferCount: 32,
    weights: { running_mean: [16], running_var: [16], num_batches_tracked: [] },
  },
  {
    name: 'track_running_stats=False keeps only weight and bias',
    params: { track_running_stats: false, momentum: 0.01, eps: 1e-3 },
    inputs: { in: ['N', 8, 20] },
    outputs: { out: ['N', 8, 20] },
    paramCount: 16, // torch.nn.BatchNorm1d(8, track_running_stats=False)
    bufferCount: 0,
    weights: { weight: [8], bias: [8] },
  },
  {
    name: 'neither affine nor running statistics: no state at all',
    params: { affine: false, track_running_stats: false },
    inputs: { in: ['N', 32] },
    outputs: { out: ['N', 32] },
    paramCount: 0, // torch.nn.BatchNorm1d(32, affine=False, track_running_stats=False)
    bufferCount: 0,
    weights: {},
  },
  { name: 'an image [N, C, H, W] is refused by rank', inputs: { in: ['N', 3, 8, 8] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
  { name: 'momentum above 1 is a bad param', params: { momentum: 1.5 }, inputs: { in: ['N', 16] }, errors: ['BAD_PARAM'] },
  { name: 'eps must be positive', params: { eps: 0 }, inputs: { in: ['N', 16] }, errors: ['BAD_PARAM'] },
]);
