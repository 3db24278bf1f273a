import { describe, expect, it } from 'vitest';
import { layerCases, runCase } from '../../helpers/layer-cases';

// Not a torch.nn class. Learned counts equal a [max_len, D] nn.Parameter, e.g.
// sum(p.numel() for p in torch.nn.Embedding(512, 64).parameters()) == 32768 (checked with PyTorch 1.13).
layerCases('PositionalEncoding', [
  {
    name: 'sinusoidal keeps the shape and has no weights',
    inputs: { in: ['N', 10, 16] },
    outputs: { out: ['N', 10, 16] },
    paramCount: 0,
    weights: {},
    flops: 10 * 16,
  },
  {
    name: 'learned: one vector per position up to max_len',
    params: { encoding: 'learned' },
    inputs: { in: ['N', 50, 64] },
    outputs: { out: ['N', 50, 64] },
    paramCount: 32768, // nn.Parameter(torch.zeros(512, 64)).numel()
    weights: { weight: [512, 64] },
  },
  {
    name: 'learned accepts an odd feature size',
    params: { encoding: 'learned', max_len: 16 },
    inputs: { in: ['N', 16, 7] },
    outputs: { out: ['N', 16, 7] },
    paramCount: 112, // nn.Parameter(torch.zeros(16, 7)).numel()
    weights: { weight: [16, 7] },
  },
  {
    name: 'the lecture base 1000 with T = max_len',
    params: { base: 1000, max_len: 10 },
    inputs: { in: ['N', 10, 4] },
    outputs: { out: ['N', 10, 4] },
    paramCount: 0,
  },
  { name: 'a sequence longer than max_len', params: { max_len: 10 }, inputs: { in: ['N', 20, 16] }, errors: ['BAD_PARAM'] },
  { name: 'sinusoidal needs an even feature size', inputs: { in: ['N', 10, 7] }, errors: ['NOT_DIVISIBLE'], errorPort: 'in' },
  { name: 'base 1 is a bad param', params: { base: 1 }, inputs: { in: ['N', 10, 16] }, errors: ['BAD_PARAM'] },
  { name: 'a [N, F] input is refused by rank', inputs: { in: ['N', 16] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
]);

describe('PositionalEncoding', () => {
  it('explains a too-long sequence in terms of max_len', () => {
    const g = runCase('PositionalEncoding', { name: '', params: { max_len: 10 }, inputs: { in: ['N', 20, 16] } });
    const d = g.diagnostics.find((x) => x.code === 'BAD_PARAM')!;
    expect(d.message).toContain('"max_len"');
    expect(d.message).toContain('T = 20');
  });
  it('initialises learned positions from N(0, 0.02²)', () => {
    const g = runCase('PositionalEncoding', { name: '', params: { encoding: 'learned' }, inputs: { in: ['N', 8, 16] } });
    expect(g.info.get('L')!.weights['weight']!.init).toEqual({ normal: 0.02 });
  });
});
