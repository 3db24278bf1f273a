import { describe, expect, it } from 'vitest';
import { validate, type DiagnosticCode } from '../../../graph-core';
import { chain, doc, edge, node } from '../../helpers/graphs';

const codes = (g: ReturnType<typeof validate>) => g.diagnostics.map((d) => d.code);
const only = (g: ReturnType<typeof validate>, code: DiagnosticCode) => g.diagnostics.filter((d) => d.code === code);

describe('validate', () => {
  it('accepts a well-formed chain and resolves defaults and omitted ports', () => {
    const g = validate(chain(node('x', 'Input', { shape: [4] }), node('fc', 'Linear', { out_features: 3 }), node('r', 'ReLU')));
    expect(g.diagnostics).toEqual([]);
    expect(g.order).toEqual(['x', 'fc', 'r']);
    expect(g.nodes.get('fc')!.params).toEqual({ out_features: 3, bias: true, in_features: null, init: 'default' });
    expect(g.edges.map((e) => [e.from.port, e.to.port])).toEqual([
      ['out', 'in'],
      ['out', 'in'],
    ]);
  });

  it('resolves an omitted target port to the only required input (loss `input`)', () => {
    const g = validate(chain(node('x', 'Input', { shape: [3] }), node('loss', 'CrossEntropyLoss')));
    expect(g.diagnostics).toEqual([]);
    expect(g.edges[0]!.to.port).toBe('input');
  });

  it('reports an unknown kind with a suggestion and the JSON path', () => {
    const g = validate(doc([node('x', 'Input'), node('c', 'conv2D')]));
    expect(only(g, 'UNKNOWN_KIND')[0]).toMatchObject({ node: 'c', path: 'nodes[1].kind' });
    expect(only(g, 'UNKNOWN_KIND')[0]!.message).toContain('Did you mean "Conv2d"?');
  });

  it('reports bad params with the param path, and unknown params as warnings', () => {
    const g = validate(doc([node('x', 'Input'), node('c', 'Conv2d', { kernel_size: 'big', stride: 0, colour: 'red' })]));
    const bad = only(g, 'BAD_PARAM');
    expect(bad.map((d) => d.path).sort()).toEqual(['nodes[1].params.kernel_size', 'nodes[1].params.stride']);
    expect(bad.find((d) => d.path!.endsWith('stride'))!.message).toBe('Parameter "stride" must be at least 1.');
    const unknown = only(g, 'UNKNOWN_PARAM')[0]!;
    expect(unknown).toMatchObject({ severity: 'warning', node: 'c' });
    expect(unknown.message).toContain('"kernel_size"');
    expect(g.nodes.get('c')!.params).toBeUndefined();
  });

  it('reports duplicate node and edge ids', () => {
    const g = validate(doc([node('x', 'Input'), node('x', 'ReLU'), node('r', 'ReLU')], [edge('x', 'r', 'e'), edge('x', 'r', 'e')]));
    expect(only(g, 'DUPLICATE_ID').map((d) => d.path)).toEqual(['nodes[1].id', 'edges[1].id']);
  });

  it('reports dangling edges, unknown ports, ambiguous ports, self loops and double inputs', () => {
    const g = validate(
      doc(
        [node('x', 'Input', { shape: [3] }), node('y', 'Input', { shape: [3] }), node('r', 'ReLU'), node('fc', 'Linear'), node('loss', 'CrossEntropyLoss')],
        [
          edge('ghost', 'r', 'e1'),
          edge('x.nope', 'r', 'e2'),
          edge('r', 'r', 'e3'),
          edge('x', 'fc', 'e4'),
          edge('y', 'fc', 'e5'),
          { id: 'e6', from: { node: 'loss', port: 'out' }, to: { node: 'fc', port: 'in' } },
        ],
      ),
    );
    expect(only(g, 'DANGLING_EDGE')[0]).toMatchObject({ edge: 'e1', path: 'edges[0].from.node' });
    expect(only(g, 'UNKNOWN_PORT')[0]).toMatchObject({ node: 'x', edge: 'e2', path: 'edges[1].from.port' });
    expect(only(g, 'UNKNOWN_PORT')[0]!.message).toContain('Its outputs are "out"');
    expect(only(g, 'SELF_LOOP')[0]).toMatchObject({ node: 'r', edge: 'e3' });
    expect(only(g, 'MULTIPLE_EDGES_TO_INPUT').map((d) => d.edge)).toEqual(['e5', 'e6']);
  });

  it('reports every node on a cycle, naming the cycle', () => {
    const g = validate(
      doc([node('x', 'Input', { shape: [3] }), node('a', 'ReLU'), node('b', 'ReLU'), node('c', 'ReLU')], [
        edge('c', 'a', 'e2'),
        edge('a', 'b', 'e3'),
        edge('b', 'c', 'e4'),
      ]),
    );
    const cyc = only(g, 'CYCLE');
    expect(cyc.map((d) => d.node).sort()).toEqual(['a', 'b', 'c']);
    expect(cyc[0]!.message).toMatch(/a → b → c → a/);
    expect(g.order).toEqual(['x']);
    expect([...g.cyclic].sort()).toEqual(['a', 'b', 'c']);
  });

  it('warns when there is no Input', () => {
    expect(codes(validate(doc([node('r', 'ReLU')])))).toEqual(['NO_INPUT']);
    expect(codes(validate(doc([])))).toEqual([]);
  });

  it('orders nodes topologically, keeping document order among ties', () => {
    const g = validate(
      doc([node('fc2', 'Linear'), node('x', 'Input'), node('fc1', 'Linear'), node('y', 'Input')], [edge('x', 'fc1'), edge('fc1', 'fc2')]),
    );
    expect(g.order).toEqual(['x', 'fc1', 'fc2', 'y']);
  });
});
