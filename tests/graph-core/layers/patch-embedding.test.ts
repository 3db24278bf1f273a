import { describe, expect, it } from 'vitest';
import { layerCases, runCase } from '../../helpers/layer-cases';

// Parameter counts and shapes checked with PyTorch 1.13 on
//   proj = nn.Conv2d(C, D, p, stride=p);  out = proj(x).flatten(2).transpose(1, 2)
// written below as PE(C, p, D): sum(p.numel() for p in PE(...).parameters()).
layerCases('PatchEmbedding', [
  {
    name: 'defaults on MNIST: 7×7 patches give 16 tokens of 32',
    inputs: { in: ['N', 1, 28, 28] },
    outputs: { out: ['N', 16, 32] },
    paramCount: 1600, // PE(1, 7, 32)
    weights: { 'proj.weight': [32, 1, 7, 7], 'proj.bias': [32] },
    flops: 2 * 16 * 32 * 1 * 7 * 7,
  },
  {
    name: 'CIFAR with 4×4 patches',
    params: { patch_size: 4, embed_dim: 64 },
    inputs: { in: ['N', 3, 32, 32] },
    outputs: { out: ['N', 64, 64] },
    paramCount: 3136, // PE(3, 4, 64)
    weights: { 'proj.weight': [64, 3, 4, 4], 'proj.bias': [64] },
  },
  {
    name: 'ViT-B/16 on 224×224 gives 196 tokens',
    params: { patch_size: 16, embed_dim: 768 },
    inputs: { in: ['N', 3, 224, 224] },
    outputs: { out: ['N', 196, 768] },
    paramCount: 590592, // PE(3, 16, 768)
  },
  {
    name: 'non-square images: (12/4)·(8/4) = 6 tokens',
    params: { patch_size: 4, embed_dim: 10 },
    inputs: { in: ['N', 2, 12, 8] },
    outputs: { out: ['N', 6, 10] },
    paramCount: 330, // PE(2, 4, 10)
    weights: { 'proj.weight': [10, 2, 4, 4], 'proj.bias': [10] },
  },
  { name: 'height not divisible by patch_size', params: { patch_size: 5 }, inputs: { in: ['N', 1, 28, 25] }, errors: ['NOT_DIVISIBLE'], errorPort: 'in' },
  { name: 'width not divisible by patch_size', params: { patch_size: 4 }, inputs: { in: ['N', 3, 32, 30] }, errors: ['NOT_DIVISIBLE'], errorPort: 'in' },
  { name: 'a token sequence is refused by rank', inputs: { in: ['N', 16, 32] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
  { name: 'patch_size 0 is a bad param', params: { patch_size: 0 }, inputs: { in: ['N', 1, 28, 28] }, errors: ['BAD_PARAM'] },
]);

describe('PatchEmbedding', () => {
  it('initialises like Conv2d: U(±1/√(C·p·p))', () => {
    const g = runCase('PatchEmbedding', { name: 'init', params: { patch_size: 4 }, inputs: { in: ['N', 1, 8, 8] } });
    const weights = g.info.get('L')!.weights;
    expect(weights['proj.weight']!.init).toEqual({ uniform: 0.25 });
    expect(weights['proj.bias']!.init).toEqual({ uniform: 0.25 });
  });
  it('names the dimension that does not divide', () => {
    const g = runCase('PatchEmbedding', { name: 'msg', params: { patch_size: 4 }, inputs: { in: ['N', 3, 32, 30] } });
    expect(g.diagnostics.find((d) => d.code === 'NOT_DIVISIBLE')!.message).toBe('Image width (30) must be divisible by patch_size (4).');
  });
});
