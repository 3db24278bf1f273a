/**
 * Mouse-wheel zoom previewed on the compositor (as map viewers and design tools zoom).
 *
 * React Flow turns every wheel step into a store update: every node and edge wrapper runs its selectors,
 * and on a large graph (only the elements in view mounted) nodes mount and unmount at the edges of the view
 * on almost every step. Here a wheel step that shows nothing outside the last committed view (zooming in,
 * or back out as far as where the gesture began) only moves the viewport's compositor layer: the mounted
 * nodes and edges already cover everything in view. The view is committed to React Flow when the wheel
 * pauses, before any pointer or key press, and when another part of the app moves the view. A step out
 * past the committed view commits at once a view OUT_MARGIN wider (so the next steps out stay inside it)
 * and previews the exact one over it, so nothing in view is ever missing. At rest the canvas is exactly
 * what React Flow would show.
 */
import { useReactFlow, useStoreApi } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
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

/**
 * Zooming out past the committed view commits one this much further out, so that its mounted nodes cover
 * the next few wheel steps (about five at 2^-0.12 a step) and most steps out need no commit either.
 */
const OUT_MARGIN = 1.5;

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
}

/**
 * Installs the previewed wheel zoom on `box`. Returns whether a wheel gesture is in progress (for the
 * canvas's own move-end handling, which a commit in the middle of a gesture triggers) and the previewed view.
 */
export function useWheelZoomPreview({ box, minZoom, maxZoom, onMoving }: WheelZoomOptions): WheelZoom {
  const store = useStoreApi();
  const flow = useReactFlow();
  const active = useRef(false);
  const [preview] = useState(createPreview);
  const onMovingRef = useRef(onMoving);
  onMovingRef.current = onMoving;

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

    const commit = () => {
      const from = base;
      const to = view;
      base = null;
      view = null;
      preview.set(null);
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
      if (reveals(base, next, s.width, s.height)) {
        // React Flow mounts the nodes of a wider view (about the same point); the exact view is previewed
        // over it. Its nodes show at the wider view's level of detail until the wheel rests.
        const wide = zoom < k ? zoomAbout(next, Math.max(minZoom, zoom / OUT_MARGIN), px, py) : next;
        void flow.setViewport({ x: wide[0], y: wide[1], zoom: wide[2] });
        const committed = store.getState().transform;
        if (committed[0] !== wide[0] || committed[1] !== wide[1] || committed[2] !== wide[2]) {
          // Not applied at once (never seen): the next step starts from wherever React Flow is.
          base = null;
          view = null;
          preview.set(null);
          return;
        }
        base = committed as unknown as Transform;
        if (wide === next) {
          preview.set(null);
          return;
        }
      }
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
