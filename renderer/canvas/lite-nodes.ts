/**
 * Light bodies for layers that come into view with a wheel gesture (as node editors draw "low quality"
 * while moving). A layer mounted during the gesture, or by the commit that ends it, draws a plain box of
 * its size and category colour, without handles, text or analysis subscriptions; once the wheel rests the
 * boxes become full layers, UPGRADE_BATCH per frame, so that a zoom out over hundreds of layers does not
 * end in one long frame. Layers mounted before the gesture keep their full body throughout, and at rest
 * the canvas is the same as without light bodies.
 */
import { createContext, useContext } from 'react';

/** Light bodies upgraded to full layers per animation frame once the wheel rests. */
export const UPGRADE_BATCH = 60;

export interface LiteNodes {
  /** Whether a layer mounting now gets a light body. */
  readonly moving: () => boolean;
  /**
   * Queues a light body's upgrade to a full layer, which runs once no gesture is in progress. `remeasure`
   * says that React Flow has never measured the full layer, so its handles are measured after the upgrade.
   * Returns a function that takes the layer out of the queue (when it unmounts first).
   */
  readonly upgrade: (id: string, run: () => void, remeasure: boolean) => () => void;
}

export interface LiteNodesControl extends LiteNodes {
  /** A wheel gesture started (true) or ended (false). */
  setMoving(moving: boolean): void;
  dispose(): void;
}

/**
 * `measureHandles` re-reads the handle positions of upgraded layers that had no measured size when their
 * light body mounted (React Flow read an empty handle list then, and the full layer may have the same size).
 */
export function createLiteNodes(measureHandles: (ids: string[]) => void): LiteNodesControl {
  let moving = false;
  /**
   * From the end of a gesture until the next frame: React Flow mounts the layers that the committed view
   * brings in (a zoom out drawn by the gesture layer mounts them only then), and they too mount light.
   */
  let settling = false;
  const queue = new Map<string, { run: () => void; remeasure: boolean }>();
  let frame: number | undefined;

  const step = () => {
    frame = undefined;
    settling = false;
    if (moving) return;
    const remeasure: string[] = [];
    let n = 0;
    for (const [id, job] of queue) {
      if (n++ === UPGRADE_BATCH) break;
      queue.delete(id);
      job.run();
      if (job.remeasure) remeasure.push(id);
    }
    // React renders the upgraded layers before the next frame; their handles are read after that.
    if (remeasure.length > 0) measureHandles(remeasure);
    schedule();
  };
  const schedule = () => {
    if (frame === undefined && !moving && (queue.size > 0 || settling)) frame = requestAnimationFrame(step);
  };

  return {
    moving: () => moving || settling,
    upgrade(id, run, remeasure) {
      queue.set(id, { run, remeasure });
      schedule();
      return () => void queue.delete(id);
    },
    setMoving(next) {
      settling = moving && !next;
      moving = next;
      if (moving && frame !== undefined) {
        cancelAnimationFrame(frame);
        frame = undefined;
      }
      schedule();
    },
    dispose() {
      if (frame !== undefined) cancelAnimationFrame(frame);
      frame = undefined;
      settling = false;
      queue.clear();
    },
  };
}

/** Outside a canvas that provides one (tests of single components), layers always mount in full. */
const NEVER: LiteNodes = { moving: () => false, upgrade: () => () => undefined };

export const LiteNodesContext = createContext<LiteNodes>(NEVER);

export function useLiteNodes(): LiteNodes {
  return useContext(LiteNodesContext);
}
