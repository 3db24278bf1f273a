import { layerCases } from '../../helpers/layer-cases';

// Parameter counts and output shapes checked with PyTorch 1.13:
// d = torch.nn.TransformerDecoderLayer(D, nhead, dim_feedforward=F, batch_first=True); sum(p.numel() for p in d.parameters());
// d(tgt, memory, tgt_mask=causal, tgt_key_padding_mask=…, memory_key_padding_mask=…).shape. Torch 1.13 has no `bias`
// argument: the bias=false count is computed by hand (8D² + 2DF + 3D) and equals
// sum(p.numel() for n, p in d.named_parameters() if not n.endswith('bias')) on 1.13.
layerCases('TransformerDecoderLayer', [
  {
    name: 'D=64, 4 heads, F=128; target T=7 attends to memory S=11',
    params: { dim_feedforward: 128 },
    inputs: { in: ['N', 7, 64], memory: ['N', 11, 64] },
    outputs: { out: ['N', 7, 64] },
    paramCount: 50240, // TransformerDecoderLayer(64, 4, dim_feedforward=128)
    weights: {
      'self_attn.in_proj_weight': [192, 64],
      'self_attn.in_proj_bias': [192],
      'self_attn.out_proj.weight': [64, 64],
      'self_attn.out_proj.bias': [64],
      'multihead_attn.in_proj_weight': [192, 64],
      'multihead_attn.in_proj_bias': [192],
      'multihead_attn.out_proj.weight': [64, 64],
      'multihead_attn.out_proj.bias': [64],
      'linear1.weight': [128, 64],
      'linear1.bias': [128],
      'linear2.weight': [64, 128],
      'linear2.bias': [64],
      'norm1.weight': [64],
      'norm1.bias': [64],
      'norm2.weight': [64],
      'norm2.bias': [64],
      'norm3.weight': [64],
      'norm3.bias': [64],
    },
  },
  {
    name: 'the default dim_feedforward=2048 on D=32',
    inputs: { in: ['N', 5, 32], memory: ['N', 5, 32] },
    outputs: { out: ['N', 5, 32] },
    paramCount: 141792, // TransformerDecoderLayer(32, 4)
  },
  {
    name: 'the base Transformer size with both padding masks',
    params: { nhead: 8 },
    inputs: {
      in: ['N', 20, 512],
      memory: ['N', 30, 512],
      tgt_key_padding_mask: { shape: ['N', 20], dtype: 'int64' },
      memory_key_padding_mask: ['N', 30],
    },
    outputs: { out: ['N', 20, 512] },
    paramCount: 4204032, // TransformerDecoderLayer(512, 8)
  },
  {
    name: 'pre-norm, GELU, not causal',
    params: { nhead: 6, dim_feedforward: 96, norm_first: true, activation: 'gelu', causal: false },
    inputs: { in: ['N', 4, 48], memory: ['N', 9, 48] },
    outputs: { out: ['N', 4, 48] },
    paramCount: 28464, // TransformerDecoderLayer(48, 6, dim_feedforward=96, norm_first=True, activation='gelu')
  },
  {
    name: 'bias=false drops every bias, LayerNorm biases included',
    params: { dim_feedforward: 128, bias: false },
    inputs: { in: ['N', 7, 64], memory: ['N', 11, 64] },
    outputs: { out: ['N', 7, 64] },
    paramCount: 49344, // by hand: 8·64² + 2·64·128 + 3·64 (torch ≥ 2.1 TransformerDecoderLayer(64, 4, 128, bias=False))
    weights: {
      'self_attn.in_proj_weight': [192, 64],
      'self_attn.out_proj.weight': [64, 64],
      'multihead_attn.in_proj_weight': [192, 64],
      'multihead_attn.out_proj.weight': [64, 64],
      'linear1.weight': [128, 64],
      'linear2.weight': [64, 128],
      'norm1.weight': [64],
      'norm2.weight': [64],
      'norm3.weight': [64],
    },
  },
  {
    name: 'FLOPs: self- and cross-attention, feed-forward, three Add & Norms',
    params: { nhead: 2, dim_feedforward: 32 },
    inputs: { in: ['N', 6, 16], memory: ['N', 4, 16] },
    outputs: { out: ['N', 6, 16] },
    paramCount: 3344, // TransformerDecoderLayer(16, 2, dim_feedforward=32)
    flops:
      4 * (2 * 6 * 16 * 16) + 2 * (2 * 6 * 6 * 16) + 3 * 2 * 6 * 6 + // self-attention
      2 * (2 * 6 * 16 * 16) + 2 * (2 * 4 * 16 * 16) + 2 * (2 * 6 * 4 * 16) + 3 * 2 * 6 * 4 + // cross-attention
      2 * (2 * 6 * 16 * 32) + 6 * 32 + // feed-forward
      3 * 8 * 6 * 16, // Add & Norm three times
  },
  {
    name: 'memory with a different feature size',
    inputs: { in: ['N', 7, 64], memory: ['N', 11, 32] },
    errors: ['SHAPE_MISMATCH'],
    errorPort: 'memory',
  },
  { name: 'D=30 cannot be split into 4 heads', inputs: { in: ['N', 7, 30], memory: ['N', 11, 30] }, errors: ['EMBED_DIM_NOT_DIVISIBLE_BY_HEADS'], errorPort: 'in' },
  {
    name: 'tgt_key_padding_mask must be [N, T]',
    inputs: { in: ['N', 7, 64], memory: ['N', 11, 64], tgt_key_padding_mask: ['N', 11] },
    errors: ['SHAPE_MISMATCH'],
    errorPort: 'tgt_key_padding_mask',
  },
  {
    name: 'memory_key_padding_mask must be [N, S]',
    inputs: { in: ['N', 7, 64], memory: ['N', 11, 64], memory_key_padding_mask: ['N', 7] },
    errors: ['SHAPE_MISMATCH'],
    errorPort: 'memory_key_padding_mask',
  },
  { name: 'memory is required', inputs: { in: ['N', 7, 64] }, errors: ['UNCONNECTED_INPUT'], errorPort: 'memory' },
]);
