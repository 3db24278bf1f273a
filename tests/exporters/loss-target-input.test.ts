/**
 * A graph whose targets come from their own Input node (Input y → CrossEntropyLoss.target): the inference export
 * leaves the loss out, and with it the Input that only fed it, so the file has one input and passes the checker.
 */
import { describe, expect, it } from 'vitest';
import { loadDocument } from '../../graph-core';
import { exportGraph } from '../../exporters/export-graph';
import { decodeModel } from '../../exporters/onnx/decode';
import { checkOnnx } from '../helpers/onnx-checker';

const loaded = loadDocument({
  format: 'layerloom.graph',
  version: 1,
  nodes: [
    { id: 'x', kind: 'Input', params: { shape: [2], dtype: 'float32' }, position: { x: 0, y: 0 } },
    { id: 'y', kind: 'Input', params: { shape: [], dtype: 'int64' }, position: { x: 0, y: 100 } },
    { id: 'fc', kind: 'Linear', params: { out_features: 3 }, position: { x: 200, y: 0 } },
    { id: 'loss', kind: 'CrossEntropyLoss', params: {}, position: { x: 400, y: 0 } },
  ],
  edges: [
    { id: 'e1', from: { node: 'x', port: 'out' }, to: { node: 'fc', port: 'in' } },
    { id: 'e2', from: { node: 'fc', port: 'out' }, to: { node: 'loss', port: 'input' } },
    { id: 'e3', from: { node: 'y', port: 'out' }, to: { node: 'loss', port: 'target' } },
  ],
});
if (!loaded.doc) throw new Error(`fixture does not load: ${JSON.stringify(loaded.diagnostics)}`);
const doc = loaded.doc;

describe('an Input that only feeds a loss target', () => {
  it('is neither an input nor an output of the inference ONNX', () => {
    const r = exportGraph(doc, { seed: 1 });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const model = decodeModel(r.onnx);
    expect(model.graph.inputs.map((i) => i.name)).toEqual(['x']);
    expect(model.graph.outputs.map((o) => o.name)).toEqual(['fc']);
    checkOnnx(r.onnx);
  });
});
