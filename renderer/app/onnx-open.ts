/**
 * Opening an ONNX model in the editor: the model is imported (exporters/onnx-import) into a graph document and
 * read back through the same path as a project file, so it opens as a new, unsaved project. Its weights become
 * the project's kept weights (renderer/train/kept-weights.ts): Export, the views and fine-tuning use them, and
 * the first save writes them beside the project. A model that cannot be imported shows the one-line reason,
 * and the open document is left exactly as it was.
 */
import { importOnnx, OnnxImportError } from '../../exporters/onnx-import/import-onnx';
import type { EditorDoc } from '../store/editor-doc';
import type { Editor } from '../store/editor';
import { parseProject } from '../store/project-file';
import type { KeptWeights } from '../train/kept-weights';

export type OnnxOpen =
  | {
      readonly ok: true;
      readonly doc: EditorDoc;
      readonly name: string;
      readonly summary: string;
      /** The model's weights by weight name (`fc1.weight`), as `layerloom import` writes them. */
      readonly weights: ReadonlyMap<string, Float32Array>;
    }
  | { readonly ok: false; readonly message: string };

/** The model in `bytes` as a project document, or why it cannot be opened. */
export function openOnnxModel(fileName: string, bytes: Uint8Array): OnnxOpen {
  const stem = fileName.replace(/\.onnx$/i, '') || 'Imported model';
  let imported;
  try {
    imported = importOnnx(bytes, { name: stem });
  } catch (e) {
    if (e instanceof OnnxImportError) return { ok: false, message: e.message };
    return { ok: false, message: `Layerloom could not read this model (${e instanceof Error ? e.message : String(e)}).` };
  }
  const parsed = parseProject(JSON.stringify(imported.doc));
  if (!parsed.ok) return { ok: false, message: parsed.diagnostics.map((d) => d.message).join(' ') };
  const layers = imported.nodes.filter((n) => n.kind !== 'Input' && n.kind !== 'OnnxOp').length;
  const kept = imported.nodes.filter((n) => n.kind === 'OnnxOp').length;
  const tensors = imported.weights.size;
  const summary =
    `Imported ${fileName}: ${layers} layer${layers === 1 ? '' : 's'}` +
    (kept ? `, ${kept} ONNX operator${kept === 1 ? '' : 's'} kept as they are` : '') +
    (tensors ? `; its ${tensors} weight tensor${tensors === 1 ? ' is' : 's are'} kept with the project.` : '.');
  return { ok: true, doc: parsed.doc, name: `${stem}.json`, summary, weights: imported.weights };
}

/** What opening a dropped model needs from the app (the editor store, the UI's dialogs and toasts). */
export interface OnnxOpenServices {
  readonly editor: Pick<Editor, 'load' | 'getState'>;
  /** Where the imported weights are kept for the new document. */
  readonly kept?: KeptWeights;
  readonly ui: {
    open(overlay: { readonly kind: 'openError'; readonly title: string; readonly messages: readonly string[] }): void;
    toast(text: string, tone?: 'info' | 'error'): void;
  };
  /** True when the open document may be replaced (nothing unsaved, or the user agreed to lose it). */
  readonly mayReplace: () => boolean;
}

/** Opens a dropped .onnx file as a new project; returns whether the document was replaced. */
export async function openDroppedOnnx(file: { readonly name: string; arrayBuffer(): Promise<ArrayBuffer> }, s: OnnxOpenServices): Promise<boolean> {
  if (!s.mayReplace()) return false;
  let opened: OnnxOpen;
  try {
    opened = openOnnxModel(file.name, new Uint8Array(await file.arrayBuffer()));
  } catch (e) {
    s.ui.toast(`Could not read ${file.name}: ${e instanceof Error ? e.message : String(e)}`, 'error');
    return false;
  }
  if (!opened.ok) {
    s.ui.open({ kind: 'openError', title: `${file.name} could not be opened`, messages: [opened.message] });
    return false;
  }
  // A new project that exists only in memory until it is saved.
  s.editor.load(opened.doc, { name: opened.name }, { dirty: true });
  if (s.kept && opened.weights.size)
    s.kept.setState({ generation: s.editor.getState().generation, weights: opened.weights, source: 'imported', from: file.name });
  s.ui.toast(opened.summary);
  return true;
}
