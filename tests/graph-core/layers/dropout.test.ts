import { layerCases } from '../../helpers/layer-cases';

// No parameters: sum(p.numel() for p in torch.nn.Dropout(1.0).parameters()) == 0.
// torch.nn.Dropout(1.5) raises "dropout probability has to be between 0 and 1".
layerCases('Dropout', [
  { name: 'default p=0.5 on [N, 128]', inputs: { in: ['N', 128] }, outputs: { out: ['N', 128] }, paramCount: 0, weights: {}, flops: 128 },
  { name: 'p=0.1 on a sequence', params: { p: 0.1 }, inputs: { in: ['N', 10, 32] }, outputs: { out: ['N', 10, 32] }, paramCount: 0, flops: 320 },
  { name: 'p=1 is allowed, as in torch', params: { p: 1 }, inputs: { in: ['N', 3, 4, 5] }, outputs: { out: ['N', 3, 4, 5] }, paramCount: 0, flops: 60 },
  { name: 'p=0 is allowed', params: { p: 0 }, inputs: { in: ['N', 4] }, outputs: { out: ['N', 4] }, paramCount: 0 },
  { name: 'p above 1 is a bad param', params: { p: 1.5 }, inputs: { in: ['N', 10] }, errors: ['BAD_PARAM'] },
  { name: 'negative p is a bad param', params: { p: -0.1 }, inputs: { in: ['N', 10] }, errors: ['BAD_PARAM'] },
  { name: 'int64 input is refused', inputs: { in: { shape: ['N', 4], dtype: 'int64' } }, errors: ['DTYPE_MISMATCH'], errorPort: 'in' },
]);
