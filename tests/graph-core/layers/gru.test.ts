import { describe, expect, it } from 'vitest';
import { layerCases, runCase } from '../../helpers/layer-cases';

// Parameter counts: sum(p.numel() for p in torch.nn.GRU(F, ...).parameters()), checked with PyTorch 1.13.
// Output shapes checked against torch.nn.GRU(F, ..., batch_first=True): out, h_n.transpose(0, 1), and
// last = h_n[-1] (torch.cat([h_n[-2], h_n[-1]], 1) when bidirectional).
layerCases('GRU', [
  {
    name: 'defaults: one layer of 32 units, 3 gates',
    inputs: { in: ['N', 5, 10] },
    outputs: { out: ['N', 5, 32], last: ['N', 32], h_n: ['N', 1, 32] },
    paramCount: 4224, // nn.GRU(10, 32)
    weights: { weight_ih_l0: [96, 10], weight_hh_l0: [96, 32], bias_ih_l0: [96], bias_hh_l0: [96] },
    flops: 5 * (2 * 96 * (10 + 32) + 2 * 96 + 9 * 32),
  },
  {
    name: 'two layers: layer 1 reads the hidden size',
    params: { hidden_size: 20, num_layers: 2, dropout: 0.1 },
    inputs: { in: ['N', 6, 8] },
    outputs: { out: ['N', 6, 20], last: ['N', 20], h_n: ['N', 2, 20] },
    paramCount: 4320, // nn.GRU(8, 20, num_layers=2, dropout=0.1)
    weights: {
      weight_ih_l0: [60, 8], weight_hh_l0: [60, 20], bias_ih_l0: [60], bias_hh_l0: [60],
      weight_ih_l1: [60, 20], weight_hh_l1: [60, 20], bias_ih_l1: [60], bias_hh_l1: [60],
    },
  },
  {
    name: 'bidirectional doubles the output size and adds _reverse weights',
    params: { hidden_size: 16, bidirectional: true },
    inputs: { in: ['N', 7, 8] },
    outputs: { out: ['N', 7, 32], last: ['N', 32], h_n: ['N', 2, 16] },
    paramCount: 2496, // nn.GRU(8, 16, bidirectional=True)
    weights: {
      weight_ih_l0: [48, 8], weight_hh_l0: [48, 16], bias_ih_l0: [48], bias_hh_l0: [48],
      weight_ih_l0_reverse: [48, 8], weight_hh_l0_reverse: [48, 16], bias_ih_l0_reverse: [48], bias_hh_l0_reverse: [48],
    },
  },
  {
    name: 'two bidirectional layers: layer 1 reads 2·H',
    params: { hidden_size: 16, num_layers: 2, bidirectional: true },
    inputs: { in: ['N', 7, 8] },
    outputs: { out: ['N', 7, 32], last: ['N', 32], h_n: ['N', 4, 16] },
    paramCount: 7296, // nn.GRU(8, 16, num_layers=2, bidirectional=True)
    weights: {
      weight_ih_l0: [48, 8], weight_hh_l0: [48, 16], bias_ih_l0: [48], bias_hh_l0: [48],
      weight_ih_l0_reverse: [48, 8], weight_hh_l0_reverse: [48, 16], bias_ih_l0_reverse: [48], bias_hh_l0_reverse: [48],
      weight_ih_l1: [48, 32], weight_hh_l1: [48, 16], bias_ih_l1: [48], bias_hh_l1: [48],
      weight_ih_l1_reverse: [48, 32], weight_hh_l1_reverse: [48, 16], bias_ih_l1_reverse: [48], bias_hh_l1_reverse: [48],
    },
  },
  {
    name: 'bias=False keeps only the weight matrices',
    params: { hidden_size: 24, bias: false },
    inputs: { in: ['N', 3, 12] },
    outputs: { out: ['N', 3, 24], last: ['N', 24], h_n: ['N', 1, 24] },
    paramCount: 2592, // nn.GRU(12, 24, bias=False)
    weights: { weight_ih_l0: [72, 12], weight_hh_l0: [72, 24] },
  },
  {
    name: 'three bidirectional layers without bias',
    params: { hidden_size: 8, num_layers: 3, bidirectional: true, bias: false },
    inputs: { in: ['N', 9, 4] },
    outputs: { out: ['N', 9, 16], last: ['N', 16], h_n: ['N', 6, 8] },
    paramCount: 2880, // nn.GRU(4, 8, num_layers=3, bidirectional=True, bias=False)
  },
  {
    name: 'MNIST rows as a sequence: 28 steps of 28 pixels, 64 units',
    params: { hidden_size: 64 },
    inputs: { in: ['N', 28, 28] },
    outputs: { out: ['N', 28, 64], last: ['N', 64], h_n: ['N', 1, 64] },
    paramCount: 18048, // nn.GRU(28, 64)
  },
  { name: 'a [N, F] input is refused by rank', inputs: { in: ['N', 10] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
  { name: 'token ids must be embedded first', inputs: { in: { shape: ['N', 5, 10], dtype: 'int64' } }, errors: ['DTYPE_MISMATCH'], errorPort: 'in' },
  { name: 'negative dropout is a bad param', params: { dropout: -0.1 }, inputs: { in: ['N', 5, 10] }, errors: ['BAD_PARAM'] },
]);

describe('GRU initialisation', () => {
  it('uses U(±1/√hidden_size) for every tensor, as torch', () => {
    const g = runCase('GRU', { name: 'init', params: { hidden_size: 4 }, inputs: { in: ['N', 4, 3] } });
    const weights = g.info.get('L')!.weights;
    expect(Object.keys(weights)).toHaveLength(4);
    for (const w of Object.values(weights)) expect(w.init).toEqual({ uniform: 0.5 });
  });
});
