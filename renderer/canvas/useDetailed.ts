import { useStore, type ReactFlowState } from '@xyflow/react';
import { createContext, createElement, useContext, type ReactNode } from 'react';

/** Below this zoom the canvas drops text that is too small to read (level of detail). */
export const DETAIL_ZOOM = 0.4;

const selectDetailed = (s: ReactFlowState) => s.transform[2] >= DETAIL_ZOOM;

const DetailContext = createContext(true);

/**
 * Provides whether the canvas is zoomed in far enough to show node details and edge labels. One
 * subscription to the view's transform serves every node and edge: with one per component, each frame of a
 * pan ran a thousand selectors on a 500-node graph. The value changes only when the zoom crosses
 * DETAIL_ZOOM, and then only the components that read it re-render (its children are an unchanged element).
 */
export function DetailProvider({ children }: { readonly children: ReactNode }): ReactNode {
  return createElement(DetailContext.Provider, { value: useStore(selectDetailed) }, children);
}

/**
 * Whether nodes show their details and edges their shape labels. Far out, a 500-node graph paints as plain
 * boxes and stays smooth.
 */
export function useDetailed(): boolean {
  return useContext(DetailContext);
}
