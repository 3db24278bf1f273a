/**
 * Automatic layout for a graph built without positions (an imported model): dagre ranks the nodes top to
 * bottom, as the editor's own auto-layout does, and returns top-left corners on the editor's grid.
 */
import dagre from '@dagrejs/dagre';
import type { GraphEdge, GraphNode, XY } from '../../graph-core';

/** The size the editor assumes for a node it has not measured (renderer/store/layout.ts). */
const NODE = { width: 200, height: 90 };
const GRID = 10;

export function autoLayout(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): Map<string, XY> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 50, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { ...NODE });
  for (const e of edges) if (g.hasNode(e.from.node) && g.hasNode(e.to.node)) g.setEdge(e.from.node, e.to.node);
  dagre.layout(g);
  const snap = (v: number) => Math.round(v / GRID) * GRID;
  const out = new Map<string, XY>();
  for (const n of nodes) {
    const p = g.node(n.id);
    out.set(n.id, { x: snap(p.x - NODE.width / 2), y: snap(p.y - NODE.height / 2) });
  }
  return out;
}
