/**
 * validate: structural and parameter checks of a document, and resolution of what the document leaves
 * implicit (default params, omitted port names). Pure; never throws on user input.
 */
import type { AnyLayerDef, InputPortSpec } from '../define-layer';
import { diag, type Diagnostic } from '../diagnostics';
import type { EdgeId, GraphDoc, GraphNode, NodeId, PortRef } from '../document/types';
import { allLayers, getLayer } from '../layers';
import { hasBlocks } from '../layers/block';
import { inlineBlocks, isCovered, remapDiagnostic, type InlinedGraph } from './inline-blocks';
import { checkParam } from '../params';

export interface ResolvedNode {
  readonly id: NodeId;
  readonly kind: string;
  readonly label?: string;
  readonly index: number;
  /** Present when the kind is known. */
  readonly def?: AnyLayerDef;
  /** Resolved parameter values (defaults filled in); absent when a parameter is invalid. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Inside a block: the IR scope that names its ONNX nodes (`enc/0/ff1`). */
  readonly scope?: string;
}

export interface ResolvedEdge {
  readonly id: EdgeId;
  readonly from: { readonly node: NodeId; readonly port: string };
  readonly to: { readonly node: NodeId; readonly port: string };
  readonly index: number;
}

export interface ValidatedGraph {
  readonly doc: GraphDoc;
  readonly nodes: ReadonlyMap<NodeId, ResolvedNode>;
  /** Edges whose both ends resolved to existing ports. */
  readonly edges: readonly ResolvedEdge[];
  /** Nodes in a topological order (document order among ties). Nodes on a cycle are left out. */
  readonly order: readonly NodeId[];
  /** Nodes that lie on a cycle. */
  readonly cyclic: ReadonlySet<NodeId>;
  readonly diagnostics: readonly Diagnostic[];
  /**
   * Present when the document has blocks: the graph above is the inlined one (node ids `enc.0.ff1`), and
   * this maps it back to the document (see passes/inline-blocks.ts). `doc` stays the user's document.
   */
  readonly blocks?: InlinedGraph;
}

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

export function suggestKind(kind: string): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const l of allLayers) {
    const d = distance(kind, l.kind);
    if (d < bestD) [best, bestD] = [l.kind, d];
  }
  return bestD <= Math.max(2, Math.floor(kind.length / 3)) ? best : undefined;
}

/** Resolves each declared param of `def` against the node's raw params. */
export function resolveParams(
  node: Pick<GraphNode, 'id' | 'kind' | 'params'>,
  def: AnyLayerDef,
  at = '',
): { params?: Record<string, unknown>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const params: Record<string, unknown> = {};
  let bad = false;
  for (const [name, spec] of Object.entries(def.params)) {
    const raw = Object.prototype.hasOwnProperty.call(node.params, name) ? node.params[name] : spec.default;
    const r = checkParam(spec, raw);
    if (r.ok) params[name] = r.value;
    else {
      bad = true;
      diagnostics.push(diag('BAD_PARAM', { param: name, problem: r.message }, { node: node.id, path: `${at}.params.${name}` }));
    }
  }
  for (const name of Object.keys(node.params))
    if (!(name in def.params))
      diagnostics.push(
        diag('UNKNOWN_PARAM', { param: name, kind: def.kind, known: Object.keys(def.params) }, { node: node.id, path: `${at}.params.${name}` }),
      );
  return bad ? { diagnostics } : { params, diagnostics };
}

export type PortResolution = { ok: true; port: string } | { ok: false; diagnostic: Diagnostic };

/**
 * Resolves the port an edge end names. An omitted port means the only port on that side, or the one
 * called `in`/`out`, or (for inputs) the only required one.
 */
export function resolvePort(def: AnyLayerDef, nodeId: string, side: 'input' | 'output', port: string | undefined, edge?: string): PortResolution {
  const specs: Readonly<Record<string, InputPortSpec | { optional?: undefined }>> = side === 'input' ? def.inputs : def.outputs;
  const names = Object.keys(specs);
  if (port !== undefined) {
    if (names.includes(port)) return { ok: true, port };
    return { ok: false, diagnostic: diag('UNKNOWN_PORT', { node: nodeId, port, side, ports: names }, { node: nodeId, edge }) };
  }
  if (names.length === 1) return { ok: true, port: names[0]! };
  const conventional = side === 'input' ? 'in' : 'out';
  if (names.includes(conventional)) return { ok: true, port: conventional };
  if (side === 'input') {
    const required = names.filter((n) => !specs[n]!.optional);
    if (required.length === 1) return { ok: true, port: required[0]! };
  }
  return { ok: false, diagnostic: diag('AMBIGUOUS_PORT', { node: nodeId, side, ports: names }, { node: nodeId, edge }) };
}

export function validate(doc: GraphDoc): ValidatedGraph {
  if (!hasBlocks(doc)) return validateFlat(doc);
  const inlined = inlineBlocks(doc);
  const g = validateFlat(inlined.doc);
  const nodes = new Map<NodeId, ResolvedNode>();
  for (const [id, n] of g.nodes) {
    const origin = inlined.origins.get(id);
    nodes.set(id, origin?.top !== undefined ? { ...n, scope: origin.scope } : n);
  }
  const diagnostics = [
    ...inlined.diagnostics,
    ...dedupe(g.diagnostics.filter((d) => !isCovered(inlined, d)).map((d) => remapDiagnostic(inlined, d))),
  ];
  return { ...g, doc, nodes, diagnostics, blocks: inlined };
}

/** One diagnostic per (code, node, port, message): copies of a repeated block repeat their inner problems. */
export function dedupe(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    // Copy k of a repeated block is written `enc[k]/…`; its copy of a problem copy 0 has is the same problem.
    const strip = (x: string) => x.replace(/\[\d+\]\//g, '/');
    const key = `${d.code}\u0000${strip(d.node ?? '')}\u0000${d.port ?? ''}\u0000${strip(d.message)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function validateFlat(doc: GraphDoc): ValidatedGraph {
  const diagnostics: Diagnostic[] = [];
  const nodes = new Map<NodeId, ResolvedNode>();

  doc.nodes.forEach((node, index) => {
    const at = `nodes[${index}]`;
    if (nodes.has(node.id)) {
      diagnostics.push(diag('DUPLICATE_ID', { id: node.id, what: 'node' }, { node: node.id, path: `${at}.id` }));
      return;
    }
    const def = getLayer(node.kind);
    if (!def) {
      diagnostics.push(diag('UNKNOWN_KIND', { kind: node.kind, suggestion: suggestKind(node.kind) }, { node: node.id, path: `${at}.kind` }));
      nodes.set(node.id, { id: node.id, kind: node.kind, label: node.label, index });
      return;
    }
    const r = resolveParams(node, def, at);
    diagnostics.push(...r.diagnostics);
    nodes.set(node.id, { id: node.id, kind: node.kind, label: node.label, index, def, params: r.params });
  });

  const edges: ResolvedEdge[] = [];
  const edgeIds = new Set<string>();
  const occupied = new Map<string, EdgeId>();
  doc.edges.forEach((edge, index) => {
    const at = `edges[${index}]`;
    if (edgeIds.has(edge.id)) {
      diagnostics.push(diag('DUPLICATE_ID', { id: edge.id, what: 'edge' }, { edge: edge.id, path: `${at}.id` }));
      return;
    }
    edgeIds.add(edge.id);
    const ends: [PortRef, 'output' | 'input', string][] = [
      [edge.from, 'output', 'from'],
      [edge.to, 'input', 'to'],
    ];
    const resolved: string[] = [];
    for (const [ref, side, key] of ends) {
      const n = nodes.get(ref.node);
      if (!n) {
        diagnostics.push(diag('DANGLING_EDGE', { edge: edge.id, node: ref.node }, { edge: edge.id, path: `${at}.${key}.node` }));
        return;
      }
      if (!n.def) return; // the node's UNKNOWN_KIND already explains it
      const r = resolvePort(n.def, n.id, side, ref.port, edge.id);
      if (!r.ok) {
        diagnostics.push({ ...r.diagnostic, path: `${at}.${key}.port` });
        return;
      }
      resolved.push(r.port);
    }
    const [fromPort, toPort] = resolved as [string, string];
    if (edge.from.node === edge.to.node) {
      diagnostics.push(diag('SELF_LOOP', { node: edge.from.node }, { node: edge.from.node, edge: edge.id, path: at }));
      return;
    }
    const target = nodes.get(edge.to.node)!;
    const key = `${edge.to.node}\u0000${toPort}`;
    if (!target.def!.inputs[toPort]!.variadic) {
      if (occupied.has(key)) {
        diagnostics.push(diag('MULTIPLE_EDGES_TO_INPUT', { node: edge.to.node, port: toPort }, { node: edge.to.node, port: toPort, edge: edge.id, path: at }));
        return;
      }
      occupied.set(key, edge.id);
    }
    edges.push({ id: edge.id, from: { node: edge.from.node, port: fromPort }, to: { node: edge.to.node, port: toPort }, index });
  });

  const { order, cyclic, cycles } = topoSort([...nodes.values()], edges);
  for (const cycle of cycles)
    for (const id of cycle) diagnostics.push(diag('CYCLE', { nodes: [...cycle, cycle[0]!] }, { node: id }));

  if (doc.nodes.length > 0 && ![...nodes.values()].some((n) => n.def?.category === 'io'))
    diagnostics.push(diag('NO_INPUT', undefined));

  return { doc, nodes, edges, order, cyclic, diagnostics };
}

/** Kahn's algorithm with document order among ready nodes; reports the cycles that block it. */
export function topoSort(
  nodes: readonly Pick<ResolvedNode, 'id' | 'index'>[],
  edges: readonly Pick<ResolvedEdge, 'from' | 'to'>[],
): { order: NodeId[]; cyclic: Set<NodeId>; cycles: NodeId[][] } {
  const indeg = new Map<NodeId, number>();
  const succ = new Map<NodeId, NodeId[]>();
  for (const n of nodes) {
    indeg.set(n.id, 0);
    succ.set(n.id, []);
  }
  for (const e of edges) {
    indeg.set(e.to.node, (indeg.get(e.to.node) ?? 0) + 1);
    succ.get(e.from.node)?.push(e.to.node);
  }
  const byIndex = [...nodes].sort((a, b) => a.index - b.index);
  const rank = new Map(byIndex.map((n, i) => [n.id, i]));
  // A binary heap keyed by document order keeps the sort O(E log V) on large graphs.
  const heap: NodeId[] = [];
  const less = (a: NodeId, b: NodeId) => rank.get(a)! < rank.get(b)!;
  const push = (id: NodeId) => {
    heap.push(id);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const pop = (): NodeId => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };
  for (const n of byIndex) if (indeg.get(n.id) === 0) push(n.id);
  const order: NodeId[] = [];
  while (heap.length) {
    const id = pop();
    order.push(id);
    for (const s of succ.get(id) ?? []) {
      const d = indeg.get(s)! - 1;
      indeg.set(s, d);
      if (d === 0) push(s);
    }
  }
  const cyclic = new Set<NodeId>();
  const cycles: NodeId[][] = [];
  if (order.length < nodes.length) {
    const done = new Set(order);
    const remaining = new Set(byIndex.filter((n) => !done.has(n.id)).map((n) => n.id));
    // Walk successors inside the remaining set until a node repeats: that closes a cycle.
    const seen = new Set<NodeId>();
    for (const start of remaining) {
      if (seen.has(start)) continue;
      const path: NodeId[] = [];
      const pos = new Map<NodeId, number>();
      let cur: NodeId | undefined = start;
      while (cur !== undefined && !pos.has(cur) && !seen.has(cur)) {
        pos.set(cur, path.length);
        path.push(cur);
        cur = (succ.get(cur) ?? []).find((s) => remaining.has(s));
      }
      if (cur !== undefined && pos.has(cur)) {
        const cycle = path.slice(pos.get(cur)!);
        cycles.push(cycle);
        for (const id of cycle) cyclic.add(id);
      }
      for (const id of path) seen.add(id);
    }
    // Nodes downstream of a cycle are not cyclic themselves but are left out of the order too.
  }
  return { order, cyclic, cycles };
}
