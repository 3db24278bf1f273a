/**
 * The minimap: every node as a rectangle, the part in view unmasked; drag it to pan, scroll on it to zoom.
 *
 * React Flow's own MiniMap renders one SVG element per node, each subscribed to the view, so a pan of a
 * 500-node graph ran 500 selectors and repainted 500 rectangles on every frame. Here the nodes are one path
 * per kind (layers, comments) that changes only when nodes move or resize; a pan re-renders just the mask.
 */
import { Panel, useReactFlow, useStore, useStoreApi, type ReactFlowState } from '@xyflow/react';
import {
  memo,
  useCallback,
  useMemo,
  useRef,
  useSyncExternalStore,
  type PointerEvent as ReactPointerEvent,
  type WheelEvent as ReactWheelEvent,
} from 'react';
import type { FlowEdge, FlowNode } from './flow-types';
import type { Transform, ViewPreview } from './useWheelZoom';

/** A node's size as measured, or as set on it. */
const sizeOf = (n: ReactFlowState['nodeLookup'] extends Map<string, infer N> ? N : never) => ({
  width: n.measured.width ?? n.width ?? 0,
  height: n.measured.height ?? n.height ?? 0,
});

const WIDTH = 200;
const HEIGHT = 150;
/** Margin around the content, in minimap pixels. */
const MARGIN = 5;

interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

interface Frame {
  /** The part of the graph in view, in flow coordinates. */
  readonly view: Rect;
  /** What the minimap shows: the nodes and the view together. */
  readonly box: Rect;
}

/** The bounds of every measured node, in flow coordinates; null for an empty graph. */
function nodeBounds(s: ReactFlowState): Rect | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const n of s.nodeLookup.values()) {
    const { width, height } = sizeOf(n);
    if (n.hidden || !width || !height) continue;
    const p = n.internals.positionAbsolute;
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x + width);
    y1 = Math.max(y1, p.y + height);
  }
  return x0 === Infinity ? null : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * React Flow replaces its node array whenever a node moves, is added, removed or measured, so the bounds
 * are cached per array: a pan computes them once, not on every frame.
 */
const boundsCache = new WeakMap<object, Rect | null>();
function cachedBounds(s: ReactFlowState): Rect | null {
  let b = boundsCache.get(s.nodes);
  if (b === undefined) {
    b = nodeBounds(s);
    boundsCache.set(s.nodes, b);
  }
  return b;
}

const union = (a: Rect, b: Rect): Rect => {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
};

/** The node outlines as two path strings (layers, comments). */
function nodePaths(s: ReactFlowState): { readonly layers: string; readonly notes: string } {
  const layers: string[] = [];
  const notes: string[] = [];
  for (const n of s.nodeLookup.values()) {
    const { width, height } = sizeOf(n);
    if (n.hidden || !width || !height) continue;
    const p = n.internals.positionAbsolute;
    (n.type === 'comment' ? notes : layers).push(`M${p.x},${p.y}h${width}v${height}h${-width}z`);
  }
  return { layers: layers.join(''), notes: notes.join('') };
}

const sameRect = (a: Rect, b: Rect) => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
const sameFrame = (a: Frame, b: Frame) => sameRect(a.view, b.view) && sameRect(a.box, b.box);

const frameOf = (s: ReactFlowState, [tx, ty, zoom]: Transform): Frame => {
  const view = { x: -tx / zoom, y: -ty / zoom, width: s.width / zoom, height: s.height / zoom };
  const nodes = cachedBounds(s);
  return { view, box: nodes ? union(nodes, view) : view };
};
const selectFrame = (s: ReactFlowState): Frame => frameOf(s, s.transform);

/** The nodes' paths depend on the node list only, never on the view: a pan does not re-render them. */
const NodeShapes = memo(function NodeShapes({ nodes }: { readonly nodes: readonly FlowNode[] }) {
  const store = useStoreApi();
  // React Flow has already adopted `nodes` (positions and measured sizes) when this renders.
  const paths = useMemo(() => nodePaths(store.getState()), [store, nodes]);
  return (
    <>
      <path className="ll-minimap-layer" d={paths.layers} shapeRendering="crispEdges" />
      <path className="ll-minimap-note" d={paths.notes} shapeRendering="crispEdges" />
    </>
  );
});

const selectNodes = (s: ReactFlowState) => s.nodes as FlowNode[];

export interface MinimapProps {
  /** The view a wheel zoom shows before React Flow's store has it: the view rectangle follows it. */
  readonly preview: ViewPreview;
}

export const Minimap = memo(function Minimap({ preview }: MinimapProps) {
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const store = useStoreApi();
  const committed = useStore(selectFrame, sameFrame);
  const previewed = useSyncExternalStore(preview.subscribe, preview.get);
  const frame = previewed ? frameOf(store.getState(), previewed) : committed;
  const nodes = useStore(selectNodes);
  const { view, box } = frame;
  // Flow units per minimap pixel; the content is centred in the minimap with a margin.
  const scale = Math.max(box.width / (WIDTH - 2 * MARGIN), box.height / (HEIGHT - 2 * MARGIN));
  const vbW = WIDTH * scale;
  const vbH = HEIGHT * scale;
  const vbX = box.x - (vbW - box.width) / 2;
  const vbY = box.y - (vbH - box.height) / 2;
  const scaleRef = useRef(scale);
  scaleRef.current = scale;

  const drag = useRef<{ x: number; y: number } | null>(null);
  const onPointerDown = useCallback((e: ReactPointerEvent<SVGSVGElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, y: e.clientY };
  }, []);
  const onPointerMove = useCallback(
    (e: ReactPointerEvent<SVGSVGElement>) => {
      const from = drag.current;
      if (!from) return;
      drag.current = { x: e.clientX, y: e.clientY };
      // Dragging moves the view rectangle with the pointer.
      const { x, y, zoom } = flow.getViewport();
      const k = scaleRef.current * zoom;
      void flow.setViewport({ x: x - (e.clientX - from.x) * k, y: y - (e.clientY - from.y) * k, zoom });
    },
    [flow],
  );
  const onPointerUp = useCallback((e: ReactPointerEvent<SVGSVGElement>) => {
    drag.current = null;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
  }, []);
  const onWheel = useCallback(
    (e: ReactWheelEvent<SVGSVGElement>) => {
      const factor = Math.pow(2, -e.deltaY * (e.deltaMode === 1 ? 0.05 : e.deltaMode ? 1 : 0.002));
      void flow.zoomTo(flow.getZoom() * factor);
    },
    [flow],
  );

  const outer = `M${vbX - vbW},${vbY - vbH}h${vbW * 3}v${vbH * 3}h${-vbW * 3}z`;
  const hole = `M${view.x},${view.y}h${view.width}v${view.height}h${-view.width}z`;
  return (
    <Panel position="bottom-right" className="react-flow__minimap" data-testid="minimap">
      <svg
        width={WIDTH}
        height={HEIGHT}
        viewBox={`${vbX} ${vbY} ${vbW} ${vbH}`}
        className="react-flow__minimap-svg"
        role="img"
        aria-label="Minimap: drag to pan, scroll to zoom"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onWheel={onWheel}
      >
        <NodeShapes nodes={nodes} />
        <path className="react-flow__minimap-mask" d={`${outer}${hole}`} fillRule="evenodd" pointerEvents="none" />
      </svg>
    </Panel>
  );
});
