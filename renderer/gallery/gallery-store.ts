/**
 * What the gallery adds to the view state: the template the open project was created from (its notes sit
 * beside the canvas until another project is opened) and presenter mode. One store per editor.
 */
import { parseProject } from '../store/project-file';
import type { Editor } from '../store/editor';
import { createStore, type Store } from '../store/store';
import { loadTemplate, type Template } from '../../templates';

export interface GalleryState {
  /** The template of the open project, or null. */
  readonly template: string | null;
  /** The editor generation the template was opened in: a later project is not the template's. */
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

/** The template whose notes belong to the open project, or null. */
export function activeTemplate(state: GalleryState, generation: number): string | null {
  return state.template !== null && state.generation === generation ? state.template : null;
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
  editor.load(parsed.doc, { name: 'Untitled' });
  galleryStore(editor).setState({ template: id, generation: editor.getState().generation, presenter: false });
  return { ok: true, template };
}
