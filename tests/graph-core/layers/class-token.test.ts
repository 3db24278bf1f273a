import { describe, expect, it } from 'vitest';
import { layerCases, runCase } from '../../helpers/layer-cases';

// torch has no module for this; counts and shapes checked with PyTorch 1.13 on
//   cls_token = nn.Parameter(torch.zeros(1, 1, D));  out = torch.cat([cls_token.expand(N, -1, -1), x], 1)
// written below as CT(D): sum(p.numel() for p in CT(D).parameters()).
layerCases('ClassToken', [
  {
    name: '16 patch tokens of 32 become 17',
    inputs: { in: ['N', 16, 32] },
    outputs: { out: ['N', 17, 32] },
    paramCount: 32, // CT(32)
    weights: { cls_token: [1, 1, 32] },
    flops: 0,
  },
  {
    name: 'ViT-B/16: 196 → 197 tokens of 768',
    inputs: { in: ['N', 196, 768] },
    outputs: { out: ['N', 197, 768] },
    paramCount: 768, // CT(768)
    weights: { cls_token: [1, 1, 768] },
  },
  {
    name: 'a single token',
    inputs: { in: ['N', 1, 5] },
    outputs: { out: ['N', 2, 5] },
    paramCount: 5, // CT(5)
    weights: { cls_token: [1, 1, 5] },
  },
  { name: 'an image must be patch-embedded first', inputs: { in: ['N', 1, 28, 28] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
  { name: 'token ids must be embedded first', inputs: { in: { shape: ['N', 16], dtype: 'int64' } }, errors: ['RANK_MISMATCH', 'DTYPE_MISMATCH'], errorPort: 'in' },
]);

describe('ClassToken initialisation', () => {
  it('draws the token from N(0, 0.02²), as ViT', () => {
    const g = runCase('ClassToken', { name: 'init', inputs: { in: ['N', 4, 8] } });
    expect(g.info.get('L')!.weights['cls_token']!.init).toEqual({ normal: 0.02 });
  });
});
