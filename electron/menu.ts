/**
 * The native menus (File, Edit, View, Model, Train, Help, plus the application menu on macOS) as a plain
 * template: main.ts passes it to Menu.buildFromTemplate; tests check it in Node. Items that act on the
 * document send a MenuCommand to the focused window's renderer; the rest are handled in main.
 *
 * Accelerators use modifiers (except F1 and Delete) so they never swallow typing in text fields; the edit
 * commands are routed to Chromium's own editing when a text field has focus (see preload.ts). The editor's
 * single-key shortcuts (Shift+N for the gallery, Shift+P for the code views, …) are shown in the menus but not
 * registered (`registerAccelerator: false`): the page handles them, and only outside text fields.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentProjectPayload } from './ipc-contract';

export interface MenuActions {
  /** Sends a command to the focused window's renderer. */
  command(command: MenuCommand): void;
  newWindow(): void;
  openRecent(location: string): void;
  clearRecent(): void;
  /** Shows what WebGPU runs on (hardware or the SwiftShader emulation) and the GPU feature status. */
  showGpuStatus(): void;
  showAbout(): void;
}

export interface MenuOptions {
  readonly platform: NodeJS.Platform;
  readonly appName: string;
  readonly recent: readonly RecentProjectPayload[];
  /** Adds View › Toggle Developer Tools (unpackaged builds only). */
  readonly devTools: boolean;
}

/** The accelerator of every MenuCommand (the renderer's help overlay lists the same keys). */
export function menuAccelerators(platform: NodeJS.Platform): Readonly<Record<MenuCommand, string>> {
  const mac = platform === 'darwin';
  return {
    new: 'CmdOrCtrl+N',
    open: 'CmdOrCtrl+O',
    save: 'CmdOrCtrl+S',
    saveAs: 'CmdOrCtrl+Shift+S',
    undo: 'CmdOrCtrl+Z',
    redo: 'CmdOrCtrl+Shift+Z',
    cut: 'CmdOrCtrl+X',
    copy: 'CmdOrCtrl+C',
    paste: 'CmdOrCtrl+V',
    duplicate: 'CmdOrCtrl+D',
    delete: mac ? 'Cmd+Backspace' : 'Delete',
    selectAll: 'CmdOrCtrl+A',
    fitView: 'CmdOrCtrl+0',
    zoomIn: 'CmdOrCtrl+=',
    zoomOut: 'CmdOrCtrl+-',
    autoLayout: 'CmdOrCtrl+Shift+L',
    commandPalette: 'CmdOrCtrl+K',
    toggleTheme: 'CmdOrCtrl+Shift+T',
    help: 'F1',
    gallery: 'Shift+N',
    toggleCode: 'Shift+P',
    toggleTraining: 'Shift+R',
    toggleSummary: 'Shift+S',
    toggleMinimap: 'Shift+M',
    createBlock: 'CmdOrCtrl+G',
    unpackBlock: 'CmdOrCtrl+Shift+G',
    addComment: 'Shift+C',
  };
}

/** Commands whose keys the page handles: the menus show them without registering them. */
export const PAGE_HANDLED_KEYS: ReadonlySet<MenuCommand> = new Set<MenuCommand>(['gallery', 'toggleCode', 'toggleTraining', 'toggleSummary', 'toggleMinimap', 'addComment']);

export const MENU_LABELS: Readonly<Record<MenuCommand, string>> = {
  new: 'New',
  open: 'Open…',
  save: 'Save',
  saveAs: 'Save As…',
  undo: 'Undo',
  redo: 'Redo',
  cut: 'Cut',
  copy: 'Copy',
  paste: 'Paste',
  duplicate: 'Duplicate',
  delete: 'Delete',
  selectAll: 'Select All',
  fitView: 'Fit View',
  zoomIn: 'Zoom In',
  zoomOut: 'Zoom Out',
  autoLayout: 'Auto Layout',
  commandPalette: 'Add Layer…',
  toggleTheme: 'Toggle Light/Dark Theme',
  help: 'Keyboard Shortcuts',
  gallery: 'New from Lecture Template…',
  toggleCode: 'Code Views (PyTorch, JSON, ONNX)',
  toggleTraining: 'Training Panel',
  toggleSummary: 'Model Summary',
  toggleMinimap: 'Minimap',
  createBlock: 'Group into Block',
  unpackBlock: 'Unpack Block',
  addComment: 'Add Comment',
};

export function buildMenuTemplate(options: MenuOptions, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const keys = menuAccelerators(options.platform);
  const item = (command: MenuCommand): MenuItemConstructorOptions => ({
    id: `command:${command}`,
    label: MENU_LABELS[command],
    accelerator: keys[command],
    ...(PAGE_HANDLED_KEYS.has(command) ? { registerAccelerator: false } : {}),
    click: () => actions.command(command),
  });
  const sep: MenuItemConstructorOptions = { type: 'separator' };

  const recentItems: MenuItemConstructorOptions[] =
    options.recent.length === 0
      ? [{ id: 'recent:none', label: 'No Recent Projects', enabled: false }]
      : options.recent.map((r, i) => ({
          id: `recent:${i}`,
          // `&` would be read as a mnemonic marker on Windows and Linux.
          label: r.name.replace(/&/g, '&&'),
          toolTip: r.location,
          click: () => actions.openRecent(r.location),
        }));

  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: options.appName,
      submenu: [
        { id: 'about', label: `About ${options.appName}`, click: () => actions.showAbout() },
        sep,
        { role: 'services' },
        sep,
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        sep,
        { role: 'quit' },
      ],
    });
  }
  template.push(
    {
      id: 'menu:file',
      label: mac ? 'File' : '&File',
      submenu: [
        item('new'),
        item('gallery'),
        { id: 'new-window', label: 'New Window', accelerator: 'CmdOrCtrl+Shift+N', click: () => actions.newWindow() },
        item('open'),
        {
          id: 'recent',
          label: 'Open Recent',
          submenu: [...recentItems, sep, { id: 'recent:clear', label: 'Clear Recent', enabled: options.recent.length > 0, click: () => actions.clearRecent() }],
        },
        sep,
        item('save'),
        item('saveAs'),
        sep,
        { role: 'close', label: 'Close Window' },
        ...(mac ? [] : [sep, { role: 'quit', label: 'Quit' } as MenuItemConstructorOptions]),
      ],
    },
    {
      id: 'menu:edit',
      label: mac ? 'Edit' : '&Edit',
      submenu: [item('undo'), item('redo'), sep, item('cut'), item('copy'), item('paste'), item('duplicate'), item('delete'), sep, item('selectAll')],
    },
    {
      id: 'menu:view',
      label: mac ? 'View' : '&View',
      submenu: [
        item('fitView'),
        item('zoomIn'),
        item('zoomOut'),
        sep,
        item('toggleSummary'),
        item('toggleMinimap'),
        item('toggleCode'),
        sep,
        item('toggleTheme'),
        { role: 'togglefullscreen' },
        ...(options.devTools ? [sep, { role: 'toggleDevTools' } as MenuItemConstructorOptions] : []),
      ],
    },
    {
      id: 'menu:model',
      label: mac ? 'Model' : '&Model',
      submenu: [item('commandPalette'), item('autoLayout'), sep, item('createBlock'), item('unpackBlock'), item('addComment')],
    },
    {
      id: 'menu:train',
      label: mac ? 'Train' : '&Train',
      submenu: [item('toggleTraining'), sep, { id: 'gpu-status', label: 'GPU and WebGPU Status…', click: () => actions.showGpuStatus() }],
    },
    ...(mac ? [{ role: 'windowMenu' } as MenuItemConstructorOptions] : []),
    {
      id: 'menu:help',
      label: mac ? 'Help' : '&Help',
      role: 'help',
      submenu: [item('help'), ...(mac ? [] : [sep, { id: 'about', label: `About ${options.appName}`, click: () => actions.showAbout() }])],
    },
  );
  return template;
}
