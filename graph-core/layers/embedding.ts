/**
 * A lookup table of learned vectors: integer id i becomes row i of the weight matrix.
 *
 *   out[…, :] = weight[in[…], :],   weight : [num_embeddings, embedding_dim] ~ N(0, 1)
 *
 * FLOPs: none (a gather). torch also zeroes the padding_idx row at initialisation and never updates it.
 *
 * PyTorch: torch.nn.Embedding · ONNX: Gather · Lecture: "Sequences (word embeddings)"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { changed } from './common/torch';

export const Embedding = defineLayer({
  kind: 'Embedding',
  category: 'sequence',
  doc: {
    summary:
      'Turns integer ids (words, characters, categories) into learned vectors: id i picks row i of a table. ' +
      'The input must be int64 ids in [0, num_embeddings); [N, T] becomes [N, T, embedding_dim].',
    formula: 'out[…] = W[in[…]],  W ∈ ℝ^{num_embeddings × embedding_dim};  params = num_embeddings·embedding_dim',
    torch: 'torch.nn.Embedding',
    onnx: 'Gather',
    lecture: 'Sequences (word embeddings)',
  },
  params: {
    num_embeddings: p.int({ default: 100, min: 1, doc: 'Size of the vocabulary: ids run from 0 to num_embeddings − 1.' }),
    embedding_dim: p.int({ default: 32, min: 1, doc: 'Length of each vector.' }),
    padding_idx: p.intOrNull({ default: null, doc: 'An id whose vector stays zero and is not trained (e.g. the padding token). Negative counts from the end.' }),
  },
  inputs: { in: { doc: 'Integer ids [N] or [N, T] (int64).', rank: [1, 3], layout: '[N] or [N, T] ids', dtype: 'int64' } },
  outputs: { out: { doc: '[…in, embedding_dim]' } },
  inferShape: ({ params: q, in: { in: x } }) => {
    const n = q.num_embeddings;
    if (q.padding_idx !== null && (q.padding_idx < -n || q.padding_idx >= n))
      return fail('BAD_PARAM', { param: 'padding_idx', problem: `must be between ${-n} and ${n - 1} (num_embeddings is ${n})` });
    return ok({ out: [...x!, q.embedding_dim] });
  },
  weights: ({ params: q }) => ({
    weight: {
      shape: [q.num_embeddings, q.embedding_dim],
      init: { normal: 1 },
      // torch zeroes the padding row at init and never sends it a gradient.
      ...(q.padding_idx !== null ? { frozenRows: [q.padding_idx < 0 ? q.padding_idx + q.num_embeddings : q.padding_idx] } : {}),
    },
  }),
  flops: () => 0,
  torch: ({ params: q }) => ({
    module: { fn: 'nn.Embedding', args: [q.num_embeddings, q.embedding_dim], kwargs: changed({ padding_idx: [q.padding_idx, null] }) },
  }),
  lower: ({ ir, x: { in: ids }, w: { weight } }) => ({ out: ir.gather(weight!, ids!, 0) }),
});
