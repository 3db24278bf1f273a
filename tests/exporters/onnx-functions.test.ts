/**
 * `--onnx-functions`: blocks exported as ONNX local functions (opset 17 FunctionProto, one per block definition)
 * pass the official checker and compute the same as the inlined export in onnxruntime-node; node names carry
 * the block path either way.
 */
import { describe, expect, it } from 'vitest';
import type { GraphDoc } from '../../graph-core';
import { exportGraph } from '../../exporters/export-graph';
import { decodeModel } from '../../exporters/onnx/decode';
import { BLOCK_FUNCTION_DOMAIN } from '../../exporters/onnx/functions';
import { checkOnnx } from '../helpers/onnx-checker';
import { expectClose, randTensor, runInOrt } from '../helpers/op-check';
import { e, n } from '../graph-core/blocks/fixtures';

/** x → b1 (linked FeedForward) → b2 (the same, ×2) → conv block (unlinked: Conv1d → GELU) ; concat of both paths → out. */
function model(): GraphDoc {
  const ff = {
    nodes: [n('in', 'BlockInput'), n('fc', 'Linear', { out_features: 6 }), n('act', 'Tanh'), n('out', 'BlockOutput')],
    edges: [e('a', 'in', 'fc'), e('b', 'fc', 'act'), e('c', 'act', 'out')],
  };
  const conv = {
    nodes: [n('in', 'BlockInput'), n('conv', 'Conv1d', { out_channels: 4, kernel_size: 3, padding: 1 }), n('act', 'GELU'), n('out', 'BlockOutput')],
    edges: [e('a', 'in', 'conv'), e('b', 'conv', 'act'), e('c', 'act', 'out')],
  };
  return {
    format: 'layerloom.graph',
    version: 2,
    name: 'functions',
    nodes: [
      n('x', 'Input', { shape: [4, 6] }),
      n('b1', 'Block', {}, { ref: { block: 'ff' } }),
      n('b2', 'Block', { repeat: 2 }, { ref: { block: 'ff' } }),
      n('cb', 'Block', {}, { label: 'Conv block', body: conv }),
      n('cat', 'Concat', { dim: 1 }),
      n('y', 'Flatten'),
    ],
    edges: [e('1', 'x', 'b1'), e('2', 'b1', 'b2'), e('3', 'x', 'cb'), e('4', 'b2', 'cat'), e('5', 'cb', 'cat'), e('6', 'cat', 'y')],
    blocks: { ff: { name: 'FeedForward', body: ff } },
  };
}

describe('blocks as ONNX local functions', () => {
  it('writes one function per block definition, called once per copy, and matches the inlined export', async () => {
    const inlined = exportGraph(model(), { seed: 2 });
    const functions = exportGraph(model(), { seed: 2, onnxFunctions: true });
    if (!inlined.ok || !functions.ok) throw new Error('export failed');
    checkOnnx(inlined.onnx);
    checkOnnx(functions.onnx);

    const m = decodeModel(functions.onnx);
    expect(m.opsetImports).toEqual([{ domain: '', version: 17 }, { domain: BLOCK_FUNCTION_DOMAIN, version: 1 }]);
    expect(m.functions!.map((f) => f.name)).toEqual(['FeedForward', 'Conv_block']);
    const calls = m.graph.nodes.filter((x) => x.domain === BLOCK_FUNCTION_DOMAIN).map((x) => [x.name, x.opType]);
    expect(calls).toEqual([
      ['b1/0', 'FeedForward'],
      ['b2/0', 'FeedForward'],
      ['b2/1', 'FeedForward'],
      ['cb/0', 'Conv_block'],
    ]);
    // each call takes its own copy's weights
    expect(m.graph.nodes.find((x) => x.name === 'b2/1')!.inputs).toContain('b2.1.fc.weight');
    const ff = m.functions![0]!;
    expect(ff.nodes.map((x) => x.opType)).toContain('MatMul');
    expect(ff.inputs).toContain('fc.weight');

    // the inlined form names its nodes by path, so Netron shows the structure
    const names = decodeModel(inlined.onnx).graph.nodes.map((x) => x.name);
    expect(names.some((x) => x.startsWith('b2/1/fc/'))).toBe(true);
    expect(names.some((x) => x.startsWith('cb/0/conv/'))).toBe(true);

    const x = randTensor([3, 4, 6], 5);
    const a = await runInOrt(inlined.onnx, { x });
    const b = await runInOrt(functions.onnx, { x });
    expect(Object.keys(b)).toEqual(Object.keys(a));
    expectClose(b.y!, a.y!, 1e-6, 'y');
  });

  it('leaves a model without blocks as it is', () => {
    const plain: GraphDoc = { format: 'layerloom.graph', version: 2, name: 'p', nodes: [n('x', 'Input', { shape: [3] }), n('r', 'ReLU')], edges: [e('1', 'x', 'r')] };
    const a = exportGraph(plain, { seed: 0 });
    const b = exportGraph(plain, { seed: 0, onnxFunctions: true });
    if (!a.ok || !b.ok) throw new Error('export failed');
    expect(b.onnx).toEqual(a.onnx);
  });
});
