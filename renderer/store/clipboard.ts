/**
 * Copy and paste: a clip holds nodes, the edges between them, and comments. Pasting gives every item a
 * fresh id and offsets it, as one `addNodes` step (plus the comments) so that one undo removes the paste.
 */
import { freshId, type GraphDoc, type GraphEdge, type GraphNode, type NodeId, type XY } from '../../graph-core';
import { freshCommentId, type EditorCommand, type EditorDoc, type StickyNote } from './editor-doc';

export interface Clip {
  readonly nodes: readonly GraphNode[];
  /** Only edges with both ends among `nodes`. */
  readonly edges: readonly GraphEdge[];
  readonly comments: readonly StickyNote[];
}

export function makeClip(doc: EditorDoc, nodeIds: ReadonlySet<NodeId>, commentIds: ReadonlySet<string>): Clip | null {
  const nodes = doc.nodes.filter((n) => nodeIds.has(n.id));
  const comments = (doc.comments ?? []).filter((c) => commentIds.has(c.id));
  if (nodes.length === 0 && comments.length === 0) return null;
  const edges = doc.edges.filter((e) => nodeIds.has(e.from.node) && nodeIds.has(e.to.node));
  return { nodes, edges, comments };
}

/** The top-left corner of everything in the clip. */
export function clipOrigin(clip: Clip): XY {
  const points = [...clip.nodes.map((n) => n.position), ...clip.comments.map((c) => c.position)];
  return { x: Math.min(...points.map((p) => p.x)), y: Math.min(...points.map((p) => p.y)) };
}

export interface Paste {
  readonly command: EditorCommand;
  readonly nodeIds: readonly NodeId[];
  readonly commentIds: readonly string[];
}

/** The command that pastes `clip` into `doc`, shifted by `offset`. */
export function pasteClip(doc: EditorDoc, clip: Clip, offset: XY): Paste {
  const move = (p: XY): XY => ({ x: p.x + offset.x, y: p.y + offset.y });
  let scratch: GraphDoc = doc;
  const idMap = new Map<NodeId, NodeId>();
  const nodes: GraphNode[] = clip.nodes.map((n) => {
    const id = freshId(scratch, n.kind.toLowerCase());
    idMap.set(n.id, id);
    const copy: GraphNode = { ...n, id, position: move(n.position) };
    scratch = { ...scratch, nodes: [...scratch.nodes, copy] };
    return copy;
  });
  const edges: GraphEdge[] = clip.edges.map((e) => {
    const copy: GraphEdge = {
      id: freshId(scratch, 'e'),
      from: { ...e.from, node: idMap.get(e.from.node)! },
      to: { ...e.to, node: idMap.get(e.to.node)! },
    };
    scratch = { ...scratch, edges: [...scratch.edges, copy] };
    return copy;
  });

  let notesDoc: EditorDoc = doc;
  const notes: EditorCommand[] = clip.comments.map((c) => {
    const id = freshCommentId(notesDoc);
    const note: StickyNote = { ...c, id, position: move(c.position) };
    notesDoc = { ...notesDoc, comments: [...(notesDoc.comments ?? []), note] };
    return { type: 'setComment', id, comment: note };
  });

  const commands: EditorCommand[] = [...(nodes.length > 0 ? [{ type: 'addNodes' as const, nodes, edges }] : []), ...notes];
  return {
    command: commands.length === 1 ? commands[0]! : { type: 'sequence', commands },
    nodeIds: nodes.map((n) => n.id),
    commentIds: notes.flatMap((c) => (c.type === 'setComment' ? [c.id] : [])),
  };
}
