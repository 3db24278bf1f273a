/**
 * Mouse-wheel zoom previewed on the compositor (as map viewers and design tools zoom).
 *
 * React Flow turns every wheel step into a store update: every node and edge wrapper runs its selectors,
 * and on a large graph (only the elements in view mounted) nodes mount and unmount at the edges of the view
 * on almost every step. Here a wheel step that shows nothing outside the last committed view (zooming in,
 * or back out as far as where the gesture began) only moves the viewport's compositor layer: the mounted
 * nodes and edges already cover everything in view. The view is committed to React Flow when the wheel
 * pauses, before any pointer or key press, and when another part of the app moves the view. A step out
 * past the committed view shows area whose nodes React Flow has not mounted: on a large graph the gesture
 * layer (gesture-layer.ts) draws them, on the compositor-moved graph, until the view is committed; without
 * one (small graphs mount every node) such a step is committed at once. Either way nothing in view is ever
 * missing, and at rest the canvas is exactly what React Flow would show. (Committing a wider view than
 * shown when zooming out was measured and dropped: mounting 2.25× the area in detail cost more.)
 */
import { useReactFlow, useStoreApi } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type { GestureLayer } from './gesture-layer';
import { reveals, zoomAbout, type Transform } from './view-geometry';

export type { Transform } from './view-geometry';

/** The pause that ends a wheel gesture, as in d3-zoom (which React Flow uses). */
export const WHEEL_SETTLE_MS = 150;

/** The previewed view while a wheel gesture runs ahead of React Flow's store, for the minimap; null otherwise. */
export interface ViewPreview {
  subscribe(listener: () => void): () => void;
  get(): Transform | null;
}

export interface WheelZoom {
  /** Whether a wheel gesture is in progress. */
  readonly wheeling: () => boolean;
  readonly preview: ViewPreview;
}

function createPreview(): ViewPreview & { set(t: Transform | null): void } {
  let current: Transform | null = null;
  const listeners = new Set<() => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get: () => current,
    set(t) {
      if (t === current) return;
      current = t;
      for (const l of listeners) l();
    },
  };
}

/** React Flow's viewport style, written the same way so that its own update finds nothing to change. */
const transformString = ([x, y, k]: Transform) => `translate(${x}px,${y}px) scale(${k})`;

/** React Flow's wheel step (d3-zoom's wheelDelta): a zoom factor of 2^step. */
const wheelStep = (e: WheelEvent) => -e.deltaY * (e.deltaMode === 1 ? 0.05 : e.deltaMode ? 1 : 0.002);

export interface WheelZoomOptions {
  /** The canvas element; React Flow's pane and viewport are inside it. */
  readonly box: RefObject<HTMLElement | null>;
  readonly minZoom: number;
  readonly maxZoom: number;
  /** Told when a previewed gesture starts (true) and when it has ended and been committed (false). */
  readonly onMoving: (moving: boolean) => void;
  /**
   * Draws what React Flow has not mounted while a step out past the committed view is previewed; null
   * where React Flow mounts every node, so that such a step is committed at once.
   */
  readonly layer: GestureLayer | null;
}

/**
 * Installs the previewed wheel zoom on `box`. Returns whether a wheel gesture is in progress (for the
 * canvas's own move-end handling, which a commit in the middle of a gesture triggers) and the previewed view.
 */
export function useWheelZoomPreview({ box, minZoom, maxZoom, onMoving, layer }: WheelZoomOptions): WheelZoom {
  const store = useStoreApi();
  const flow = useReactFlow();
  const active = useRef(false);
  const [preview] = useState(createPreview);
  const onMovingRef = useRef(onMoving);
  onMovingRef.current = onMoving;
  const layerRef = useRef(layer);
  layerRef.current = layer;

  useEffect(() => {
    const root = box.current;
    if (!root) return;
    /** The store's transform the preview started from (by identity: any other update replaces it). */
    let base: Transform | null = null;
    /** The previewed view, not yet in React Flow's store. */
    let view: Transform | null = null;
    let pane: DOMRect | null = null;
    let viewport: HTMLElement | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    /** The gesture layer drawing this gesture's view, if a step has shown area outside the committed view. */
    let drawing: GestureLayer | null = null;

    const commit = () => {
      const from = base;
      const to = view;
      base = null;
      view = null;
      preview.set(null);
      // React Flow renders the committed view before the next frame, when the layer goes.
      drawing?.hide();
      drawing = null;
      if (!from || !to) return;
      if (store.getState().transform === from) void flow.setViewport({ x: to[0], y: to[1], zoom: to[2] });
      // Something else moved the view meanwhile (fit view, focus on a node): that view stands.
      else if (viewport) viewport.style.transform = transformString(store.getState().transform);
    };
    const settle = () => {
      clearTimeout(timer);
      timer = undefined;
      commit();
      if (active.current) {
        active.current = false;
        onMovingRef.current(false);
      }
    };

    const onWheel = (e: WheelEvent) => {
      const target = e.target instanceof Element ? e.target : null;
      const s = store.getState();
      // Pinch zoom, scrolls over panels and `nowheel` elements, and wheels during a box selection keep
      // React Flow's own handling.
      if (!target?.closest('.react-flow__pane') || target.closest('.nowheel') || e.ctrlKey || s.userSelectionActive || !s.panZoom) {
        settle();
        return;
      }
      e.preventDefault();
      e.stopPropagation();
      if (!active.current) {
        active.current = true;
        onMovingRef.current(true);
      }
      if (!base || !view || s.transform !== base) {
        // Something else moved the view: React Flow shows other nodes now.
        drawing?.hide();
        drawing = null;
        base = s.transform as unknown as Transform;
        view = base;
        viewport = root.querySelector<HTMLElement>('.react-flow__viewport');
        pane = (root.querySelector('.react-flow__renderer') ?? root).getBoundingClientRect();
      }
      const k = view[2];
      const zoom = Math.min(maxZoom, Math.max(minZoom, k * 2 ** wheelStep(e)));
      // The point under the pointer stays put.
      const px = e.clientX - pane!.left;
      const py = e.clientY - pane!.top;
      const next = zoomAbout(view, zoom, px, py);
      view = next;
      clearTimeout(timer);
      timer = setTimeout(settle, WHEEL_SETTLE_MS);
      // Zooming out past the committed view: the gesture layer draws what comes into it or, without one,
      // React Flow takes the view (and mounts what comes into it). Back inside it, the layer rests.
      const outside = reveals(base, next, s.width, s.height);
      if (outside && !drawing) {
        drawing = layerRef.current;
        if (!drawing) {
          commit();
          return;
        }
      }
      if (outside) drawing?.show(next);
      else drawing?.pause();
      if (viewport) viewport.style.transform = transformString(next);
      preview.set(next);
    };
    // Everything else that reads the view (a drag, a click, a shortcut) sees the committed one.
    const onInput = () => {
      if (active.current) settle();
    };

    root.addEventListener('wheel', onWheel, { capture: true, passive: false });
    root.addEventListener('pointerdown', onInput, { capture: true });
    window.addEventListener('keydown', onInput, { capture: true });
    return () => {
      root.removeEventListener('wheel', onWheel, { capture: true });
      root.removeEventListener('pointerdown', onInput, { capture: true });
      window.removeEventListener('keydown', onInput, { capture: true });
      settle();
    };
  }, [box, store, flow, minZoom, maxZoom, preview]);

  const wheeling = useCallback(() => active.current, []);
  return useMemo(() => ({ wheeling, preview }), [wheeling, preview]);
}
