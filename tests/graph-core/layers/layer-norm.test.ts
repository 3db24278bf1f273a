import { layerCases } from '../../helpers/layer-cases';

// Parameter counts: sum(p.numel() for p in torch.nn.LayerNorm(normalized_shape=x.shape[-k:]).parameters()).
// Output shapes equal the input's, as torch.nn.LayerNorm(x.shape[-k:])(x).shape.
layerCases('LayerNorm', [
  {
    name: 'transformer tokens [N, T, 512] over the last dim',
    inputs: { in: ['N', 20, 512] },
    outputs: { out: ['N', 20, 512] },
    paramCount: 1024, // torch.nn.LayerNorm(512)
    bufferCount: 0,
    weights: { weight: [512], bias: [512] },
    flops: 7 * 20 * 512,
  },
  {
    name: 'normalized_dims=2 over [T, F]',
    params: { normalized_dims: 2 },
    inputs: { in: ['N', 10, 64] },
    outputs: { out: ['N', 10, 64] },
    paramCount: 1280, // torch.nn.LayerNorm([10, 64])
    weights: { weight: [10, 64], bias: [10, 64] },
  },
  {
    name: 'normalized_dims=3 over a whole image [C, H, W]',
    params: { normalized_dims: 3 },
    inputs: { in: ['N', 3, 8, 8] },
    outputs: { out: ['N', 3, 8, 8] },
    paramCount: 384, // torch.nn.LayerNorm([3, 8, 8])
    weights: { weight: [3, 8, 8], bias: [3, 8, 8] },
  },
  {
    name: 'elementwise_affine=False has no parameters',
    params: { elementwise_affine: false },
    inputs: { in: ['N', 512] },
    outputs: { out: ['N', 512] },
    paramCount: 0, // torch.nn.LayerNorm(512, elementwise_affine=False)
    weights: {},
    flops: 5 * 512,
  },
  {
    name: 'bias=False keeps only the weight',
    params: { bias: false },
    inputs: { in: ['N', 20, 512] },
    outputs: { out: ['N', 20, 512] },
    // torch >= 2.1: torch.nn.LayerNorm(512, bias=False); torch 1.13 has no bias arg, checked as torch.nn.LayerNorm(512).weight.numel()
    paramCount: 512,
    weights: { weight: [512] },
    flops: 6 * 20 * 512,
  },
  {
    name: 'normalized_dims larger than the non-batch rank is a bad param',
    params: { normalized_dims: 3 },
    inputs: { in: ['N', 10, 64] },
    errors: ['BAD_PARAM'],
  },
  { name: 'normalized_dims=0 is a bad param', params: { normalized_dims: 0 }, inputs: { in: ['N', 10] }, errors: ['BAD_PARAM'] },
  { name: 'a bare batch [N] is refused by rank', inputs: { in: ['N'] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
]);
