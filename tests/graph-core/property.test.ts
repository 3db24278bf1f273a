/**
 * Property test: thousands of random graphs, valid and invalid, never crash shape inference, never
 * produce an internal error, and every inferred shape is well formed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allLayers, canConnect, inferShapes, summarize, type GraphDoc, type GraphEdge, type GraphNode, type RawParamValue, type ShapedGraph } from '../../graph-core';

const kinds = allLayers.map((l) => l.kind);

const rawValue: fc.Arbitrary<RawParamValue> = fc.oneof(
  fc.integer({ min: -3, max: 40 }),
  fc.double({ min: -2, max: 10, noNaN: true }),
  fc.boolean(),
  fc.constantFrom('none', 'tanh', 'relu', 'gelu', 'dot', 'scaled_dot', 'general', 'additive', 'learned', 'sinusoidal', 'bilinear', 'int64', 'x'),
  fc.constant(null),
  fc.array(fc.integer({ min: -2, max: 12 }), { maxLength: 5 }),
);

/** Params: mostly defaults with a few perturbed or unknown entries. */
function paramsFor(kind: string): fc.Arbitrary<Record<string, RawParamValue>> {
  const def = allLayers.find((l) => l.kind === kind);
  const names = [...Object.keys(def?.params ?? {}), 'bogus'];
  return fc.dictionary(fc.constantFrom(...names), rawValue, { maxKeys: 3 });
}

const shapeArb = fc.array(fc.integer({ min: 1, max: 33 }), { minLength: 0, maxLength: 5 });

/** Fully random documents: random kinds, params and wiring, including broken references. */
const randomDoc: fc.Arbitrary<GraphDoc> = fc
  .integer({ min: 1, max: 12 })
  .chain((n) =>
    fc.tuple(
      fc.array(
        fc.oneof(
          fc.record({ kind: fc.constant('Input'), params: fc.record({ shape: shapeArb, dtype: fc.constantFrom('float32', 'int64') }) }),
          fc.constantFrom(...kinds, 'Nonsense').chain((kind) => paramsFor(kind).map((params) => ({ kind, params }))),
        ),
        { minLength: n, maxLength: n },
      ),
      fc.array(
        fc.record({
          from: fc.integer({ min: 0, max: n }),
          to: fc.integer({ min: 0, max: n }),
          fromPort: fc.option(fc.constantFrom('out', 'last', 'weights', 'context', 'h_n', 'nope'), { nil: undefined }),
          toPort: fc.option(fc.constantFrom('in', 'a', 'b', 'query', 'key', 'value', 'keys', 'values', 'mask', 'target', 'input', 'memory', 'sublayer', 'nope'), { nil: undefined }),
        }),
        { maxLength: n * 2 },
      ),
    ),
  )
  .map(([specs, wires]) => {
    const nodes: GraphNode[] = specs.map((s, i) => ({ id: `n${i}`, kind: s.kind, params: s.params as GraphNode['params'], position: { x: 0, y: 0 } }));
    const edges: GraphEdge[] = wires.map((w, i) => ({
      id: `e${i}`,
      from: { node: `n${w.from}`, ...(w.fromPort ? { port: w.fromPort } : {}) },
      to: { node: `n${w.to}`, ...(w.toPort ? { port: w.toPort } : {}) },
    }));
    return { format: 'layerloom.graph', version: 1, name: 'random', nodes, edges };
  });

/**
 * Mostly-valid documents: start from an Input and append layers with default params, wiring each
 * to an earlier node's output only when canConnect accepts it (the way the canvas builds graphs).
 */
const grownDoc: fc.Arbitrary<GraphDoc> = fc
  .record({
    shape: fc.oneof(
      fc.integer({ min: 1, max: 16 }).map((s): number[] => [s]),
      fc.tuple(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 32 })).map((s): number[] => [...s]),
      fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 8, max: 32 }), fc.integer({ min: 8, max: 32 })).map((s): number[] => [...s]),
    ),
    dtype: fc.constantFrom('float32', 'float32', 'int64'),
    steps: fc.array(fc.record({ kind: fc.constantFrom(...kinds.filter((k) => k !== 'Input')), pick: fc.nat(), port: fc.nat() }), { minLength: 1, maxLength: 10 }),
  })
  .map(({ shape, dtype, steps }) => {
    let d: GraphDoc = {
      format: 'layerloom.graph',
      version: 1,
      name: 'grown',
      nodes: [{ id: 'x', kind: 'Input', params: { shape, dtype }, position: { x: 0, y: 0 } }],
      edges: [],
    };
    steps.forEach((s, i) => {
      const id = `n${i}`;
      const def = allLayers.find((l) => l.kind === s.kind)!;
      d = { ...d, nodes: [...d.nodes, { id, kind: s.kind, params: {}, position: { x: 0, y: 0 } }] };
      const shaped = inferShapes(d);
      const ins = Object.entries(def.inputs).filter(([, spec]) => !spec.optional || s.port % 3 === 0);
      ins.forEach(([port], k) => {
        const sources = d.nodes.filter((n) => n.id !== id && shaped.info.has(n.id));
        if (!sources.length) return;
        const src = sources[(s.pick + k) % sources.length]!;
        const outPorts = Object.keys(shaped.info.get(src.id)!.outputs);
        const from = { node: src.id, port: outPorts[(s.port + k) % outPorts.length]! };
        const to = { node: id, port };
        if (canConnect(d, from, to, shaped).ok) d = { ...d, edges: [...d.edges, { id: `e${i}_${k}`, from, to }] };
      });
      // Like a user, usually undo a layer that does not fit; sometimes leave the mistake in place.
      const keepMistake = s.port % 4 === 0;
      if (!keepMistake && inferShapes(d).diagnostics.some((x) => x.node === id && x.severity === 'error'))
        d = { ...d, nodes: d.nodes.filter((n) => n.id !== id), edges: d.edges.filter((e) => e.to.node !== id) };
    });
    return d;
  });

function checkWellFormed(g: ShapedGraph): void {
  for (const d of g.diagnostics) {
    expect(d.code).not.toBe('INTERNAL_ERROR');
    expect(d.message.length).toBeGreaterThan(5);
    expect(d.message).not.toMatch(/undefined|NaN|\[object/);
  }
  for (const info of g.info.values()) {
    for (const t of Object.values(info.outputs)) {
      expect(['float32', 'int64']).toContain(t.dtype);
      t.shape.forEach((dim, i) => {
        if (i === 0 && t.shape.length > 0 && info.kind !== 'CrossEntropyLoss') expect(dim).toBe('N');
        if (i > 0) expect(Number.isInteger(dim) && (dim as number) >= 1).toBe(true);
      });
    }
    for (const w of Object.values(info.weights)) for (const dim of w.shape) expect(Number.isInteger(dim) && dim >= 1).toBe(true);
    expect(Number.isInteger(info.paramCount) && info.paramCount >= 0).toBe(true);
    expect(Number.isFinite(info.flops) && info.flops >= 0).toBe(true);
  }
  expect(() => JSON.stringify(summarize(g))).not.toThrow();
}

describe('shape inference on random graphs', () => {
  it('never crashes on arbitrary (mostly invalid) documents', () => {
    fc.assert(
      fc.property(randomDoc, (d) => {
        checkWellFormed(inferShapes(d));
      }),
      { numRuns: 2500, seed: 20261122 },
    );
  });

  it('never crashes on graphs grown the way the canvas grows them, and many of them are valid', () => {
    let valid = 0;
    let runs = 0;
    fc.assert(
      fc.property(grownDoc, (d) => {
        const g = inferShapes(d);
        checkWellFormed(g);
        runs++;
        if (!g.diagnostics.some((x) => x.severity === 'error')) valid++;
      }),
      { numRuns: 1500, seed: 7 },
    );
    expect(runs).toBe(1500);
    // The generator must exercise the valid path as well as the error paths.
    expect(valid / runs).toBeGreaterThan(0.3);
    expect(valid / runs).toBeLessThan(1);
  });
});
