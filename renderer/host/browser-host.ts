/**
 * The Host interface in a plain browser.
 *
 * - Open and save use the File System Access API where the browser has it (Chromium): the file handle is
 *   kept in IndexedDB, so Save writes the same file again and Recent reopens it after a restart.
 * - Elsewhere, Open uses a file input and Save downloads the file. A copy of the text is kept in IndexedDB
 *   so that Recent can reopen what was last opened or saved.
 * - The recovery copy written by autosave (and its kept weights) lives in IndexedDB; the recent list in localStorage.
 */
import type { Host, LibraryBlock, MenuCommand, ProjectFile, RecentProject } from './host';
import { idbDelete, idbGet, idbSet } from './idb';

/** The parts of the File System Access API this host uses (not yet in TypeScript's DOM library). */
interface PickerType {
  readonly description: string;
  readonly accept: Readonly<Record<string, readonly string[]>>;
}
type Permission = 'granted' | 'denied' | 'prompt';
interface PermissionedHandle extends FileSystemFileHandle {
  queryPermission?(options: { mode: 'read' | 'readwrite' }): Promise<Permission>;
  requestPermission?(options: { mode: 'read' | 'readwrite' }): Promise<Permission>;
}
interface FileSystemAccess {
  showOpenFilePicker(options: { types: readonly PickerType[]; multiple: false }): Promise<FileSystemFileHandle[]>;
  showSaveFilePicker(options: { suggestedName: string; types: readonly PickerType[] }): Promise<FileSystemFileHandle>;
}

const PROJECT_TYPES: readonly PickerType[] = [{ description: 'Layerloom project', accept: { 'application/json': ['.json'] } }];
/** File → Open also takes ONNX models, which are imported into a new project. */
const OPEN_TYPES: readonly PickerType[] = [...PROJECT_TYPES, { description: 'ONNX model', accept: { 'application/octet-stream': ['.onnx'] } }];
const isOnnx = (name: string) => /\.onnx$/i.test(name);
const RECENT_KEY = 'layerloom.recent';
const BLOCK_LIBRARY_KEY = 'layerloom.block-library';
const RECENT_MAX = 10;
const RECOVERY_KEY = 'recovery';
/** The kept weights autosaved with the recovery copy (safetensors bytes). */
const RECOVERY_WEIGHTS_KEY = 'recovery:weights';
/** Prefix of the IndexedDB keys of the trained weights kept with each project (by its location key). */
const WEIGHTS_KEY = 'weights:';
/** Location prefixes: a stored file handle, or a stored copy of the text. */
const HANDLE = 'fsa:';
const COPY = 'copy:';

function fileSystemAccess(): FileSystemAccess | null {
  const w = window as unknown as Partial<FileSystemAccess>;
  return typeof w.showOpenFilePicker === 'function' && typeof w.showSaveFilePicker === 'function' ? (w as FileSystemAccess) : null;
}

const isAbort = (e: unknown) => e instanceof DOMException && e.name === 'AbortError';

function newKey(prefix: string): string {
  return `${prefix}${crypto.randomUUID()}`;
}

function readRecent(): RecentProject[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]');
    if (!Array.isArray(raw)) return [];
    return raw.filter(
      (r): r is RecentProject => typeof r === 'object' && r !== null && typeof r.location === 'string' && typeof r.name === 'string',
    );
  } catch {
    return [];
  }
}

function rememberRecent(entry: RecentProject): void {
  const list = [entry, ...readRecent().filter((r) => r.location !== entry.location)].slice(0, RECENT_MAX);
  localStorage.setItem(RECENT_KEY, JSON.stringify(list));
}

function forgetRecent(location: string): void {
  localStorage.setItem(RECENT_KEY, JSON.stringify(readRecent().filter((r) => r.location !== location)));
}

async function ensurePermission(handle: PermissionedHandle, mode: 'read' | 'readwrite'): Promise<void> {
  if (!handle.queryPermission || !handle.requestPermission) return;
  if ((await handle.queryPermission({ mode })) === 'granted') return;
  if ((await handle.requestPermission({ mode })) !== 'granted')
    throw new Error(`permission to ${mode === 'read' ? 'read' : 'write'} ${handle.name} was not given`);
}

/** The key under which `handle` is stored already (so that one file keeps one recent entry), or a new one. */
async function keyForHandle(handle: FileSystemFileHandle): Promise<string> {
  for (const r of readRecent()) {
    if (!r.location.startsWith(HANDLE)) continue;
    const known = await idbGet<FileSystemFileHandle>(r.location);
    if (known && (await known.isSameEntry(handle))) return r.location;
  }
  return newKey(HANDLE);
}

async function writeHandle(handle: FileSystemFileHandle, text: string): Promise<void> {
  // Chromium writes to a swap file and replaces the target on close, so a failed write leaves the old file.
  const out = await handle.createWritable();
  try {
    await out.write(text);
    await out.close();
  } catch (e) {
    await out.abort().catch(() => undefined);
    throw e;
  }
}

/** The stored copy for a file name: without handles, the name is all that identifies a file. */
function copyKeyFor(name: string): string {
  return readRecent().find((r) => r.location.startsWith(COPY) && r.name === name)?.location ?? newKey(COPY);
}

/** Shows a file input; resolves with the chosen file, or null when the dialog is cancelled. */
function pickFile(): Promise<File | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.json,application/json,.onnx';
    input.addEventListener('change', () => resolve(input.files?.[0] ?? null), { once: true });
    input.addEventListener('cancel', () => resolve(null), { once: true });
    input.click();
  });
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function confirmUnload(e: BeforeUnloadEvent): void {
  e.preventDefault();
}

export function createBrowserHost(): Host {
  return {
    kind: 'browser',

    async openProject() {
      const fsa = fileSystemAccess();
      if (fsa) {
        let handles: FileSystemFileHandle[];
        try {
          handles = await fsa.showOpenFilePicker({ types: OPEN_TYPES, multiple: false });
        } catch (e) {
          if (isAbort(e)) return null;
          throw e;
        }
        const handle = handles[0];
        if (!handle) return null;
        if (isOnnx(handle.name)) return { name: handle.name, text: '', model: new Uint8Array(await (await handle.getFile()).arrayBuffer()) };
        const text = await (await handle.getFile()).text();
        const location = await keyForHandle(handle);
        await idbSet(location, handle);
        rememberRecent({ location, name: handle.name });
        return { location, name: handle.name, text };
      }
      const file = await pickFile();
      if (!file) return null;
      if (isOnnx(file.name)) return { name: file.name, text: '', model: new Uint8Array(await file.arrayBuffer()) };
      const text = await file.text();
      const location = copyKeyFor(file.name);
      await idbSet(location, text);
      rememberRecent({ location, name: file.name });
      return { location, name: file.name, text };
    },

    async openRecent(location) {
      const name = readRecent().find((r) => r.location === location)?.name ?? 'project';
      const stored = await idbGet<FileSystemFileHandle | string>(location);
      if (stored === undefined) {
        forgetRecent(location);
        throw new Error(`${name} is no longer available`);
      }
      if (typeof stored === 'string') return { location, name, text: stored };
      await ensurePermission(stored, 'read');
      const text = await (await stored.getFile()).text();
      rememberRecent({ location, name: stored.name });
      return { location, name: stored.name, text };
    },

    async saveProject(file: ProjectFile, options = {}) {
      const fsa = fileSystemAccess();
      if (fsa) {
        const known = !options.saveAs && file.location?.startsWith(HANDLE) ? file.location : undefined;
        const knownHandle = known === undefined ? undefined : await idbGet<FileSystemFileHandle>(known);
        let target: { location: string; handle: FileSystemFileHandle };
        if (known !== undefined && knownHandle) {
          await ensurePermission(knownHandle, 'readwrite');
          target = { location: known, handle: knownHandle };
        } else {
          let handle: FileSystemFileHandle;
          try {
            handle = await fsa.showSaveFilePicker({ suggestedName: file.name, types: PROJECT_TYPES });
          } catch (e) {
            if (isAbort(e)) return null;
            throw e;
          }
          target = { location: await keyForHandle(handle), handle };
        }
        await writeHandle(target.handle, file.text);
        await idbSet(target.location, target.handle);
        rememberRecent({ location: target.location, name: target.handle.name });
        return { location: target.location, name: target.handle.name };
      }
      const location = !options.saveAs && file.location?.startsWith(COPY) ? file.location : copyKeyFor(file.name);
      download(file.name, file.text);
      await idbSet(location, file.text);
      rememberRecent({ location, name: file.name });
      return { location, name: file.name };
    },

    async recentProjects() {
      return readRecent();
    },

    async readRecovery() {
      return (await idbGet<string>(RECOVERY_KEY)) ?? null;
    },
    writeRecovery: (text) => idbSet(RECOVERY_KEY, text),
    async clearRecovery() {
      await idbDelete(RECOVERY_KEY);
      await idbDelete(RECOVERY_WEIGHTS_KEY);
    },
    async readRecoveryWeights() {
      const bytes = await idbGet<unknown>(RECOVERY_WEIGHTS_KEY);
      return bytes instanceof Uint8Array ? bytes : null;
    },
    writeRecoveryWeights: (bytes) => (bytes === null ? idbDelete(RECOVERY_WEIGHTS_KEY) : idbSet(RECOVERY_WEIGHTS_KEY, bytes)),

    // The block library is one IndexedDB entry: a small list, read and written whole.
    async readWeights(location) {
      return (await idbGet<Uint8Array>(`${WEIGHTS_KEY}${location}`)) ?? null;
    },
    writeWeights: (location, bytes) => idbSet(`${WEIGHTS_KEY}${location}`, bytes),
    async listBlocks() {
      return (await idbGet<LibraryBlock[]>(BLOCK_LIBRARY_KEY)) ?? [];
    },
    async saveBlock(block) {
      const list = (await idbGet<LibraryBlock[]>(BLOCK_LIBRARY_KEY)) ?? [];
      await idbSet(BLOCK_LIBRARY_KEY, [block, ...list.filter((b) => b.id !== block.id)]);
    },
    async deleteBlock(id) {
      const list = (await idbGet<LibraryBlock[]>(BLOCK_LIBRARY_KEY)) ?? [];
      await idbSet(BLOCK_LIBRARY_KEY, list.filter((b) => b.id !== id));
    },

    // A browser tab has no native menus; every action is reached by the page's own shortcuts and toolbar.
    onMenuCommand(_listener: (command: MenuCommand) => void) {
      return () => undefined;
    },

    async readDroppedFile(file) {
      return { name: file.name, text: await file.text() };
    },

    setTitle(title) {
      document.title = title;
    },

    setDirty(dirty) {
      window.removeEventListener('beforeunload', confirmUnload);
      if (dirty) window.addEventListener('beforeunload', confirmUnload);
    },
  };
}
