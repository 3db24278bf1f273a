import { useMemo, useRef } from 'react';
import type { GraphEdge, GraphNode } from '../../graph-core';
import { edgeHandles } from '../store/analysis';
import type { Selection } from '../store/editor';
import type { EditorDoc, StickyNote } from '../store/editor-doc';
import { commentFlowId, type FlowEdge, type FlowNode } from './flow-types';

export interface Measured {
  readonly width: number;
  readonly height: number;
}

interface NodeCacheEntry {
  readonly source: GraphNode | StickyNote;
  readonly selected: boolean;
  readonly measured: Measured | undefined;
  readonly flow: FlowNode;
}

interface EdgeCacheEntry {
  readonly source: GraphEdge;
  readonly selected: boolean;
  readonly flow: FlowEdge;
}

/**
 * Projects the document onto React Flow's nodes and edges. An element object is rebuilt only when its
 * document object, its selection or its measured size changed, so React Flow (and the memoised node
 * components) skip everything else: a drag on a 500-node graph touches only the dragged nodes.
 */
export function useFlowElements(
  doc: EditorDoc,
  selection: Selection,
  measured: ReadonlyMap<string, Measured>,
  measuredVersion: number,
): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const nodeCache = useRef(new Map<string, NodeCacheEntry>());
  const edgeCache = useRef(new Map<string, EdgeCacheEntry>());

  const nodes = useMemo(() => {
    const next = new Map<string, NodeCacheEntry>();
    const reuse = (id: string, source: GraphNode | StickyNote, selected: boolean, build: (m: Measured | undefined) => FlowNode) => {
      const m = measured.get(id);
      const old = nodeCache.current.get(id);
      const fresh = !old || old.source !== source || old.selected !== selected || old.measured !== m;
      const entry = fresh ? { source, selected, measured: m, flow: build(m) } : old;
      next.set(id, entry);
      return entry.flow;
    };
    const out: FlowNode[] = [];
    // Comments come first, so layers are drawn above them.
    for (const note of doc.comments ?? []) {
      const id = commentFlowId(note.id);
      const selected = selection.comments.has(note.id);
      out.push(
        reuse(id, note, selected, (m) => ({
          id,
          type: 'comment',
          position: note.position,
          data: { note },
          width: note.width,
          height: note.height,
          selected,
          ...(m ? { measured: m } : {}),
        })),
      );
    }
    for (const node of doc.nodes) {
      const selected = selection.nodes.has(node.id);
      out.push(
        reuse(node.id, node, selected, (m) => ({
          id: node.id,
          type: 'layer',
          position: node.position,
          data: { node },
          selected,
          ...(m ? { measured: m } : {}),
        })),
      );
    }
    nodeCache.current = next;
    return out;
    // `measured` is a mutable map owned by the canvas; measuredVersion changes whenever its contents do.
  }, [doc.nodes, doc.comments, selection.nodes, selection.comments, measured, measuredVersion]);

  const lastEdges = useRef<FlowEdge[]>([]);
  const edges = useMemo(() => {
    const kindOf = new Map(doc.nodes.map((n) => [n.id, n.kind]));
    const next = new Map<string, EdgeCacheEntry>();
    let reused = 0;
    const out = doc.edges.map((e) => {
      const selected = selection.edges.has(e.id);
      const old = edgeCache.current.get(e.id);
      if (old && old.source === e && old.selected === selected) {
        next.set(e.id, old);
        reused++;
        return old.flow;
      }
      const { source, target } = edgeHandles(kindOf, e);
      const flow: FlowEdge = {
        id: e.id,
        type: 'shape',
        source: e.from.node,
        target: e.to.node,
        sourceHandle: source,
        targetHandle: target,
        selected,
      };
      next.set(e.id, { source: e, selected, flow });
      return flow;
    });
    edgeCache.current = next;
    // A parameter edit changes the node list but no edge: keeping the same array spares React Flow from
    // re-adopting every edge (and re-rendering each edge component) on a 500-node graph.
    const previous = lastEdges.current;
    if (reused === out.length && previous.length === out.length && out.every((f, i) => f === previous[i])) return previous;
    lastEdges.current = out;
    return out;
  }, [doc.nodes, doc.edges, selection.edges]);

  return { nodes, edges };
}
