/**
 * New, Open, Save, Save As, Recent, dropped files, autosave and crash recovery, over the Host interface.
 * A file that cannot be read never replaces the open document: its diagnostics are shown instead. Saving
 * also writes the project's kept weights where that location does not hold them yet (the first save of an
 * imported model, Save As to a new place).
 *
 * The recovery copy holds the document and, when it has kept weights that no save has written yet (an
 * imported model's, a run's), those weights too (recovery-weights.ts); restoring puts both back.
 */
import { castDraft } from 'immer';
import type { ProjectFile } from '../host/host';
import { isDirty } from '../store/editor';
import { emptyProject, parseProject, projectFileName, serializeProject } from '../store/project-file';
import { saveKeptWeights } from '../train/kept-weights';
import type { AppServices } from './AppContext';
import { openDroppedOnnx } from './onnx-open';
import { createRecoveryWeightsWriter, readOfferedWeights, restoreOfferedWeights, type OfferedWeights } from './recovery-weights';

export interface ProjectFiles {
  newProject(): void;
  open(): Promise<void>;
  openRecent(location: string): Promise<void>;
  openDropped(file: File): Promise<void>;
  save(options?: { readonly saveAs?: boolean }): Promise<void>;
  refreshRecent(): Promise<void>;
  /** Looks for a recovery copy left by a previous session and offers it. */
  checkRecovery(): Promise<void>;
  restoreRecovery(): void;
  discardRecovery(): Promise<void>;
  /** Writes the recovery copy when there are unsaved changes it does not hold yet. */
  autosave(): Promise<void>;
}

/** How often autosave runs. */
export const AUTOSAVE_MS = 3000;

export function createProjectFiles({ editor, ui, host, kept }: AppServices, confirmDiscard: (question: string) => boolean): ProjectFiles {
  let autosaved: unknown = null;
  const recoveryWeights = createRecoveryWeightsWriter(kept, host);
  /** The kept weights that go with the recovery copy on offer, or why they cannot be restored. */
  let offeredWeights: OfferedWeights = null;
  const clearRecovery = () => {
    recoveryWeights.cleared();
    return host.clearRecovery();
  };

  const fail = (what: string, e: unknown) => ui.toast(`${what}: ${e instanceof Error ? e.message : String(e)}`, 'error');

  /** True when the open document may be replaced: nothing unsaved, or the user agrees to lose it. */
  const mayReplace = () => !isDirty(editor.getState()) || confirmDiscard('Discard the unsaved changes to this project?');

  /** Opens a file's text, or shows why it cannot be opened and leaves the current document alone. */
  const openFile = (file: ProjectFile) => {
    if (file.model) {
      // An ONNX model from File → Open: imported into a new project (the discard question was already asked).
      void openDroppedOnnx({ name: file.name, arrayBuffer: async () => Uint8Array.from(file.model!).buffer }, { editor, ui, kept, mayReplace: () => true });
      return;
    }
    const parsed = parseProject(file.text);
    if (!parsed.ok) {
      ui.open({ kind: 'openError', title: `${file.name} could not be opened`, messages: parsed.diagnostics.map((d) => d.message) });
      return;
    }
    editor.load(parsed.doc, { ...(file.location !== undefined ? { location: file.location } : {}), name: file.name });
    for (const w of parsed.warnings) ui.toast(w);
    void clearRecovery().catch(() => undefined);
    autosaved = null;
  };

  const refreshRecent = async () => {
    try {
      const recent = await host.recentProjects();
      ui.update((d) => {
        d.recent = castDraft(recent);
      });
    } catch (e) {
      fail('Could not read the recent projects', e);
    }
  };

  return {
    newProject() {
      if (!mayReplace()) return;
      editor.load(emptyProject(), { name: 'Untitled' });
      void clearRecovery().catch(() => undefined);
    },
    async open() {
      if (!mayReplace()) return;
      try {
        const file = await host.openProject();
        if (file) openFile(file);
      } catch (e) {
        fail('Could not open the project', e);
      }
      await refreshRecent();
    },
    async openRecent(location) {
      if (!mayReplace()) return;
      try {
        openFile(await host.openRecent(location));
      } catch (e) {
        fail('Could not open the recent project', e);
      }
      await refreshRecent();
    },
    async openDropped(file) {
      if (/\.onnx$/i.test(file.name)) {
        if (await openDroppedOnnx(file, { editor, ui, kept, mayReplace })) autosaved = null;
        return;
      }
      if (!mayReplace()) return;
      try {
        openFile(await host.readDroppedFile(file));
      } catch (e) {
        fail(`Could not read ${file.name}`, e);
      }
    },
    async save({ saveAs = false } = {}) {
      editor.commitPreview();
      const { doc, file, generation } = editor.getState();
      const name = file.location === undefined ? projectFileName(doc.name) : file.name;
      try {
        const saved = await host.saveProject({ ...file, name, text: serializeProject(doc) }, { saveAs });
        if (!saved) return;
        // Only the state that was written counts as saved; edits made meanwhile stay unsaved.
        if (editor.getState().doc === doc) editor.markSaved(saved);
        // The document's kept weights go beside it, unless that place holds them already.
        await saveKeptWeights(kept, (l, bytes) => host.writeWeights(l, bytes), generation, saved.location, editor.analysis().shaped).catch((e: unknown) =>
          fail('The project was saved, but its kept weights could not be written', e),
        );
        await clearRecovery();
        autosaved = null;
        ui.toast(`Saved ${saved.name}`);
      } catch (e) {
        fail('Could not save the project', e);
      }
      await refreshRecent();
    },
    refreshRecent,
    async checkRecovery() {
      try {
        const text = await host.readRecovery();
        if (text === null) return;
        const parsed = parseProject(text);
        if (parsed.ok) {
          offeredWeights = await readOfferedWeights(host);
          ui.update((d) => {
            const w = offeredWeights && !('error' in offeredWeights) ? offeredWeights.weights.size : 0;
            d.recovery = castDraft({ doc: parsed.doc, ...(w > 0 ? { weights: w } : {}) });
          });
        } else await clearRecovery();
      } catch (e) {
        fail('Could not read the recovery copy', e);
      }
    },
    restoreRecovery() {
      const offer = ui.getState().recovery;
      if (!offer) return;
      editor.load(offer.doc, { name: projectFileName(offer.doc.name) }, { dirty: true });
      // The weights go back as the restored document's kept weights, still unsaved, as they were.
      const problem = restoreOfferedWeights(kept, editor.getState().generation, offeredWeights, recoveryWeights);
      offeredWeights = null;
      if (problem !== null) ui.toast(problem, 'error');
      ui.update((d) => {
        d.recovery = null;
      });
    },
    async discardRecovery() {
      offeredWeights = null;
      ui.update((d) => {
        d.recovery = null;
      });
      try {
        await clearRecovery();
      } catch (e) {
        fail('Could not remove the recovery copy', e);
      }
    },
    async autosave() {
      const state = editor.getState();
      // While a recovery copy is on offer, writing would overwrite it.
      if (ui.getState().recovery !== null) return;
      try {
        if (!isDirty(state)) {
          // Undone back to the saved state: an older recovery copy would only confuse the next start.
          if (autosaved !== null) await clearRecovery();
          autosaved = null;
          return;
        }
        if (state.doc !== autosaved) {
          await host.writeRecovery(serializeProject(state.doc));
          autosaved = state.doc;
          ui.update((d) => {
            d.autosavedAt = Date.now();
          });
        }
        // The document's unsaved kept weights, written only when they changed.
        await recoveryWeights.sync(state.generation, () => editor.analysis().shaped);
      } catch (e) {
        fail('Autosave failed', e);
      }
    },
  };
}
