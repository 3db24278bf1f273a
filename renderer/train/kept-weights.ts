/**
 * The weights a project keeps: the trained weights of its last run, or the weights of an ONNX model it was
 * imported from. On disk they are a safetensors file (host.readWeights / writeWeights: the sidecar
 * `<project>.weights.safetensors` in the desktop app, IndexedDB in the browser) of float32 tensors by
 * weight name (`fc1.weight`). In the app they live in a small store tied to the open document (its editor
 * generation), so that an unsaved project (an imported model) keeps them until its first save writes them.
 *
 * Kept weights are only ever applied to a model they fit: every weight of the model present with its size.
 * `weightsFit` says in one line which tensors no longer fit when the graph was edited.
 */
import type { ShapedGraph } from '../../graph-core';
import { decodeSafetensorsFile, encodeSafetensors } from '../../exporters/safetensors';
import { createStore, type Store } from '../store/store';

export function encodeKeptWeights(
  weights: ReadonlyMap<string, Float32Array>,
  shapeOf: (name: string) => readonly number[] | undefined = () => undefined,
  /** More `__metadata__` entries (the recovery copy notes where the weights came from). */
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const tensors = [...weights].map(([name, data]) => {
    const shape = shapeOf(name);
    const fits = shape !== undefined && shape.reduce((a, b) => a * b, 1) === data.length;
    return { name, dtype: 'F32' as const, shape: fits ? shape : [data.length], data };
  });
  return encodeSafetensors(tensors, { format: 'pt', producer: 'layerloom', ...metadata });
}

/** The weights and `__metadata__` of a kept safetensors file; throws an Error with one line for a person. */
export function decodeKeptWeightsFile(bytes: Uint8Array, fileName = 'the kept weights'): { weights: Map<string, Float32Array>; metadata: Readonly<Record<string, string>> } {
  let file;
  try {
    file = decodeSafetensorsFile(bytes);
  } catch (e) {
    throw new Error(`${fileName} could not be read: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const out = new Map<string, Float32Array>();
  for (const t of file.tensors) {
    if (t.dtype !== 'F32' || !(t.data instanceof Float32Array)) throw new Error(`${fileName} could not be read: ${t.name} is ${t.dtype}, not float32.`);
    out.set(t.name, t.data);
  }
  return { weights: out, metadata: file.metadata ?? {} };
}

/** The weights of a kept safetensors file; throws an Error with one line for a person. */
export function decodeKeptWeights(bytes: Uint8Array, fileName = 'the kept weights'): Map<string, Float32Array> {
  return decodeKeptWeightsFile(bytes, fileName).weights;
}

/** The shape the model gives weight `name` (`<node>.<weight>`), if it has that weight. */
export function weightShape(shaped: ShapedGraph, name: string): readonly number[] | undefined {
  const dot = name.indexOf('.');
  return shaped.info.get(name.slice(0, dot))?.weights[name.slice(dot + 1)]?.shape as readonly number[] | undefined;
}

export interface WeightsFit {
  readonly ok: boolean;
  /** How many weight tensors the model has. */
  readonly expected: number;
  /** The model's weights that are missing or have another size. */
  readonly misfits: readonly string[];
  /** Why they do not fit, one line for a person; null when they fit. */
  readonly message: string | null;
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Whether `weights` fit the model: every weight of the model is there with its number of values (extra
 * tensors, say of a layer deleted since, are ignored). `what` names the weights in the message.
 */
export function weightsFit(shaped: ShapedGraph, weights: ReadonlyMap<string, Float32Array>, what = 'The kept weights'): WeightsFit {
  const problems: string[] = [];
  const misfits: string[] = [];
  let expected = 0;
  for (const id of shaped.order) {
    for (const [name, spec] of Object.entries(shaped.info.get(id)?.weights ?? {})) {
      expected++;
      const full = `${id}.${name}`;
      const w = weights.get(full);
      const want = numel(spec.shape as readonly number[]);
      if (!w) problems.push(`${full} is missing`);
      else if (w.length !== want) problems.push(`${full} has ${w.length} values, the model needs ${want}`);
      else continue;
      misfits.push(full);
    }
  }
  if (!problems.length) return { ok: true, expected, misfits, message: null };
  const shown = problems.slice(0, 3).join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more` : '');
  return { ok: false, expected, misfits, message: `${what} no longer fit the model: ${shown}.` };
}

/** Where a project's kept weights came from. */
export type KeptSource = 'imported' | 'trained' | 'project';

export interface KeptWeightsState {
  /** The editor generation (the open document) they belong to; weights of an earlier generation are not used. */
  readonly generation: number;
  readonly weights: ReadonlyMap<string, Float32Array> | null;
  readonly source: KeptSource;
  /** The file they came from (the imported model's name), for the status line. */
  readonly from?: string;
  /** The project location whose weights file holds them; absent while they exist only in memory. */
  readonly savedAt?: string;
}

export type KeptWeights = Store<KeptWeightsState>;

export function createKeptWeights(): KeptWeights {
  return createStore<KeptWeightsState>({ generation: -1, weights: null, source: 'project' });
}

/** The kept weights of the document of `generation`, or null when it has none. */
export function keptFor(kept: KeptWeights, generation: number): KeptWeightsState | null {
  const s = kept.getState();
  return s.generation === generation && s.weights ? s : null;
}

/** The status line of the kept weights against the current model. */
export function keptStatus(state: KeptWeightsState, shaped: ShapedGraph): { readonly ok: boolean; readonly text: string } {
  const fit = weightsFit(shaped, state.weights!, state.source === 'imported' ? 'The imported weights' : 'The kept weights');
  if (!fit.ok) return { ok: false, text: fit.message! };
  const n = `${fit.expected} tensor${fit.expected === 1 ? '' : 's'}`;
  if (state.source === 'imported') return { ok: true, text: `Imported weights kept (${n}${state.from ? ` from ${state.from}` : ''}${state.savedAt === undefined ? ', not saved yet' : ''})` };
  if (state.source === 'trained') return { ok: true, text: `Trained weights kept (${n}${state.savedAt === undefined ? ', not saved yet' : ''})` };
  return { ok: true, text: `Weights kept with the project (${n})` };
}

/**
 * Loads the weights file of the project that was open at `generation` (its file at `location`) into `kept`,
 * unless that document keeps weights already (imported, or trained since). `current` says which document is
 * open when the file has been read, so that a slow read never lands on another project. Throws an Error with
 * one line for a corrupt file; returns whether weights were loaded.
 */
export async function loadProjectWeights(
  kept: KeptWeights,
  readWeights: (location: string) => Promise<Uint8Array | null>,
  open: { readonly generation: number; readonly file: { readonly location?: string; readonly name: string } },
  current: () => number,
): Promise<boolean> {
  const { generation, file } = open;
  if (file.location === undefined || keptFor(kept, generation)) return false;
  const bytes = await readWeights(file.location);
  if (!bytes || current() !== generation || keptFor(kept, generation)) return false;
  kept.setState({ generation, weights: decodeKeptWeights(bytes, `${file.name} weights`), source: 'project', savedAt: file.location });
  return true;
}

/**
 * Writes the kept weights of the document of `generation` to the weights file of the project saved at
 * `location`, unless that file holds them already (a project is saved often; its weights change only when a
 * run ends). The first save of an imported model and Save As to a new place write them. Returns whether it
 * wrote; a failed write throws and leaves them marked unsaved.
 */
export async function saveKeptWeights(
  kept: KeptWeights,
  writeWeights: (location: string, bytes: Uint8Array) => Promise<void>,
  generation: number,
  location: string,
  shaped: ShapedGraph,
): Promise<boolean> {
  const k = keptFor(kept, generation);
  if (!k?.weights || k.savedAt === location) return false;
  await writeWeights(location, encodeKeptWeights(k.weights, (name) => weightShape(shaped, name)));
  if (kept.getState() === k) kept.setState({ ...k, savedAt: location });
  return true;
}
