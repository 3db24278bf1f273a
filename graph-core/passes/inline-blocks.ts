/**
 * inlineBlocks: a document with Block nodes → a flat document of layers only, plus the map back.
 *
 * Copy k of block `enc` contributes its inner node `ff1` as the flat node `enc.<k>.ff1` (nested blocks add
 * their own `<id>.<copy>.` segments), so the compiled weight names are `enc.<k>.ff1.<torch name>`: the
 * state_dict names of an nn.ModuleList `enc` whose items hold `ff1`. BlockInput and BlockOutput nodes do
 * not survive: an edge into a BlockInput's consumers comes from whatever feeds the block's port outside
 * (for copy k ≥ 1 of a repeated block, from copy k−1's matching output), and an edge from a block's output
 * port comes from whatever feeds the BlockOutput inside.
 *
 * With repeat R > 1, output i of copy k feeds input i of copy k+1 (ports in document order); inputs beyond
 * the outputs (a padding mask) feed every copy from outside. Structural block problems become diagnostics
 * that name the block's path (`enc/ff1`); `remapDiagnostic` turns the flat graph's diagnostics into ones
 * about the user's document. Pure; never throws on user input.
 */
import { diag, type Diagnostic } from '../diagnostics';
import type { BlockBody, GraphDoc, GraphEdge, GraphNode, PortRef } from '../document/types';
import { BLOCK, BLOCK_INPUT, BLOCK_OUTPUT, blockParams, blockPorts } from '../layers/block';
import { checkParam } from '../params';

/** Where a flat node came from. */
export interface NodeOrigin {
  /** What diagnostics call it: `enc/ff1`; a copy k ≥ 1 is written `enc[k]/ff1`. Top-level nodes: their id. */
  readonly path: string;
  /** JSON path of the node in the document: `nodes[2].body.nodes[1]`, or `blocks.<def>.body.nodes[1]` when linked. */
  readonly json: string;
  /** IR scope, so ONNX node names show the structure: `enc/0/ff1`. */
  readonly scope: string;
  /** The top-level Block node it lies in; absent for top-level nodes. */
  readonly top?: string;
}

/** The flat source of a tensor: a flat node's output port (the port may be implicit). */
export type FlatRef = PortRef;

export interface BlockCopy {
  /** Flat-id prefix of the copy's inner nodes: `enc.0.`. */
  readonly prefix: string;
  /** Display path of the copy: `enc` for copy 0, `enc[2]` for copy 2. */
  readonly path: string;
  /** What feeds each input port of this copy (absent: not connected). */
  readonly inputs: Readonly<Record<string, FlatRef | undefined>>;
  /** What each output port of this copy gives (absent: not connected inside). */
  readonly outputs: Readonly<Record<string, FlatRef | undefined>>;
}

/** One Block node of the document (a nested one once per copy of its enclosing blocks: only copy 0 is listed). */
export interface BlockInstance {
  /** Display path: `enc`, `enc/inner`. */
  readonly path: string;
  readonly id: string;
  readonly node: GraphNode;
  /** Label, linked definition name, or id. */
  readonly name: string;
  readonly repeat: number;
  /** Linked definition id. */
  readonly definition?: string;
  /** 0 for a top-level block. */
  readonly depth: number;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly copies: readonly BlockCopy[];
  /** JSON path of the Block node. */
  readonly json: string;
}

export interface InlinedGraph {
  /** The flat document: no Block, BlockInput or BlockOutput nodes; no `blocks`. */
  readonly doc: GraphDoc;
  /** Every flat node's origin, by flat id. */
  readonly origins: ReadonlyMap<string, NodeOrigin>;
  /** JSON path in the original document of each flat node / edge, by flat index. */
  readonly nodeJson: readonly string[];
  readonly edgeJson: readonly string[];
  /** Flat ids of edges that are edges of the top-level document (diagnostics may name those). */
  readonly topEdges: ReadonlySet<string>;
  /** Every block, outer before inner; for a nested block only the instance inside copy 0 of its parents. */
  readonly blocks: readonly BlockInstance[];
  readonly diagnostics: readonly Diagnostic[];
  /** `<flat node>\0<port or *>` inputs left unconnected because a block port is; the block's diagnostic covers them. */
  readonly covered: ReadonlySet<string>;
}

interface Level {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly prefix: string;
  readonly path: string;
  readonly scope: string;
  /** Base of the JSON path: '' at the top level, `nodes[2].body.` inside. */
  readonly json: string;
  /** What feeds each BlockInput (undefined at the top level). */
  readonly inputs?: ReadonlyMap<string, FlatRef | undefined>;
  readonly top?: string;
  /** Linked definitions being expanded, outermost first (recursion guard). */
  readonly open: readonly string[];
  /** Whether instances found here are listed (only inside copy 0 of every enclosing block). */
  readonly listed: boolean;
  readonly depth: number;
}

/** A resolved source: a flat port, `null` for an unconnected block port, `undefined` when broken (already reported). */
type Source = FlatRef | null | undefined;

export function inlineBlocks(doc: GraphDoc): InlinedGraph {
  const nodes: GraphNode[] = [];
  const nodeJson: string[] = [];
  const edges: GraphEdge[] = [];
  const edgeJson: string[] = [];
  const origins = new Map<string, NodeOrigin>();
  const diagnostics: Diagnostic[] = [];
  const blocks: BlockInstance[] = [];
  const covered = new Set<string>();
  const topEdges = new Set<string>();
  const definitions = doc.blocks ?? {};

  interface Expanded {
    readonly outputs: Map<string, Source>;
    readonly nodes: { node: GraphNode; json: string }[];
    readonly edges: { edge: GraphEdge; json: string }[];
  }

  const expandLevel = (L: Level): Expanded => {
    const byId = new Map<string, { node: GraphNode; index: number }>();
    L.nodes.forEach((node, index) => {
      if (!byId.has(node.id)) byId.set(node.id, { node, index });
    });
    const at = (index: number) => `${L.json}nodes[${index}]`;
    const where = (id: string) => `${L.path}${id}`;
    // Flat nodes go into one slot per node of this level, so that document order survives.
    const slots: { nodes: GraphNode[]; json: string[] }[] = L.nodes.map(() => ({ nodes: [], json: [] }));
    const expanded = new Map<string, Map<string, Source> | 'busy'>();
    const levelEdges: { edge: GraphEdge; json: string }[] = [];

    L.nodes.forEach((node, index) => {
      if (node.kind === BLOCK) return;
      if (node.kind === BLOCK_INPUT || node.kind === BLOCK_OUTPUT) {
        if (!L.inputs) diagnostics.push(diag('BLOCK_PORT_OUTSIDE_BLOCK', { kind: node.kind }, { node: where(node.id), path: `${at(index)}.kind` }));
        return;
      }
      const { body: _b, ref: _r, ...plain } = node;
      const flatId = `${L.prefix}${node.id}`;
      slots[index]!.nodes.push({ ...plain, id: flatId });
      slots[index]!.json.push(at(index));
      if (!origins.has(flatId))
        origins.set(flatId, { path: where(node.id), json: at(index), scope: `${L.scope}${node.id}`, ...(L.top ? { top: L.top } : {}) });
    });

    /** The source behind an edge's `from` at this level. */
    const sourceOf = (ref: PortRef, edgeId: string): Source => {
      const hit = byId.get(ref.node);
      if (!hit) return { node: `${L.prefix}${ref.node}`, ...(ref.port ? { port: ref.port } : {}) }; // flat validation reports it
      const n = hit.node;
      if (n.kind === BLOCK_INPUT) {
        if (!L.inputs) return undefined;
        if (ref.port !== undefined && ref.port !== 'out') {
          diagnostics.push(diag('UNKNOWN_PORT', { node: where(n.id), port: ref.port, side: 'output', ports: ['out'] }, { node: where(n.id) }));
          return undefined;
        }
        return L.inputs.get(n.id) ?? null;
      }
      if (n.kind === BLOCK_OUTPUT) {
        diagnostics.push(diag('UNKNOWN_PORT', { node: where(n.id), port: ref.port ?? 'out', side: 'output', ports: [] }, { node: where(n.id) }));
        return undefined;
      }
      if (n.kind === BLOCK) {
        const outs = expandBlock(n, hit.index);
        if (!outs) return undefined;
        const names = [...outs.keys()];
        const port = ref.port ?? (names.length === 1 ? names[0] : names.includes('out') ? 'out' : undefined);
        if (port === undefined) {
          diagnostics.push(diag('AMBIGUOUS_PORT', { node: where(n.id), side: 'output', ports: names }, { node: where(n.id), edge: edgeId }));
          return undefined;
        }
        if (!outs.has(port)) {
          diagnostics.push(diag('UNKNOWN_PORT', { node: where(n.id), port, side: 'output', ports: names }, { node: where(n.id) }));
          return undefined;
        }
        return outs.get(port)!;
      }
      return { node: `${L.prefix}${n.id}`, ...(ref.port ? { port: ref.port } : {}) };
    };

    const expandBlock = (n: GraphNode, index: number): Map<string, Source> | undefined => {
      const done = expanded.get(n.id);
      if (done === 'busy') {
        diagnostics.push(diag('CYCLE', { nodes: [where(n.id), where(n.id)] }, { node: where(n.id) }));
        return undefined;
      }
      if (done) return done;
      expanded.set(n.id, 'busy');
      const result = expandBlockOnce(n, index);
      expanded.set(n.id, result ?? new Map());
      return result;
    };

    const expandBlockOnce = (n: GraphNode, index: number): Map<string, Source> | undefined => {
      const blockAt = at(index);
      const name = where(n.id);
      let body: BlockBody | undefined;
      let bodyJson = `${blockAt}.body.`;
      let open = L.open;
      if (n.body && n.ref) {
        diagnostics.push(diag('BAD_BLOCK', { block: name, problem: 'has both its own body and a ref to a definition; keep one' }, { node: name, path: blockAt }));
        return undefined;
      }
      if (n.ref) {
        const def = Object.prototype.hasOwnProperty.call(definitions, n.ref.block) ? definitions[n.ref.block] : undefined;
        if (!def) {
          diagnostics.push(diag('UNKNOWN_BLOCK', { block: name, ref: n.ref.block, known: Object.keys(definitions) }, { node: name, path: `${blockAt}.ref.block` }));
          return undefined;
        }
        if (L.open.includes(n.ref.block)) {
          diagnostics.push(diag('RECURSIVE_BLOCK', { block: name, chain: [...L.open, n.ref.block] }, { node: name, path: `${blockAt}.ref.block` }));
          return undefined;
        }
        body = def.body;
        bodyJson = `blocks.${n.ref.block}.body.`;
        open = [...L.open, n.ref.block];
      } else body = n.body;
      if (!body) {
        diagnostics.push(diag('BAD_BLOCK', { block: name, problem: 'has no body and no ref to a block definition' }, { node: name, path: blockAt }));
        return undefined;
      }

      let repeat = 1;
      const r = checkParam(blockParams.repeat, Object.prototype.hasOwnProperty.call(n.params, 'repeat') ? n.params.repeat : blockParams.repeat.default);
      if (r.ok) repeat = r.value as number;
      else diagnostics.push(diag('BAD_PARAM', { param: 'repeat', problem: r.message }, { node: name, path: `${blockAt}.params.repeat` }));
      for (const p of Object.keys(n.params))
        if (p !== 'repeat')
          diagnostics.push(diag('UNKNOWN_PARAM', { param: p, kind: BLOCK, known: ['repeat'] }, { node: name, path: `${blockAt}.params.${p}` }));

      const ports = blockPorts(body);
      // What feeds each input port from outside.
      const outside = new Map<string, Source>();
      L.edges.forEach((e, k) => {
        if (e.to.node !== n.id) return;
        const port = e.to.port ?? (ports.inputs.length === 1 ? ports.inputs[0] : ports.inputs.includes('in') ? 'in' : undefined);
        if (port === undefined) {
          diagnostics.push(diag('AMBIGUOUS_PORT', { node: name, side: 'input', ports: ports.inputs }, { node: name, edge: e.id, path: `${L.json}edges[${k}].to.port` }));
          return;
        }
        if (!ports.inputs.includes(port)) {
          diagnostics.push(diag('UNKNOWN_PORT', { node: name, port, side: 'input', ports: ports.inputs }, { node: name, edge: e.id, path: `${L.json}edges[${k}].to.port` }));
          return;
        }
        if (outside.has(port)) {
          diagnostics.push(diag('MULTIPLE_EDGES_TO_INPUT', { node: name, port }, { node: name, port, edge: e.id, path: `${L.json}edges[${k}]` }));
          return;
        }
        if (e.from.node === n.id) {
          diagnostics.push(diag('SELF_LOOP', { node: name }, { node: name, edge: e.id, path: `${L.json}edges[${k}]` }));
          outside.set(port, undefined);
          return;
        }
        outside.set(port, sourceOf(e.from, e.id));
      });
      for (const port of ports.inputs)
        if (!outside.has(port)) {
          diagnostics.push(diag('UNCONNECTED_INPUT', { port }, { node: name, port }));
          outside.set(port, undefined);
        }

      let copies = repeat;
      if (repeat > 1 && ports.outputs.length > ports.inputs.length) {
        diagnostics.push(
          diag('REPEAT_PORTS_MISMATCH', { block: name, repeat, inputs: ports.inputs.length, outputs: ports.outputs.length }, { node: name, path: `${blockAt}.params.repeat` }),
        );
        copies = 1;
      }

      const instanceCopies: BlockCopy[] = [];
      let previous: Map<string, Source> | undefined;
      for (let k = 0; k < copies; k++) {
        const inputs = new Map<string, FlatRef | undefined>();
        ports.inputs.forEach((port, i) => {
          const src = k > 0 && i < ports.outputs.length ? previous!.get(ports.outputs[i]!) : outside.get(port);
          inputs.set(port, src ?? undefined);
        });
        const sub = expandLevel({
          nodes: body.nodes,
          edges: body.edges,
          prefix: `${L.prefix}${n.id}.${k}.`,
          path: `${L.path}${n.id}${k ? `[${k}]` : ''}/`,
          scope: `${L.scope}${n.id}/${k}/`,
          json: bodyJson,
          inputs,
          top: L.top ?? n.id,
          open,
          listed: L.listed && k === 0,
          depth: L.depth + 1,
        });
        const outs = sub.outputs;
        for (const x of sub.nodes) {
          slots[index]!.nodes.push(x.node);
          slots[index]!.json.push(x.json);
        }
        levelEdges.push(...sub.edges);
        instanceCopies.push({
          prefix: `${L.prefix}${n.id}.${k}.`,
          path: `${L.path}${n.id}${k ? `[${k}]` : ''}`,
          inputs: Object.fromEntries(inputs),
          outputs: Object.fromEntries([...outs].map(([p, s]) => [p, s ?? undefined])),
        });
        previous = outs;
      }
      if (L.listed)
        blocks.push({
          path: name,
          id: n.id,
          node: n,
          name: n.label ?? (n.ref ? definitions[n.ref.block]?.name : undefined) ?? n.id,
          repeat,
          ...(n.ref ? { definition: n.ref.block } : {}),
          depth: L.depth,
          inputs: ports.inputs,
          outputs: ports.outputs,
          copies: instanceCopies,
          json: blockAt,
        });
      if (copies !== repeat) return undefined;
      return previous ?? new Map();
    };

    // Edges into layers of this level; edges into blocks and BlockOutputs are taken up by those.
    L.edges.forEach((e, k) => {
      const target = byId.get(e.to.node);
      const json = `${L.json}edges[${k}]`;
      if (target && (target.node.kind === BLOCK || target.node.kind === BLOCK_OUTPUT)) return;
      if (target && target.node.kind === BLOCK_INPUT) {
        if (L.inputs)
          diagnostics.push(diag('UNKNOWN_PORT', { node: where(target.node.id), port: e.to.port ?? 'in', side: 'input', ports: [] }, { node: where(target.node.id), path: json }));
        return;
      }
      const src = sourceOf(e.from, e.id);
      if (src === undefined) return;
      const to = { node: `${L.prefix}${e.to.node}`, ...(e.to.port ? { port: e.to.port } : {}) };
      if (src === null) {
        covered.add(`${to.node}\u0000${e.to.port ?? '*'}`);
        return;
      }
      levelEdges.push({ edge: { id: `${L.prefix}${e.id}`, from: src, to }, json });
      if (!L.inputs) topEdges.add(e.id);
    });

    // Blocks whose outputs nothing consumes still compile (a loss inside, or an output of the model).
    L.nodes.forEach((n, index) => {
      if (n.kind === BLOCK && !expanded.has(n.id) && byId.get(n.id)?.node === n) expandBlock(n, index);
    });

    // This level's outputs (what feeds each BlockOutput).
    const outputs = new Map<string, Source>();
    if (L.inputs)
      L.nodes.forEach((n, index) => {
        if (n.kind !== BLOCK_OUTPUT || outputs.has(n.id)) return;
        const into = L.edges.filter((e) => e.to.node === n.id);
        if (into.length === 0) {
          diagnostics.push(diag('UNCONNECTED_INPUT', { port: 'in' }, { node: where(n.id), port: 'in', path: at(index) }));
          outputs.set(n.id, undefined);
          return;
        }
        if (into.length > 1) diagnostics.push(diag('MULTIPLE_EDGES_TO_INPUT', { node: where(n.id), port: 'in' }, { node: where(n.id), port: 'in' }));
        outputs.set(n.id, sourceOf(into[0]!.from, into[0]!.id));
      });

    return { outputs, nodes: slots.flatMap((slot) => slot.nodes.map((node, k) => ({ node, json: slot.json[k]! }))), edges: levelEdges };
  };

  const top = expandLevel({ nodes: doc.nodes, edges: doc.edges, prefix: '', path: '', scope: '', json: '', open: [], listed: true, depth: 0 });
  for (const x of top.nodes) {
    nodes.push(x.node);
    nodeJson.push(x.json);
  }
  for (const x of top.edges) {
    edges.push(x.edge);
    edgeJson.push(x.json);
  }
  const { blocks: _defs, ...rest } = doc;
  return {
    doc: { ...rest, nodes, edges },
    origins,
    nodeJson,
    edgeJson,
    topEdges,
    blocks: blocks.sort((a, b) => a.depth - b.depth),
    diagnostics,
    covered,
  };
}

/** Rewrites a diagnostic about the flat graph into one about the user's document (paths, nested node names). */
export function remapDiagnostic(g: InlinedGraph, d: Diagnostic): Diagnostic {
  const out: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { ...d };
  if (d.path) {
    const m = /^(nodes|edges)\[(\d+)\](.*)$/.exec(d.path);
    if (m) {
      const base = (m[1] === 'nodes' ? g.nodeJson : g.edgeJson)[Number(m[2])];
      if (base !== undefined) out.path = `${base}${m[3]}`;
    }
  }
  const origin = d.node !== undefined ? g.origins.get(d.node) : undefined;
  if (origin && origin.top !== undefined) {
    out.node = origin.path;
    if (d.message.includes(`"${d.node}"`)) out.message = d.message.split(`"${d.node}"`).join(`"${origin.path}"`);
  }
  if (d.edge !== undefined && !g.topEdges.has(d.edge)) {
    // An edge inside copy 0 of a block keeps its id in that body (the editor applies the fix there, with
    // `inBlock`); one in a later copy has no edge of its own in the document.
    const inner = origin && origin.top !== undefined && !origin.path.includes('[') ? origin.path.slice(origin.path.lastIndexOf('/') + 1) : undefined;
    const prefix = inner !== undefined && d.node !== undefined ? d.node.slice(0, d.node.length - inner.length) : undefined;
    if (prefix !== undefined && d.edge.startsWith(prefix)) {
      out.edge = d.edge.slice(prefix.length);
      if (d.fix) out.fix = { ...d.fix, edge: d.fix.edge.slice(prefix.length) };
    } else {
      delete out.edge;
      delete out.fix;
    }
  }
  return out;
}

/** True when the diagnostic is an unconnected input that a block's own UNCONNECTED_INPUT already explains. */
export function isCovered(g: InlinedGraph, d: Diagnostic): boolean {
  return d.code === 'UNCONNECTED_INPUT' && d.node !== undefined && (g.covered.has(`${d.node}\u0000${d.port ?? ''}`) || g.covered.has(`${d.node}\u0000*`));
}
