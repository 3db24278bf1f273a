/**
 * Auto-layout with dagre: layers flow top to bottom in ranks, edges cross as little as dagre can manage.
 * The result is one `moveNodes` command, so a layout is a single undo step.
 */
import dagre from '@dagrejs/dagre';
import type { Command, GraphDoc, NodeId } from '../../graph-core';

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** Used for nodes the canvas has not measured yet. */
export const DEFAULT_NODE_SIZE: Size = { width: 200, height: 90 };

/** The command that lays out `doc`. */
export function layoutCommand(doc: GraphDoc, sizes: ReadonlyMap<NodeId, Size>, grid = 1): Command | null {
  if (doc.nodes.length === 0) return null;
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 50, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of doc.nodes) {
    const size = sizes.get(n.id) ?? DEFAULT_NODE_SIZE;
    g.setNode(n.id, { width: size.width, height: size.height });
  }
  for (const e of doc.edges) if (g.hasNode(e.from.node) && g.hasNode(e.to.node)) g.setEdge(e.from.node, e.to.node);
  dagre.layout(g);

  // dagre gives centres; the canvas stores top-left corners. Keep the layout where the graph already was.
  const placed = doc.nodes.map((n) => {
    const p = g.node(n.id);
    const size = sizes.get(n.id) ?? DEFAULT_NODE_SIZE;
    return { id: n.id, x: p.x - size.width / 2, y: p.y - size.height / 2 };
  });
  const left = Math.min(...doc.nodes.map((n) => n.position.x));
  const top = Math.min(...doc.nodes.map((n) => n.position.y));
  const dx = left - Math.min(...placed.map((p) => p.x));
  const dy = top - Math.min(...placed.map((p) => p.y));
  const snap = (v: number) => Math.round(v / grid) * grid;
  return { type: 'moveNodes', moves: placed.map((p) => ({ id: p.id, to: { x: snap(p.x + dx), y: snap(p.y + dy) } })) };
}
