import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx, exportLayer } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { expectTorchMatches } from './torch-reference';

// The configurations of tests/graph-core/layers/patch-embedding.test.ts that the layer accepts.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs']; big?: true }[] = [
  { name: 'defaults on MNIST: 7×7 patches give 16 tokens of 32', params: {}, inputs: { in: ['N', 1, 28, 28] } },
  { name: 'CIFAR with 4×4 patches', params: { patch_size: 4, embed_dim: 64 }, inputs: { in: ['N', 3, 32, 32] } },
  { name: 'ViT-B/16 on 224×224 gives 196 tokens', params: { patch_size: 16, embed_dim: 768 }, inputs: { in: ['N', 3, 224, 224] }, big: true },
  { name: 'non-square images: (12/4)·(8/4) = 6 tokens', params: { patch_size: 4, embed_dim: 10 }, inputs: { in: ['N', 2, 12, 8] } },
];

describe('PatchEmbedding lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx('PatchEmbedding', c.params, c.inputs);
    });

  // The ViT-B/16 case is left out here: its 900k values would make the JSON round trip slow.
  it('matches nn.Conv2d(C, D, p, stride=p) then .flatten(2).transpose(1, 2)', () => {
    expectTorchMatches(
      'patch_embedding',
      CASES.filter((c) => !c.big).map((c) => ({ params: c.params, ex: exportLayer('PatchEmbedding', c.params, c.inputs) })),
    );
  });
});
