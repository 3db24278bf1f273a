/**
 * The Electron main process. Deliberately thin: it wires Electron's events to the plain modules beside it,
 * which hold the logic and are tested in Node (tests/electron/):
 *
 *   ipc-handlers.ts   sender and payload validation, open/save/recent/recovery requests
 *   project-files.ts  atomic saves, opening with limits and clear errors, recent list, path grants
 *   recovery.ts       autosave slots and the restore offer at start-up
 *   window-state.ts   remembered size/position, fitted to the displays that exist now
 *   close-guard.ts    closing with unsaved changes asks first
 *   menu.ts           the native menus and their accelerators
 *   security.ts       web preferences, CSP, navigation/new-window/permission policy, WebGPU switches
 *   app-protocol.ts   app:// serving dist/web with CSP and COOP/COEP headers
 *   training-process.ts  the native training process (utilityProcess, forked on first use, one port per window)
 *
 * Built by `npm run build:electron` into dist/electron/main.cjs (and preload.cjs and training-utility.cjs
 * beside it); the renderer is served from dist/web (`npm run build:web`).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  MessageChannelMain,
  nativeTheme,
  protocol,
  screen,
  session,
  shell,
  utilityProcess,
  type IpcMainEvent,
  type IpcMainInvokeEvent,
} from 'electron';
import pkg from '../package.json';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol';
import { CLOSE_CHOICES, CloseGuard, closeQuestion } from './close-guard';
import { describeGpuStatus } from './gpu-status';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  eventContract,
  INVOKE_CHANNELS,
  SEND_CHANNELS,
  TRAINING_PORT_CHANNEL,
  trainingPortSchema,
  type MenuCommand,
  type NativeEditCommand,
} from './ipc-contract';
import { createIpcHandlers, type HandlerDialogs, type HandlerWindows, type IpcSender } from './ipc-handlers';
import { buildMenuTemplate } from './menu';
import { PathGrants, projectPathsFromArgv, RecentProjects } from './project-files';
import { planStartup, RecoveryStore } from './recovery';
import { BlockLibraryStore } from './block-library';
import { allowNavigation, allowPermission, chromiumSwitches, newWindowDecision, secureWebPreferences } from './security';
import { TrainingProcess } from './training-process';
import { cascadeFrom, loadWindowState, MIN_SIZE, placeWindow, saveWindowState, type Rect } from './window-state';

const APP_NAME = 'Layerloom';
const warn = (what: string, error: unknown) => console.warn(`Layerloom: ${what}: ${error instanceof Error ? error.message : String(error)}`);
const RENDERER_DIR = join(__dirname, '..', 'web');
const PRELOAD = join(__dirname, 'preload.cjs');
/** The native training process's entry (electron/training-utility.ts). */
const TRAINING_UTILITY = join(__dirname, 'training-utility.cjs');
/** How long a file the OS asked a window to open waits for that window's renderer to ask for it. */
const PENDING_OPEN_MS = 60_000;

// ---------------------------------------------------------------------------------------------------------
// Before the app is ready: identity, the single-instance lock, privileged scheme, switches
// ---------------------------------------------------------------------------------------------------------

app.setName(APP_NAME);
// LAYERLOOM_USER_DATA_DIR gives a run its own settings, recent list, autosaves and instance lock (tests).
const userDataOverride = process.env.LAYERLOOM_USER_DATA_DIR;
app.setPath('userData', userDataOverride ? resolve(userDataOverride) : join(app.getPath('appData'), APP_NAME));

if (!app.requestSingleInstanceLock()) {
  // Another Layerloom is running: it receives our command line through 'second-instance'.
  app.quit();
} else {
  start();
}

interface WindowRecord {
  readonly win: BrowserWindow;
  readonly slot: string;
  readonly guard: CloseGuard;
  pendingOpen: { readonly path: string; readonly until: number } | null;
  title: string;
  /** Keep the autosave when this window goes (its renderer crashed: the next start offers it). */
  keepRecovery: boolean;
}

function start(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
  for (const [name, value] of chromiumSwitches(process.platform)) app.commandLine.appendSwitch(name, value);
  app.enableSandbox();

  const userData = app.getPath('userData');
  const grants = new PathGrants();
  const recent = new RecentProjects(join(userData, 'recent-projects.json'), undefined, grants);
  const recovery = new RecoveryStore(join(userData, 'recovery'));
  const blocks = new BlockLibraryStore(join(userData, 'block-library.json'));
  const windowStateFile = join(userData, 'window-state.json');
  const records = new Map<number, WindowRecord>();
  let quitting = false;
  let lastDirectory: string | null = null;

  // Files the OS asks us to open before we are ready (macOS 'open-file' at launch).
  const earlyFiles: string[] = [];
  let ready = false;
  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (ready) openInNewWindow(path);
    else earlyFiles.push(path);
  });

  // -------------------------------------------------------------------------------------------------------
  // Windows
  // -------------------------------------------------------------------------------------------------------

  const recordOf = (id: number) => records.get(id);
  const focusedRecord = (): WindowRecord | undefined => {
    const focused = BrowserWindow.getFocusedWindow();
    return (focused && records.get(focused.id)) ?? [...records.values()].at(-1);
  };

  function workAreas(): { areas: Rect[]; primary: number } {
    const displays = screen.getAllDisplays();
    const primaryId = screen.getPrimaryDisplay().id;
    return { areas: displays.map((d) => d.workArea), primary: Math.max(0, displays.findIndex((d) => d.id === primaryId)) };
  }

  function rememberBounds(win: BrowserWindow): void {
    if (win.isDestroyed() || win.isFullScreen()) return;
    const bounds = win.getNormalBounds();
    saveWindowState(windowStateFile, { ...bounds, maximized: win.isMaximized() }).catch((error: unknown) =>
      warn('could not remember the window position', error),
    );
  }

  function sendCommand(win: BrowserWindow, command: MenuCommand): void {
    if (win.isDestroyed()) return;
    win.webContents.send('menu:command', eventContract['menu:command'].parse(command));
  }

  async function createWindow(options: { slot: string; pendingOpen?: string; cascadeFrom?: Rect }): Promise<WindowRecord> {
    const { areas, primary } = workAreas();
    const placed = options.cascadeFrom
      ? { ...cascadeFrom(options.cascadeFrom, areas, primary), maximized: false }
      : placeWindow(await loadWindowState(windowStateFile), areas, primary);
    const win = new BrowserWindow({
      x: placed.x,
      y: placed.y,
      width: placed.width,
      height: placed.height,
      minWidth: MIN_SIZE.width,
      minHeight: MIN_SIZE.height,
      show: false,
      title: APP_NAME,
      backgroundColor: nativeTheme.shouldUseDarkColors ? '#16181d' : '#ffffff',
      webPreferences: secureWebPreferences(PRELOAD),
    });
    const record: WindowRecord = {
      win,
      slot: options.slot,
      guard: new CloseGuard(),
      pendingOpen: options.pendingOpen ? { path: options.pendingOpen, until: Date.now() + PENDING_OPEN_MS } : null,
      title: APP_NAME,
      keepRecovery: false,
    };
    const id = win.id;
    records.set(id, record);
    if (placed.maximized) win.maximize();
    win.once('ready-to-show', () => win.show());

    // The title belongs to Host.setTitle, not to the page's <title>.
    win.on('page-title-updated', (event) => event.preventDefault());

    let boundsTimer: NodeJS.Timeout | undefined;
    const rememberSoon = () => {
      clearTimeout(boundsTimer);
      boundsTimer = setTimeout(() => rememberBounds(win), 400);
    };
    win.on('resize', rememberSoon);
    win.on('move', rememberSoon);
    win.on('maximize', rememberSoon);
    win.on('unmaximize', rememberSoon);

    win.on('close', (event) => {
      const action = record.guard.requestClose();
      if (action === 'allow') {
        clearTimeout(boundsTimer);
        rememberBounds(win);
        return;
      }
      event.preventDefault();
      if (action === 'ask') askBeforeClosing(record).catch((error: unknown) => warn('could not ask before closing', error));
    });

    win.on('closed', () => {
      clearTimeout(boundsTimer);
      records.delete(id);
      training.windowClosed(id);
      if (!record.keepRecovery) recovery.clear(record.slot).catch((error: unknown) => warn('could not remove an autosave', error));
      if (quitting && records.size > 0) app.quit();
    });

    win.webContents.on('render-process-gone', (_event, details) => {
      if (details.reason === 'clean-exit') return;
      offerReload(record, details.reason).catch((error: unknown) => warn('could not offer to reload', error));
    });

    if (options.pendingOpen) win.webContents.once('did-finish-load', () => sendCommand(win, 'open'));
    // A failed load shows in the window (and 'render-process-gone' covers crashes); it must not stop start-up.
    await win.loadURL(APP_ENTRY_URL).catch((error: unknown) => warn('could not load the editor', error));
    return record;
  }

  async function askBeforeClosing(record: WindowRecord): Promise<void> {
    const question = closeQuestion(record.title);
    const { response } = await dialog.showMessageBox(record.win, { type: 'warning', noLink: true, ...question });
    const action = record.guard.answer(CLOSE_CHOICES[response] ?? 'cancel');
    if (action === 'save') sendCommand(record.win, 'save');
    else if (action === 'close') record.win.close();
    else quitting = false;
  }

  async function offerReload(record: WindowRecord, reason: string): Promise<void> {
    if (record.win.isDestroyed()) return;
    const { response } = await dialog.showMessageBox(record.win, {
      type: 'error',
      message: 'The Layerloom editor stopped unexpectedly.',
      detail: `Reason: ${reason}. Reload the window to go on; it will offer the last autosave, a few seconds old.`,
      buttons: ['Reload', 'Close Window'],
      defaultId: 0,
      cancelId: 1,
      noLink: true,
    });
    if (record.win.isDestroyed()) return;
    if (response === 0) {
      record.guard.reopen();
      await record.win.loadURL(APP_ENTRY_URL);
    } else {
      record.keepRecovery = true;
      record.win.destroy();
    }
  }

  function openInNewWindow(path: string): void {
    const absolute = isAbsolute(path) ? path : resolve(path);
    grants.grant(absolute);
    const from = focusedRecord()?.win;
    createWindow({
      slot: recovery.newSlot(),
      pendingOpen: absolute,
      ...(from && !from.isDestroyed() ? { cascadeFrom: from.getNormalBounds() } : {}),
    }).catch((error: unknown) => warn('could not open a window', error));
  }

  function newWindow(): void {
    const from = focusedRecord()?.win;
    createWindow({ slot: recovery.newSlot(), ...(from && !from.isDestroyed() ? { cascadeFrom: from.getNormalBounds() } : {}) }).catch(
      (error: unknown) => warn('could not open a window', error),
    );
  }

  /** File › Open Recent: in the focused window when it has no unsaved changes, else in a new one. */
  function openRecentFromMenu(location: string): void {
    const target = focusedRecord();
    if (!target || target.guard.isDirty) {
      openInNewWindow(location);
      return;
    }
    grants.grant(location);
    target.pendingOpen = { path: location, until: Date.now() + PENDING_OPEN_MS };
    sendCommand(target.win, 'open');
  }

  // -------------------------------------------------------------------------------------------------------
  // Menus
  // -------------------------------------------------------------------------------------------------------

  async function refreshMenu(): Promise<void> {
    const template = buildMenuTemplate(
      { platform: process.platform, appName: APP_NAME, recent: await recent.list(), devTools: !app.isPackaged },
      {
        command: (command) => {
          const target = focusedRecord();
          if (target) sendCommand(target.win, command);
          else if (command === 'new') newWindow();
          else if (command === 'open')
            createWindow({ slot: recovery.newSlot() })
              .then((r) => sendCommand(r.win, 'open'))
              .catch((error: unknown) => warn('could not open a window', error));
        },
        newWindow,
        openRecent: openRecentFromMenu,
        clearRecent: () => void recent.clear().then(refreshMenu).catch((error: unknown) => warn('could not clear the recent list', error)),
        showGpuStatus: () => void showGpuStatus().catch((error: unknown) => warn('could not read the GPU status', error)),
        showAbout: () => app.showAboutPanel(),
      },
    );
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }

  async function showGpuStatus(): Promise<void> {
    const info = await app.getGPUInfo('basic').catch(() => null);
    const status = app.getGPUFeatureStatus() as unknown as Record<string, string>;
    const { message, detail } = describeGpuStatus(status, info);
    const win = focusedRecord()?.win;
    const options = { type: 'info' as const, message, detail, buttons: ['OK'], noLink: true };
    await (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
  }

  // -------------------------------------------------------------------------------------------------------
  // IPC
  // -------------------------------------------------------------------------------------------------------

  const dialogs: HandlerDialogs = {
    async chooseOpenPath(windowId) {
      const win = BrowserWindow.fromId(windowId);
      const options: Electron.OpenDialogOptions = {
        title: 'Open Project',
        properties: ['openFile'],
        filters: [
          { name: 'Projects and ONNX models', extensions: ['layerloom', 'json', 'onnx'] },
          { name: 'Layerloom projects', extensions: ['layerloom', 'json'] },
          { name: 'ONNX models', extensions: ['onnx'] },
          { name: 'All files', extensions: ['*'] },
        ],
        ...(lastDirectory ? { defaultPath: lastDirectory } : {}),
      };
      const result = await (win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options));
      const path = result.canceled ? undefined : result.filePaths[0];
      if (!path) return null;
      lastDirectory = join(path, '..');
      return path;
    },
    async chooseSavePath(windowId, defaultPath) {
      const win = BrowserWindow.fromId(windowId);
      const options: Electron.SaveDialogOptions = {
        title: 'Save Project',
        defaultPath: isAbsolute(defaultPath) ? defaultPath : join(lastDirectory ?? app.getPath('documents'), defaultPath),
        filters: [
          { name: 'Layerloom project', extensions: ['layerloom'] },
          { name: 'JSON', extensions: ['json'] },
        ],
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      };
      const result = await (win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options));
      if (result.canceled || !result.filePath) return null;
      lastDirectory = join(result.filePath, '..');
      return result.filePath;
    },
    async confirmReplace(windowId, path) {
      const win = BrowserWindow.fromId(windowId);
      const options = {
        type: 'question' as const,
        message: `“${path.split(/[\\/]/).at(-1)}” already exists. Do you want to replace it?`,
        detail: 'Replacing it overwrites its contents.',
        buttons: ['Replace', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
        noLink: true,
      };
      const { response } = await (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
      return response === 0;
    },
  };

  const windows: HandlerWindows = {
    recoverySlot: (id) => {
      const record = recordOf(id);
      return record && !record.guard.isClosing ? record.slot : null;
    },
    takePendingOpen: (id) => {
      const record = recordOf(id);
      const pending = record?.pendingOpen;
      if (!record || !pending) return null;
      record.pendingOpen = null;
      return pending.until >= Date.now() ? pending.path : null;
    },
    setTitle: (id, title) => {
      const record = recordOf(id);
      if (!record) return;
      record.title = title;
      record.win.setTitle(title.trim() === '' ? APP_NAME : title);
    },
    setDirty: (id, dirty) => {
      const record = recordOf(id);
      if (!record) return;
      if (process.platform === 'darwin') record.win.setDocumentEdited(dirty);
      if (record.guard.setDirty(dirty) === 'close') record.win.close();
    },
    nativeEdit: (id, command: NativeEditCommand) => {
      const contents = recordOf(id)?.win.webContents;
      if (!contents) return;
      const run: Record<NativeEditCommand, () => void> = {
        undo: () => contents.undo(),
        redo: () => contents.redo(),
        cut: () => contents.cut(),
        copy: () => contents.copy(),
        paste: () => contents.paste(),
        delete: () => contents.delete(),
        selectAll: () => contents.selectAll(),
      };
      run[command]();
    },
    projectLocated: (id, location) => {
      app.addRecentDocument(location);
      const record = recordOf(id);
      if (record && process.platform === 'darwin') record.win.setRepresentedFilename(location);
      refreshMenu().catch((error: unknown) => warn('could not update the menu', error));
    },
    saveFinished: (id, saved) => {
      const record = recordOf(id);
      if (record && !saved) {
        record.guard.saveAbandoned();
        quitting = false;
      }
    },
  };

  // Native CPU training: onnxruntime-node in a utility process, forked when a window first asks for it.
  const training = new TrainingProcess<Electron.MessagePortMain>({
    fork: () => utilityProcess.fork(TRAINING_UTILITY, [], { serviceName: 'Layerloom training', stdio: 'inherit' }),
    channel: () => new MessageChannelMain(),
    deliver: (windowId, nonce, port) => {
      const record = recordOf(windowId);
      if (!record || record.win.isDestroyed()) {
        port.close();
        return false;
      }
      record.win.webContents.postMessage(TRAINING_PORT_CHANNEL, trainingPortSchema.parse({ nonce }), [port]);
      return true;
    },
    notifyGone: (windowId, message) => {
      const record = recordOf(windowId);
      if (record && !record.win.isDestroyed()) record.win.webContents.send('training:gone', eventContract['training:gone'].parse({ message }));
    },
  });

  const handlers = createIpcHandlers({ grants, recent, recovery, blocks, dialogs, windows, training });

  function senderOf(event: IpcMainEvent | IpcMainInvokeEvent): IpcSender {
    const win = BrowserWindow.fromWebContents(event.sender);
    const frame = event.senderFrame;
    return {
      windowId: win && records.has(win.id) ? win.id : null,
      frameUrl: frame?.url ?? null,
      isMainFrame: frame !== null && frame.parent === null,
    };
  }

  for (const channel of INVOKE_CHANNELS) ipcMain.handle(channel, (event, payload: unknown) => handlers.invoke(channel, senderOf(event), payload));
  for (const channel of SEND_CHANNELS)
    ipcMain.on(channel, (event, payload: unknown) => {
      const refusal = handlers.send(channel, senderOf(event), payload);
      if (refusal) console.warn(`Layerloom: ${refusal}`);
    });

  // -------------------------------------------------------------------------------------------------------
  // Every web contents: no navigation away, no new windows, no webviews
  // -------------------------------------------------------------------------------------------------------

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => {
      if (!allowNavigation(event.url)) event.preventDefault();
    });
    contents.on('will-frame-navigate', (event) => {
      if (!allowNavigation(event.url)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => {
      if (!allowNavigation(event.url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (newWindowDecision(url) === 'open-externally') shell.openExternal(url).catch((error: unknown) => warn('could not open a link', error));
      return { action: 'deny' };
    });
  });

  // -------------------------------------------------------------------------------------------------------
  // App lifecycle
  // -------------------------------------------------------------------------------------------------------

  app.on('second-instance', (_event, argv, workingDirectory) => {
    const files = projectPathsFromArgv(argv, workingDirectory);
    if (files.length > 0) {
      for (const file of files) openInNewWindow(file);
      return;
    }
    const target = focusedRecord()?.win;
    if (!target) return newWindow();
    if (target.isMinimized()) target.restore();
    target.focus();
  });

  app.on('before-quit', () => {
    quitting = true;
  });

  app.on('will-quit', () => training.dispose());

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' || quitting) app.quit();
  });

  app.on('activate', () => {
    if (ready && records.size === 0) newWindow();
  });

  app
    .whenReady()
    .then(async () => {
      if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
        dialog.showErrorBox(APP_NAME, `The editor has not been built (${RENDERER_DIR} has no index.html). Run "npm run build:web", then start again.`);
        app.exit(1);
        return;
      }
      protocol.handle(APP_SCHEME, createAppProtocolHandler(RENDERER_DIR));
      const ses = session.defaultSession;
      ses.setPermissionRequestHandler((_contents, permission, callback, details) => callback(allowPermission(permission, details.requestingUrl)));
      ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
        allowPermission(permission, details.requestingUrl ?? requestingOrigin),
      );
      // Layerloom works offline: no page of it loads anything from the network.
      ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (_details, callback) =>
        callback({ cancel: true }),
      );
      app.setAboutPanelOptions({ applicationName: APP_NAME, applicationVersion: pkg.version, copyright: 'MIT License' });
      await refreshMenu();

      const files = [...earlyFiles, ...projectPathsFromArgv(process.argv, process.cwd())];
      ready = true;
      const plan = await planStartup(recovery);
      // The restore offer: a window per orphaned autosave. Without one, a blank window unless files were named.
      const slots = plan.offersRestore || files.length === 0 ? plan.slots : [];
      for (const slot of slots) await createWindow({ slot });
      for (const file of files) openInNewWindow(file);
    })
    .catch((error: unknown) => {
      dialog.showErrorBox(APP_NAME, `Layerloom could not start: ${error instanceof Error ? error.message : String(error)}`);
      app.exit(1);
    });
}
