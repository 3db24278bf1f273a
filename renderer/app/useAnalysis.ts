import { useCallback, useSyncExternalStore } from 'react';
import type { Analysis } from '../store/analysis';
import { useApp } from './AppContext';

const whole = (a: Analysis) => a;

/**
 * Subscribes to the derived analysis (shapes, diagnostics, summary). It is memoised on the document's
 * structure, so node drags do not re-run inference; `select` narrows re-renders to one node or edge.
 */
export function useAnalysis<T = Analysis>(select: (a: Analysis) => T = whole as (a: Analysis) => T): T {
  const { editor } = useApp();
  const snapshot = useCallback(() => select(editor.analysis()), [editor, select]);
  return useSyncExternalStore(editor.subscribe, snapshot);
}
