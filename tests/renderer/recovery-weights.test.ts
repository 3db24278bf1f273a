/**
 * Crash recovery keeps an unsaved project's kept weights. A trained PyTorch classifier's .onnx (build/fixtures/
 * imported_weights_model.py) is opened and edited without saving; autosave writes the document every time it
 * changes but the weights only when they change; after a "crash" (a fresh app over the same host storage) the
 * restored document has the same weights — PyTorch's state_dict values — kept as imported from the model, and
 * its first save writes them beside the project. Corrupt autosaved weights restore the document with one line;
 * a run's weights are kept as trained; saving, discarding and opening another file remove them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../../exporters/safetensors';
import { openDroppedOnnx } from '../../renderer/app/onnx-open';
import {
  createRecoveryWeightsWriter,
  decodeRecoveryWeights,
  encodeRecoveryWeights,
  readOfferedWeights,
  restoreOfferedWeights,
  type OfferedWeights,
} from '../../renderer/app/recovery-weights';
import type { Host } from '../../renderer/host/host';
import { createEditor, isDirty } from '../../renderer/store/editor';
import type { EditorDoc } from '../../renderer/store/editor-doc';
import { emptyProject, parseProject, serializeProject } from '../../renderer/store/project-file';
import { createKeptWeights, keptFor, keptStatus, saveKeptWeights } from '../../renderer/train/kept-weights';
import { SYSTEM_PYTHON } from '../helpers/onnx-checker';

let model: Uint8Array;
/** PyTorch's state_dict of the model, as the fixture wrote it. */
let state: Record<string, { shape: number[]; values: number[] }>;

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'layerloom-recovery-weights-'));
  const r = spawnSync(SYSTEM_PYTHON, [new URL('../../build/fixtures/imported_weights_model.py', import.meta.url).pathname, dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`imported_weights_model.py failed: ${r.stderr}`);
  model = readFileSync(join(dir, 'spiral_mlp.onnx'));
  state = JSON.parse(readFileSync(join(dir, 'spiral_mlp.state.json'), 'utf8')) as typeof state;
}, 120_000);

/** What a host keeps across a crash: the recovery text and weights, and the files saved. */
interface Disk {
  text: string | null;
  weights: Uint8Array | null;
  weightWrites: number;
  textWrites: number;
  saved: Map<string, Uint8Array>;
}

const newDisk = (): Disk => ({ text: null, weights: null, weightWrites: 0, textWrites: 0, saved: new Map() });

/** A host over `disk` (the parts the project files use), as the browser and Electron hosts behave. */
function hostOver(disk: Disk): Host {
  const host: Partial<Host> = {
    kind: 'browser',
    readRecovery: async () => disk.text,
    writeRecovery: async (text) => {
      disk.text = text;
      disk.textWrites++;
    },
    clearRecovery: async () => {
      disk.text = null;
      disk.weights = null;
    },
    readRecoveryWeights: async () => (disk.weights === null ? null : Uint8Array.from(disk.weights)),
    writeRecoveryWeights: async (bytes) => {
      disk.weights = bytes === null ? null : Uint8Array.from(bytes);
      disk.weightWrites++;
    },
    saveProject: async (file) => ({ location: `/projects/${file.name}`, name: file.name }),
    writeWeights: async (location, bytes) => void disk.saved.set(location, Uint8Array.from(bytes)),
    recentProjects: async () => [],
    readDroppedFile: async (file) => ({ name: file.name, text: await file.text() }),
  };
  return host as Host;
}

/**
 * One run of the app over `disk`, wired as renderer/app/project-files.ts wires autosave, the restore offer
 * and the first save (that module's UI store needs a DOM; the Chromium test in tests/e2e/editor/ drives it
 * whole): the recovery text follows the document, the writer the kept weights.
 */
function app(disk: Disk) {
  const editor = createEditor();
  const kept = createKeptWeights();
  const host = hostOver(disk);
  const writer = createRecoveryWeightsWriter(kept, host);
  const toasts: string[] = [];
  const ui = { open: () => undefined, toast: (t: string) => void toasts.push(t) };
  let autosaved: unknown = null;
  let offered: OfferedWeights = null;
  let offer: EditorDoc | null = null;
  const clear = async () => {
    writer.cleared();
    await host.clearRecovery();
  };
  return {
    editor,
    kept,
    toasts,
    openOnnx: (name: string, bytes: Uint8Array) => openDroppedOnnx({ name, arrayBuffer: async () => Uint8Array.from(bytes).buffer }, { editor, ui, kept, mayReplace: () => true }),
    async autosave() {
      const state = editor.getState();
      if (!isDirty(state)) return;
      if (state.doc !== autosaved) {
        await host.writeRecovery(serializeProject(state.doc));
        autosaved = state.doc;
      }
      await writer.sync(state.generation, () => editor.analysis().shaped);
    },
    async checkRecovery() {
      const text = await host.readRecovery();
      const parsed = text === null ? null : parseProject(text);
      if (!parsed?.ok) return false;
      offered = await readOfferedWeights(host);
      offer = parsed.doc;
      return true;
    },
    restoreRecovery() {
      editor.load(offer!, { name: 'restored.json' }, { dirty: true });
      const problem = restoreOfferedWeights(kept, editor.getState().generation, offered, writer);
      if (problem !== null) toasts.push(problem);
    },
    async discardRecovery() {
      offered = null;
      await clear();
    },
    async save() {
      const { doc, generation } = editor.getState();
      const saved = await host.saveProject({ name: 'spiral_mlp.json', text: serializeProject(doc) });
      editor.markSaved(saved!);
      await saveKeptWeights(kept, (l, b) => host.writeWeights(l, b), generation, saved!.location, editor.analysis().shaped);
      await clear();
      autosaved = null;
    },
    async openProjectFile() {
      editor.load(emptyProject(), { name: 'Untitled' });
      await clear();
      autosaved = null;
    },
  };
}

/** The kept weights equal PyTorch's state_dict, value for value. */
function expectStateDict(weights: ReadonlyMap<string, Float32Array>) {
  expect([...weights.keys()].sort()).toEqual(Object.keys(state).sort());
  for (const [name, data] of weights) expect(Array.from(data)).toEqual(state[name]!.values.map(Math.fround));
}

describe('recovery of kept weights', () => {
  it('an opened, edited, unsaved model comes back with its weights after a crash, and its first save writes them', async () => {
    const disk = newDisk();
    const first = app(disk);
    expect(await first.openOnnx('spiral_mlp.onnx', model)).toBe(true);
    expect(keptFor(first.kept, first.editor.getState().generation)?.source).toBe('imported');

    await first.autosave();
    expect(disk.textWrites).toBe(1);
    expect(disk.weightWrites).toBe(1);
    // Autosave again, and after an edit: the text follows the document, the weights are not written again.
    await first.autosave();
    first.editor.addComment({ x: 10, y: 10 }, 'edited after opening');
    await first.autosave();
    expect(disk.textWrites).toBe(2);
    expect(disk.weightWrites).toBe(1);
    expect(disk.text).toContain('edited after opening');
    const onDisk = decodeRecoveryWeights(disk.weights!);
    expect(onDisk.source).toBe('imported');
    expect(onDisk.from).toBe('spiral_mlp.onnx');
    // The model's shapes go with them, as PyTorch has them.
    for (const t of decodeSafetensors(disk.weights!)) expect([...t.shape]).toEqual(state[t.name]!.shape);

    // The process dies here. The next start offers the copy; restoring brings back the document and the weights.
    const second = app(disk);
    expect(await second.checkRecovery()).toBe(true);
    second.restoreRecovery();
    const restored = second.editor.getState();
    expect(isDirty(restored)).toBe(true);
    expect(restored.doc.comments?.some((n) => n.text === 'edited after opening')).toBe(true);
    const k = keptFor(second.kept, restored.generation)!;
    expect(k.source).toBe('imported');
    expect(k.from).toBe('spiral_mlp.onnx');
    expect(k.savedAt).toBeUndefined();
    expectStateDict(k.weights!);
    expect(keptStatus(k, second.editor.analysis().shaped)).toEqual({ ok: true, text: 'Imported weights kept (6 tensors from spiral_mlp.onnx, not saved yet)' });
    expect(second.toasts).toEqual([]);

    // The restored weights are what is on disk: the next autosave rewrites the text only.
    await second.autosave();
    expect(disk.weightWrites).toBe(1);
    expect(disk.textWrites).toBe(3);

    // The first save writes them beside the project and removes the recovery copy, weights and all.
    await second.save();
    expect([...disk.saved.keys()]).toEqual(['/projects/spiral_mlp.json']);
    const saved = decodeSafetensors(disk.saved.get('/projects/spiral_mlp.json')!);
    expectStateDict(new Map(saved.map((t) => [t.name, t.data as Float32Array])));
    expect(disk.text).toBeNull();
    expect(disk.weights).toBeNull();
    await second.autosave();
    expect(disk.weights).toBeNull();
    expect(disk.weightWrites).toBe(1);
  });

  it('corrupt autosaved weights: the document is restored, one line says the weights could not be, and they are removed', async () => {
    const disk = newDisk();
    const first = app(disk);
    expect(await first.openOnnx('spiral_mlp.onnx', model)).toBe(true);
    await first.autosave();
    const good = disk.weights!;
    // Cut short, as a disk that filled up might leave it (the framing says more bytes than there are).
    disk.weights = good.slice(0, Math.floor(good.length / 2));

    const second = app(disk);
    await second.checkRecovery();
    second.restoreRecovery();
    expect(second.editor.getState().doc.nodes.map((n) => n.id)).toEqual(first.editor.getState().doc.nodes.map((n) => n.id));
    expect(keptFor(second.kept, second.editor.getState().generation)).toBeNull();
    const toasts = second.toasts;
    expect(toasts).toHaveLength(1);
    expect(toasts[0]).toMatch(/^The project was restored, but its kept weights could not be\. The autosaved weights could not be read: .+/);
    expect(toasts[0]).not.toContain('\n');
    // The next autosave writes the document and removes the unreadable weights.
    await second.autosave();
    expect(disk.text).not.toBeNull();
    expect(disk.weights).toBeNull();

    // Bytes that are no safetensors file at all read the same way.
    disk.weights = new TextEncoder().encode('not weights');
    const third = app(disk);
    await third.checkRecovery();
    third.restoreRecovery();
    expect(third.toasts[0]).toMatch(/^The project was restored, but its kept weights could not be\./);
  });

  it("a run's weights on an unsaved project are written when a run ends, and come back as trained weights", async () => {
    const disk = newDisk();
    const first = app(disk);
    expect(await first.openOnnx('spiral_mlp.onnx', model)).toBe(true);
    await first.autosave();
    expect(disk.weightWrites).toBe(1);
    // A run ends: its weights become the kept weights (the imported ones, scaled, stand for trained values).
    const generation = first.editor.getState().generation;
    const imported = keptFor(first.kept, generation)!.weights!;
    const trained = new Map([...imported].map(([name, w]) => [name, w.map((v) => v * 0.5)]));
    first.kept.setState({ generation, weights: trained, source: 'trained' });
    await first.autosave();
    expect(disk.weightWrites).toBe(2);
    expect(disk.textWrites).toBe(1);

    const second = app(disk);
    await second.checkRecovery();
    second.restoreRecovery();
    const k = keptFor(second.kept, second.editor.getState().generation)!;
    expect(k.source).toBe('trained');
    expect(k.from).toBeUndefined();
    for (const [name, w] of trained) expect(Array.from(k.weights!.get(name)!)).toEqual(Array.from(w));
    expect(keptStatus(k, second.editor.analysis().shaped).text).toBe('Trained weights kept (6 tensors, not saved yet)');
  });

  it('discarding the offer, or opening another file, removes the autosaved weights', async () => {
    const disk = newDisk();
    const first = app(disk);
    expect(await first.openOnnx('spiral_mlp.onnx', model)).toBe(true);
    await first.autosave();
    expect(disk.weights).not.toBeNull();

    const second = app(disk);
    await second.checkRecovery();
    await second.discardRecovery();
    expect(disk.text).toBeNull();
    expect(disk.weights).toBeNull();
    expect(keptFor(second.kept, second.editor.getState().generation)).toBeNull();

    // An imported model with weights autosaved, then another document opened over it: the weights go.
    expect(await second.openOnnx('spiral_mlp.onnx', model)).toBe(true);
    await second.autosave();
    expect(disk.weights).not.toBeNull();
    await second.openProjectFile();
    expect(disk.weights).toBeNull();
    // A document with no kept weights, edited and autosaved: nothing is written for weights.
    const writes = disk.weightWrites;
    second.editor.addComment({ x: 0, y: 0 }, 'x');
    await second.autosave();
    expect(disk.text).not.toBeNull();
    expect(disk.weights).toBeNull();
    expect(disk.weightWrites).toBe(writes);
  });

  it('encodes where the weights came from and reads them back exactly', () => {
    const weights = new Map([
      ['fc.weight', Float32Array.of(1.5, -2.25, 3e-8, 7)],
      ['fc.bias', Float32Array.of(0.125)],
    ]);
    const bytes = encodeRecoveryWeights({ generation: 3, weights, source: 'imported', from: 'net “v2”.onnx' }, null);
    const back = decodeRecoveryWeights(bytes);
    expect(back.source).toBe('imported');
    expect(back.from).toBe('net “v2”.onnx');
    expect([...back.weights].map(([n, w]) => [n, Array.from(w)])).toEqual([...weights].map(([n, w]) => [n, Array.from(w)]));
    expect(() => decodeRecoveryWeights(new Uint8Array(4))).toThrow(/^The autosaved weights could not be read: /);
  });
});
