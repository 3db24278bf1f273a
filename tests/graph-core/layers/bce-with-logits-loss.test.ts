import { layerCases } from '../../helpers/layer-cases';

// torch.nn.BCEWithLogitsLoss()(x, y).shape == torch.Size([]); no parameters
// (sum(p.numel() for p in torch.nn.BCEWithLogitsLoss().parameters()) == 0). Torch raises ValueError when
// target.size() != input.size(), which Layerloom reports as SHAPE_MISMATCH.
layerCases('BCEWithLogitsLoss', [
  {
    name: 'a GAN discriminator score [N, 1] against [N, 1]',
    inputs: { input: ['N', 1], target: ['N', 1] },
    outputs: { out: [] },
    paramCount: 0,
    weights: {},
    flops: 6,
  },
  { name: 'multi-label [N, 10] with the dataset target', inputs: { input: ['N', 10] }, outputs: { out: [] }, paramCount: 0, flops: 60 },
  {
    name: 'segmentation mask [N, 1, 16, 16]',
    inputs: { input: ['N', 1, 16, 16], target: ['N', 1, 16, 16] },
    outputs: { out: [] },
    paramCount: 0,
    flops: 6 * 256,
  },
  { name: 'a target of another shape is refused', inputs: { input: ['N', 10], target: ['N', 1] }, errors: ['SHAPE_MISMATCH'], errorPort: 'target' },
  {
    name: 'int64 class ids as target are refused',
    inputs: { input: ['N', 1], target: { shape: ['N', 1], dtype: 'int64' } },
    errors: ['DTYPE_MISMATCH'],
    errorPort: 'target',
  },
]);
