import { layerCases } from '../../helpers/layer-cases';

// torch.nn.MSELoss()(x, y).shape == torch.Size([]) for every case below; MSELoss has no parameters
// (sum(p.numel() for p in torch.nn.MSELoss().parameters()) == 0).
layerCases('MSELoss', [
  {
    name: 'regression [N, 1] against [N, 1]',
    inputs: { input: ['N', 1], target: ['N', 1] },
    outputs: { out: [] },
    paramCount: 0,
    weights: {},
    flops: 3,
  },
  {
    name: 'autoencoder reconstruction [N, 3, 32, 32] with the dataset target',
    inputs: { input: ['N', 3, 32, 32] },
    outputs: { out: [] },
    paramCount: 0,
    flops: 3 * 3 * 32 * 32,
  },
  { name: 'rank-1 [N] against [N]', inputs: { input: ['N'], target: ['N'] }, outputs: { out: [] }, paramCount: 0, flops: 3 },
  { name: 'a target of another shape is refused', inputs: { input: ['N', 10], target: ['N', 1] }, errors: ['SHAPE_MISMATCH'], errorPort: 'target' },
  { name: 'a target of another rank is refused', inputs: { input: ['N', 4, 4], target: ['N', 16] }, errors: ['SHAPE_MISMATCH'], errorPort: 'target' },
  {
    name: 'an int64 target is refused',
    inputs: { input: ['N', 10], target: { shape: ['N', 10], dtype: 'int64' } },
    errors: ['DTYPE_MISMATCH'],
    errorPort: 'target',
  },
  { name: 'int64 predictions are refused', inputs: { input: { shape: ['N', 10], dtype: 'int64' } }, errors: ['DTYPE_MISMATCH'], errorPort: 'input' },
]);
