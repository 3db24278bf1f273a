import { layerCases } from '../../helpers/layer-cases';

// CrossEntropyLoss has no parameters: sum(p.numel() for p in torch.nn.CrossEntropyLoss().parameters()) == 0.
// Torch puts the class dim second (input [N, C, T], target [N, T]); Layerloom's per-step form is [N, T, C]
// (torch: loss(x.permute(0, 2, 1), y).shape == torch.Size([])).
const ids = (...shape: ('N' | number)[]) => ({ shape, dtype: 'int64' as const });

layerCases('CrossEntropyLoss', [
  {
    name: 'logits [N, 10] with class ids [N]',
    inputs: { input: ['N', 10], target: ids('N') },
    outputs: { out: [] },
    paramCount: 0,
    weights: {},
    flops: 40,
  },
  { name: 'per time step [N, T, C] with [N, T]', inputs: { input: ['N', 12, 50], target: ids('N', 12) }, outputs: { out: [] }, flops: 4 * 600 },
  { name: 'an unconnected target uses the dataset labels', inputs: { input: ['N', 10] }, outputs: { out: [] }, paramCount: 0 },
  { name: 'label smoothing', params: { label_smoothing: 0.1 }, inputs: { input: ['N', 10], target: ids('N') }, outputs: { out: [] } },
  { name: 'a target shape that does not match', inputs: { input: ['N', 10], target: ids('N', 5) }, errors: ['SHAPE_MISMATCH'], errorPort: 'target' },
  { name: 'a per-sample target for per-step logits', inputs: { input: ['N', 12, 50], target: ids('N') }, errors: ['SHAPE_MISMATCH'], errorPort: 'target' },
  { name: 'a float target is refused', inputs: { input: ['N', 10], target: ['N'] }, errors: ['DTYPE_MISMATCH'], errorPort: 'target' },
  { name: 'logits [N] are refused by rank', inputs: { input: ['N'] }, errors: ['RANK_MISMATCH'], errorPort: 'input' },
  { name: 'label_smoothing above 1 is a bad param', params: { label_smoothing: 1.5 }, inputs: { input: ['N', 10] }, errors: ['BAD_PARAM'] },
]);
