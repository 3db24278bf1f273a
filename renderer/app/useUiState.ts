import { useCallback, useSyncExternalStore } from 'react';
import { useApp } from './AppContext';
import type { UiState } from './ui-store';

/** Subscribes to one slice of the view state. */
export function useUiState<T>(select: (s: UiState) => T): T {
  const { ui } = useApp();
  const snapshot = useCallback(() => select(ui.getState()), [ui, select]);
  return useSyncExternalStore(ui.subscribe, snapshot);
}
