/**
 * Random documents with blocks (nested, linked, repeated, broken: missing definitions, self-reference, ports
 * at the top level, edges to ports that do not exist) never make analysis throw, never give an internal
 * error, and every graph without errors lowers and exports.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inferShapes, lowerLayers, summarize, type GraphDoc, type GraphEdge, type GraphNode } from '../../../graph-core';

const pos = { x: 0, y: 0 };
const kinds = ['Linear', 'ReLU', 'Tanh', 'Add', 'BlockInput', 'BlockOutput', 'Block'] as const;

interface Level {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const levelArb = (depth: number): fc.Arbitrary<Level> =>
  fc
    .array(
      fc.record({
        kind: fc.constantFrom(...kinds),
        repeat: fc.constantFrom(1, 2, 3, 0),
        linked: fc.boolean(),
        inner: depth > 0 ? levelArb(depth - 1) : fc.constant<Level>({ nodes: [], edges: [] }),
      }),
      { minLength: 1, maxLength: 5 },
    )
    .chain((specs) =>
      fc
        .array(
          fc.record({
            from: fc.nat(specs.length),
            to: fc.nat(specs.length),
            fromPort: fc.option(fc.constantFrom('out', 'in', 'nope'), { nil: undefined }),
            toPort: fc.option(fc.constantFrom('in', 'a', 'b', 'out', 'nope'), { nil: undefined }),
          }),
          { maxLength: 8 },
        )
        .map((wires): Level => {
          const nodes = specs.map((s, i): GraphNode => {
            const id = `${s.kind.toLowerCase()}${i}`;
            if (s.kind !== 'Block') return { id, kind: s.kind, params: s.kind === 'Linear' ? { out_features: 4 } : {}, position: pos };
            return { id, kind: 'Block', params: { repeat: s.repeat }, position: pos, ...(s.linked ? { ref: { block: i % 2 ? 'def' : 'missing' } } : { body: s.inner }) };
          });
          const edges = wires.map((w, k): GraphEdge => ({
            id: `w${k}`,
            from: { node: nodes[w.from]?.id ?? 'ghost', ...(w.fromPort ? { port: w.fromPort } : {}) },
            to: { node: nodes[w.to]?.id ?? 'ghost', ...(w.toPort ? { port: w.toPort } : {}) },
          }));
          return { nodes, edges };
        }),
    );

const docArb: fc.Arbitrary<GraphDoc> = fc.tuple(levelArb(2), levelArb(1)).map(([top, def]) => ({
  format: 'layerloom.graph',
  version: 2,
  name: 'fuzz',
  nodes: [{ id: 'x', kind: 'Input', params: { shape: [4] }, position: pos }, ...top.nodes],
  edges: [{ id: 'x0', from: { node: 'x' }, to: { node: top.nodes[0]!.id } }, ...top.edges],
  // the definition may use itself: a recursive block
  blocks: { def: { name: 'Def', body: { nodes: [...def.nodes, { id: 'again', kind: 'Block', params: {}, position: pos, ref: { block: 'def' } }], edges: def.edges } } },
}));

describe('random documents with blocks', () => {
  it('analysis never throws or reports an internal error; error-free graphs lower', () => {
    let clean = 0;
    fc.assert(
      fc.property(docArb, (d) => {
        const s = inferShapes(d);
        expect(s.diagnostics.filter((x) => x.code === 'INTERNAL_ERROR')).toEqual([]);
        for (const x of s.diagnostics) expect(x.message.length).toBeGreaterThan(10);
        summarize(s);
        if (!s.diagnostics.some((x) => x.severity === 'error')) {
          clean++;
          lowerLayers(s, { mode: 'eval' });
        }
      }),
      { numRuns: 400, seed: 7 },
    );
    expect(clean).toBeGreaterThan(0);
  });
});
