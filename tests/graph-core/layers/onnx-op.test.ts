import { describe, expect, it } from 'vitest';
import { buildTrainStep, inferShapes, type GraphDoc } from '../../../graph-core';
import { onnxOpTrainingBlockers } from '../../../graph-core/layers/onnx-op';
import { exportGraph } from '../../../exporters/export-graph';
import { decodeModel } from '../../../exporters/onnx/decode';
import { createNodeRunner } from '../../../runtime/onnx/node-session';
import { graphAround, layerCases } from '../../helpers/layer-cases';

const j = (v: unknown) => JSON.stringify(v);

// Shapes follow the ONNX operator definitions (onnx.ai/onnx/operators).
layerCases('OnnxOp', [
  { name: 'the default passes its input through (Identity)', inputs: { in: ['N', 3] }, outputs: { out: ['N', 3] }, paramCount: 0, weights: {} },
  { name: 'a unary operator follows its input', params: { op_type: 'Erf' }, inputs: { in: ['N', 2, 5] }, outputs: { out: ['N', 2, 5] } },
  {
    name: 'a broadcasting operator with a constant',
    params: { op_type: 'Add', inputs: j(['in', { const: { dtype: 'float32', dims: [1, 4], values: [1, 2, 3, 4] } }]) },
    inputs: { in: ['N', 3, 4] },
    outputs: { out: ['N', 3, 4] },
  },
  { name: 'a comparison gives bool', params: { op_type: 'Greater', inputs: j(['in', 'in']) }, inputs: { in: [['N', 4], ['N', 4]] }, outputs: { out: ['N', 4] } },
  {
    name: 'other operators use the stored output types, several outputs on out, out1, …',
    params: { op_type: 'TopK', attributes: j({ axis: { type: 'int', value: -1 } }), inputs: j(['in', { const: { dtype: 'int64', dims: [1], values: [2] } }]), outputs: j([{ shape: ['N', 2], dtype: 'float32' }, { shape: ['N', 2], dtype: 'int64' }]) },
    inputs: { in: ['N', 6] },
    outputs: { out: ['N', 2], out1: ['N', 2] },
  },
  {
    name: 'a large constant is a weight (a buffer: no gradient)',
    params: { op_type: 'MatMul', inputs: j(['in', { weight: 'c0', shape: [6, 2], dtype: 'float32' }]), outputs: j([{ shape: ['N', 2], dtype: 'float32' }]) },
    inputs: { in: ['N', 6] },
    outputs: { out: ['N', 2] },
    paramCount: 0,
    bufferCount: 12,
    weights: { c0: [6, 2] },
  },
  {
    name: 'an empty optional input (null) is skipped by the shape rules',
    params: { op_type: 'Resize', inputs: j(['in', null, { const: { dtype: 'float32', dims: [4], values: [1, 1, 2, 2] } }]), outputs: j([{ shape: ['N', 3, 8, 8], dtype: 'float32' }]) },
    inputs: { in: ['N', 3, 4, 4] },
    outputs: { out: ['N', 3, 8, 8] },
  },
  { name: 'no shape rule and no stored types', params: { op_type: 'TopK' }, inputs: { in: ['N', 6] }, errors: ['BAD_PARAM'] },
  { name: 'attributes that are not JSON', params: { attributes: '{axis: 1' }, inputs: { in: ['N', 6] }, errors: ['BAD_PARAM'] },
  { name: 'more connections than "in" slots', inputs: { in: [['N', 2], ['N', 2]] }, errors: ['BAD_PARAM'] },
  { name: 'shapes that do not broadcast', params: { op_type: 'Add', inputs: j(['in', 'in']) }, inputs: { in: [['N', 2], ['N', 3]] }, errors: ['SHAPE_MISMATCH'] },
  { name: 'an operator of another domain is refused', params: { domain: 'com.microsoft' }, inputs: { in: ['N', 2] }, errors: ['BAD_PARAM'] },
]);

describe('OnnxOp export', () => {
  it('exports the identical ONNX node (type, attributes, constants), and onnxruntime computes it', async () => {
    const attrs = { axis: { type: 'int', value: -1 }, largest: { type: 'int', value: 1 }, sorted: { type: 'int', value: 1 } };
    const doc = graphAround('OnnxOp', {
      op_type: 'TopK',
      attributes: j(attrs),
      inputs: j(['in', { const: { dtype: 'int64', dims: [1], values: [2] } }]),
      outputs: j([{ shape: ['N', 2], dtype: 'float32' }, { shape: ['N', 2], dtype: 'int64' }]),
    }, { in: ['N', 5] });
    const r = exportGraph(doc);
    if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
    const node = decodeModel(r.onnx).graph.nodes.find((n) => n.opType === 'TopK')!;
    expect(node.attributes).toEqual(attrs);
    const runner = await createNodeRunner(r.onnx);
    const y = await runner.run({ in_in_0: { shape: [2, 5], dtype: 'float32', data: Float32Array.from([3, 1, 4, 1, 5, 9, 2, 6, 5, 3]) } });
    expect(Array.from(y['L.out']!.data)).toEqual([5, 4, 9, 6]);
    expect(Array.from(y['L.out1']!.data)).toEqual([4, 2, 0, 2]);
    await runner.release();
  });

  it('a graph with trainable weights before an OnnxOp gets ONNX_OP_NOT_TRAINABLE', () => {
    const doc: GraphDoc = {
      format: 'layerloom.graph',
      version: 1,
      name: 't',
      nodes: [
        { id: 'x', kind: 'Input', params: { shape: [3] }, position: { x: 0, y: 0 } },
        { id: 'fc', kind: 'Linear', params: { out_features: 2 }, position: { x: 0, y: 0 } },
        { id: 'erf', kind: 'OnnxOp', params: { op_type: 'Erf' }, position: { x: 0, y: 0 } },
        { id: 'after', kind: 'OnnxOp', params: { op_type: 'Abs' }, position: { x: 0, y: 0 } },
      ],
      edges: [
        { id: 'a', from: { node: 'x' }, to: { node: 'fc' } },
        { id: 'b', from: { node: 'fc' }, to: { node: 'erf' } },
        { id: 'c', from: { node: 'erf' }, to: { node: 'after' } },
      ],
    };
    const shaped = inferShapes(doc);
    const ds = onnxOpTrainingBlockers(shaped);
    expect(ds.map((d) => [d.code, d.node])).toEqual([['ONNX_OP_NOT_TRAINABLE', 'erf'], ['ONNX_OP_NOT_TRAINABLE', 'after']]);
    expect(ds[0]!.message).toContain('Erf');
    const withLoss: GraphDoc = {
      ...doc,
      nodes: [...doc.nodes, { id: 'loss', kind: 'MSELoss', params: {}, position: { x: 0, y: 0 } }],
      edges: [...doc.edges, { id: 'd', from: { node: 'after' }, to: { node: 'loss', port: 'input' } }],
    };
    expect(() => buildTrainStep(inferShapes(withLoss), { batch: 4, optimizer: { kind: 'SGD' } })).toThrow(/ONNX_OP_NOT_TRAINABLE erf: .*Erf operator has no gradient/);
    expect(onnxOpTrainingBlockers(inferShapes({ ...doc, nodes: doc.nodes.filter((n) => n.id !== 'fc'), edges: [{ id: 'b', from: { node: 'x' }, to: { node: 'erf' } }, doc.edges[2]!] }))).toEqual([]);
  });
});
