/**
 * The graph JSON tab's logic, without Monaco: the text of a document, reading an edited text back (with each
 * problem placed at its spot in the text), and the one editor command that turns the open document into the
 * edited one. Node identity survives (a changed node is replaced, not removed and re-added), so undo, the
 * selection and the canvas positions behave as after any other edit.
 */
import { findNodeAtLocation, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { z } from 'zod';
import { allLayers, documentSchema, getLayer, isBlockKind, suggestKind, BLOCK, BLOCK_INPUT, BLOCK_OUTPUT, type BlockDefinition, type Command, type GraphEdge, type GraphNode } from '../../graph-core';
import type { EditorCommand, EditorDoc, StickyNote } from '../store/editor-doc';
import { parseProject, serializeProject } from '../store/project-file';

/** A problem in the edited text: a message and the characters it is about. */
export interface TextProblem {
  readonly message: string;
  readonly offset: number;
  readonly length: number;
}

export type JsonEdit =
  /** `command` is null when the text describes the open document already. */
  | { readonly ok: true; readonly doc: EditorDoc; readonly command: EditorCommand | null }
  | { readonly ok: false; readonly problems: readonly TextProblem[] };

/** The text the tab shows for `doc`: exactly the project file. */
export const documentText = (doc: EditorDoc): string => serializeProject(doc);

/** Fields the tab edits; the rest (format, version, fields this version does not know) stay as they are. */
const EDITABLE = new Set(['name', 'nodes', 'edges', 'blocks', 'comments', 'training']);

/** JSON with object keys sorted, so that key order alone never counts as a change. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

/** Reads the edited `text` against the open document `current`. Never throws. */
export function readJsonEdit(current: EditorDoc, text: string): JsonEdit {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0)
    return {
      ok: false,
      problems: errors.slice(0, 20).map((e) => ({ message: `JSON: ${humanize(printParseErrorCode(e.error))}`, offset: e.offset, length: Math.max(1, e.length) })),
    };
  const parsed = parseProject(text);
  if (!parsed.ok) {
    return {
      ok: false,
      problems: parsed.diagnostics.map((d) => {
        const node = tree ? findNodeAtLocation(tree, pathSegments(d.path ?? '')) : undefined;
        const at = node ?? tree;
        return { message: d.message, offset: at?.offset ?? 0, length: Math.max(1, at?.length ?? text.length) };
      }),
    };
  }
  const next = parsed.doc;
  const record = (d: EditorDoc) => d as unknown as Readonly<Record<string, unknown>>;
  const fixed = [...new Set([...Object.keys(record(current)), ...Object.keys(record(next))])].filter((k) => !EDITABLE.has(k));
  const problems: TextProblem[] = [];
  for (const key of fixed) {
    if (key === 'version' || same(record(current)[key], record(next)[key])) continue;
    const node = tree ? (findNodeAtLocation(tree, [key])?.parent ?? tree) : undefined;
    problems.push({
      message: `"${key}" cannot be changed here`,
      offset: node?.offset ?? 0,
      length: Math.max(1, node?.length ?? 1),
    });
  }
  // An unknown kind would become a broken node on the canvas: name it here instead.
  const checkKinds = (nodes: readonly GraphNode[], path: (string | number)[]) =>
    nodes.forEach((n, i) => {
      if (!getLayer(n.kind) && !isBlockKind(n.kind)) {
        const at = tree ? findNodeAtLocation(tree, [...path, i, 'kind']) : undefined;
        const hint = suggestKind(n.kind);
        problems.push({ message: `unknown layer kind "${n.kind}"${hint ? ` (did you mean ${hint}?)` : ''}`, offset: at?.offset ?? 0, length: Math.max(1, at?.length ?? 1) });
      }
      if (n.body) checkKinds(n.body.nodes, [...path, i, 'body', 'nodes']);
    });
  checkKinds(next.nodes, ['nodes']);
  for (const [id, def] of Object.entries(next.blocks ?? {})) checkKinds(def.body.nodes, ['blocks', id, 'body', 'nodes']);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, doc: next, command: editCommand(current, next) };
}

/** `nodes[2].params` → ['nodes', 2, 'params'] */
function pathSegments(path: string): (string | number)[] {
  if (path === '(root)' || path === '' || path.startsWith('line ')) return [];
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

const humanize = (code: string) => code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/**
 * The command that turns `from` into `to` (null when they are the same): edges that went away or changed are
 * disconnected, nodes removed, block definitions set, nodes replaced or added, edges connected at their index,
 * comments and training settings set and the model renamed, all as one `sequence` (one undo step).
 */
export function editCommand(from: EditorDoc, to: EditorDoc): EditorCommand | null {
  const graph: Command[] = [];
  const byId = <T extends { readonly id: string }>(xs: readonly T[]) => new Map(xs.map((x) => [x.id, x]));
  const oldNodes = byId(from.nodes);
  const newNodes = byId(to.nodes);
  const oldEdges = byId(from.edges);
  const newEdges = byId(to.edges);

  const removedNodes = from.nodes.filter((n) => !newNodes.has(n.id)).map((n) => n.id);
  const goneWithNodes = (e: GraphEdge) => removedNodes.includes(e.from.node) || removedNodes.includes(e.to.node);
  for (const e of from.edges) {
    const next = newEdges.get(e.id);
    if ((!next || !same(next, e)) && !goneWithNodes(e)) graph.push({ type: 'disconnect', id: e.id });
  }
  if (removedNodes.length) graph.push({ type: 'removeNodes', ids: removedNodes });

  const oldBlocks: Readonly<Record<string, BlockDefinition>> = from.blocks ?? {};
  const newBlocks: Readonly<Record<string, BlockDefinition>> = to.blocks ?? {};
  for (const [id, def] of Object.entries(newBlocks)) if (!same(oldBlocks[id], def)) graph.push({ type: 'setBlockDefinition', id, definition: def });

  const added: GraphNode[] = [];
  for (const n of to.nodes) {
    const old = oldNodes.get(n.id);
    if (!old) added.push(n);
    else if (!same(old, n)) graph.push({ type: 'replaceNode', node: n });
  }
  if (added.length) graph.push({ type: 'addNodes', nodes: added, edges: [] });
  to.edges.forEach((e, index) => {
    const old = oldEdges.get(e.id);
    if (!old || !same(old, e) || goneWithNodes(old)) graph.push({ type: 'connect', edge: e, index });
  });
  for (const id of Object.keys(oldBlocks)) if (!(id in newBlocks)) graph.push({ type: 'setBlockDefinition', id, definition: undefined });
  if (from.name !== to.name) graph.push({ type: 'rename', name: to.name });

  const steps: EditorCommand[] = [...graph];
  if (!same(from.training, to.training)) steps.push({ type: 'setTraining', training: to.training });
  const oldNotes = byId<StickyNote>(from.comments ?? []);
  const newNotes = byId<StickyNote>(to.comments ?? []);
  for (const c of from.comments ?? []) if (!newNotes.has(c.id)) steps.push({ type: 'setComment', id: c.id, comment: undefined });
  (to.comments ?? []).forEach((c, index) => {
    if (!same(oldNotes.get(c.id), c)) steps.push({ type: 'setComment', id: c.id, comment: c, index });
  });
  if (steps.length === 0) return null;
  return steps.length === 1 ? steps[0]! : { type: 'sequence', commands: steps };
}

/**
 * The JSON Schema Monaco validates and completes the tab with: graph-core's zod document schema, with the
 * catalogue's layer kinds offered for `kind` and the editor's sticky notes described.
 */
export function documentJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(documentSchema, { io: 'input', unrepresentable: 'any', cycles: 'ref', reused: 'inline' }) as Record<string, unknown>;
  const kinds = [...allLayers.map((l) => l.kind), BLOCK, BLOCK_INPUT, BLOCK_OUTPUT];
  const descriptions = [
    ...allLayers.map((l) => l.doc.summary),
    'A block: a group of layers, its own graph in `body` or a shared definition in `ref`.',
    'An input port of the block it is in.',
    'An output port of the block it is in.',
  ];
  // Every object with a `kind` string property is a node (top level, in block bodies and in definitions).
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    const o = value as Record<string, unknown>;
    const props = o.properties as Record<string, Record<string, unknown>> | undefined;
    if (props?.kind && props.kind.type === 'string' && props.params) {
      props.kind = { ...props.kind, enum: kinds, markdownEnumDescriptions: descriptions, description: 'The layer kind (see the palette).' };
    }
    Object.values(o).forEach(visit);
  };
  visit(schema);
  const props = schema.properties as Record<string, unknown>;
  props.comments = {
    type: 'array',
    description: 'Sticky notes on the canvas.',
    items: {
      type: 'object',
      required: ['id', 'text', 'position'],
      properties: {
        id: { type: 'string', minLength: 1 },
        text: { type: 'string' },
        position: { type: 'object', required: ['x', 'y'], properties: { x: { type: 'number' }, y: { type: 'number' } } },
        width: { type: 'number', minimum: 40 },
        height: { type: 'number', minimum: 40 },
      },
    },
  };
  return schema;
}
