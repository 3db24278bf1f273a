/**
 * The probe program reads intermediate node outputs of the user's own model in eval mode: checked against a
 * hand-computed Linear + ReLU, against the exported inference model run by onnxruntime-node, and for a
 * MultiheadAttention node, against attention weights that are probabilities per head.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildProbeStep, inferShapes, initWeights, IrError, parseDocument, probeOutputName, type GraphDoc } from '../../../graph-core';
import { encodeModel } from '../../../exporters/onnx/encode';
import { irToOnnx } from '../../../exporters/onnx/from-ir';
import { exportGraph } from '../../../exporters/export-graph';

const mlp = {
  format: 'layerloom.graph',
  version: 1,
  name: 'probe',
  nodes: [
    { id: 'x', kind: 'Input', params: { shape: [2] } },
    { id: 'fc1', kind: 'Linear', params: { out_features: 5 } },
    { id: 'a1', kind: 'ReLU' },
    { id: 'out', kind: 'Linear', params: { out_features: 3 } },
    { id: 'loss', kind: 'CrossEntropyLoss' },
  ],
  edges: [
    { id: 'e1', from: { node: 'x' }, to: { node: 'fc1' } },
    { id: 'e2', from: { node: 'fc1' }, to: { node: 'a1' } },
    { id: 'e3', from: { node: 'a1' }, to: { node: 'out' } },
    { id: 'e4', from: { node: 'out' }, to: { node: 'loss' } },
  ],
};

const attention = {
  format: 'layerloom.graph',
  version: 1,
  name: 'attn',
  nodes: [
    { id: 'tok', kind: 'Input', params: { shape: [4], dtype: 'int64' } },
    { id: 'emb', kind: 'Embedding', params: { num_embeddings: 10, embedding_dim: 8 } },
    { id: 'mha', kind: 'MultiheadAttention', params: { num_heads: 2 } },
    { id: 'pool', kind: 'Flatten' },
    { id: 'out', kind: 'Linear', params: { out_features: 2 } },
    { id: 'loss', kind: 'CrossEntropyLoss' },
  ],
  edges: [
    { id: 'e1', from: { node: 'tok' }, to: { node: 'emb' } },
    { id: 'e2', from: { node: 'emb' }, to: { node: 'mha', port: 'query' } },
    { id: 'e3', from: { node: 'mha', port: 'out' }, to: { node: 'pool' } },
    { id: 'e4', from: { node: 'pool' }, to: { node: 'out' } },
    { id: 'e5', from: { node: 'out' }, to: { node: 'loss' } },
  ],
};

function load(raw: object): GraphDoc {
  const r = parseDocument(JSON.stringify(raw));
  if (!r.doc) throw new Error(JSON.stringify(r.diagnostics));
  return r.doc;
}

/** Runs a probe on onnxruntime-node with the seeded initial weights; returns each probe output. */
async function runProbe(doc: GraphDoc, ports: { node: string; port: string }[], feeds: Record<string, ort.Tensor>) {
  const shaped = inferShapes(doc);
  const probe = buildProbeStep(shaped, ports);
  const bytes = encodeModel(irToOnnx(probe.graph, { name: 'probe', weights: new Map(), paramsAsInputs: true }));
  const session = await ort.InferenceSession.create(bytes);
  const weights = initWeights(shaped, 7);
  const all: Record<string, ort.Tensor> = { ...feeds };
  for (const p of probe.graph.params) all[p.name] = new ort.Tensor('float32', weights.get(p.name)!, p.spec.shape as number[]);
  const used = Object.fromEntries(session.inputNames.map((n) => [n, all[n]!]));
  const out = await session.run(used);
  await session.release();
  return { probe, weights, out };
}

describe('buildProbeStep', () => {
  const x = Float32Array.of(0.5, -1.25, 2, 0.75, -0.3, 0.1);

  it('returns an intermediate Linear output equal to x·Wᵀ + b and the ReLU after it', async () => {
    const doc = load(mlp);
    const { out, weights, probe } = await runProbe(doc, [{ node: 'fc1', port: 'out' }, { node: 'a1', port: 'out' }], { x: new ort.Tensor('float32', x, [3, 2]) });
    expect(probe.outputs.map((o) => o.name)).toEqual(['probe:fc1.out', 'probe:a1.out']);
    expect(probe.dataInputs.map((d) => d.name)).toEqual(['x']);
    const w = weights.get('fc1.weight')!;
    const b = weights.get('fc1.bias')!;
    const fc1 = out[probeOutputName({ node: 'fc1', port: 'out' })]!;
    expect(fc1.dims).toEqual([3, 5]);
    const got = fc1.data as Float32Array;
    const relu = out['probe:a1.out']!.data as Float32Array;
    for (let n = 0; n < 3; n++)
      for (let j = 0; j < 5; j++) {
        const want = x[n * 2]! * w[j * 2]! + x[n * 2 + 1]! * w[j * 2 + 1]! + b[j]!;
        expect(got[n * 5 + j]).toBeCloseTo(want, 5);
        expect(relu[n * 5 + j]).toBeCloseTo(Math.max(0, want), 5);
      }
  });

  it('reads the logits the exported inference model computes, without a target', async () => {
    const doc = load(mlp);
    const { out } = await runProbe(doc, [{ node: 'out', port: 'out' }], { x: new ort.Tensor('float32', x, [3, 2]) });
    const exported = exportGraph(doc, { seed: 7 });
    if (!exported.ok) throw new Error('export failed');
    const s = await ort.InferenceSession.create(exported.onnx);
    const ref = (await s.run({ x: new ort.Tensor('float32', x, [3, 2]) }))[s.outputNames[0]!]!.data as Float32Array;
    await s.release();
    const got = out['probe:out.out']!.data as Float32Array;
    expect(got.length).toBe(9);
    for (let i = 0; i < 9; i++) expect(got[i]).toBeCloseTo(ref[i]!, 5);
  });

  it('exposes MultiheadAttention weights [N, heads, Tq, Tk] whose rows are probabilities', async () => {
    const doc = load(attention);
    const tokens = BigInt64Array.from([1, 4, 4, 9, 0, 2, 3, 5].map(BigInt));
    const { out } = await runProbe(doc, [{ node: 'mha', port: 'weights' }], { tok: new ort.Tensor('int64', tokens, [2, 4]) });
    const t = out['probe:mha.weights']!;
    expect(t.dims).toEqual([2, 2, 4, 4]);
    const a = t.data as Float32Array;
    for (let row = 0; row < 16; row++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) {
        expect(a[row * 4 + k]).toBeGreaterThan(0);
        sum += a[row * 4 + k]!;
      }
      expect(sum).toBeCloseTo(1, 5);
    }
    // Tokens 2 and 3 of the first sample are the same id: with no positional signal their columns agree.
    for (let q = 0; q < 4; q++) expect(a[q * 4 + 1]).toBeCloseTo(a[q * 4 + 2]!, 6);
  });

  it('refuses a port that is not lowered (a loss) or does not exist', () => {
    const shaped = inferShapes(load(mlp));
    expect(() => buildProbeStep(shaped, [{ node: 'loss', port: 'out' }])).toThrow(IrError);
    expect(() => buildProbeStep(shaped, [{ node: 'fc1', port: 'nope' }])).toThrow(IrError);
    expect(() => buildProbeStep(shaped, [])).toThrow(IrError);
  });
});
