/**
 * "Create block from selection" and "Unpack" are inverses of each other, each is one undo step whose inverse
 * restores the document exactly, and grouping never changes what the network computes (shapes, parameters,
 * FLOPs). Property-tested on random layered graphs with random selections.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyCommand,
  createBlockCommand,
  inferShapes,
  unpackBlockCommand,
  whyNotBlock,
  type GraphDoc,
  type GraphEdge,
  type GraphNode,
} from '../../../graph-core';
import { e, encoderDoc, n } from './fixtures';

/** Nodes sorted by id and edges by id: document order aside, the same graph. */
const normal = (d: GraphDoc) => ({
  ...d,
  nodes: [...d.nodes].sort((a, b) => a.id.localeCompare(b.id)),
  edges: [...d.edges].sort((a, b) => a.id.localeCompare(b.id)),
});

/** The order of the connections into each input port (Concat's input order). */
const portOrder = (d: GraphDoc) => {
  const m = new Map<string, string[]>();
  for (const x of d.edges) {
    const k = `${x.to.node}:${x.to.port ?? ''}`;
    m.set(k, [...(m.get(k) ?? []), `${x.from.node}:${x.from.port ?? ''}`]);
  }
  return Object.fromEntries([...m].sort());
};

/** A random layered DAG on [N, 6] tensors: Linear, ReLU, Add and Concat→Linear nodes, each fed by earlier ones. */
const graphArb: fc.Arbitrary<GraphDoc> = fc
  .array(fc.record({ kind: fc.constantFrom('Linear', 'ReLU', 'Add', 'Concat'), a: fc.nat(), b: fc.nat(), x: fc.integer({ min: 0, max: 900 }) }), { minLength: 2, maxLength: 9 })
  .map((specs) => {
    const nodes: GraphNode[] = [n('x', 'Input', { shape: [6] })];
    const edges: GraphEdge[] = [];
    const outs: string[] = ['x'];
    specs.forEach((s, i) => {
      const id = `n${i}`;
      const src = (k: number) => outs[k % outs.length]!;
      if (s.kind === 'Concat') {
        nodes.push(n(id, 'Concat', { dim: 1 }, { position: { x: s.x, y: i * 50 } }));
        edges.push(e(`${id}a`, src(s.a), id), e(`${id}b`, src(s.b), id));
        const fix = `${id}fix`;
        nodes.push(n(fix, 'Linear', { out_features: 6 }));
        edges.push(e(`${fix}in`, id, fix));
        outs.push(fix);
        return;
      }
      nodes.push(n(id, s.kind, s.kind === 'Linear' ? { out_features: 6 } : {}, { position: { x: s.x, y: i * 50 } }));
      if (s.kind === 'Add') edges.push(e(`${id}a`, src(s.a), `${id}:a`), e(`${id}b`, src(s.b), `${id}:b`));
      else edges.push(e(`${id}in`, src(s.a), id));
      outs.push(id);
    });
    return { format: 'layerloom.graph', version: 2, name: 'random', nodes, edges };
  });

const selectionArb = (d: GraphDoc) =>
  fc.subarray(d.nodes.map((x) => x.id).filter((id) => id !== 'x'), { minLength: 1 }).filter((ids) => whyNotBlock(d, ids) === null);

const docAndSelection = graphArb.chain((d) => selectionArb(d).map((ids) => ({ d, ids })));

describe('create block from selection / unpack', () => {
  it('grouping keeps what the network computes; undo restores the document exactly; unpack gives the same graph back', () => {
    fc.assert(
      fc.property(docAndSelection, ({ d, ids }) => {
        const before = inferShapes(d);
        expect(before.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
        const created = applyCommand(d, createBlockCommand(d, ids, { id: 'grp' }));
        const after = inferShapes(created.doc);
        expect(after.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
        expect(after.totalParams).toBe(before.totalParams);
        expect(after.totalFlops).toBe(before.totalFlops);
        for (const id of d.nodes.map((x) => x.id).filter((id) => !ids.includes(id))) expect(after.info.get(id)?.outputs).toEqual(before.info.get(id)?.outputs);
        // one undo step
        expect(applyCommand(created.doc, created.inverse).doc).toEqual(d);
        // unpack is the inverse of create
        const unpacked = applyCommand(created.doc, unpackBlockCommand(created.doc, 'grp'));
        expect(normal(unpacked.doc)).toEqual(normal(d));
        expect(portOrder(unpacked.doc)).toEqual(portOrder(d));
        expect(applyCommand(unpacked.doc, unpacked.inverse).doc).toEqual(created.doc);
      }),
      { numRuns: 150, seed: 20261123 },
    );
  });

  it('refuses a selection that a connection leaves and re-enters, and an empty one', () => {
    const d: GraphDoc = {
      format: 'layerloom.graph',
      version: 2,
      name: 'chain',
      nodes: [n('x', 'Input', { shape: [4] }), n('a', 'ReLU'), n('b', 'ReLU'), n('c', 'ReLU')],
      edges: [e('1', 'x', 'a'), e('2', 'a', 'b'), e('3', 'b', 'c')],
    };
    expect(whyNotBlock(d, ['a', 'c'])).toMatch(/leaves the selection and comes back/);
    expect(whyNotBlock(d, [])).toMatch(/select/);
    expect(() => createBlockCommand(d, ['a', 'c'])).toThrow(/comes back/);
    expect(whyNotBlock(d, ['a', 'b'])).toBeNull();
  });

  it('unpacking a block repeated 3 times gives three chained copies with fresh ids', () => {
    const d = encoderDoc({ repeat: 3 });
    const r = applyCommand(d, unpackBlockCommand(d, 'enc'));
    expect(r.doc.nodes.map((x) => [x.id, x.kind])).toEqual([
      ['x', 'Input'],
      ['tel', 'TransformerEncoderLayer'],
      ['tel_2', 'TransformerEncoderLayer'],
      ['tel_3', 'TransformerEncoderLayer'],
    ]);
    expect(r.doc.edges.map((x) => `${x.from.node}→${x.to.node}`)).toEqual(['x→tel', 'tel→tel_2', 'tel_2→tel_3']);
    const s = inferShapes(r.doc);
    expect(s.diagnostics).toEqual([]);
    expect(s.totalParams).toBe(inferShapes(d).totalParams);
    expect(applyCommand(r.doc, r.inverse).doc).toEqual(d);
  });
});
