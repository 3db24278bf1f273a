/**
 * The document as it was last opened or saved, for the diff view. The editor records only the history serial
 * of that moment; this follows the editor from the app's start and keeps the document whenever it is clean.
 */
import { isDirty, type Editor } from '../store/editor';
import type { EditorDoc } from '../store/editor-doc';

export interface SavedDoc {
  /** The last clean document (the opened or saved file), or null for a recovered copy never saved. */
  get(): EditorDoc | null;
  dispose(): void;
}

export function trackSavedDoc(editor: Editor): SavedDoc {
  let saved: EditorDoc | null = null;
  let generation = -1;
  const sync = () => {
    const s = editor.getState();
    if (!isDirty(s)) saved = s.doc;
    else if (s.generation !== generation && s.savedSerial === null) saved = null;
    generation = s.generation;
  };
  sync();
  const stop = editor.subscribe(sync);
  return { get: () => saved, dispose: stop };
}
