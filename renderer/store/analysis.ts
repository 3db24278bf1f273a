/**
 * What the canvas shows about the model, derived from the document and never stored in it: every port's
 * shape, every node's parameter count and diagnostics, the model summary. Per-node views are reused from
 * the previous analysis when they did not change, so a node component re-renders only when its own
 * figures change.
 */
import {
  fmtShape,
  getLayer,
  inferShapes,
  resolvePort,
  summarize,
  type Diagnostic,
  type EdgeId,
  type GraphDoc,
  type GraphEdge,
  type NodeId,
  type ShapedGraph,
  type Summary,
} from '../../graph-core';

export interface NodeView {
  /** Trainable parameters; null when the node's shapes could not be inferred. */
  readonly paramCount: number | null;
  /** Formatted shape per port, e.g. `{ out: '[N, 6, 28, 28]' }`. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly outputs: Readonly<Record<string, string>>;
  /** Diagnostics that concern this node, errors first. */
  readonly diagnostics: readonly Diagnostic[];
  /** Ports that have an error, with its message. */
  readonly portErrors: Readonly<Record<string, string>>;
}

export interface Analysis {
  readonly shaped: ShapedGraph;
  readonly summary: Summary;
  readonly nodes: ReadonlyMap<NodeId, NodeView>;
  /** The tensor shape carried by each edge, formatted. */
  readonly edgeShapes: ReadonlyMap<EdgeId, string>;
  /** Edges that feed a port with an error. */
  readonly edgeErrors: ReadonlySet<EdgeId>;
  /** Diagnostics that name no node (e.g. "the graph has no Input"). */
  readonly general: readonly Diagnostic[];
  readonly errorCount: number;
  readonly warningCount: number;
}

const EMPTY_VIEW: NodeView = { paramCount: null, inputs: {}, outputs: {}, diagnostics: [], portErrors: {} };

const severityRank = { error: 0, warning: 1, info: 2 } as const;

/** Analyses `doc`. Pass the previous analysis to keep unchanged node views (and their identity). */
export function analyse(doc: GraphDoc, previous?: Analysis): Analysis {
  const shaped = inferShapes(doc);
  const byNode = new Map<NodeId, Diagnostic[]>();
  const general: Diagnostic[] = [];
  const edgeErrors = new Set<EdgeId>();
  for (const d of shaped.diagnostics) {
    // A problem inside a block (`enc/ff1`) shows on the block's node; its fix applies inside the block only.
    const node = d.node?.split(/[/[]/)[0];
    const shown = node !== undefined && node !== d.node ? withoutFix(d) : d;
    if (node === undefined) general.push(d);
    else byNode.set(node, [...(byNode.get(node) ?? []), shown]);
    if (d.edge !== undefined && d.severity === 'error') edgeErrors.add(d.edge);
  }

  const nodes = new Map<NodeId, NodeView>();
  for (const n of doc.nodes) {
    const info = shaped.info.get(n.id);
    const diagnostics = [...(byNode.get(n.id) ?? [])].sort((a, b) => severityRank[a.severity] - severityRank[b.severity]);
    const portErrors: Record<string, string> = {};
    for (const d of diagnostics) if (d.port !== undefined && d.severity === 'error' && !(d.port in portErrors)) portErrors[d.port] = d.message;
    const view: NodeView =
      !info && diagnostics.length === 0
        ? EMPTY_VIEW
        : {
            paramCount: info ? info.paramCount : null,
            inputs: info ? formatPorts(info.inputs, info.variadicInputs) : {},
            outputs: info ? formatPorts(info.outputs, {}) : {},
            diagnostics,
            portErrors,
          };
    const old = previous?.nodes.get(n.id);
    nodes.set(n.id, old && sameView(old, view) ? old : view);
  }

  const edgeShapes = new Map<EdgeId, string>();
  for (const e of shaped.edges) {
    const type = shaped.info.get(e.from.node)?.outputs[e.from.port];
    if (type) edgeShapes.set(e.id, fmtShape(type.shape));
  }
  // Connections into a block do not survive inlining; their shape is their source's.
  if (shaped.blocks)
    for (const e of doc.edges) {
      if (edgeShapes.has(e.id)) continue;
      const outs = shaped.info.get(e.from.node)?.outputs;
      const ports = outs ? Object.keys(outs) : [];
      const type = outs?.[e.from.port ?? (ports.length === 1 ? ports[0]! : 'out')];
      if (type) edgeShapes.set(e.id, fmtShape(type.shape));
    }

  let errorCount = 0;
  let warningCount = 0;
  for (const d of shaped.diagnostics) {
    if (d.severity === 'error') errorCount++;
    else if (d.severity === 'warning') warningCount++;
  }
  return { shaped, summary: summarize(shaped), nodes, edgeShapes, edgeErrors, general, errorCount, warningCount };
}

function withoutFix(d: Diagnostic): Diagnostic {
  const { fix: _fix, edge: _edge, ...rest } = d;
  return rest;
}

function formatPorts(
  single: Readonly<Record<string, { shape: readonly (number | 'N')[] }>>,
  variadic: Readonly<Record<string, readonly { shape: readonly (number | 'N')[] }[]>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [port, t] of Object.entries(single)) out[port] = fmtShape(t.shape);
  for (const [port, ts] of Object.entries(variadic)) out[port] = ts.map((t) => fmtShape(t.shape)).join(' ⧺ ');
  return out;
}

function sameView(a: NodeView, b: NodeView): boolean {
  return (
    a.paramCount === b.paramCount &&
    sameRecord(a.inputs, b.inputs) &&
    sameRecord(a.outputs, b.outputs) &&
    sameRecord(a.portErrors, b.portErrors) &&
    a.diagnostics.length === b.diagnostics.length &&
    a.diagnostics.every((d, i) => {
      const e = b.diagnostics[i]!;
      return (
        d.code === e.code &&
        d.message === e.message &&
        d.port === e.port &&
        d.edge === e.edge &&
        d.fix?.edge === e.fix?.edge &&
        d.fix?.title === e.fix?.title
      );
    })
  );
}

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/**
 * True when two documents differ at most in node positions (a drag, an auto-layout) and in comments, so
 * the previous analysis still holds. Relies on commands keeping untouched objects identical.
 */
export function sameStructure(a: GraphDoc, b: GraphDoc): boolean {
  if (a === b) return true;
  if (a.edges !== b.edges || a.name !== b.name || a.nodes.length !== b.nodes.length || a.blocks !== b.blocks) return false;
  return a.nodes.every((x, i) => {
    const y = b.nodes[i]!;
    return x === y || (x.id === y.id && x.kind === y.kind && x.params === y.params && x.label === y.label && x.v === y.v && x.body === y.body && x.ref === y.ref);
  });
}

/** The React Flow handle ids of an edge's two ends: port names, with omitted ports resolved. */
export function edgeHandles(
  kindOf: ReadonlyMap<NodeId, string>,
  edge: GraphEdge,
): { source: string | null; target: string | null } {
  const resolve = (nodeId: NodeId, side: 'input' | 'output', port: string | undefined): string | null => {
    const kind = kindOf.get(nodeId);
    const def = kind === undefined ? undefined : getLayer(kind);
    if (!def) return port ?? null;
    const r = resolvePort(def, nodeId, side, port);
    return r.ok ? r.port : (port ?? null);
  };
  return { source: resolve(edge.from.node, 'output', edge.from.port), target: resolve(edge.to.node, 'input', edge.to.port) };
}
