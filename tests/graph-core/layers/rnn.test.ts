import { describe, expect, it } from 'vitest';
import { layerCases, runCase } from '../../helpers/layer-cases';

// Parameter counts: sum(p.numel() for p in torch.nn.RNN(F, ...).parameters()), checked with PyTorch 1.13.
// Output shapes checked against torch.nn.RNN(F, ..., batch_first=True): out, h_n.transpose(0, 1), and
// last = h_n[-1] (torch.cat([h_n[-2], h_n[-1]], 1) when bidirectional).
layerCases('RNN', [
  {
    name: 'defaults: one tanh layer of 32 units',
    inputs: { in: ['N', 5, 10] },
    outputs: { out: ['N', 5, 32], last: ['N', 32], h_n: ['N', 1, 32] },
    paramCount: 1408, // nn.RNN(10, 32)
    weights: { weight_ih_l0: [32, 10], weight_hh_l0: [32, 32], bias_ih_l0: [32], bias_hh_l0: [32] },
    flops: 5 * (2 * 32 * (10 + 32) + 2 * 32 + 32),
  },
  {
    name: 'two layers: layer 1 reads the hidden size',
    params: { hidden_size: 20, num_layers: 2, dropout: 0.1 },
    inputs: { in: ['N', 6, 8] },
    outputs: { out: ['N', 6, 20], last: ['N', 20], h_n: ['N', 2, 20] },
    paramCount: 1440, // nn.RNN(8, 20, num_layers=2, dropout=0.1)
    weights: {
      weight_ih_l0: [20, 8], weight_hh_l0: [20, 20], bias_ih_l0: [20], bias_hh_l0: [20],
      weight_ih_l1: [20, 20], weight_hh_l1: [20, 20], bias_ih_l1: [20], bias_hh_l1: [20],
    },
  },
  {
    name: 'bidirectional doubles the output size and adds _reverse weights',
    params: { hidden_size: 16, bidirectional: true },
    inputs: { in: ['N', 7, 8] },
    outputs: { out: ['N', 7, 32], last: ['N', 32], h_n: ['N', 2, 16] },
    paramCount: 832, // nn.RNN(8, 16, bidirectional=True)
    weights: {
      weight_ih_l0: [16, 8], weight_hh_l0: [16, 16], bias_ih_l0: [16], bias_hh_l0: [16],
      weight_ih_l0_reverse: [16, 8], weight_hh_l0_reverse: [16, 16], bias_ih_l0_reverse: [16], bias_hh_l0_reverse: [16],
    },
  },
  {
    name: 'two bidirectional layers: layer 1 reads 2·H',
    params: { hidden_size: 16, num_layers: 2, bidirectional: true },
    inputs: { in: ['N', 7, 8] },
    outputs: { out: ['N', 7, 32], last: ['N', 32], h_n: ['N', 4, 16] },
    paramCount: 2432, // nn.RNN(8, 16, num_layers=2, bidirectional=True)
    weights: {
      weight_ih_l0: [16, 8], weight_hh_l0: [16, 16], bias_ih_l0: [16], bias_hh_l0: [16],
      weight_ih_l0_reverse: [16, 8], weight_hh_l0_reverse: [16, 16], bias_ih_l0_reverse: [16], bias_hh_l0_reverse: [16],
      weight_ih_l1: [16, 32], weight_hh_l1: [16, 16], bias_ih_l1: [16], bias_hh_l1: [16],
      weight_ih_l1_reverse: [16, 32], weight_hh_l1_reverse: [16, 16], bias_ih_l1_reverse: [16], bias_hh_l1_reverse: [16],
    },
  },
  {
    name: 'bias=False keeps only the weight matrices',
    params: { hidden_size: 24, bias: false },
    inputs: { in: ['N', 3, 12] },
    outputs: { out: ['N', 3, 24], last: ['N', 24], h_n: ['N', 1, 24] },
    paramCount: 864, // nn.RNN(12, 24, bias=False)
    weights: { weight_ih_l0: [24, 12], weight_hh_l0: [24, 24] },
    flops: 3 * (2 * 24 * (12 + 24) + 24),
  },
  {
    name: 'three bidirectional layers without bias',
    params: { hidden_size: 8, num_layers: 3, bidirectional: true, bias: false },
    inputs: { in: ['N', 9, 4] },
    outputs: { out: ['N', 9, 16], last: ['N', 16], h_n: ['N', 6, 8] },
    paramCount: 960, // nn.RNN(4, 8, num_layers=3, bidirectional=True, bias=False)
  },
  {
    name: 'relu nonlinearity and dropout with one layer are accepted (torch only warns)',
    params: { nonlinearity: 'relu', dropout: 0.5 },
    inputs: { in: ['N', 5, 10] },
    outputs: { out: ['N', 5, 32], last: ['N', 32], h_n: ['N', 1, 32] },
    paramCount: 1408, // nn.RNN(10, 32, nonlinearity='relu', dropout=0.5)
  },
  { name: 'a [N, F] input is refused by rank', inputs: { in: ['N', 10] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
  { name: 'token ids must be embedded first', inputs: { in: { shape: ['N', 5, 10], dtype: 'int64' } }, errors: ['DTYPE_MISMATCH'], errorPort: 'in' },
  { name: 'hidden_size 0 is a bad param', params: { hidden_size: 0 }, inputs: { in: ['N', 5, 10] }, errors: ['BAD_PARAM'] },
  { name: 'an unknown nonlinearity is a bad param', params: { nonlinearity: 'sigmoid' }, inputs: { in: ['N', 5, 10] }, errors: ['BAD_PARAM'] },
  { name: 'dropout above 1 is a bad param', params: { dropout: 1.5 }, inputs: { in: ['N', 5, 10] }, errors: ['BAD_PARAM'] },
]);

describe('RNN initialisation', () => {
  it('uses U(±1/√hidden_size) for every tensor, as torch', () => {
    const g = runCase('RNN', { name: 'init', params: { hidden_size: 16, num_layers: 2 }, inputs: { in: ['N', 4, 3] } });
    const weights = g.info.get('L')!.weights;
    expect(Object.keys(weights)).toHaveLength(8);
    for (const w of Object.values(weights)) expect(w.init).toEqual({ uniform: 0.25 });
  });
});
