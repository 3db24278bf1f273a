/**
 * The preload: implements the renderer's Host interface (renderer/host/host.ts) over the allow-listed IPC
 * channels of ipc-contract.ts, and exposes it as `window.host` with contextBridge. It runs with
 * contextIsolation and the sandbox on and no Node integration, so the page never sees ipcRenderer; it can
 * only call these typed functions. Requests are checked against the contract before they are sent (main
 * checks them again), and every reply and menu command is checked when it arrives.
 *
 * Bundled by esbuild into dist/electron/preload.cjs (a sandboxed preload cannot load other files).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { z } from 'zod';
import {
  NATIVE_TRAINING_PORT_MESSAGE,
  type Host,
  type LibraryBlock,
  type MenuCommand as HostMenuCommand,
  type NativeTraining,
  type ProjectFile,
  type RecentProject,
} from '../renderer/host/host';
import {
  describeIssues,
  eventContract,
  HOST_GLOBAL,
  invokeContract,
  invokeResultSchema,
  LIMITS,
  NATIVE_EDIT_COMMANDS,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  type MenuCommand,
  type NativeEditCommand,
  type SendChannel,
  type SendPayload,
  sendContract,
  TRAINING_PORT_CHANNEL,
  trainingPortSchema,
} from './ipc-contract';

// The page's CSP forbids eval; tell zod not to try compiling validators with `new Function`.
z.config({ jitless: true });

// The contract's command list and the Host's MenuCommand type must be the same set.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _menuCommandsMatch: Same<MenuCommand, HostMenuCommand> = true;
void _menuCommandsMatch;

async function call<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> {
  const checked = invokeContract[channel].request.safeParse(request);
  if (!checked.success) throw new Error(`Layerloom refused "${channel}": ${describeIssues(checked.error)}`);
  const reply: unknown = await ipcRenderer.invoke(channel, checked.data);
  const parsed = invokeResultSchema(invokeContract[channel].response).safeParse(reply);
  if (!parsed.success) throw new Error(`Layerloom received an unexpected reply on "${channel}": ${describeIssues(parsed.error)}`);
  if (!parsed.data.ok) throw new Error(parsed.data.error);
  return parsed.data.value as InvokeResponse<C>;
}

function send<C extends SendChannel>(channel: C, payload: SendPayload<C>): void {
  const checked = sendContract[channel].safeParse(payload);
  if (!checked.success) throw new Error(`Layerloom refused "${channel}": ${describeIssues(checked.error)}`);
  ipcRenderer.send(channel, checked.data);
}

// ---------------------------------------------------------------------------------------------------------
// Menu commands
// ---------------------------------------------------------------------------------------------------------

const listeners = new Set<(command: MenuCommand) => void>();
/** Commands that arrive before the renderer subscribes (e.g. 'open' for a file the OS opened us with). */
const early: MenuCommand[] = [];
const nativeEditable = new Set<string>(NATIVE_EDIT_COMMANDS);
const TEXT_INPUT_TYPES = new Set(['text', 'search', 'url', 'tel', 'email', 'password', 'number', '']);

/** Whether keyboard focus is in a text field (input, textarea, contenteditable, including inside shadow roots). */
function textFieldFocused(): boolean {
  let element: Element | null = document.activeElement;
  while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
  if (!element) return false;
  if (element instanceof HTMLTextAreaElement) return !element.disabled;
  if (element instanceof HTMLInputElement) return !element.disabled && TEXT_INPUT_TYPES.has(element.type);
  return element instanceof HTMLElement && element.isContentEditable;
}

function deliver(command: MenuCommand): void {
  for (const listener of [...listeners]) {
    try {
      listener(command);
    } catch (error) {
      console.error(`Layerloom: a menu command handler failed (${command}):`, error);
    }
  }
}

ipcRenderer.on('menu:command', (_event, payload: unknown) => {
  const parsed = eventContract['menu:command'].safeParse(payload);
  if (!parsed.success) {
    console.warn(`Layerloom: ignored an invalid menu command (${describeIssues(parsed.error)})`);
    return;
  }
  const command = parsed.data;
  // Cut, copy, paste, undo … in a text field are the text field's: Chromium's own editing does them.
  if (nativeEditable.has(command) && textFieldFocused()) {
    send('window:native-edit', { command: command as NativeEditCommand });
    return;
  }
  if (listeners.size === 0) {
    if (early.length < 16) early.push(command);
    return;
  }
  deliver(command);
});

// ---------------------------------------------------------------------------------------------------------
// Native training: ports to the training process, relayed to the page
// ---------------------------------------------------------------------------------------------------------

// A MessagePort cannot cross the context bridge; the page's own window receives it with window.postMessage
// (renderer/train/native-channel.ts picks it up by its nonce).
ipcRenderer.on(TRAINING_PORT_CHANNEL, (event: { ports?: readonly MessagePort[] }, payload: unknown) => {
  const parsed = trainingPortSchema.safeParse(payload);
  const port = event.ports?.[0];
  if (!parsed.success || !port) {
    console.warn('Layerloom: ignored an invalid training port message');
    return;
  }
  window.postMessage({ type: NATIVE_TRAINING_PORT_MESSAGE, nonce: parsed.data.nonce }, '*', [port]);
});

const goneListeners = new Set<(message: string) => void>();
ipcRenderer.on('training:gone', (_event, payload: unknown) => {
  const parsed = eventContract['training:gone'].safeParse(payload);
  if (!parsed.success) {
    console.warn(`Layerloom: ignored an invalid training notice (${describeIssues(parsed.error)})`);
    return;
  }
  for (const listener of [...goneListeners]) listener(parsed.data.message);
});

const nativeTraining: NativeTraining = {
  requestPort: async (nonce: string) => {
    await call('training:connect', { nonce });
  },
  onGone(listener: (message: string) => void): () => void {
    goneListeners.add(listener);
    return () => {
      goneListeners.delete(listener);
    };
  },
};

// ---------------------------------------------------------------------------------------------------------
// The Host
// ---------------------------------------------------------------------------------------------------------

const host: Host = {
  kind: 'electron',

  nativeTraining,

  openProject: (): Promise<ProjectFile | null> => call('project:open', null),

  openRecent: (location: string): Promise<ProjectFile> => call('project:open-recent', { location }),

  saveProject: (file: ProjectFile, options?: { readonly saveAs?: boolean }) =>
    call('project:save', {
      file: { ...(file.location !== undefined ? { location: file.location } : {}), name: file.name, text: file.text },
      saveAs: options?.saveAs === true,
    }),

  recentProjects: (): Promise<readonly RecentProject[]> => call('project:recent', null),

  readRecovery: () => call('recovery:read', null),

  writeRecovery: async (text: string) => {
    await call('recovery:write', { text });
  },

  clearRecovery: async () => {
    await call('recovery:clear', null);
  },

  readRecoveryWeights: () => call('recovery:read-weights', null),

  writeRecoveryWeights: async (bytes: Uint8Array | null) => {
    // A view on a SharedArrayBuffer is copied; the IPC clone takes either.
    await call('recovery:write-weights', {
      bytes: bytes === null || bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer> | null) : new Uint8Array(bytes),
    });
  },

  listBlocks: () => call('blocks:list', null),

  saveBlock: async (block: LibraryBlock) => {
    await call('blocks:save', { block: { id: block.id, name: block.name, hash: block.hash, savedAt: block.savedAt, text: block.text } });
  },

  readWeights: (location: string) => call('weights:read', { location }),

  writeWeights: async (location: string, bytes: Uint8Array) => {
    // A view on a SharedArrayBuffer is copied; the IPC clone takes either.
    await call('weights:write', { location, bytes: bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes) });
  },

  deleteBlock: async (id: string) => {
    await call('blocks:delete', { id });
  },

  onMenuCommand(listener: (command: HostMenuCommand) => void): () => void {
    listeners.add(listener);
    if (early.length > 0) {
      const pending = early.splice(0);
      setTimeout(() => pending.forEach(deliver), 0);
    }
    return () => {
      listeners.delete(listener);
    };
  },

  async readDroppedFile(file: File): Promise<ProjectFile> {
    // A file from the file manager has a path: main reads it (size limit, format check) and remembers it,
    // so Save writes back to it. A File made in the page, or dragged from another app, has none: read it here.
    const path = webUtils.getPathForFile(file);
    if (path !== '') return call('project:open-dropped', { path });
    if (file.size > LIMITS.projectBytes)
      throw new Error(`“${file.name}” is too large; Layerloom opens project files of up to ${LIMITS.projectBytes / (1024 * 1024)} MB.`);
    return { name: file.name, text: await file.text() };
  },

  setTitle(title: string): void {
    send('window:set-title', { title: title.slice(0, LIMITS.title) });
  },

  setDirty(dirty: boolean): void {
    send('window:set-dirty', { dirty });
  },
};

contextBridge.exposeInMainWorld(HOST_GLOBAL, host);
