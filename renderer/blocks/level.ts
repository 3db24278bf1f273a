/**
 * Editing inside blocks. The editor keeps one document and one history; `blockPath` names the Block nodes
 * the canvas has entered (top level: []). The canvas shows `levelDoc` (the entered block's body, as a
 * document), every edit made there is wrapped in graph-core's `inBlock` command (so it is one undo step, and
 * in a linked block it edits every use), and `levelAnalysis` gives the body's nodes their shapes from the
 * analysis of the whole model, so shapes inside update live as the outside changes.
 */
import {
  blockBody,
  blockPortDef,
  fmtShape,
  getLayer,
  type Command,
  type Diagnostic,
  type EdgeId,
  type GraphDoc,
  type GraphNode,
  type NodeId,
  type TensorType,
} from '../../graph-core';
import type { Analysis, NodeView } from '../store/analysis';
import type { EditorCommand, EditorDoc } from '../store/editor-doc';

/** The Block nodes along `path`, outermost first; shorter than `path` when a step no longer resolves. */
export function blockTrail(doc: GraphDoc, path: readonly NodeId[]): GraphNode[] {
  const out: GraphNode[] = [];
  let nodes = doc.nodes;
  for (const id of path) {
    const n = nodes.find((x) => x.id === id && x.kind === 'Block');
    const body = n && blockBody(doc, n);
    if (!n || !body) break;
    out.push(n);
    nodes = body.nodes;
  }
  return out;
}

let cache: { doc: EditorDoc; path: readonly NodeId[]; level: EditorDoc } | null = null;

/** The graph shown at `path`: the document itself at the top, else the entered block's body (no comments). */
export function levelDoc(doc: EditorDoc, path: readonly NodeId[]): EditorDoc {
  if (path.length === 0) return doc;
  if (cache && cache.doc === doc && samePath(cache.path, path)) return cache.level;
  const trail = blockTrail(doc, path);
  if (trail.length < path.length) return doc;
  const body = blockBody(doc, trail[trail.length - 1]!)!;
  const { comments: _c, ...rest } = doc;
  const prev = cache?.level;
  // Keep the same object while the body is unchanged, so memoised views skip re-rendering.
  const level = prev && prev.nodes === body.nodes && prev.edges === body.edges && prev.blocks === doc.blocks ? prev : { ...rest, nodes: body.nodes, edges: body.edges };
  cache = { doc, path, level };
  return level;
}

export const samePath = (a: readonly NodeId[], b: readonly NodeId[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** graph-core's commands; the editor's own (sticky notes, settings) concern the whole document. */
const GRAPH_COMMANDS: ReadonlySet<string> = new Set<Command['type']>([
  'addNodes',
  'removeNodes',
  'moveNodes',
  'setParam',
  'setLabel',
  'connect',
  'disconnect',
  'batch',
  'inBlock',
  'replaceNode',
]);

/**
 * The command that makes `cmd` (written against the level's graph) an edit of the document. Sticky notes
 * live on the top level only, so a note edit made inside a block is dropped (null).
 */
export function wrapCommand(path: readonly NodeId[], cmd: EditorCommand): EditorCommand | null {
  if (path.length === 0) return cmd;
  if (cmd.type === 'setComment') return null;
  if (cmd.type === 'sequence') {
    const commands = cmd.commands.map((c) => wrapCommand(path, c)).filter((c): c is EditorCommand => c !== null);
    return commands.length ? { type: 'sequence', commands } : null;
  }
  if (!GRAPH_COMMANDS.has(cmd.type)) return cmd;
  return { type: 'inBlock', path, command: cmd as Command };
}

/** The layer definition (or block-port description) that gives a node its ports. */
export function portDefOf(doc: GraphDoc, node: GraphNode) {
  return getLayer(node.kind) ?? blockPortDef(doc, node);
}

const EMPTY: NodeView = { paramCount: null, inputs: {}, outputs: {}, diagnostics: [], portErrors: {} };

/**
 * The analysis as seen inside the block at `path` (copy 0 of every repeated block on the way): node views by
 * inner id, the shapes on the body's edges, and the diagnostics whose path lies inside it.
 */
export function levelAnalysis(a: Analysis, doc: GraphDoc, path: readonly NodeId[], previous?: Analysis): Analysis {
  if (path.length === 0) return a;
  const level = levelDoc(doc, path);
  const flatPrefix = path.map((id) => `${id}.0.`).join('');
  const pathPrefix = `${path.join('/')}/`;
  const shaped = a.shaped;
  const block = shaped.blocks?.blocks.find((b) => b.path === path.join('/'));
  const typeOf = (node: GraphNode | undefined, port: string | undefined): TensorType | undefined => {
    if (!node) return undefined;
    if (node.kind === 'BlockInput') {
      const ref = block?.copies[0]?.inputs[node.id];
      if (!ref) return undefined;
      const info = shaped.info.get(ref.node);
      const ports = info ? Object.keys(info.outputs) : [];
      return info?.outputs[ref.port ?? (ports.length === 1 ? ports[0]! : 'out')];
    }
    const info = node.kind === 'Block' ? shaped.blockInfo.get(`${pathPrefix}${node.id}`) : shaped.info.get(`${flatPrefix}${node.id}`);
    if (!info) return undefined;
    const ports = Object.keys(info.outputs);
    return info.outputs[port ?? (ports.length === 1 ? ports[0]! : 'out')];
  };
  const byNode = new Map<NodeId, Diagnostic[]>();
  for (const d of shaped.diagnostics) {
    if (!d.node?.startsWith(pathPrefix)) continue;
    const rest = d.node.slice(pathPrefix.length);
    const inner = rest.split(/[/[]/)[0]!;
    // A fix applies to this level's own edges only, not to those of a block nested further in.
    const { fix: _fix, edge: _edge, ...bare } = d;
    byNode.set(inner, [...(byNode.get(inner) ?? []), rest === inner ? d : bare]);
  }
  const nodes = new Map<NodeId, NodeView>();
  for (const n of level.nodes) {
    const diagnostics = byNode.get(n.id) ?? [];
    const portErrors: Record<string, string> = {};
    for (const d of diagnostics) if (d.port !== undefined && d.severity === 'error' && !(d.port in portErrors)) portErrors[d.port] = d.message;
    let view: NodeView = EMPTY;
    if (n.kind === 'BlockInput' || n.kind === 'BlockOutput') {
      const t = n.kind === 'BlockInput' ? typeOf(n, 'out') : undefined;
      view = { ...EMPTY, outputs: t ? { out: fmtShape(t.shape) } : {}, diagnostics, portErrors };
    } else {
      const info = n.kind === 'Block' ? shaped.blockInfo.get(`${pathPrefix}${n.id}`) : shaped.info.get(`${flatPrefix}${n.id}`);
      if (info || diagnostics.length)
        view = {
          paramCount: info ? info.paramCount : null,
          inputs: info ? Object.fromEntries(Object.entries(info.inputs).map(([p, t]) => [p, fmtShape(t.shape)])) : {},
          outputs: info ? Object.fromEntries(Object.entries(info.outputs).map(([p, t]) => [p, fmtShape(t.shape)])) : {},
          diagnostics,
          portErrors,
        };
    }
    const old = previous?.nodes.get(n.id);
    nodes.set(n.id, old && JSON.stringify(old) === JSON.stringify(view) ? old : view);
  }
  const edgeShapes = new Map<EdgeId, string>();
  for (const e of level.edges) {
    const t = typeOf(
      level.nodes.find((x) => x.id === e.from.node),
      e.from.port,
    );
    if (t) edgeShapes.set(e.id, fmtShape(t.shape));
  }
  return { ...a, nodes, edgeShapes, edgeErrors: new Set(), general: [] };
}
