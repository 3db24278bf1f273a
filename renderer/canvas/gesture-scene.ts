/**
 * What the gesture layer (gesture-layer.ts) draws, free of the DOM and of React Flow's modules: the layers
 * and edges React Flow does not show, as boxes and curves in flow coordinates, and the layers it shows, as
 * holes. Nodes and edges are read structurally from React Flow's store.
 */
import { getLayer } from '../../graph-core';

/** The width of a layer (CSS) and the height of a compact one, for a layer React Flow never measured. */
export const LAYER_WIDTH = 200;
export const LAYER_HEIGHT = 48;

/** React Flow's bezier edge: how far a control point leaves a handle that faces away from the other end. */
const CURVATURE = 0.25;

type Side = 'top' | 'bottom' | 'left' | 'right';

/** A handle as React Flow records it: its box relative to the node, and the side it sits on. */
export interface HandleBox {
  readonly id?: string | null;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly position: Side | string;
}

/** The part of a React Flow internal node (the store's nodeLookup) that the scene reads. */
export interface SceneNode {
  readonly id: string;
  readonly type?: string;
  readonly data: { readonly node: { readonly kind: string } } | { readonly note: unknown };
  readonly hidden?: boolean;
  readonly selected?: boolean;
  readonly width?: number;
  readonly height?: number;
  readonly measured: { readonly width?: number; readonly height?: number };
  readonly internals: {
    readonly positionAbsolute: { readonly x: number; readonly y: number };
    readonly handleBounds?: { readonly source?: readonly HandleBox[] | null; readonly target?: readonly HandleBox[] | null };
  };
}

/** The part of a React Flow edge that the scene reads. */
export interface SceneEdgeInput {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly sourceHandle?: string | null;
  readonly targetHandle?: string | null;
  readonly hidden?: boolean;
  readonly selected?: boolean;
}

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface SceneBox extends Box {
  readonly id: string;
  /** A layer's category ('block' for a block, 'unknown' for an unknown kind), or 'note' for a comment. */
  readonly category: string;
  readonly selected: boolean;
}

export type EdgeTone = 'plain' | 'selected' | 'error';

/** An edge as React Flow draws it: a cubic Bézier curve from the source anchor to the target anchor. */
export interface SceneEdge {
  readonly id: string;
  /** Start, first control point, second control point, end: x, y each. */
  readonly curve: readonly [number, number, number, number, number, number, number, number];
  readonly tone: EdgeTone;
}

/** What the gesture layer draws, in flow coordinates. */
export interface Scene {
  /** Layers and comments that React Flow has not mounted (or has mounted but not yet shown). */
  readonly boxes: readonly SceneBox[];
  /** Edges that React Flow has not mounted. */
  readonly edges: readonly SceneEdge[];
  /** The layers and comments React Flow shows: the canvas leaves them uncovered. */
  readonly holes: readonly Box[];
}

/** The DOM elements React Flow has mounted and shows, by id. */
export interface Mounted {
  readonly nodes: ReadonlySet<string>;
  readonly edges: ReadonlySet<string>;
}

/** A node's box in flow coordinates: as measured, or a compact layer's size when React Flow never measured it. */
export function boxOf(n: SceneNode): Box {
  const p = n.internals.positionAbsolute;
  const width = n.measured.width || n.width || LAYER_WIDTH;
  const height = n.measured.height || n.height || LAYER_HEIGHT;
  return { x: p.x, y: p.y, width, height };
}

function categoryOf(n: SceneNode): string {
  if (!('node' in n.data)) return 'note';
  const kind = n.data.node.kind;
  return kind === 'Block' ? 'block' : (getLayer(kind)?.category ?? 'unknown');
}

interface Anchor {
  readonly x: number;
  readonly y: number;
  readonly side: Side;
}

/** Where an edge leaves or enters node `n` through handle `id` (React Flow's anchor: the middle of the handle's outer side). */
function anchor(n: SceneNode, type: 'source' | 'target', id: string | null | undefined): Anchor {
  const handles = n.internals.handleBounds?.[type];
  const h = (id ? handles?.find((c) => c.id === id) : undefined) ?? handles?.[0];
  if (!h) {
    // Never measured: the middle of the bottom (out) or top (in) side, where a single port sits.
    const box = boxOf(n);
    return type === 'source' ? { x: box.x + box.width / 2, y: box.y + box.height, side: 'bottom' } : { x: box.x + box.width / 2, y: box.y, side: 'top' };
  }
  const p = n.internals.positionAbsolute;
  const x = p.x + h.x;
  const y = p.y + h.y;
  switch (h.position) {
    case 'top':
      return { x: x + h.width / 2, y, side: 'top' };
    case 'left':
      return { x, y: y + h.height / 2, side: 'left' };
    case 'right':
      return { x: x + h.width, y: y + h.height / 2, side: 'right' };
    default:
      return { x: x + h.width / 2, y: y + h.height, side: 'bottom' };
  }
}

/** How far a control point lies from its anchor, `distance` being how far the other end lies ahead of it. */
const controlOffset = (distance: number) => (distance >= 0 ? 0.5 * distance : CURVATURE * 25 * Math.sqrt(-distance));

/** The control point for anchor `a` of a curve whose other end is `b`. */
function control(a: Anchor, b: Anchor): [number, number] {
  switch (a.side) {
    case 'left':
      return [a.x - controlOffset(a.x - b.x), a.y];
    case 'right':
      return [a.x + controlOffset(b.x - a.x), a.y];
    case 'top':
      return [a.x, a.y - controlOffset(a.y - b.y)];
    default:
      return [a.x, a.y + controlOffset(b.y - a.y)];
  }
}

/**
 * The scene for the nodes and edges of React Flow's store, given which of them React Flow shows: every
 * node and edge not shown is drawn; every node shown is a hole.
 */
export function buildScene(
  nodes: Iterable<SceneNode>,
  edges: readonly SceneEdgeInput[],
  lookup: ReadonlyMap<string, SceneNode>,
  mounted: Mounted,
  edgeError: (id: string) => boolean,
): Scene {
  const boxes: SceneBox[] = [];
  const holes: Box[] = [];
  for (const n of nodes) {
    if (n.hidden) continue;
    if (mounted.nodes.has(n.id)) holes.push(boxOf(n));
    else boxes.push({ id: n.id, ...boxOf(n), category: categoryOf(n), selected: n.selected ?? false });
  }
  const curves: SceneEdge[] = [];
  for (const e of edges) {
    if (e.hidden || mounted.edges.has(e.id)) continue;
    const source = lookup.get(e.source);
    const target = lookup.get(e.target);
    if (!source || !target || source.hidden || target.hidden) continue;
    const s = anchor(source, 'source', e.sourceHandle);
    const t = anchor(target, 'target', e.targetHandle);
    curves.push({
      id: e.id,
      curve: [s.x, s.y, ...control(s, t), ...control(t, s), t.x, t.y],
      tone: edgeError(e.id) ? 'error' : e.selected ? 'selected' : 'plain',
    });
  }
  return { boxes, edges: curves, holes };
}
