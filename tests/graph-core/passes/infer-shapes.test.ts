import { describe, expect, it } from 'vitest';
import { inferShapes, summarize } from '../../../graph-core';
import { chain, doc, edge, node, readExample } from '../../helpers/graphs';

describe('inferShapes', () => {
  it('LeNet-5: every shape, and 61,706 parameters as PyTorch counts them', () => {
    const g = inferShapes(readExample('lenet5.json'));
    expect(g.diagnostics).toEqual([]);
    const shapes = Object.fromEntries([...g.info.values()].map((i) => [i.id, i.outputs.out!.shape]));
    expect(shapes).toEqual({
      x: ['N', 1, 28, 28],
      c1: ['N', 6, 28, 28],
      a1: ['N', 6, 28, 28],
      s2: ['N', 6, 14, 14],
      c3: ['N', 16, 10, 10],
      a3: ['N', 16, 10, 10],
      s4: ['N', 16, 5, 5],
      flat: ['N', 400],
      f5: ['N', 120],
      a5: ['N', 120],
      f6: ['N', 84],
      a6: ['N', 84],
      out: ['N', 10],
      loss: [],
    });
    // torch: sum(p.numel() for p in LeNet5().parameters()) == 61706 (156 + 2416 + 48120 + 10164 + 850)
    expect(g.totalParams).toBe(61706);
    expect(Object.fromEntries([...g.info.values()].filter((i) => i.paramCount).map((i) => [i.id, i.paramCount]))).toEqual({
      c1: 156,
      c3: 2416,
      f5: 48120,
      f6: 10164,
      out: 850,
    });
    expect(g.info.get('c1')!.flops).toBe(2 * 6 * 28 * 28 * 25);
  });

  it('reports an unconnected input once, and skips what lies downstream', () => {
    const g = inferShapes(doc([node('x', 'Input'), node('fc', 'Linear'), node('r', 'ReLU'), node('fc2', 'Linear')], [edge('fc', 'r'), edge('r', 'fc2')]));
    expect(g.diagnostics.map((d) => [d.code, d.node, d.port])).toEqual([['UNCONNECTED_INPUT', 'fc', 'in']]);
    expect([...g.info.keys()]).toEqual(['x']);
  });

  it('reports a float tensor fed to an integer port with a hint', () => {
    const g = inferShapes(chain(node('x', 'Input', { shape: [4, 3] }), node('l', 'CrossEntropyLoss')));
    expect(g.diagnostics).toEqual([]);
    const bad = inferShapes(
      doc([node('x', 'Input', { shape: [3] }), node('t', 'Input', { shape: [] }), node('l', 'CrossEntropyLoss')], [edge('x', 'l.input'), edge('t', 'l.target')]),
    );
    expect(bad.diagnostics[0]).toMatchObject({ code: 'DTYPE_MISMATCH', node: 'l', port: 'target' });
    expect(bad.diagnostics[0]!.message).toContain('int64');
  });

  it('summarize lists un-inferred nodes after the inferred ones', () => {
    const s = summarize(inferShapes(doc([node('fc', 'Linear'), node('x', 'Input', { shape: [5] }), node('r', 'ReLU')], [edge('x', 'r')])));
    expect(s.nodes.map((n) => [n.id, n.outputs])).toEqual([
      ['x', { out: ['N', 5] }],
      ['r', { out: ['N', 5] }],
      ['fc', {}],
    ]);
    expect(s.diagnostics.map((d) => d.code)).toEqual(['UNCONNECTED_INPUT']);
  });
});
