/**
 * What the gallery adds to the view state: the template the open project was created from (its notes sit
 * beside the canvas until another project is opened or they are closed) and presenter mode. One store per
 * editor. The project file records the template's id (`template`), so a saved project shows its notes again
 * when it is reopened.
 */
import { parseProject } from '../store/project-file';
import type { Editor } from '../store/editor';
import { createStore, type Store } from '../store/store';
import { loadTemplate, type Template } from '../../templates';

export interface GalleryState {
  /** The template whose notes are shown for the project of `generation`, or null once they were closed. */
  readonly template: string | null;
  /** The editor generation this state is about: for a later project the document's own `template` counts. */
  readonly generation: number;
  readonly presenter: boolean;
}

const stores = new WeakMap<Editor, Store<GalleryState>>();

export function galleryStore(editor: Editor): Store<GalleryState> {
  let s = stores.get(editor);
  if (!s) {
    s = createStore<GalleryState>({ template: null, generation: -1, presenter: false });
    stores.set(editor, s);
  }
  return s;
}

/**
 * The template whose notes belong to the open project, or null: what the gallery set (or closed) for this
 * project, else the template the project file names, when the gallery has it.
 */
export function activeTemplate(state: GalleryState, generation: number, docTemplate?: string): string | null {
  if (state.generation === generation) return state.template;
  return docTemplate !== undefined && loadTemplate(docTemplate) !== undefined ? docTemplate : null;
}

/** Hides the notes of the open project (until it is opened again). */
export function closeNotes(editor: Editor): void {
  galleryStore(editor).setState({ template: null, generation: editor.getState().generation, presenter: false });
}

export type OpenTemplate = { readonly ok: true; readonly template: Template } | { readonly ok: false; readonly message: string };

/**
 * Replaces the open project with a new, untitled one holding a copy of the template's graph (with its
 * training settings and dataset), and shows the template's notes beside it. `mayReplace` asks before
 * unsaved changes are lost; answering no leaves everything as it was.
 */
export function openTemplate(editor: Editor, id: string, mayReplace: () => boolean): OpenTemplate {
  const template = loadTemplate(id);
  if (!template) return { ok: false, message: `There is no template "${id}".` };
  const parsed = parseProject(JSON.stringify(template.graph));
  if (!parsed.ok) return { ok: false, message: `The template ${template.meta.title} could not be opened: ${parsed.diagnostics[0]?.message ?? 'not a graph'}` };
  if (!mayReplace()) return { ok: false, message: '' };
  editor.load({ ...parsed.doc, template: id }, { name: 'Untitled' });
  galleryStore(editor).setState({ template: id, generation: editor.getState().generation, presenter: false });
  return { ok: true, template };
}
