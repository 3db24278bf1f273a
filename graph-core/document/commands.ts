/**
 * Edits to a document, as data. Applying a command returns the new document and the command that
 * undoes it, so undo/redo is testable without any UI: apply(apply(d, c).inverse) = d.
 */
import type { DiagnosticFix } from '../diagnostics';
import type { RawParamValue } from '../params';
import type { BlockDefinition, EdgeId, GraphDoc, GraphEdge, GraphNode, NodeId, XY } from './types';

export type Command =
  | {
      readonly type: 'addNodes';
      readonly nodes: readonly GraphNode[];
      readonly edges?: readonly GraphEdge[];
      /** Array positions to restore (used by undo); appended at the end when absent. */
      readonly at?: { readonly nodes: readonly number[]; readonly edges: readonly number[] };
    }
  | { readonly type: 'removeNodes'; readonly ids: readonly NodeId[] }
  | { readonly type: 'moveNodes'; readonly moves: readonly { readonly id: NodeId; readonly to: XY }[] }
  | { readonly type: 'setParam'; readonly id: NodeId; readonly name: string; readonly value: RawParamValue | undefined }
  | { readonly type: 'setLabel'; readonly id: NodeId; readonly label: string | undefined }
  | { readonly type: 'connect'; readonly edge: GraphEdge; readonly index?: number }
  | { readonly type: 'disconnect'; readonly id: EdgeId }
  | { readonly type: 'rename'; readonly name: string }
  | { readonly type: 'batch'; readonly commands: readonly Command[] }
  /**
   * Applies `command` inside a block: `path` names Block nodes from the top level down. Inside a linked
   * block it edits the shared definition, so every linked use changes (one undo step for all of them).
   */
  | { readonly type: 'inBlock'; readonly path: readonly NodeId[]; readonly command: Command }
  /** Replaces a node by another with the same id (link, unlink, swap a block's body). */
  | { readonly type: 'replaceNode'; readonly node: GraphNode }
  /** Adds, changes or (with `definition` undefined) removes an entry of the document's `blocks`. */
  | { readonly type: 'setBlockDefinition'; readonly id: string; readonly definition: BlockDefinition | undefined };

/** Thrown for a command that does not fit the document: a bug in the caller, not a user mistake. */
export class CommandError extends Error {}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new CommandError(what);
  return value;
}

export function applyCommand(doc: GraphDoc, cmd: Command): { doc: GraphDoc; inverse: Command } {
  switch (cmd.type) {
    case 'addNodes': {
      const ids = new Set(doc.nodes.map((n) => n.id));
      for (const n of cmd.nodes) if (ids.has(n.id)) throw new CommandError(`node id "${n.id}" is taken`);
      const edgeIds = new Set(doc.edges.map((e) => e.id));
      for (const e of cmd.edges ?? []) if (edgeIds.has(e.id)) throw new CommandError(`edge id "${e.id}" is taken`);
      return {
        doc: { ...doc, nodes: insertAt(doc.nodes, cmd.nodes, cmd.at?.nodes), edges: insertAt(doc.edges, cmd.edges ?? [], cmd.at?.edges) },
        inverse: { type: 'removeNodes', ids: cmd.nodes.map((n) => n.id) },
      };
    }
    case 'removeNodes': {
      const ids = new Set(cmd.ids);
      for (const id of ids) need(doc.nodes.find((n) => n.id === id), `no node "${id}"`);
      const isCut = (e: GraphEdge) => ids.has(e.from.node) || ids.has(e.to.node);
      const at = { nodes: [] as number[], edges: [] as number[] };
      const removed = doc.nodes.filter((n, i) => ids.has(n.id) && at.nodes.push(i));
      const cut = doc.edges.filter((e, i) => isCut(e) && at.edges.push(i));
      const after = { ...doc, nodes: doc.nodes.filter((n) => !ids.has(n.id)), edges: doc.edges.filter((e) => !isCut(e)) };
      // The inverse restores nodes and edges at their original array positions, so that document
      // order (which decides Concat's input order and tie-breaks in the summary) survives undo.
      return { doc: after, inverse: { type: 'addNodes', nodes: removed, edges: cut, at } };
    }
    case 'moveNodes': {
      const to = new Map(cmd.moves.map((m) => [m.id, m.to]));
      const back: { id: NodeId; to: XY }[] = [];
      const nodes = doc.nodes.map((n) => {
        const p = to.get(n.id);
        if (!p) return n;
        back.push({ id: n.id, to: n.position });
        return { ...n, position: p };
      });
      if (back.length !== to.size) throw new CommandError('moveNodes names a missing node');
      return { doc: { ...doc, nodes }, inverse: { type: 'moveNodes', moves: back } };
    }
    case 'setParam': {
      const n = need(doc.nodes.find((x) => x.id === cmd.id), `no node "${cmd.id}"`);
      const old = Object.prototype.hasOwnProperty.call(n.params, cmd.name) ? n.params[cmd.name] : undefined;
      const params = { ...n.params };
      if (cmd.value === undefined) delete params[cmd.name];
      else params[cmd.name] = cmd.value;
      return {
        doc: { ...doc, nodes: doc.nodes.map((x) => (x === n ? { ...n, params } : x)) },
        inverse: { type: 'setParam', id: cmd.id, name: cmd.name, value: old },
      };
    }
    case 'setLabel': {
      const n = need(doc.nodes.find((x) => x.id === cmd.id), `no node "${cmd.id}"`);
      const { label: old, ...rest } = n;
      const next: GraphNode = cmd.label === undefined || cmd.label === '' ? rest : { ...rest, label: cmd.label };
      return { doc: { ...doc, nodes: doc.nodes.map((x) => (x === n ? next : x)) }, inverse: { type: 'setLabel', id: cmd.id, label: old } };
    }
    case 'connect': {
      if (doc.edges.some((e) => e.id === cmd.edge.id)) throw new CommandError(`edge id "${cmd.edge.id}" is taken`);
      return { doc: { ...doc, edges: insertAt(doc.edges, [cmd.edge], cmd.index === undefined ? undefined : [cmd.index]) }, inverse: { type: 'disconnect', id: cmd.edge.id } };
    }
    case 'disconnect': {
      const i = doc.edges.findIndex((e) => e.id === cmd.id);
      if (i < 0) throw new CommandError(`no edge "${cmd.id}"`);
      const e = doc.edges[i]!;
      return { doc: { ...doc, edges: doc.edges.filter((_, k) => k !== i) }, inverse: { type: 'connect', edge: e, index: i } };
    }
    case 'rename':
      return { doc: { ...doc, name: cmd.name }, inverse: { type: 'rename', name: doc.name } };
    case 'inBlock': {
      if (cmd.path.length === 0) return applyCommand(doc, cmd.command);
      const [head, ...rest] = cmd.path as [NodeId, ...NodeId[]];
      const n = need(doc.nodes.find((x) => x.id === head), `no node "${head}"`);
      if (n.kind !== 'Block') throw new CommandError(`node "${head}" is not a block`);
      const inner: Command = rest.length ? { type: 'inBlock', path: rest, command: cmd.command } : cmd.command;
      const def = n.ref ? need(doc.blocks?.[n.ref.block], `no block definition "${n.ref.block}"`) : undefined;
      const body = need(def ? def.body : n.body, `block "${head}" has no body`);
      const r = applyCommand({ ...doc, nodes: body.nodes, edges: body.edges }, inner);
      const nextBody = { nodes: r.doc.nodes, edges: r.doc.edges };
      const blocks = r.doc.blocks;
      const next: GraphDoc =
        def && n.ref
          ? withBlocks(doc, { ...blocks, [n.ref.block]: { ...def, body: nextBody } })
          : { ...withBlocks(doc, blocks), nodes: doc.nodes.map((x) => (x === n ? { ...n, body: nextBody } : x)) };
      return { doc: next, inverse: { type: 'inBlock', path: cmd.path, command: r.inverse } };
    }
    case 'replaceNode': {
      const i = doc.nodes.findIndex((x) => x.id === cmd.node.id);
      if (i < 0) throw new CommandError(`no node "${cmd.node.id}"`);
      const old = doc.nodes[i]!;
      return { doc: { ...doc, nodes: doc.nodes.map((x, k) => (k === i ? cmd.node : x)) }, inverse: { type: 'replaceNode', node: old } };
    }
    case 'setBlockDefinition': {
      const old = doc.blocks && Object.prototype.hasOwnProperty.call(doc.blocks, cmd.id) ? doc.blocks[cmd.id] : undefined;
      const blocks = { ...(doc.blocks ?? {}) };
      if (cmd.definition === undefined) delete blocks[cmd.id];
      else blocks[cmd.id] = cmd.definition;
      return { doc: withBlocks(doc, blocks), inverse: { type: 'setBlockDefinition', id: cmd.id, definition: old } };
    }
    case 'batch': {
      let d = doc;
      const inverses: Command[] = [];
      for (const c of cmd.commands) {
        const r = applyCommand(d, c);
        d = r.doc;
        inverses.unshift(r.inverse);
      }
      return { doc: d, inverse: { type: 'batch', commands: inverses } };
    }
  }
}

/** The document with `blocks` set; an empty or absent set removes the field, so documents without blocks keep their shape. */
function withBlocks(doc: GraphDoc, blocks: GraphDoc['blocks']): GraphDoc {
  const { blocks: _old, ...rest } = doc;
  return blocks && Object.keys(blocks).length > 0 ? { ...rest, blocks } : rest;
}

/** Inserts `items` so that item k ends up at index `at[k]` (ascending); appends when `at` is absent. */
function insertAt<T>(list: readonly T[], items: readonly T[], at?: readonly number[]): T[] {
  if (!at) return [...list, ...items];
  const out = [...list];
  items
    .map((item, k) => ({ item, index: at[k]! }))
    .sort((a, b) => a.index - b.index)
    .forEach(({ item, index }) => out.splice(Math.min(index, out.length), 0, item));
  return out;
}

/** A fresh id with the given prefix that no node or edge uses yet: `flatten`, `flatten2`, … */
export function freshId(doc: GraphDoc, prefix: string): string {
  const used = new Set([...doc.nodes.map((n) => n.id), ...doc.edges.map((e) => e.id)]);
  const base = prefix.replace(/[^A-Za-z0-9_]/g, '').replace(/^([A-Z])/, (c) => c.toLowerCase()) || 'node';
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}${i}`)) return `${base}${i}`;
}

/** The command that carries out a diagnostic's fix: splice the suggested layer into the edge. */
export function fixCommand(doc: GraphDoc, fix: DiagnosticFix): Command {
  const e = need(doc.edges.find((x) => x.id === fix.edge), `no edge "${fix.edge}"`);
  const from = doc.nodes.find((n) => n.id === e.from.node);
  const to = doc.nodes.find((n) => n.id === e.to.node);
  const id = freshId(doc, fix.insertLayer.kind);
  const position = from && to ? { x: (from.position.x + to.position.x) / 2, y: (from.position.y + to.position.y) / 2 } : { x: 0, y: 0 };
  const inserted: GraphNode = { id, kind: fix.insertLayer.kind, params: (fix.insertLayer.params ?? {}) as GraphNode['params'], position };
  const e1 = freshId({ ...doc, nodes: [...doc.nodes, inserted] }, `${e.id}a`);
  const e2 = freshId({ ...doc, nodes: [...doc.nodes, inserted], edges: [...doc.edges, { ...e, id: e1 }] }, `${e.id}b`);
  return {
    type: 'batch',
    commands: [
      { type: 'disconnect', id: e.id },
      { type: 'addNodes', nodes: [inserted], edges: [{ id: e1, from: e.from, to: { node: id } }, { id: e2, from: { node: id }, to: e.to }] },
    ],
  };
}
