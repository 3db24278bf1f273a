/**
 * The student's encoder block built from parts (MultiheadAttention → ResidualLayerNorm → feed-forward →
 * ResidualLayerNorm), repeated twice, computes exactly what a Block of two TransformerEncoderLayers computes
 * with the same weights (TransformerEncoderLayer itself is checked against PyTorch in encoder-torch.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { evaluateIr, inferShapes, initWeights, lowerLayers, type GraphDoc, type Tensor } from '../../../graph-core';
import { randTensor } from '../../helpers/op-check';
import { e, encoderDoc, n } from './fixtures';

const D = 16;
const F = 32;

function partsDoc(): GraphDoc {
  const body = {
    nodes: [
      n('in', 'BlockInput'),
      n('mha', 'MultiheadAttention', { num_heads: 2 }),
      n('rln1', 'ResidualLayerNorm'),
      n('lin1', 'Linear', { out_features: F }),
      n('act', 'ReLU'),
      n('lin2', 'Linear', { out_features: D }),
      n('rln2', 'ResidualLayerNorm'),
      n('out', 'BlockOutput'),
    ],
    edges: [
      e('a', 'in', 'mha:query'),
      e('b', 'in', 'rln1:in'),
      e('c', 'mha:out', 'rln1:sublayer'),
      e('d', 'rln1', 'lin1'),
      e('f', 'lin1', 'act'),
      e('g', 'act', 'lin2'),
      e('h', 'rln1', 'rln2:in'),
      e('i', 'lin2', 'rln2:sublayer'),
      e('j', 'rln2', 'out'),
    ],
  };
  return {
    format: 'layerloom.graph',
    version: 2,
    name: 'parts',
    nodes: [n('x', 'Input', { shape: [5, D] }), n('enc', 'Block', { repeat: 2 }, { body })],
    edges: [e('e1', 'x', 'enc')],
  };
}

/** The parts' weight name for a TransformerEncoderLayer weight of copy k. */
const RENAME: [RegExp, string][] = [
  [/^enc\.(\d)\.tel\.self_attn\./, 'enc.$1.mha.'],
  [/^enc\.(\d)\.tel\.linear1\./, 'enc.$1.lin1.'],
  [/^enc\.(\d)\.tel\.linear2\./, 'enc.$1.lin2.'],
  [/^enc\.(\d)\.tel\.norm1\./, 'enc.$1.rln1.'],
  [/^enc\.(\d)\.tel\.norm2\./, 'enc.$1.rln2.'],
];
const rename = (name: string) => RENAME.reduce((s, [re, to]) => s.replace(re, to), name);

describe('an encoder block from parts', () => {
  it('has the parameters of a TransformerEncoderLayer block and computes the same outputs with the same weights', () => {
    const parts = inferShapes(partsDoc());
    const layer = inferShapes(encoderDoc({ repeat: 2, d: D, ff: F, nhead: 2 }));
    expect(parts.diagnostics).toEqual([]);
    expect(parts.totalParams).toBe(layer.totalParams);
    expect(parts.blockInfo.get('enc')!.paramsPerCopy).toBe(4 * D * D + 2 * D * F + 9 * D + F);

    const w = initWeights(layer, 4);
    const wp = initWeights(parts, 0);
    expect([...w.keys()].map(rename).sort()).toEqual([...wp.keys()].sort());
    const asTensors = (m: ReadonlyMap<string, Float32Array>, g: typeof layer, name = (s: string) => s) => {
      const out: Record<string, Tensor> = {};
      const shapes = new Map<string, readonly number[]>();
      for (const id of g.order) for (const [k, s] of Object.entries(g.info.get(id)?.weights ?? {})) shapes.set(`${id}.${k}`, s.shape);
      for (const [k, v] of m) out[name(k)] = { shape: shapes.get(k)!, dtype: 'float32', data: v } as Tensor;
      return out;
    };
    const x = randTensor([3, 5, D], 9);
    const yLayer = evaluateIr(lowerLayers(layer, { mode: 'eval' }).ir, { x }, asTensors(w, layer)).enc!;
    const yParts = evaluateIr(lowerLayers(parts, { mode: 'eval' }).ir, { x }, asTensors(w, layer, rename)).enc!;
    expect(yParts.shape).toEqual([3, 5, D]);
    let worst = 0;
    yParts.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(Number(v) - Number(yLayer.data[i])))));
    expect(worst).toBeLessThan(1e-5);
  });
});
