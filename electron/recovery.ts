/**
 * Crash recovery. Each window autosaves its document every few seconds (the renderer calls
 * Host.writeRecovery) into its own *slot*: `<userData>/recovery/<slot>.json`, written atomically. A window
 * that closes normally (saved, or the user chose not to save) clears its slot, so a slot that is still there
 * when Layerloom starts was left by a crash. Because Layerloom holds a single-instance lock, every slot
 * present at start-up is such an orphan: the restore offer gives each orphan (newest first) a window of its
 * own, whose renderer finds the text through Host.readRecovery and asks the user whether to restore it.
 *
 * Beside the text, a slot may hold the document's kept weights (`<slot>.weights.safetensors`: an imported
 * model's weights, or a run's, that no save has written yet). The renderer writes them only when they change
 * (Host.writeRecoveryWeights), not with every autosave; clearing the slot removes them with the text.
 */
import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { LIMITS } from './ipc-contract';
import { atomicWriteFile, type AtomicWriteOptions } from './project-files';

export const RECOVERY_FORMAT = 'layerloom.recovery';

const slotPattern = /^[A-Za-z0-9-]{1,64}$/;
const WEIGHTS_SUFFIX = '.weights.safetensors';

/**
 * Why `bytes` are not a safetensors file, or null when its framing holds: an 8-byte little-endian header
 * length, then that many bytes of a JSON object, inside the file. The tensors themselves are checked by the
 * renderer against the model when the weights are restored.
 */
export function safetensorsFramingProblem(bytes: Uint8Array): string | null {
  if (bytes.length < 8) return `${bytes.length} bytes is too short for a safetensors file`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 0x1_0000_0000;
  if (headerLength < 2 || headerLength > bytes.length - 8) return `the safetensors header length ${headerLength} does not fit the ${bytes.length} bytes`;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    return 'the safetensors header is not JSON';
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) return 'the safetensors header is not a JSON object';
  return null;
}

const recoveryFileSchema = z.strictObject({
  format: z.literal(RECOVERY_FORMAT),
  version: z.literal(1),
  savedAt: z.string().max(64),
  text: z.string().max(LIMITS.projectChars),
});

export interface RecoveryEntry {
  readonly slot: string;
  /** When the autosave was written (ISO 8601). */
  readonly savedAt: string;
  readonly text: string;
}

export class RecoveryStore {
  constructor(
    /** The folder that holds the slots (`<userData>/recovery`). */
    readonly dir: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A fresh slot id for a new window. */
  newSlot(): string {
    return randomUUID();
  }

  private file(slot: string): string {
    if (!slotPattern.test(slot)) throw new Error(`invalid recovery slot id "${slot.slice(0, 80)}"`);
    return join(this.dir, `${slot}.json`);
  }

  private weightsFile(slot: string): string {
    if (!slotPattern.test(slot)) throw new Error(`invalid recovery slot id "${slot.slice(0, 80)}"`);
    return join(this.dir, `${slot}${WEIGHTS_SUFFIX}`);
  }

  /** Writes the autosave copy of a window's document, replacing the previous one atomically. */
  async write(slot: string, text: string): Promise<void> {
    if (text.length > LIMITS.projectChars) throw new Error(`the autosave copy is larger than ${LIMITS.projectChars} characters`);
    const file = this.file(slot);
    await fsp.mkdir(this.dir, { recursive: true });
    const body = { format: RECOVERY_FORMAT, version: 1, savedAt: this.now().toISOString(), text };
    await atomicWriteFile(file, `${JSON.stringify(body)}\n`);
  }

  /** The slot's entry, or null when there is none. A corrupt slot file is removed and reads as none. */
  async entry(slot: string): Promise<RecoveryEntry | null> {
    const file = this.file(slot);
    let raw: string;
    try {
      raw = await fsp.readFile(file, 'utf8');
    } catch {
      return null;
    }
    let parsed: z.infer<typeof recoveryFileSchema> | null = null;
    try {
      const result = recoveryFileSchema.safeParse(JSON.parse(raw));
      if (result.success) parsed = result.data;
    } catch {
      parsed = null;
    }
    if (!parsed) {
      console.warn(`Layerloom: removing unreadable recovery file ${file}`);
      await fsp.rm(file, { force: true });
      return null;
    }
    return { slot, savedAt: parsed.savedAt, text: parsed.text };
  }

  /** The autosaved text of a slot, or null. */
  async read(slot: string): Promise<string | null> {
    return (await this.entry(slot))?.text ?? null;
  }

  /**
   * Replaces the slot's kept weights (safetensors bytes) atomically, or removes them (`null`): a crash in
   * the middle leaves the previous weights whole. Refuses bytes over LIMITS.weightsBytes or not framed as
   * safetensors.
   */
  async writeWeights(slot: string, bytes: Uint8Array | null, options?: AtomicWriteOptions): Promise<void> {
    const file = this.weightsFile(slot);
    if (bytes === null) {
      await fsp.rm(file, { force: true });
      return;
    }
    if (bytes.length > LIMITS.weightsBytes) throw new Error(`the autosaved weights are larger than ${LIMITS.weightsBytes} bytes`);
    const problem = safetensorsFramingProblem(bytes);
    if (problem !== null) throw new Error(`the autosaved weights are not a safetensors file: ${problem}`);
    await fsp.mkdir(this.dir, { recursive: true });
    await atomicWriteFile(file, bytes, options);
  }

  /**
   * The slot's kept weights, or null when it has none. The bytes are returned as they are on disk (the
   * renderer decodes them, and says in one line when they cannot be read); a file over the limit is refused.
   */
  async readWeights(slot: string): Promise<Uint8Array<ArrayBuffer> | null> {
    const file = this.weightsFile(slot);
    let size: number;
    try {
      size = (await fsp.stat(file)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    if (size > LIMITS.weightsBytes) throw new Error(`the autosaved weights are too large to load (${size} bytes)`);
    return new Uint8Array(await fsp.readFile(file));
  }

  /** Removes the slot: its text and its kept weights. */
  async clear(slot: string): Promise<void> {
    await fsp.rm(this.file(slot), { force: true });
    await fsp.rm(this.weightsFile(slot), { force: true });
  }

  /** Removes weights files whose slot has no text (their document was cleared or could not be read). */
  async sweepStrayWeights(): Promise<void> {
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch {
      return;
    }
    const texts = new Set(names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length)));
    for (const name of names) {
      if (!name.endsWith(WEIGHTS_SUFFIX)) continue;
      const slot = name.slice(0, -WEIGHTS_SUFFIX.length);
      if (slotPattern.test(slot) && !texts.has(slot)) await fsp.rm(join(this.dir, name), { force: true });
    }
  }

  /** Every slot on disk with a readable entry, newest first. Temporary files of interrupted writes are ignored. */
  async list(): Promise<RecoveryEntry[]> {
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch {
      return [];
    }
    const slots = names.filter((n) => n.endsWith('.json') && slotPattern.test(n.slice(0, -'.json'.length))).map((n) => n.slice(0, -'.json'.length));
    const entries = (await Promise.all(slots.map((slot) => this.entry(slot)))).filter((e): e is RecoveryEntry => e !== null);
    return entries.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }
}

/** What start-up does about recovery: which slots the first windows open with. */
export interface StartupPlan {
  /** Slots for the windows to open, in order; each window's renderer offers to restore its slot's text. */
  readonly slots: readonly string[];
  /** Orphans beyond `maxWindows`, left on disk for the next start. */
  readonly deferred: readonly RecoveryEntry[];
  /** True when at least one window starts with text to offer. */
  readonly offersRestore: boolean;
}

/**
 * The restore offer: one window per orphaned autosave (newest first, at most `maxWindows`), or a single
 * window with a fresh slot when nothing crashed. Orphans with an empty document are dropped: there is
 * nothing to restore. Kept weights left without a document (a slot whose text was unreadable) go too.
 */
export async function planStartup(store: RecoveryStore, maxWindows = 4): Promise<StartupPlan> {
  const orphans = await store.list();
  await store.sweepStrayWeights();
  const worth: RecoveryEntry[] = [];
  for (const entry of orphans) {
    if (entry.text.trim() === '') await store.clear(entry.slot);
    else worth.push(entry);
  }
  if (worth.length === 0) return { slots: [store.newSlot()], deferred: [], offersRestore: false };
  return {
    slots: worth.slice(0, maxWindows).map((e) => e.slot),
    deferred: worth.slice(maxWindows),
    offersRestore: true,
  };
}
