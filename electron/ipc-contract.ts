/**
 * The IPC contract between the renderer (through electron/preload.ts) and the main process: every channel
 * that exists, and a zod schema for every payload in both directions. Main validates each request against
 * these schemas before it touches the file system (electron/ipc-handlers.ts); the preload validates each
 * reply and each menu command it receives.
 *
 * The renderer may import the *types* of this module only (`import type`); the schemas are for the preload
 * and main, which bundle zod.
 */
import { z } from 'zod';

/** The custom protocol that serves the renderer; it adds the CSP and COOP/COEP headers (app-protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'layerloom';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The global the preload exposes the Host under: `window.host` in the renderer (renderer/main.tsx). */
export const HOST_GLOBAL = 'host';

/**
 * Project files. `.layerloom` is the extension Layerloom writes and registers with the OS (one extension,
 * because Windows and macOS associate files by their last extension only, and claiming `.json` would take
 * over every JSON file). The contents are plain, diff-friendly JSON (the graph document, docs/graph-format.md),
 * so any `.json` graph document (examples/lenet5.json) opens as well.
 */
export const PROJECT_EXTENSION = '.layerloom';
export const PROJECT_EXTENSIONS: readonly string[] = [PROJECT_EXTENSION, '.json'];
/** Every format a project file may declare starts with this (today `layerloom.graph`). */
export const PROJECT_FORMAT_PREFIX = 'layerloom.';

export const LIMITS = {
  /** Largest project file opened or saved, in bytes (a 1,000-node graph is well under 1 MB). */
  projectBytes: 16 * 1024 * 1024,
  /** Largest project text over IPC, in UTF-16 code units; main checks the UTF-8 byte length as well. */
  projectChars: 16 * 1024 * 1024,
  /** Largest ONNX model opened with File → Open (imported into a new project), in bytes. */
  modelBytes: 256 * 1024 * 1024,
  path: 4096,
  name: 255,
  title: 512,
  /** Entries kept in the recent list. */
  recent: 10,
  /** Longest error message sent back to the renderer. */
  error: 2000,
  /** Entries in the block library, and the longest block definition (JSON text). */
  libraryBlocks: 500,
  libraryBlockChars: 4 * 1024 * 1024,
  /** Largest trained-weights sidecar (`<project>.weights.safetensors`) read or written, in bytes. */
  weightsBytes: 512 * 1024 * 1024,
} as const;

const noNul = (s: string) => !s.includes('\0');

export const locationSchema = z.string().min(1).max(LIMITS.path).refine(noNul, 'must not contain NUL characters');
export const nameSchema = z.string().max(LIMITS.name).refine(noNul, 'must not contain NUL characters');
export const projectTextSchema = z.string().max(LIMITS.projectChars);
export const titleSchema = z.string().max(LIMITS.title);

export const projectFileSchema = z.strictObject({
  location: locationSchema.optional(),
  name: nameSchema,
  text: projectTextSchema,
});
/** What File → Open returns: a project's text, or for an ONNX model its bytes (`text` empty, no location). */
export const openedFileSchema = z.union([
  projectFileSchema,
  z.strictObject({ name: nameSchema, text: z.literal(''), model: z.instanceof(Uint8Array).refine((b) => b.length <= LIMITS.modelBytes, 'model too large') }),
]);
export const recentProjectSchema = z.strictObject({ location: locationSchema, name: nameSchema });
export const savedLocationSchema = z.strictObject({ location: locationSchema, name: nameSchema });
/** An entry of the block library (renderer/host/host.ts LibraryBlock); the renderer checks `text` with graph-core. */
export const libraryBlockSchema = z.strictObject({
  id: z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only'),
  name: nameSchema.min(1),
  hash: z.string().min(1).max(64).regex(/^[0-9a-f]+$/, 'a hex hash'),
  savedAt: z.string().max(64),
  text: z.string().max(LIMITS.libraryBlockChars),
});

/** A safetensors file's bytes (the renderer decodes and checks them against the model). */
export const weightsBytesSchema = z.instanceof(Uint8Array).refine((b) => b.length <= LIMITS.weightsBytes, 'weights file too large');

/** Commands the native menus send to the renderer (the same list as `MenuCommand` in renderer/host/host.ts). */
export const MENU_COMMANDS = [
  'new',
  'open',
  'save',
  'saveAs',
  'undo',
  'redo',
  'cut',
  'copy',
  'paste',
  'duplicate',
  'delete',
  'selectAll',
  'fitView',
  'zoomIn',
  'zoomOut',
  'autoLayout',
  'commandPalette',
  'toggleTheme',
  'help',
  'gallery',
  'toggleCode',
  'toggleTraining',
  'toggleSummary',
  'toggleMinimap',
  'createBlock',
  'unpackBlock',
  'addComment',
] as const;
export const menuCommandSchema = z.enum(MENU_COMMANDS);
export type MenuCommand = z.infer<typeof menuCommandSchema>;

/**
 * Edit commands that, while a text field has focus, the preload hands back to main to run as Chromium's own
 * editing commands (webContents.cut() and so on) instead of sending them to the canvas.
 */
export const NATIVE_EDIT_COMMANDS = ['undo', 'redo', 'cut', 'copy', 'paste', 'delete', 'selectAll'] as const;
export const nativeEditSchema = z.enum(NATIVE_EDIT_COMMANDS);
export type NativeEditCommand = z.infer<typeof nativeEditSchema>;

const nothing = z.null();

/**
 * Native training: the renderer asks for a port to the training process with a nonce of its choosing; the
 * port arrives on TRAINING_PORT_CHANNEL (webContents.postMessage, which can transfer ports) with that nonce.
 */
export const trainingNonceSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '8 to 64 letters, digits, _ or -');
export const TRAINING_PORT_CHANNEL = 'training:port';
export const trainingPortSchema = z.strictObject({ nonce: trainingNonceSchema });

/** Renderer → main requests that expect a reply (ipcRenderer.invoke / ipcMain.handle). */
export const invokeContract = {
  /** Shows an open dialog (or takes the file the OS asked this window to open); null when cancelled. */
  'project:open': { request: nothing, response: openedFileSchema.nullable() },
  /** Opens a file from the recent list (or one opened or saved in this session). */
  'project:open-recent': { request: z.strictObject({ location: locationSchema }), response: projectFileSchema },
  /** Opens a project file the user dropped on the window (its path comes from webUtils.getPathForFile). */
  'project:open-dropped': { request: z.strictObject({ path: locationSchema }), response: projectFileSchema },
  /** Saves atomically; asks where first without a location or with saveAs; null when the user cancels. */
  'project:save': {
    request: z.strictObject({ file: projectFileSchema, saveAs: z.boolean() }),
    response: savedLocationSchema.nullable(),
  },
  'project:recent': { request: nothing, response: z.array(recentProjectSchema).max(LIMITS.recent) },
  'recovery:read': { request: nothing, response: projectTextSchema.nullable() },
  'recovery:write': { request: z.strictObject({ text: projectTextSchema }), response: nothing },
  /** Removes the window's slot: the autosaved text and its kept weights. */
  'recovery:clear': { request: nothing, response: nothing },
  /** The kept weights autosaved beside the slot's text (safetensors bytes); null when there are none. */
  'recovery:read-weights': { request: nothing, response: weightsBytesSchema.nullable() },
  /** Replaces them atomically, or removes them (`bytes: null`). */
  'recovery:write-weights': { request: z.strictObject({ bytes: weightsBytesSchema.nullable() }), response: nothing },
  /** The per-user block library (electron/block-library.ts). */
  'blocks:list': { request: nothing, response: z.array(libraryBlockSchema).max(LIMITS.libraryBlocks) },
  'blocks:save': { request: z.strictObject({ block: libraryBlockSchema }), response: nothing },
  'blocks:delete': { request: z.strictObject({ id: libraryBlockSchema.shape.id }), response: nothing },
  /** The trained weights kept beside a project (`<project>.weights.safetensors`); null when there are none. */
  'weights:read': { request: z.strictObject({ location: locationSchema }), response: weightsBytesSchema.nullable() },
  /** Replaces them atomically. */
  'weights:write': { request: z.strictObject({ location: locationSchema, bytes: weightsBytesSchema }), response: nothing },
  /** A port to the native training process, delivered on TRAINING_PORT_CHANNEL (forks the process on first use). */
  'training:connect': { request: z.strictObject({ nonce: trainingNonceSchema }), response: nothing },
} as const;

/** Renderer → main one-way messages (ipcRenderer.send / ipcMain.on). */
export const sendContract = {
  'window:set-title': z.strictObject({ title: titleSchema }),
  'window:set-dirty': z.strictObject({ dirty: z.boolean() }),
  'window:native-edit': z.strictObject({ command: nativeEditSchema }),
} as const;

/** Main → renderer events (webContents.send / ipcRenderer.on). */
export const eventContract = {
  'menu:command': menuCommandSchema,
  /** The native training process this window was connected to has died; one line for the training panel. */
  'training:gone': z.strictObject({ message: z.string().max(LIMITS.error) }),
} as const;

export type InvokeChannel = keyof typeof invokeContract;
export type SendChannel = keyof typeof sendContract;
export type EventChannel = keyof typeof eventContract;
export type InvokeRequest<C extends InvokeChannel> = z.infer<(typeof invokeContract)[C]['request']>;
export type InvokeResponse<C extends InvokeChannel> = z.infer<(typeof invokeContract)[C]['response']>;
export type SendPayload<C extends SendChannel> = z.infer<(typeof sendContract)[C]>;
export type EventPayload<C extends EventChannel> = z.infer<(typeof eventContract)[C]>;

export type ProjectFilePayload = z.infer<typeof projectFileSchema>;
export type RecentProjectPayload = z.infer<typeof recentProjectSchema>;
export type SavedLocation = z.infer<typeof savedLocationSchema>;

/**
 * Every invoke reply is wrapped, so that a refusal reaches the renderer as a plain message rather than
 * Electron's "Error invoking remote method …" wrapper.
 */
export type InvokeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export function invokeResultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.strictObject({ ok: z.literal(true), value }),
    z.strictObject({ ok: z.literal(false), error: z.string().max(LIMITS.error) }),
  ]);
}

export const INVOKE_CHANNELS = Object.keys(invokeContract) as InvokeChannel[];
export const SEND_CHANNELS = Object.keys(sendContract) as SendChannel[];
export const EVENT_CHANNELS = Object.keys(eventContract) as EventChannel[];

export const isInvokeChannel = (channel: string): channel is InvokeChannel => Object.hasOwn(invokeContract, channel);
export const isSendChannel = (channel: string): channel is SendChannel => Object.hasOwn(sendContract, channel);

/** Describes a zod failure in one line: `file.text: too big …; saveAs: expected boolean …`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(payload)'}: ${issue.message}`)
    .join('; ');
}
