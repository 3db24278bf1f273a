import { layerCases } from '../../helpers/layer-cases';

// Parameter counts: sum(p.numel() for p in torch.nn.Embedding(...).parameters()); shapes checked with PyTorch 1.13.
layerCases('Embedding', [
  {
    name: 'defaults: token ids [N, 20] → [N, 20, 32]',
    inputs: { in: { shape: ['N', 20], dtype: 'int64' } },
    outputs: { out: ['N', 20, 32] },
    paramCount: 3200, // nn.Embedding(100, 32)
    weights: { weight: [100, 32] },
    flops: 0,
  },
  {
    name: 'one id per sample [N] → [N, 8]',
    params: { num_embeddings: 10, embedding_dim: 8 },
    inputs: { in: { shape: ['N'], dtype: 'int64' } },
    outputs: { out: ['N', 8] },
    paramCount: 80, // nn.Embedding(10, 8)
    weights: { weight: [10, 8] },
  },
  {
    name: 'rank-3 ids with a negative padding_idx',
    params: { num_embeddings: 1000, embedding_dim: 64, padding_idx: -1 },
    inputs: { in: { shape: ['N', 5, 3], dtype: 'int64' } },
    outputs: { out: ['N', 5, 3, 64] },
    paramCount: 64000, // nn.Embedding(1000, 64, padding_idx=-1)
    weights: { weight: [1000, 64] },
  },
  {
    name: 'padding_idx = −num_embeddings is allowed',
    params: { padding_idx: -100 },
    inputs: { in: { shape: ['N', 4], dtype: 'int64' } },
    outputs: { out: ['N', 4, 32] },
    paramCount: 3200, // nn.Embedding(100, 32, padding_idx=-100)
  },
  { name: 'float32 features are refused', inputs: { in: ['N', 20] }, errors: ['DTYPE_MISMATCH'], errorPort: 'in' },
  { name: 'padding_idx = num_embeddings is out of range', params: { padding_idx: 100 }, inputs: { in: { shape: ['N', 4], dtype: 'int64' } }, errors: ['BAD_PARAM'] },
  { name: 'padding_idx below −num_embeddings is out of range', params: { padding_idx: -101 }, inputs: { in: { shape: ['N', 4], dtype: 'int64' } }, errors: ['BAD_PARAM'] },
  { name: 'rank-4 ids are refused', inputs: { in: { shape: ['N', 2, 3, 4], dtype: 'int64' } }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
]);
