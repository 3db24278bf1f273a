/**
 * One harness, many data rows: each layer's case file lists configurations with the shapes, parameter
 * counts (as PyTorch reports them) and diagnostics expected, and this harness builds a small graph around
 * the layer and checks them.
 */
import { describe, expect, it } from 'vitest';
import {
  getLayer,
  inferShapes,
  type DiagnosticCode,
  type Dim,
  type DType,
  type GraphDoc,
  type RawParamValue,
  type ShapedGraph,
} from '../../graph-core';

export type PortInput = readonly Dim[] | { shape: readonly Dim[]; dtype: DType };

export interface LayerCase {
  readonly name: string;
  readonly params?: Readonly<Record<string, RawParamValue>>;
  /** Full shapes, batch first, e.g. `['N', 1, 28, 28]`. The leading 'N' is dropped for the Input node. */
  readonly inputs: Readonly<Record<string, PortInput | readonly PortInput[]>>;
  /** Expected output shapes per port. */
  readonly outputs?: Readonly<Record<string, readonly Dim[]>>;
  /** Trainable parameter count, as `sum(p.numel() for p in m.parameters())` in PyTorch. */
  readonly paramCount?: number;
  readonly bufferCount?: number;
  /** Expected weight names and shapes (torch state_dict names without the node prefix). */
  readonly weights?: Readonly<Record<string, readonly number[]>>;
  readonly flops?: number;
  /** Expected error codes (in any order); when given, the case expects the layer to be refused. */
  readonly errors?: readonly DiagnosticCode[];
  /** The port the first error must name. */
  readonly errorPort?: string;
}

const norm = (p: PortInput): { shape: readonly Dim[]; dtype: DType } =>
  Array.isArray(p) ? { shape: p as readonly Dim[], dtype: 'float32' } : (p as { shape: readonly Dim[]; dtype: DType });

/** Builds Input → layer for the given port shapes. The layer node's id is `L`. */
export function graphAround(kind: string, params: Readonly<Record<string, RawParamValue>>, inputs: LayerCase['inputs']): GraphDoc {
  const nodes: GraphDoc['nodes'][number][] = [];
  const edges: GraphDoc['edges'][number][] = [];
  for (const [port, value] of Object.entries(inputs)) {
    const list = Array.isArray(value) && value.length > 0 && typeof value[0] !== 'number' && typeof value[0] !== 'string' && !('shape' in (value as object))
      ? (value as readonly PortInput[])
      : [value as PortInput];
    list.forEach((pi, k) => {
      const { shape, dtype } = norm(pi);
      const id = `in_${port}_${k}`;
      nodes.push({ id, kind: 'Input', params: { shape: shape.slice(1) as number[], dtype }, position: { x: 0, y: 0 } });
      edges.push({ id: `e_${port}_${k}`, from: { node: id, port: 'out' }, to: { node: 'L', port } });
    });
  }
  nodes.push({ id: 'L', kind, params, position: { x: 0, y: 0 } });
  return { format: 'layerloom.graph', version: 1, name: kind, nodes, edges };
}

export function runCase(kind: string, c: LayerCase): ShapedGraph {
  return inferShapes(graphAround(kind, c.params ?? {}, c.inputs));
}

export function layerCases(kind: string, cases: readonly LayerCase[]): void {
  describe(kind, () => {
    it('is registered', () => {
      expect(getLayer(kind)?.kind).toBe(kind);
    });
    for (const c of cases) {
      it(c.name, () => {
        const g = runCase(kind, c);
        const errors = g.diagnostics.filter((d) => d.severity === 'error');
        if (c.errors) {
          expect(errors.map((d) => d.code).sort()).toEqual([...c.errors].sort());
          for (const d of errors) {
            expect(d.node).toBe('L');
            expect(d.message.length).toBeGreaterThan(10);
          }
          if (c.errorPort) expect(errors[0]!.port).toBe(c.errorPort);
          expect(g.info.has('L')).toBe(false);
          return;
        }
        expect(errors).toEqual([]);
        const info = g.info.get('L')!;
        expect(info).toBeDefined();
        if (c.outputs) {
          const got: Record<string, readonly Dim[]> = {};
          for (const [port, t] of Object.entries(info.outputs)) got[port] = t.shape;
          expect(got).toEqual(c.outputs);
        }
        if (c.paramCount !== undefined) expect(info.paramCount).toBe(c.paramCount);
        if (c.bufferCount !== undefined) expect(info.bufferCount).toBe(c.bufferCount);
        if (c.weights) {
          const got: Record<string, readonly number[]> = {};
          for (const [name, w] of Object.entries(info.weights)) got[name] = w.shape;
          expect(got).toEqual(c.weights);
        }
        if (c.flops !== undefined) expect(info.flops).toBe(c.flops);
      });
    }
  });
}
