/**
 * Imported weights kept in the app: opening a trained PyTorch classifier's .onnx (build/fixtures/
 * imported_weights_model.py) keeps its weights with the new project; exporting them gives an ONNX model whose
 * outputs equal the original's in onnxruntime-node and a safetensors file with PyTorch's state_dict values;
 * saving writes them beside the project (again after Save As, never twice), reopening loads them; an edit that changes a
 * layer's size is one line naming the tensors that no longer fit, and a run refuses to start from them; and
 * fine-tuning from them starts at the original model's loss on that batch, as onnxruntime-node computes it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GraphDoc } from '../../graph-core';
import { exportGraph } from '../../exporters/export-graph';
import { decodeSafetensors } from '../../exporters/safetensors';
import { openDroppedOnnx } from '../../renderer/app/onnx-open';
import { createEditor, isDirty } from '../../renderer/store/editor';
import type { EditorDoc } from '../../renderer/store/editor-doc';
import { emptyProject, parseProject, serializeProject } from '../../renderer/store/project-file';
import { createKeptWeights, decodeKeptWeights, keptFor, keptStatus, loadProjectWeights, saveKeptWeights, weightsFit } from '../../renderer/train/kept-weights';
import type { FromWorker } from '../../renderer/train/protocol';
import { TrainingSession } from '../../renderer/train/session';
import { DEFAULT_SETTINGS, type TrainSettings } from '../../renderer/train/settings';
import { getBuiltin } from '../../runtime/data/registry';
import { nodeBackend } from '../../runtime/train/backend-node';
import { SYSTEM_PYTHON } from '../helpers/onnx-checker';

let dir = '';
let model: Uint8Array;
/** PyTorch's state_dict of the model, as the fixture wrote it. */
let state: Record<string, { shape: number[]; values: number[] }>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'layerloom-imported-weights-'));
  const r = spawnSync(SYSTEM_PYTHON, [new URL('../../build/fixtures/imported_weights_model.py', import.meta.url).pathname, dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`imported_weights_model.py failed: ${r.stderr}`);
  model = readFileSync(join(dir, 'spiral_mlp.onnx'));
  state = JSON.parse(readFileSync(join(dir, 'spiral_mlp.state.json'), 'utf8')) as typeof state;
}, 120_000);

const onnxFile = (name: string, bytes: Uint8Array) => ({ name, arrayBuffer: async () => Uint8Array.from(bytes).buffer });

/** The editor, the kept-weights store and a UI that records its toasts, with the model opened as the app opens a dropped file. */
async function opened() {
  const editor = createEditor();
  const kept = createKeptWeights();
  const toasts: string[] = [];
  const ui = { open: () => undefined, toast: (t: string) => void toasts.push(t) };
  expect(await openDroppedOnnx(onnxFile('spiral_mlp.onnx', model), { editor, ui, kept, mayReplace: () => true })).toBe(true);
  const k = keptFor(kept, editor.getState().generation);
  if (!k?.weights) throw new Error('no weights kept');
  return { editor, kept, toasts, k, weights: k.weights };
}

/** The original model's logits for `x` ([n, 2]), run by onnxruntime-node. */
async function originalLogits(bytes: Uint8Array, x: Float32Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, [x.length / 2, 2]) });
    return Float32Array.from((await out[session.outputNames[0]!]!.getData()) as Float32Array);
  } finally {
    await session.release();
  }
}

/** The imported graph with a CrossEntropyLoss on its logits (what a user adds to fine-tune it). */
function withLoss(doc: EditorDoc): GraphDoc {
  return {
    ...doc,
    nodes: [...doc.nodes, { id: 'loss', kind: 'CrossEntropyLoss', params: {}, position: { x: 0, y: 600 } }],
    edges: [...doc.edges, { id: 'eloss', from: { node: 'fc3' }, to: { node: 'loss', port: 'input' } }],
  } as GraphDoc;
}

describe('imported weights', () => {
  it('opening the model keeps its weights with the new project, equal to PyTorch state_dict', async () => {
    const a = await opened();
    expect(a.k.source).toBe('imported');
    expect([...a.weights.keys()].sort()).toEqual(Object.keys(state).sort());
    for (const [name, t] of Object.entries(state)) expect(Array.from(a.weights.get(name)!)).toEqual(t.values.map(Math.fround));
    expect(a.toasts).toEqual(['Imported spiral_mlp.onnx: 5 layers; its 6 weight tensors are kept with the project.']);
    expect(keptStatus(a.k, a.editor.analysis().shaped)).toEqual({ ok: true, text: 'Imported weights kept (6 tensors from spiral_mlp.onnx, not saved yet)' });
  });

  it('exports them: the ONNX model gives the original outputs, the safetensors the PyTorch values', async () => {
    const a = await opened();
    const r = exportGraph(a.editor.getState().doc, { weights: a.weights });
    if (!r.ok) throw new Error('export failed');
    const x = Float32Array.from({ length: 64 * 2 }, (_, i) => Math.sin(i * 0.37) * 0.9);
    const want = await originalLogits(model, x);
    const got = await originalLogits(r.onnx, x);
    expect(got.length).toBe(64 * 3);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-5);
    const tensors = decodeSafetensors(r.safetensors);
    expect(tensors.map((t) => t.name).sort()).toEqual(Object.keys(state).sort());
    for (const t of tensors) {
      expect([...t.shape]).toEqual(state[t.name]!.shape);
      expect(Array.from(t.data as Float32Array)).toEqual(state[t.name]!.values.map(Math.fround));
    }
  });

  it('saving writes them beside the project, Save As again at the new place; reopening loads them', async () => {
    const a = await opened();
    const files = new Map<string, Uint8Array>();
    const writes: string[] = [];
    const write = async (location: string, bytes: Uint8Array) => {
      writes.push(location);
      files.set(location, bytes);
    };
    const save = (location: string) => {
      const s = a.editor.getState();
      a.editor.markSaved({ location, name: location.split('/').pop()! });
      return saveKeptWeights(a.kept, write, s.generation, location, a.editor.analysis().shaped);
    };
    expect(await save('/projects/spiral.json')).toBe(true);
    expect(isDirty(a.editor.getState())).toBe(false);
    const onDisk = decodeKeptWeights(files.get('/projects/spiral.json')!);
    for (const [name, w] of a.weights) expect(Array.from(onDisk.get(name)!)).toEqual(Array.from(w));
    expect(keptStatus(keptFor(a.kept, a.editor.getState().generation)!, a.editor.analysis().shaped).text).toBe('Imported weights kept (6 tensors from spiral_mlp.onnx)');
    // Saving again writes the project only: the weights file holds them already. Save As writes them anew.
    expect(await save('/projects/spiral.json')).toBe(false);
    expect(await save('/elsewhere/copy.json')).toBe(true);
    expect(writes).toEqual(['/projects/spiral.json', '/elsewhere/copy.json']);
    // A failed write leaves them unsaved, to be written by the next save.
    const failing = async () => {
      throw new Error('disk full');
    };
    a.editor.markSaved({ location: '/full/x.json', name: 'x.json' });
    await expect(saveKeptWeights(a.kept, failing, a.editor.getState().generation, '/full/x.json', a.editor.analysis().shaped)).rejects.toThrow('disk full');
    expect(keptFor(a.kept, a.editor.getState().generation)!.savedAt).toBe('/elsewhere/copy.json');

    // Another project, then the saved one again: its weights come back from its weights file.
    const text = serializeProject(a.editor.getState().doc);
    a.editor.load(emptyProject(), { name: 'Untitled' });
    expect(keptFor(a.kept, a.editor.getState().generation)).toBeNull();
    const parsed = parseProject(text);
    if (!parsed.ok) throw new Error('the saved project did not parse');
    a.editor.load(parsed.doc, { location: '/projects/spiral.json', name: 'spiral.json' });
    const s = a.editor.getState();
    expect(await loadProjectWeights(a.kept, async (l) => files.get(l) ?? null, s, () => a.editor.getState().generation)).toBe(true);
    const back = keptFor(a.kept, s.generation)!;
    expect(back.source).toBe('project');
    expect(back.savedAt).toBe('/projects/spiral.json');
    for (const [name, w] of a.weights) expect(Array.from(back.weights!.get(name)!)).toEqual(Array.from(w));
    expect(keptStatus(back, a.editor.analysis().shaped).text).toBe('Weights kept with the project (6 tensors)');
    // A project without a weights file keeps none; a corrupt one is one line.
    a.editor.load(parsed.doc, { location: '/projects/other.json', name: 'other.json' });
    expect(await loadProjectWeights(a.kept, async () => null, a.editor.getState(), () => a.editor.getState().generation)).toBe(false);
    expect(keptFor(a.kept, a.editor.getState().generation)).toBeNull();
    await expect(loadProjectWeights(a.kept, async () => Uint8Array.of(1, 2, 3), a.editor.getState(), () => a.editor.getState().generation)).rejects.toThrow(
      /^other\.json weights could not be read: /,
    );
  });

  it('an edit that changes a layer: one line names the tensors that no longer fit; a run refuses them', async () => {
    const a = await opened();
    a.editor.dispatch({ type: 'setParam', id: 'fc2', name: 'out_features', value: 16 });
    // The edit does not touch the kept weights: they stay as imported, and are checked against the model.
    const k = keptFor(a.kept, a.editor.getState().generation)!;
    expect(k).toBe(a.k);
    const fit = weightsFit(a.editor.analysis().shaped, k.weights!, 'The imported weights');
    expect(fit.ok).toBe(false);
    expect(fit.misfits).toEqual(['fc2.weight', 'fc2.bias', 'fc3.weight']);
    expect(fit.message).toBe(
      'The imported weights no longer fit the model: fc2.weight has 1024 values, the model needs 512; fc2.bias has 32 values, the model needs 16; fc3.weight has 96 values, the model needs 48.',
    );
    expect(keptStatus(k, a.editor.analysis().shaped)).toEqual({ ok: false, text: fit.message });
    a.editor.undo();
    expect(weightsFit(a.editor.analysis().shaped, k.weights!).ok).toBe(true);
    // The last layer replaced by a new one (with a loss added to train): its tensors are missing, and a run
    // asked to start from the kept weights stops before its first step.
    const messages: FromWorker[] = [];
    const session = new TrainingSession({ backend: () => nodeBackend('native'), probeBackend: () => nodeBackend('native'), post: (m) => void messages.push(m) });
    const text = JSON.stringify(withLoss(a.editor.getState().doc)).replaceAll('"fc3"', '"head"');
    const renamed = JSON.parse(text) as GraphDoc;
    const settings: TrainSettings = { ...DEFAULT_SETTINGS, dataset: 'spirals', epochs: 1, batchSize: 64, valSplit: 0 };
    await session.handle({ type: 'start', doc: renamed, settings, data: { builtin: 'spirals' }, backend: 'native', weights: k.weights! });
    expect(messages.filter((m) => m.type === 'step')).toEqual([]);
    expect(messages.filter((m) => m.type === 'error')).toEqual([{ type: 'error', message: 'The kept weights no longer fit the model: head.weight is missing; head.bias is missing.' }]);
  });

  it("fine-tuning from the imported weights starts at the original model's loss on that batch", { timeout: 60_000 }, async () => {
    const a = await opened();
    const weights = a.weights;
    const doc = withLoss(a.editor.getState().doc);
    // One batch of every sample (no validation split), so the first step's loss is the mean over the dataset.
    const settings: TrainSettings = { ...DEFAULT_SETTINGS, dataset: 'spirals', epochs: 1, batchSize: 3000, valSplit: 0, optimizer: 'sgd', lr: 0.01, seed: 3 };
    const firstLoss = async (from?: ReadonlyMap<string, Float32Array>) => {
      const messages: FromWorker[] = [];
      const session = new TrainingSession({ backend: () => nodeBackend('native'), probeBackend: () => nodeBackend('native'), post: (m) => void messages.push(m) });
      await session.handle({ type: 'start', doc, settings, data: { builtin: 'spirals' }, backend: 'native', ...(from ? { weights: from } : {}) });
      expect(messages.filter((m) => m.type === 'error')).toEqual([]);
      const steps = messages.filter((m): m is Extract<FromWorker, { type: 'step' }> => m.type === 'step');
      expect(steps).toHaveLength(1);
      return steps[0]!.e.loss;
    };

    const ds = await getBuiltin('spirals')!.load({ seed: settings.seed });
    expect(ds.size).toBe(3000);
    const x = ds.arrays.x as Float32Array;
    const y = ds.arrays.y!;
    const logits = await originalLogits(model, x);
    let sum = 0;
    for (let i = 0; i < ds.size; i++) {
      const row = Array.from(logits.subarray(i * 3, i * 3 + 3), Number);
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      sum += lse - row[Number(y[i])]!;
    }
    const reference = sum / ds.size;

    const imported = await firstLoss(weights);
    expect(Math.abs(imported - reference)).toBeLessThan(1e-5);
    // The trained model is far better than chance (ln 3 ≈ 1.0986), which a fresh start is near.
    expect(reference).toBeLessThan(0.5);
    const fresh = await firstLoss();
    expect(fresh).toBeGreaterThan(0.9);
  });
});
