/**
 * Main-process IPC handlers. Every message is checked twice before anything touches the file system:
 *
 * 1. the sender: it must be the top-level frame of one of Layerloom's own windows, showing the app's own
 *    origin (app://layerloom); a subframe, another page or an unknown webContents is refused;
 * 2. the payload: it must match the channel's zod schema in ipc-contract.ts (types, lengths, no unknown
 *    fields); an unknown channel is refused.
 *
 * Paths are then checked against what the user handed over: the renderer can save to, or reopen, only a
 * path chosen in a dialog, opened, dropped or saved in this session, or one on the recent list.
 *
 * Electron-free (main.ts supplies dialogs and windows through `HandlerDeps`), so it is tested in Node.
 */
import { promises as fsp } from 'node:fs';
import { basename, extname, isAbsolute } from 'node:path';
import {
  describeIssues,
  invokeContract,
  isInvokeChannel,
  isSendChannel,
  LIMITS,
  sendContract,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  type InvokeResult,
  type NativeEditCommand,
  type SendChannel,
  type SendPayload,
} from './ipc-contract';
import {
  atomicWriteFile,
  ensureProjectExtension,
  hasProjectExtension,
  isOnnxModelPath,
  ProjectFileError,
  readModelFile,
  readProjectFile,
  suggestedFileName,
  weightsPathFor,
  type PathGrants,
  type RecentProjects,
  writeProjectFile,
} from './project-files';
import type { RecoveryStore } from './recovery';
import type { BlockLibraryStore } from './block-library';
import { isAppUrl } from './security';

/** Who sent a message, as main.ts reads it from the IPC event. */
export interface IpcSender {
  /** The Layerloom window the sending webContents belongs to; null when it is none of ours. */
  readonly windowId: number | null;
  /** URL of the sending frame (event.senderFrame.url); null when the frame is gone. */
  readonly frameUrl: string | null;
  /** Whether the sending frame is the window's top-level frame. */
  readonly isMainFrame: boolean;
}

export interface HandlerDialogs {
  /** The Open dialog; the chosen path, or null when cancelled. */
  chooseOpenPath(windowId: number): Promise<string | null>;
  /** The Save dialog, starting at `defaultPath`; the chosen path, or null when cancelled. */
  chooseSavePath(windowId: number, defaultPath: string): Promise<string | null>;
  /** Asks whether to replace an existing file the Save dialog did not already ask about. */
  confirmReplace(windowId: number, path: string): Promise<boolean>;
}

export interface HandlerWindows {
  /** The window's autosave slot; null once the window is closing (late autosaves are then dropped). */
  recoverySlot(windowId: number): string | null;
  /** A file the OS asked this window to open (file association, second instance, Open Recent menu), taken once. */
  takePendingOpen(windowId: number): string | null;
  setTitle(windowId: number, title: string): void;
  setDirty(windowId: number, dirty: boolean): void;
  /** Runs Chromium's own editing command in the window (a text field has focus). */
  nativeEdit(windowId: number, command: NativeEditCommand): void;
  /** A project was opened from, or saved to, `location` (recent documents, the macOS proxy icon). */
  projectLocated(windowId: number, location: string): void;
  /** A save request ended: saved, or cancelled or failed (the close guard waits for this). */
  saveFinished(windowId: number, saved: boolean): void;
}

export interface HandlerDeps {
  readonly grants: PathGrants;
  readonly recent: RecentProjects;
  readonly recovery: RecoveryStore;
  /** The per-user block library; without it the `blocks:*` requests are refused. */
  readonly blocks?: BlockLibraryStore;
  readonly dialogs: HandlerDialogs;
  readonly windows: HandlerWindows;
  /** Largest project file, in bytes (LIMITS.projectBytes). */
  readonly maxBytes?: number;
  /** Native training (training-process.ts); without it `training:connect` is refused. */
  readonly training?: { connect(windowId: number, nonce: string): void };
}

/** A request refused by a check (sender, channel, payload, path); its message goes back to the renderer. */
export class IpcRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpcRefusal';
  }
}

/** Checks the sender; returns its window id or throws IpcRefusal. */
export function checkSender(channel: string, sender: IpcSender): number {
  if (sender.windowId === null) throw new IpcRefusal(`Refused "${channel}": the sender is not a Layerloom window.`);
  if (!sender.isMainFrame) throw new IpcRefusal(`Refused "${channel}": the sender is a subframe, not the window's page.`);
  if (!isAppUrl(sender.frameUrl))
    throw new IpcRefusal(`Refused "${channel}": the sender's page (${(sender.frameUrl ?? 'unknown').slice(0, 200)}) is not Layerloom's (app://layerloom).`);
  return sender.windowId;
}

function parseInvoke<C extends InvokeChannel>(channel: C, payload: unknown): InvokeRequest<C> {
  const parsed = invokeContract[channel].request.safeParse(payload);
  if (!parsed.success) throw new IpcRefusal(`Refused "${channel}": invalid payload (${describeIssues(parsed.error)}).`);
  return parsed.data as InvokeRequest<C>;
}

function parseSend<C extends SendChannel>(channel: C, payload: unknown): SendPayload<C> {
  const parsed = sendContract[channel].safeParse(payload);
  if (!parsed.success) throw new IpcRefusal(`Refused "${channel}": invalid payload (${describeIssues(parsed.error)}).`);
  return parsed.data as SendPayload<C>;
}

const clip = (message: string) => (message.length > LIMITS.error ? `${message.slice(0, LIMITS.error - 1)}…` : message);

function failure(channel: string, error: unknown): { ok: false; error: string } {
  if (error instanceof IpcRefusal || error instanceof ProjectFileError) return { ok: false, error: clip(error.message) };
  const detail = error instanceof Error ? error.message : String(error);
  return { ok: false, error: clip(`Layerloom could not complete "${channel}": ${detail}`) };
}

export interface IpcHandlers {
  /** Handles an invoke (ipcMain.handle). Never throws: refusals and failures come back as `{ ok: false }`. */
  invoke(channel: string, sender: IpcSender, payload: unknown): Promise<InvokeResult<unknown>>;
  /** Handles a one-way message (ipcMain.on); returns the refusal message, or null when it was handled. */
  send(channel: string, sender: IpcSender, payload: unknown): string | null;
}

export function createIpcHandlers(deps: HandlerDeps): IpcHandlers {
  const maxBytes = deps.maxBytes ?? LIMITS.projectBytes;
  const { grants, recent, recovery, dialogs, windows } = deps;
  const library = (): BlockLibraryStore => {
    if (!deps.blocks) throw new IpcRefusal('The block library is not available in this window.');
    return deps.blocks;
  };

  const mayUse = async (location: string) => isAbsolute(location) && (grants.has(location) || (await recent.has(location)));

  async function opened(windowId: number, path: string) {
    const file = await readProjectFile(path, maxBytes);
    grants.grant(path);
    await recent.add(path);
    windows.projectLocated(windowId, path);
    return { location: file.location, name: file.name, text: file.text };
  }

  const handlers: { [C in InvokeChannel]: (windowId: number, request: InvokeRequest<C>) => Promise<InvokeResponse<C>> } = {
    'project:open': async (windowId) => {
      const path = windows.takePendingOpen(windowId) ?? (await dialogs.chooseOpenPath(windowId));
      if (path === null) return null;
      // An ONNX model is imported by the renderer into a new, unsaved project: it gets no location or recent entry.
      if (isOnnxModelPath(path)) return readModelFile(path);
      grants.grant(path);
      return opened(windowId, path);
    },

    'project:open-recent': async (windowId, { location }) => {
      if (!(await mayUse(location)))
        throw new IpcRefusal(`Refused to open "${location.slice(0, 300)}": it is not on the recent list and was not chosen in this session.`);
      try {
        return await opened(windowId, location);
      } catch (error) {
        if (error instanceof ProjectFileError && error.code === 'not-found') await recent.remove(location);
        throw error;
      }
    },

    'project:open-dropped': async (windowId, { path }) => {
      if (!isAbsolute(path)) throw new IpcRefusal(`Refused to open "${path.slice(0, 300)}": not an absolute path.`);
      if (!hasProjectExtension(path)) {
        const what = extname(path).toLowerCase() === '.onnx' ? 'an ONNX model' : 'not a project file';
        throw new ProjectFileError(`“${basename(path)}” is ${what}; Layerloom opens project files (.layerloom or .json).`, 'wrong-extension');
      }
      return opened(windowId, path);
    },

    'project:save': async (windowId, { file, saveAs }) => {
      let saved = false;
      try {
        let target: string;
        if (!saveAs && file.location !== undefined) {
          if (!(await mayUse(file.location)))
            throw new IpcRefusal(
              `Refused to save to "${file.location.slice(0, 300)}": Layerloom only writes to files chosen in a Save or Open dialog, opened or dropped in this session, or on the recent list.`,
            );
          target = file.location;
        } else {
          const start = file.location !== undefined && isAbsolute(file.location) && (await mayUse(file.location)) ? file.location : suggestedFileName(file.name);
          const chosen = await dialogs.chooseSavePath(windowId, start);
          if (chosen === null) return null;
          if (!isAbsolute(chosen)) throw new IpcRefusal(`Refused to save to "${chosen}": not an absolute path.`);
          target = ensureProjectExtension(chosen);
          // The dialog asked about replacing `chosen`; if an extension was added, ask about the real target.
          if (target !== chosen && (await fileExists(target)) && !(await dialogs.confirmReplace(windowId, target))) return null;
          grants.grant(target);
        }
        await writeProjectFile(target, file.text, maxBytes);
        await recent.add(target);
        windows.projectLocated(windowId, target);
        saved = true;
        return { location: target, name: basename(target) };
      } finally {
        windows.saveFinished(windowId, saved);
      }
    },

    'project:recent': async () => recent.list(),

    'recovery:read': async (windowId) => {
      const slot = windows.recoverySlot(windowId);
      return slot === null ? null : recovery.read(slot);
    },

    'recovery:write': async (windowId, { text }) => {
      const slot = windows.recoverySlot(windowId);
      if (slot !== null) await recovery.write(slot, text);
      return null;
    },

    'recovery:clear': async (windowId) => {
      const slot = windows.recoverySlot(windowId);
      if (slot !== null) await recovery.clear(slot);
      return null;
    },

    'recovery:read-weights': async (windowId) => {
      const slot = windows.recoverySlot(windowId);
      return slot === null ? null : recovery.readWeights(slot);
    },

    'recovery:write-weights': async (windowId, { bytes }) => {
      const slot = windows.recoverySlot(windowId);
      if (slot !== null) await recovery.writeWeights(slot, bytes);
      return null;
    },

    'blocks:list': async () => library().list(),
    'blocks:save': async (_windowId, { block }) => {
      await library().save(block);
      return null;
    },
    'blocks:delete': async (_windowId, { id }) => {
      await library().delete(id);
      return null;
    },

    'weights:read': async (_windowId, { location }) => {
      if (!(await mayUse(location))) throw new IpcRefusal(`Refused to read weights for "${location.slice(0, 300)}": it is not a project opened or saved here.`);
      const path = weightsPathFor(location);
      let size: number;
      try {
        size = (await fsp.stat(path)).size;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      if (size > LIMITS.weightsBytes) throw new ProjectFileError(`“${basename(path)}” is too large to load (${size} bytes).`, 'too-large');
      return new Uint8Array(await fsp.readFile(path));
    },

    'weights:write': async (_windowId, { location, bytes }) => {
      if (!(await mayUse(location))) throw new IpcRefusal(`Refused to write weights for "${location.slice(0, 300)}": it is not a project opened or saved here.`);
      await atomicWriteFile(weightsPathFor(location), bytes);
      return null;
    },

    'training:connect': async (windowId, { nonce }) => {
      if (!deps.training) throw new IpcRefusal('Native training is not available in this window.');
      try {
        deps.training.connect(windowId, nonce);
      } catch (error) {
        // TrainingProcessError: already one line for a person.
        throw new IpcRefusal(error instanceof Error ? error.message.split('\n')[0]! : String(error));
      }
      return null;
    },
  };

  return {
    async invoke(channel, sender, payload) {
      try {
        if (!isInvokeChannel(channel)) throw new IpcRefusal(`Refused unknown IPC channel "${String(channel).slice(0, 100)}".`);
        const windowId = checkSender(channel, sender);
        const request = parseInvoke(channel, payload);
        const handler = handlers[channel] as (windowId: number, request: unknown) => Promise<unknown>;
        return { ok: true, value: await handler(windowId, request) };
      } catch (error) {
        return failure(channel, error);
      }
    },

    send(channel, sender, payload) {
      try {
        if (!isSendChannel(channel)) throw new IpcRefusal(`Refused unknown IPC channel "${String(channel).slice(0, 100)}".`);
        const windowId = checkSender(channel, sender);
        switch (channel) {
          case 'window:set-title':
            windows.setTitle(windowId, parseSend(channel, payload).title);
            break;
          case 'window:set-dirty':
            windows.setDirty(windowId, parseSend(channel, payload).dirty);
            break;
          case 'window:native-edit':
            windows.nativeEdit(windowId, parseSend(channel, payload).command);
            break;
        }
        return null;
      } catch (error) {
        return failure(channel, error).error;
      }
    },
  };
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await fsp.stat(path);
    return true;
  } catch {
    return false;
  }
}
