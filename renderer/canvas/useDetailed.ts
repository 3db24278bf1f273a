import { useStore, type ReactFlowState } from '@xyflow/react';

/** Below this zoom the canvas drops text that is too small to read (level of detail). */
export const DETAIL_ZOOM = 0.4;

const selectDetailed = (s: ReactFlowState) => s.transform[2] >= DETAIL_ZOOM;

/**
 * Whether the canvas is zoomed in far enough to show node details and edge labels. It changes only when the
 * zoom crosses DETAIL_ZOOM, so panning and zooming do not re-render nodes; far out, a 500-node graph paints
 * as plain boxes and stays smooth.
 */
export function useDetailed(): boolean {
  return useStore(selectDetailed);
}
