import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx, exportLayer } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { expectTorchMatches } from './torch-reference';

// The configurations of tests/graph-core/layers/embedding.test.ts that the layer accepts; ids are drawn from the whole vocabulary.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs']; vocab: number }[] = [
  { name: 'defaults: token ids [N, 20] → [N, 20, 32]', params: {}, inputs: { in: { shape: ['N', 20], dtype: 'int64' } }, vocab: 100 },
  { name: 'one id per sample [N] → [N, 8]', params: { num_embeddings: 10, embedding_dim: 8 }, inputs: { in: { shape: ['N'], dtype: 'int64' } }, vocab: 10 },
  { name: 'rank-3 ids with a negative padding_idx', params: { num_embeddings: 1000, embedding_dim: 64, padding_idx: -1 }, inputs: { in: { shape: ['N', 5, 3], dtype: 'int64' } }, vocab: 1000 },
  { name: 'padding_idx = −num_embeddings is allowed', params: { padding_idx: -100 }, inputs: { in: { shape: ['N', 4], dtype: 'int64' } }, vocab: 100 },
];

describe('Embedding lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx('Embedding', c.params, c.inputs, { intHigh: c.vocab });
    });

  it('matches torch.nn.Embedding', () => {
    expectTorchMatches(
      'embedding',
      CASES.map((c) => ({ params: c.params, ex: exportLayer('Embedding', c.params, c.inputs, 1, c.vocab) })),
    );
  });
});
