import { useCallback, useSyncExternalStore } from 'react';
import type { EditorState } from '../store/editor';
import { useApp } from './AppContext';

/** Subscribes to one slice of the editor state. `select` must return stored values, not fresh objects. */
export function useEditorState<T>(select: (s: EditorState) => T): T {
  const { editor } = useApp();
  const snapshot = useCallback(() => select(editor.getState()), [editor, select]);
  return useSyncExternalStore(editor.subscribe, snapshot);
}
