/**
 * The renderer's only way to reach the operating system. electron/preload.ts implements it over allow-listed
 * IPC channels; renderer/host/browser-host.ts implements it in a plain browser (File System Access API or
 * download/upload, IndexedDB autosave). The UI never imports Electron or Node.
 */

/** A project file's contents and where it lives (a path in Electron, a handle id in the browser). */
export interface ProjectFile {
  /** Opaque location: a file path in Electron, a file-handle key in the browser; absent for an unsaved project. */
  readonly location?: string;
  /** The file name shown in the title bar and the recent list. */
  readonly name: string;
  readonly text: string;
  /** File → Open of an ONNX model: its bytes, to import into a new project (`text` is empty, there is no location). */
  readonly model?: Uint8Array;
}

/**
 * An entry of the per-user block library: a block definition saved for reuse across projects. `text` is the
 * definition as JSON (`{"name", "body"}`, docs/graph-format.md); `hash` is blockHash(body).
 */
export interface LibraryBlock {
  readonly id: string;
  readonly name: string;
  readonly hash: string;
  /** When it was saved (ISO 8601). */
  readonly savedAt: string;
  readonly text: string;
}

export interface RecentProject {
  readonly location: string;
  readonly name: string;
}

/** Commands that native menus and shortcuts send to the renderer. */
export type MenuCommand =
  | 'new'
  | 'open'
  | 'save'
  | 'saveAs'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'duplicate'
  | 'delete'
  | 'selectAll'
  | 'fitView'
  | 'zoomIn'
  | 'zoomOut'
  | 'autoLayout'
  | 'commandPalette'
  | 'toggleTheme'
  | 'help'
  | 'gallery'
  | 'toggleCode'
  | 'toggleTraining'
  | 'toggleSummary'
  | 'toggleMinimap'
  | 'createBlock'
  | 'unpackBlock'
  | 'addComment';

/**
 * What the preload posts to the page's own window (window.postMessage, the port transferred) when a port to
 * the native training process arrives: `{ type: NATIVE_TRAINING_PORT_MESSAGE, nonce }`.
 */
export const NATIVE_TRAINING_PORT_MESSAGE = 'layerloom:training-port';

/**
 * Native CPU training in the desktop app: onnxruntime-node in Electron's utility process, reached over a
 * MessagePort that speaks the training worker's protocol (renderer/train/protocol.ts).
 */
export interface NativeTraining {
  /**
   * Asks for a new port to the training process (main starts it if none runs). The port arrives as a
   * 'message' event on the page's window carrying `{ type: NATIVE_TRAINING_PORT_MESSAGE, nonce }`; rejects
   * with one line when main refuses.
   */
  requestPort(nonce: string): Promise<void>;
  /** The training process this window was connected to died; `message` is one line for the panel. */
  onGone(listener: (message: string) => void): () => void;
}

export interface Host {
  readonly kind: 'electron' | 'browser';
  /** Native CPU training; only the desktop app has it. */
  readonly nativeTraining?: NativeTraining;
  /** Shows an open dialog; null when the user cancels. */
  openProject(): Promise<ProjectFile | null>;
  /** Opens a recent project by location. */
  openRecent(location: string): Promise<ProjectFile>;
  /**
   * Writes the project atomically. Without a location (or with `saveAs`) it asks where first; returns the
   * saved location and name, or null when the user cancels.
   */
  saveProject(file: ProjectFile, options?: { readonly saveAs?: boolean }): Promise<{ location: string; name: string } | null>;
  recentProjects(): Promise<readonly RecentProject[]>;
  /** The crash-recovery copy written by autosave, if any. */
  readRecovery(): Promise<string | null>;
  writeRecovery(text: string): Promise<void>;
  /** Removes the recovery copy: the text and its kept weights. */
  clearRecovery(): Promise<void>;
  /**
   * The kept weights autosaved with the recovery copy (safetensors bytes), null when there are none: the
   * weights of an imported model or of a run that no save has written yet.
   */
  readRecoveryWeights(): Promise<Uint8Array | null>;
  /** Replaces them (atomically, on disk), or removes them with `null`. Written only when they change. */
  writeRecoveryWeights(bytes: Uint8Array | null): Promise<void>;
  /** The user's block library, newest first. */
  listBlocks(): Promise<readonly LibraryBlock[]>;
  /** Adds an entry, or replaces the one with the same id. */
  saveBlock(block: LibraryBlock): Promise<void>;
  deleteBlock(id: string): Promise<void>;
  /**
   * The trained weights kept with the project at `location` (safetensors bytes), null when there are none:
   * Electron keeps them beside the file (`<project>.weights.safetensors`), the browser in IndexedDB.
   */
  readWeights(location: string): Promise<Uint8Array | null>;
  /** Replaces the weights kept with the project at `location` (atomically, on disk). */
  writeWeights(location: string, bytes: Uint8Array): Promise<void>;
  /** Native menus and global shortcuts; returns an unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /** Files dropped on the window arrive through the DOM in both hosts; this reads one. */
  readDroppedFile(file: File): Promise<ProjectFile>;
  setTitle(title: string): void;
  /** Tells the host whether there are unsaved changes, so closing can ask first. */
  setDirty(dirty: boolean): void;
}
