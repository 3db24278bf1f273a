/**
 * The kept weights of the recovery copy. An imported model's weights, or a run's on an unsaved project, live
 * only in memory until the first save writes them beside the project; so that a crash does not lose them,
 * autosave also writes them (Host.writeRecoveryWeights, a safetensors file) — only when they change, never
 * with every autosave of the text. Their `__metadata__` notes where they came from, so that the restored
 * document keeps them as the same kind of kept weights (imported from a named model, or trained).
 */
import type { ShapedGraph } from '../../graph-core';
import type { Host } from '../host/host';
import { decodeKeptWeightsFile, encodeKeptWeights, keptFor, weightShape, type KeptSource, type KeptWeights, type KeptWeightsState } from '../train/kept-weights';

const SOURCE_KEY = 'layerloom.kept.source';
const FROM_KEY = 'layerloom.kept.from';

/** Kept weights read back from the recovery copy. */
export interface RecoveredWeights {
  readonly weights: Map<string, Float32Array>;
  readonly source: Exclude<KeptSource, 'project'>;
  readonly from?: string;
}

/** The recovery copy's bytes of unsaved kept weights (the model's shapes, where they fit, go with them). */
export function encodeRecoveryWeights(state: KeptWeightsState, shaped: ShapedGraph | null): Uint8Array {
  if (!state.weights) throw new Error('there are no kept weights to autosave');
  const metadata: Record<string, string> = { [SOURCE_KEY]: state.source === 'imported' ? 'imported' : 'trained' };
  if (state.from !== undefined) metadata[FROM_KEY] = state.from;
  return encodeKeptWeights(state.weights, (name) => (shaped ? weightShape(shaped, name) : undefined), metadata);
}

/** Reads the recovery copy's kept weights; throws an Error with one line for a person when they cannot be read. */
export function decodeRecoveryWeights(bytes: Uint8Array): RecoveredWeights {
  const { weights, metadata } = decodeKeptWeightsFile(bytes, 'The autosaved weights');
  if (weights.size === 0) throw new Error('The autosaved weights could not be read: the file holds no tensors.');
  const source = metadata[SOURCE_KEY] === 'imported' ? 'imported' : 'trained';
  const from = metadata[FROM_KEY];
  return { weights, source, ...(from !== undefined && from !== '' ? { from } : {}) };
}

/** The kept weights that go with a recovery copy on offer: read back, why they cannot be, or none. */
export type OfferedWeights = RecoveredWeights | { readonly error: string } | null;

/** Reads the recovery copy's kept weights when it is offered; a failure is kept as its one line, not thrown. */
export async function readOfferedWeights(host: Pick<Host, 'readRecoveryWeights'>): Promise<OfferedWeights> {
  let bytes: Uint8Array | null;
  try {
    bytes = await host.readRecoveryWeights();
  } catch (e) {
    return { error: `The autosaved weights could not be read: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
  if (bytes === null) return null;
  try {
    return decodeRecoveryWeights(bytes);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Puts offered weights back as the kept weights of the restored document (`generation`), unsaved and of the
 * same source as before the crash, and tells `writer` what the recovery copy now holds. Returns the one line
 * to show when they could not be restored, else null.
 */
export function restoreOfferedWeights(kept: KeptWeights, generation: number, offered: OfferedWeights, writer: RecoveryWeightsWriter): string | null {
  if (offered !== null && 'weights' in offered) {
    const state: KeptWeightsState = { generation, weights: offered.weights, source: offered.source, ...(offered.from !== undefined ? { from: offered.from } : {}) };
    kept.setState(state);
    writer.restored(state);
    return null;
  }
  // Unreadable weights are rewritten (or removed) by the next autosave.
  writer.restored(null);
  return offered === null ? null : `The project was restored, but its kept weights could not be. ${offered.error}`;
}

/** Whether the recovery copy's weights on disk are known to match a kept-weights state. */
const UNKNOWN = Symbol('unknown');

/**
 * Keeps the recovery copy's weights in step with the open document's unsaved kept weights: writes them when
 * they change, removes them when the document has none left to lose (saved, or another document opened).
 */
export interface RecoveryWeightsWriter {
  /**
   * Called by autosave right after the recovery text is current: writes the kept weights of the document of
   * `generation` when they are unsaved and not written yet, or removes ones that no longer belong. Throws
   * (one line) when the write fails; that state is not tried again until the weights change.
   */
  sync(generation: number, shaped: () => ShapedGraph | null): Promise<void>;
  /** The recovery copy was removed (saved, discarded, another document opened): nothing is on disk. */
  cleared(): void;
  /** The restored document's weights are the ones on disk (`state`), or unknown (`null`: rewrite or remove). */
  restored(state: KeptWeightsState | null): void;
}

export function createRecoveryWeightsWriter(kept: KeptWeights, host: Pick<Host, 'writeRecoveryWeights'>): RecoveryWeightsWriter {
  /** What the recovery copy holds: the kept state whose weights were written, null for none, or unknown. */
  let written: KeptWeightsState | null | typeof UNKNOWN = UNKNOWN;
  /** A state whose write failed; not retried every few seconds. */
  let failed: KeptWeightsState | null | typeof UNKNOWN = UNKNOWN;
  return {
    async sync(generation, shaped) {
      const k = keptFor(kept, generation);
      // Weights already in the project's own weights file are safe without a recovery copy.
      const want = k && k.savedAt === undefined ? k : null;
      // Compare the weights, not the state object: marking them saved elsewhere must not rewrite them.
      if (written !== UNKNOWN && (written === null ? want === null : want !== null && want.weights === written.weights)) return;
      if (want === failed) return;
      try {
        await host.writeRecoveryWeights(want === null ? null : encodeRecoveryWeights(want, shaped()));
      } catch (e) {
        failed = want;
        throw new Error(`the kept weights could not be autosaved: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      }
      written = want;
      failed = UNKNOWN;
    },
    cleared() {
      written = null;
      failed = UNKNOWN;
    },
    restored(state) {
      written = state ?? UNKNOWN;
      failed = UNKNOWN;
    },
  };
}
