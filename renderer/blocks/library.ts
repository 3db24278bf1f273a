/**
 * The block library, as pure functions over the document: turning a Block node into a library entry, reading
 * an entry back (checked like a file), and the commands that insert an entry (linked or as a copy), link and
 * unlink. The Host stores the entries (IndexedDB in the browser, a JSON file in the desktop app).
 */
import {
  blockBody,
  blockHash,
  blockName,
  freshId,
  GRAPH_FORMAT,
  GRAPH_VERSION,
  loadDocument,
  type BlockDefinition,
  type Command,
  type GraphDoc,
  type GraphNode,
  type NodeId,
  type XY,
} from '../../graph-core';
import type { LibraryBlock } from '../host/host';

const slug = (name: string) => name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'block';

/** A library entry for a Block node (its linked definition's id is kept, so re-saving updates the entry). */
export function libraryEntryFor(doc: GraphDoc, node: GraphNode, now: Date): LibraryBlock | null {
  const body = blockBody(doc, node);
  if (!body) return null;
  const name = blockName(doc, node);
  const hash = blockHash(body);
  const def = node.ref ? doc.blocks?.[node.ref.block] : undefined;
  const id = def?.library?.id ?? `${slug(name)}-${hash.slice(0, 8)}`;
  return { id, name, hash, savedAt: now.toISOString(), text: JSON.stringify({ name, body }) };
}

/** The definition an entry holds, or a one-line reason it cannot be used. */
export function readLibraryEntry(entry: LibraryBlock): { definition: BlockDefinition } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(entry.text);
  } catch {
    return { error: `the library entry "${entry.name}" is not valid JSON` };
  }
  const r = loadDocument({ format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes: [], blocks: { entry: json } });
  const def = r.doc?.blocks?.entry;
  if (!def) return { error: `the library entry "${entry.name}" is damaged (${r.diagnostics[0]?.message ?? 'unreadable'})` };
  return { definition: { ...def, library: { id: entry.id, hash: entry.hash } } };
}

/**
 * Inserts a library entry as a new Block node at `at`. Linked: the document gets (or reuses) the definition
 * and the node refers to it; otherwise the node holds its own copy of the body.
 */
export function insertEntryCommand(doc: GraphDoc, entry: LibraryBlock, options: { linked: boolean; at: XY }): { command: Command; id: NodeId } | { error: string } {
  const read = readLibraryEntry(entry);
  if ('error' in read) return read;
  const def = read.definition;
  const id = freshId(doc, slug(def.name).replace(/-/g, '_').toLowerCase());
  if (!options.linked) {
    const node: GraphNode = { id, kind: 'Block', params: {}, position: options.at, label: def.name, body: def.body };
    return { command: { type: 'addNodes', nodes: [node] }, id };
  }
  // Reuse the document's definition of this library entry when it is the same version; else add one.
  const existing = Object.entries(doc.blocks ?? {}).find(([, d]) => d.library?.id === entry.id && blockHash(d.body) === entry.hash);
  let defId = existing?.[0];
  const commands: Command[] = [];
  if (defId === undefined) {
    defId = slug(entry.id).replace(/-/g, '_');
    for (let i = 2; doc.blocks?.[defId] !== undefined; i++) defId = `${slug(entry.id).replace(/-/g, '_')}_${i}`;
    commands.push({ type: 'setBlockDefinition', id: defId, definition: def });
  }
  const node: GraphNode = { id, kind: 'Block', params: {}, position: options.at, ref: { block: defId } };
  commands.push({ type: 'addNodes', nodes: [node] });
  return { command: commands.length === 1 ? commands[0]! : { type: 'batch', commands }, id };
}

/** Gives a linked Block its own copy of the definition; later edits change only it. */
export function unlinkCommand(doc: GraphDoc, node: GraphNode): Command | null {
  if (!node.ref) return null;
  const body = blockBody(doc, node);
  if (!body) return null;
  const { ref: _ref, ...rest } = node;
  const label = node.label ?? doc.blocks?.[node.ref.block]?.name;
  return { type: 'replaceNode', node: { ...rest, body, ...(label ? { label } : {}) } };
}

/**
 * Saves an unlinked Block's body as a document definition and links the node to it, so that copies inserted
 * from the library (linked) and this node edit together.
 */
export function linkCommand(doc: GraphDoc, node: GraphNode, entry: LibraryBlock): Command | null {
  if (node.ref || !node.body) return null;
  const read = readLibraryEntry(entry);
  if ('error' in read) return null;
  let defId = slug(entry.id).replace(/-/g, '_');
  for (let i = 2; doc.blocks?.[defId] !== undefined; i++) defId = `${slug(entry.id).replace(/-/g, '_')}_${i}`;
  const { body: _body, ...rest } = node;
  return {
    type: 'batch',
    commands: [
      { type: 'setBlockDefinition', id: defId, definition: read.definition },
      { type: 'replaceNode', node: { ...rest, ref: { block: defId } } },
    ],
  };
}
