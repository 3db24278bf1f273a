/**
 * Project files on disk, for the main process: atomic saves, opening with a size limit and clear errors,
 * the recent list, and the set of paths the renderer may name (those the user chose in a dialog, opened,
 * dropped or saved). Plain Node; no Electron, so it is tested in Node (tests/electron/project-files.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, promises as fsp } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { z } from 'zod';
import { LIMITS, PROJECT_EXTENSION, PROJECT_EXTENSIONS, PROJECT_FORMAT_PREFIX, type RecentProjectPayload } from './ipc-contract';

// ---------------------------------------------------------------------------------------------------------
// Atomic writes
// ---------------------------------------------------------------------------------------------------------

/** The file-system calls an atomic write makes; tests replace some of them to inject failures. */
export interface AtomicFsOps {
  open: typeof fsp.open;
  rename: typeof fsp.rename;
  unlink: typeof fsp.unlink;
}

export interface AtomicWriteOptions {
  /** Replaces file-system calls (tests inject a failing write, sync or rename). */
  readonly fs?: Partial<AtomicFsOps>;
  /** Bytes per write call (default 1 MiB). */
  readonly chunkSize?: number;
  /** Called after each chunk reaches the temporary file, before fsync and rename. */
  readonly onProgress?: (written: number, total: number, tempPath: string) => void | Promise<void>;
}

const defaultOps: AtomicFsOps = { open: fsp.open, rename: fsp.rename, unlink: fsp.unlink };

/** Temporary files of writes in progress in this process; the stale-file sweep leaves them alone. */
const inFlight = new Set<string>();

/** `.<name>.<pid>.<8 hex>.tmp`: hidden (a dot file) and in the target's own folder, so rename stays atomic. */
export function tempPathFor(target: string, pid = process.pid): string {
  return join(dirname(target), `.${basename(target)}.${pid}.${randomBytes(4).toString('hex')}.tmp`);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary files that earlier writes of `target` left behind when their process died between
 * creating the temporary file and renaming it (a crash or a kill). Temporary files of live writers stay.
 * Returns the paths removed.
 */
export async function sweepStaleTemps(target: string): Promise<string[]> {
  const dir = dirname(target);
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(target))}\\.(\\d+)\\.[0-9a-f]{8}\\.tmp$`);
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match) continue;
    const path = join(dir, name);
    const pid = Number(match[1]);
    const stale = pid === process.pid ? !inFlight.has(path) : !isProcessAlive(pid);
    if (!stale) continue;
    try {
      await fsp.unlink(path);
      removed.push(path);
    } catch {
      // Already gone, or not ours to remove: either way nothing is left to do.
    }
  }
  return removed;
}

/** The real file behind `target` when it is a symbolic link, so a save replaces the file, not the link. */
async function resolveTarget(target: string): Promise<string> {
  try {
    return await fsp.realpath(target);
  } catch {
    return target;
  }
}

async function renameWithRetry(ops: AtomicFsOps, from: string, to: string): Promise<void> {
  // On Windows a rename over a file that another program (a virus scanner, an indexer) holds open fails
  // briefly with EPERM/EACCES/EBUSY; waiting a moment and retrying is the standard remedy.
  const retryable = new Set(['EPERM', 'EACCES', 'EBUSY']);
  for (let attempt = 0; ; attempt++) {
    try {
      await ops.rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (process.platform !== 'win32' || !retryable.has(code) || attempt >= 8) throw error;
      await new Promise((r) => setTimeout(r, 25 * (attempt + 1)));
    }
  }
}

/** Makes the rename itself durable: fsync the folder (POSIX only; Windows cannot open folders this way). */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, fsConstants.O_RDONLY);
    await handle.sync();
  } catch {
    // Some file systems refuse to fsync a folder; the data itself is already synced.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Writes `data` to `target` atomically: a temporary file in the same folder, written completely, fsynced,
 * then renamed over the target. A reader, or a crash at any moment, sees either the old file or the new
 * one, never a mix. On failure the temporary file is removed and the original is untouched; if the process
 * dies mid-write, the hidden temporary file is swept by the next save of the same target.
 */
export async function atomicWriteFile(target: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const ops: AtomicFsOps = { ...defaultOps, ...options.fs };
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const finalPath = await resolveTarget(target);
  let mode = 0o666;
  try {
    mode = (await fsp.stat(finalPath)).mode & 0o777;
  } catch {
    // A new file: default permissions (less the umask).
  }
  await sweepStaleTemps(finalPath);
  const temp = tempPathFor(finalPath);
  const chunk = Math.max(1, options.chunkSize ?? 1024 * 1024);
  inFlight.add(temp);
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await ops.open(temp, 'wx', mode);
    let offset = 0;
    do {
      const length = Math.min(chunk, bytes.length - offset);
      if (length > 0) {
        const { bytesWritten } = await handle.write(bytes, offset, length, offset);
        if (bytesWritten <= 0) throw new Error(`could not write to ${temp}`);
        offset += bytesWritten;
      }
      await options.onProgress?.(offset, bytes.length, temp);
    } while (offset < bytes.length);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await renameWithRetry(ops, temp, finalPath);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await ops.unlink(temp).catch(() => undefined);
    throw error;
  } finally {
    inFlight.delete(temp);
  }
  await syncDirectory(dirname(finalPath));
}

// ---------------------------------------------------------------------------------------------------------
// Opening project files
// ---------------------------------------------------------------------------------------------------------

export type ProjectFileErrorCode =
  | 'not-absolute'
  | 'not-found'
  | 'not-allowed'
  | 'not-a-file'
  | 'too-large'
  | 'not-text'
  | 'empty'
  | 'bad-json'
  | 'not-a-project'
  | 'wrong-extension'
  | 'io';

/** A problem with a project file, worded for the person who chose it. */
export class ProjectFileError extends Error {
  constructor(
    message: string,
    readonly code: ProjectFileErrorCode,
  ) {
    super(message);
    this.name = 'ProjectFileError';
  }
}

const quoted = (path: string) => `“${basename(path)}”`;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function ioError(error: unknown, path: string, action: 'read' | 'write'): ProjectFileError {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return action === 'read'
        ? new ProjectFileError(`${quoted(path)} does not exist (${path}).`, 'not-found')
        : new ProjectFileError(`Could not save ${quoted(path)}: its folder does not exist (${dirname(path)}).`, 'not-found');
    case 'EACCES':
    case 'EPERM':
      return new ProjectFileError(`Layerloom is not allowed to ${action} ${quoted(path)} (permission denied: ${path}).`, 'not-allowed');
    case 'EISDIR':
      return new ProjectFileError(`${quoted(path)} is a folder, not a project file.`, 'not-a-file');
    case 'ENOSPC':
      return new ProjectFileError(`Could not save ${quoted(path)}: the disk is full. The file on disk is unchanged.`, 'io');
    case 'EROFS':
      return new ProjectFileError(`Could not save ${quoted(path)}: the disk is read-only.`, 'not-allowed');
    default: {
      const detail = error instanceof Error ? error.message : String(error);
      return action === 'read'
        ? new ProjectFileError(`Could not read ${quoted(path)}: ${detail}`, 'io')
        : new ProjectFileError(`Could not save ${quoted(path)}: ${detail}. The file on disk is unchanged.`, 'io');
    }
  }
}

/** Line and column (1-based) of a JSON syntax error, and what is wrong there. */
function jsonErrorAt(text: string): { line: number; column: number; problem: string } | null {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return null;
  const upto = text.slice(0, first.offset);
  const line = upto.split('\n').length;
  const column = first.offset - upto.lastIndexOf('\n');
  const problem = printParseErrorCode(first.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return { line, column, problem };
}

/**
 * Checks that `text` is a Layerloom project: a JSON object whose `format` starts with `layerloom.`.
 * Deeper checks (the document schema, versions, layer kinds) are graph-core's, in the renderer.
 */
export function checkProjectText(text: string, displayName: string): void {
  const name = `“${displayName}”`;
  if (text.trim() === '') throw new ProjectFileError(`${name} is empty.`, 'empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const at = jsonErrorAt(text);
    const where = at ? ` at line ${at.line}, column ${at.column} (${at.problem})` : '';
    throw new ProjectFileError(`${name} is not a Layerloom project: its JSON is malformed${where}.`, 'bad-json');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ProjectFileError(`${name} is not a Layerloom project: it does not hold a JSON object.`, 'not-a-project');
  const format = (value as Record<string, unknown>).format;
  if (typeof format !== 'string')
    throw new ProjectFileError(`${name} is not a Layerloom project: it has no "format": "layerloom.graph" field.`, 'not-a-project');
  if (!format.startsWith(PROJECT_FORMAT_PREFIX))
    throw new ProjectFileError(`${name} is not a Layerloom project: its format is "${format.slice(0, 80)}".`, 'not-a-project');
}

export interface OpenedProject {
  readonly location: string;
  readonly name: string;
  readonly text: string;
}

/**
 * Reads a project file: refuses relative paths, folders, files over `maxBytes` (checked before and while
 * reading), text that is not UTF-8, malformed JSON and JSON that is not a Layerloom project, each with a
 * message that names the file and the problem. A UTF-8 byte-order mark is dropped.
 */
export async function readProjectFile(path: string, maxBytes: number = LIMITS.projectBytes): Promise<OpenedProject> {
  if (!isAbsolute(path)) throw new ProjectFileError(`Refused to open "${path}": not an absolute path.`, 'not-absolute');
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(path, 'r');
  } catch (error) {
    throw ioError(error, path, 'read');
  }
  let bytes: Buffer;
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ProjectFileError(`${quoted(path)} is not a regular file.`, 'not-a-file');
    const tooLarge = (size: number) =>
      new ProjectFileError(
        `${quoted(path)} is ${formatBytes(size)}; Layerloom opens project files of up to ${formatBytes(maxBytes)}.`,
        'too-large',
      );
    if (info.size > maxBytes) throw tooLarge(info.size);
    // Read at most one byte more than allowed, so a file that grew after the stat is still refused.
    const buffer = Buffer.alloc(maxBytes + 1);
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, total, buffer.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(total);
    }
    bytes = buffer.subarray(0, total);
  } catch (error) {
    if (error instanceof ProjectFileError) throw error;
    throw ioError(error, path, 'read');
  } finally {
    await handle.close().catch(() => undefined);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ProjectFileError(`${quoted(path)} is not a Layerloom project: it is not a text file (not valid UTF-8).`, 'not-text');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  checkProjectText(text, basename(path));
  return { location: path, name: basename(path), text };
}

/** Whether File → Open chose an ONNX model (imported by the renderer into a new project). */
export const isOnnxModelPath = (path: string): boolean => extname(path).toLowerCase() === '.onnx';

/** The bytes of an ONNX model chosen with File → Open; the renderer imports them. */
export async function readModelFile(path: string, maxBytes: number = LIMITS.modelBytes): Promise<{ name: string; text: ''; model: Uint8Array }> {
  if (!isAbsolute(path)) throw new ProjectFileError(`Refused to open "${path}": not an absolute path.`, 'not-absolute');
  try {
    const info = await fsp.stat(path);
    if (!info.isFile()) throw new ProjectFileError(`${quoted(path)} is not a regular file.`, 'not-a-file');
    if (info.size > maxBytes) throw new ProjectFileError(`${quoted(path)} is ${formatBytes(info.size)}; Layerloom opens ONNX models of up to ${formatBytes(maxBytes)}.`, 'too-large');
    return { name: basename(path), text: '', model: new Uint8Array(await fsp.readFile(path)) };
  } catch (error) {
    if (error instanceof ProjectFileError) throw error;
    throw ioError(error, path, 'read');
  }
}

/** Saves project text atomically after checking it is a Layerloom project within the size limit. */
export async function writeProjectFile(path: string, text: string, maxBytes: number = LIMITS.projectBytes): Promise<void> {
  if (!isAbsolute(path)) throw new ProjectFileError(`Refused to save to "${path}": not an absolute path.`, 'not-absolute');
  const size = Buffer.byteLength(text, 'utf8');
  if (size > maxBytes)
    throw new ProjectFileError(`The project is ${formatBytes(size)}; Layerloom saves project files of up to ${formatBytes(maxBytes)}.`, 'too-large');
  checkProjectText(text, basename(path));
  try {
    await atomicWriteFile(path, text);
  } catch (error) {
    throw ioError(error, path, 'write');
  }
}

// ---------------------------------------------------------------------------------------------------------
// Names, extensions and command lines
// ---------------------------------------------------------------------------------------------------------

export const hasProjectExtension = (path: string): boolean => PROJECT_EXTENSIONS.includes(extname(path).toLowerCase());

/** Where a project's trained weights are kept: `mnist.layerloom` → `mnist.weights.safetensors` beside it. */
export function weightsPathFor(projectPath: string): string {
  const base = hasProjectExtension(projectPath) ? projectPath.slice(0, -extname(projectPath).length) : projectPath;
  return `${base}.weights.safetensors`;
}

/** A save path without any extension gets `.layerloom` (the Linux save dialog does not add one). */
export function ensureProjectExtension(path: string): string {
  return extname(path) === '' ? `${path}${PROJECT_EXTENSION}` : path;
}

/**
 * The file name a Save dialog suggests for a project that has no location yet: the name made safe, with
 * the `.layerloom` extension (which the OS associates with Layerloom) in place of any `.json`.
 */
export function suggestedFileName(name: string): string {
  const cleaned = name
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, '-')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .replace(/\.(json|layerloom)$/i, '')
    .replace(/[.\s]+$/g, '')
    .slice(0, 200);
  return `${cleaned === '' ? 'Untitled' : cleaned}${PROJECT_EXTENSION}`;
}

/**
 * Project files named on a command line (a file association, `layerloom file.layerloom`, or a second
 * instance): arguments with a project extension, resolved against `cwd`. Switches and the executable and
 * app path are skipped.
 */
export function projectPathsFromArgv(argv: readonly string[], cwd: string): string[] {
  const paths: string[] = [];
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-') || !hasProjectExtension(arg)) continue;
    const path = resolve(cwd, arg);
    if (!paths.includes(path)) paths.push(path);
  }
  return paths;
}

// ---------------------------------------------------------------------------------------------------------
// Which paths the renderer may name
// ---------------------------------------------------------------------------------------------------------

/**
 * Paths the user has handed to Layerloom in this session: chosen in an Open or Save dialog, opened from the
 * command line or the OS, or dropped on a window. The renderer can save to, and reopen, these (and the
 * recent list) only; any other path it names is refused.
 */
export class PathGrants {
  private readonly keys = new Set<string>();

  constructor(private readonly platform: NodeJS.Platform = process.platform) {}

  key(path: string): string {
    const full = resolve(path);
    return this.platform === 'win32' ? full.toLowerCase() : full;
  }

  grant(path: string): void {
    this.keys.add(this.key(path));
  }

  has(path: string): boolean {
    return isAbsolute(path) && this.keys.has(this.key(path));
  }
}

// ---------------------------------------------------------------------------------------------------------
// The recent list
// ---------------------------------------------------------------------------------------------------------

const recentFileSchema = z.object({
  version: z.literal(1),
  entries: z.array(z.object({ location: z.string().min(1).max(LIMITS.path), name: z.string().max(LIMITS.name) })).max(100),
});

async function exists(path: string): Promise<boolean> {
  try {
    return (await fsp.stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * The recent-projects list, persisted as JSON (`recent-projects.json` in userData) and written atomically.
 * Newest first, without duplicates, at most `limit` entries. `list()` leaves out files that no longer exist;
 * a missing or corrupt list file reads as empty.
 */
export class RecentProjects {
  private entries: RecentProjectPayload[] | null = null;

  constructor(
    private readonly file: string,
    private readonly limit: number = LIMITS.recent,
    private readonly grants: PathGrants = new PathGrants(),
  ) {}

  private async load(): Promise<RecentProjectPayload[]> {
    if (this.entries) return this.entries;
    let entries: RecentProjectPayload[] = [];
    try {
      const parsed = recentFileSchema.safeParse(JSON.parse(await fsp.readFile(this.file, 'utf8')));
      if (parsed.success) entries = parsed.data.entries.filter((e) => isAbsolute(e.location)).slice(0, this.limit);
    } catch {
      // No list yet, or an unreadable one: start empty (it is rewritten on the next change).
    }
    this.entries = entries;
    return entries;
  }

  private async persist(entries: RecentProjectPayload[]): Promise<void> {
    this.entries = entries;
    await fsp.mkdir(dirname(this.file), { recursive: true });
    await atomicWriteFile(this.file, `${JSON.stringify({ version: 1, entries }, null, 2)}\n`);
  }

  /** Entries whose files still exist, newest first. */
  async list(): Promise<RecentProjectPayload[]> {
    const entries = await this.load();
    const present = await Promise.all(entries.map((e) => exists(e.location)));
    return entries.filter((_, i) => present[i]);
  }

  async has(location: string): Promise<boolean> {
    if (!isAbsolute(location)) return false;
    const key = this.grants.key(location);
    return (await this.load()).some((e) => this.grants.key(e.location) === key);
  }

  async add(location: string): Promise<void> {
    const key = this.grants.key(location);
    const rest = (await this.load()).filter((e) => this.grants.key(e.location) !== key);
    await this.persist([{ location, name: basename(location) }, ...rest].slice(0, this.limit));
  }

  async remove(location: string): Promise<void> {
    const key = this.grants.key(location);
    await this.persist((await this.load()).filter((e) => this.grants.key(e.location) !== key));
  }

  async clear(): Promise<void> {
    await this.persist([]);
  }
}
