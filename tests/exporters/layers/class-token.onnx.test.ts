import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx, exportLayer } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { expectTorchMatches } from './torch-reference';

// The configurations of tests/graph-core/layers/class-token.test.ts that the layer accepts.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: '16 patch tokens of 32 become 17', params: {}, inputs: { in: ['N', 16, 32] } },
  { name: 'ViT-B/16: 196 → 197 tokens of 768', params: {}, inputs: { in: ['N', 196, 768] } },
  { name: 'a single token', params: {}, inputs: { in: ['N', 1, 5] } },
];

describe('ClassToken lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx('ClassToken', c.params, c.inputs);
    });

  it('matches torch.cat([cls_token.expand(N, -1, -1), x], 1)', () => {
    expectTorchMatches(
      'class_token',
      CASES.map((c) => ({ params: c.params, ex: exportLayer('ClassToken', c.params, c.inputs) })),
    );
  });
});
