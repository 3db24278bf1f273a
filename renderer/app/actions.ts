/**
 * Every user action, once: its title, its keyboard shortcuts and what it does. The keyboard handler, the
 * help overlay, the command palette, the context menu, the toolbar and the host's native menus all read
 * this list, so an action cannot exist without a shortcut that the help overlay lists.
 */
import type { ReactFlowInstance } from '@xyflow/react';
import type { NodeId, XY } from '../../graph-core';
import type { MenuCommand } from '../host/host';
import type { Editor } from '../store/editor';
import type { Size } from '../store/layout';
import type { ProjectFiles } from './project-files';
import type { Ui } from './ui-store';

export type ActionId =
  | MenuCommand
  | 'recent'
  | 'gallery'
  | 'addComment'
  | 'findLayer'
  | 'rename'
  | 'toggleSnap'
  | 'toggleMinimap'
  | 'toggleSummary'
  | 'toggleTraining'
  | 'toggleCode'
  | 'createBlock'
  | 'unpackBlock'
  | 'escape';

export interface ActionContext {
  readonly editor: Editor;
  readonly ui: Ui;
  readonly files: ProjectFiles;
  readonly flow: ReactFlowInstance;
  /** Measured node sizes, for auto-layout and placing new layers. */
  readonly nodeSizes: () => ReadonlyMap<NodeId, Size>;
  /** The centre of the visible canvas, in flow coordinates. */
  readonly viewCenter: () => XY;
  readonly focus: (target: 'layerSearch' | 'nodeLabel') => void;
}

export type ActionGroup = 'File' | 'Edit' | 'View' | 'Model' | 'Help';

export interface Action {
  readonly id: ActionId;
  readonly title: string;
  readonly group: ActionGroup;
  /** Shortcuts: `Mod` is Ctrl (⌘ on macOS); the first one is shown in menus. */
  readonly keys: readonly string[];
  /** Also runs while typing in a text field (otherwise the field keeps the key). */
  readonly inTextFields?: boolean;
  /** `at`: the canvas point a context menu was opened on. */
  run(ctx: ActionContext, at?: XY): void;
}

/** The canvas grid, in flow units; positions snap to it when snapping is on. */
export const GRID = 20;
const snap = (p: XY, grid: number): XY => ({ x: Math.round(p.x / grid) * grid, y: Math.round(p.y / grid) * grid });
const gridOf = (ui: Ui) => (ui.getState().prefs.snapToGrid ? GRID : 1);
const toggle = (ui: Ui, pref: 'snapToGrid' | 'showMinimap' | 'showSummary' | 'showTraining') => ui.setPrefs({ [pref]: !ui.getState().prefs[pref] });

export const ACTIONS: readonly Action[] = [
  { id: 'new', title: 'New project', group: 'File', keys: ['Mod+Alt+N'], run: ({ files }) => files.newProject() },
  { id: 'gallery', title: 'New from a lecture template', group: 'File', keys: ['Shift+N'], run: ({ ui }) => ui.open({ kind: 'gallery' }) },
  { id: 'open', title: 'Open project…', group: 'File', keys: ['Mod+O'], inTextFields: true, run: ({ files }) => void files.open() },
  {
    id: 'recent',
    title: 'Open recent…',
    group: 'File',
    keys: ['Mod+Shift+O'],
    run: ({ ui, files }) => void files.refreshRecent().then(() => ui.open({ kind: 'recent' })),
  },
  { id: 'save', title: 'Save', group: 'File', keys: ['Mod+S'], inTextFields: true, run: ({ files }) => void files.save() },
  {
    id: 'saveAs',
    title: 'Save as…',
    group: 'File',
    keys: ['Mod+Shift+S'],
    inTextFields: true,
    run: ({ files }) => void files.save({ saveAs: true }),
  },

  { id: 'undo', title: 'Undo', group: 'Edit', keys: ['Mod+Z'], run: ({ editor }) => editor.undo() },
  { id: 'redo', title: 'Redo', group: 'Edit', keys: ['Mod+Shift+Z', 'Mod+Y'], run: ({ editor }) => editor.redo() },
  { id: 'cut', title: 'Cut', group: 'Edit', keys: ['Mod+X'], run: ({ editor }) => editor.cutSelection() },
  { id: 'copy', title: 'Copy', group: 'Edit', keys: ['Mod+C'], run: ({ editor }) => editor.copySelection() },
  { id: 'paste', title: 'Paste', group: 'Edit', keys: ['Mod+V'], run: ({ editor, ui }, at) => editor.paste(at && snap(at, gridOf(ui))) },
  { id: 'duplicate', title: 'Duplicate', group: 'Edit', keys: ['Mod+D'], run: ({ editor }) => editor.duplicateSelection() },
  { id: 'delete', title: 'Delete', group: 'Edit', keys: ['Delete', 'Backspace'], run: ({ editor }) => editor.deleteSelection() },
  { id: 'selectAll', title: 'Select all', group: 'Edit', keys: ['Mod+A'], run: ({ editor }) => editor.selectAll() },
  { id: 'rename', title: 'Rename the selected layer', group: 'Edit', keys: ['F2'], run: ({ focus }) => focus('nodeLabel') },
  {
    id: 'escape',
    title: 'Close the overlay, or clear the selection',
    group: 'Edit',
    keys: ['Escape'],
    inTextFields: true,
    run: ({ ui, editor }) => {
      const s = ui.getState();
      if (s.overlay || s.contextMenu) ui.open(null);
      else editor.clearSelection();
    },
  },

  {
    id: 'commandPalette',
    title: 'Command palette: add a layer',
    group: 'Model',
    keys: ['Mod+K'],
    inTextFields: true,
    run: ({ editor, ui }, at) => {
      const sel = editor.getState().selection.nodes;
      ui.open({ kind: 'palette', ...(at ? { at } : {}), ...(sel.size === 1 && !at ? { wireFrom: [...sel][0]! } : {}) });
    },
  },
  { id: 'findLayer', title: 'Search the layer palette', group: 'Model', keys: ['/'], run: ({ focus }) => focus('layerSearch') },
  {
    id: 'createBlock',
    title: 'Create block from selection',
    group: 'Model',
    keys: ['Mod+G'],
    run: ({ editor, ui }) => {
      const r = editor.createBlockFromSelection();
      if ('error' in r) ui.toast(`Cannot make a block: ${r.error}.`, 'error');
    },
  },
  { id: 'unpackBlock', title: 'Unpack the selected block', group: 'Model', keys: ['Mod+Shift+G'], run: ({ editor }) => editor.unpackSelection() },
  {
    id: 'addComment',
    title: 'Add a comment',
    group: 'Model',
    keys: ['Shift+C'],
    run: ({ editor, ui, viewCenter }, at) => {
      editor.addComment(snap(at ?? viewCenter(), gridOf(ui)));
    },
  },
  {
    id: 'autoLayout',
    title: 'Auto-layout',
    group: 'Model',
    keys: ['Shift+L'],
    run: ({ editor, ui, flow, nodeSizes }) => {
      editor.autoLayout(nodeSizes(), gridOf(ui));
      requestAnimationFrame(() => void flow.fitView({ duration: 200 }));
    },
  },

  { id: 'fitView', title: 'Fit the model in view', group: 'View', keys: ['Shift+1'], run: ({ flow }) => void flow.fitView({ duration: 200 }) },
  { id: 'zoomIn', title: 'Zoom in', group: 'View', keys: ['Mod+=', '='], run: ({ flow }) => void flow.zoomIn({ duration: 150 }) },
  { id: 'zoomOut', title: 'Zoom out', group: 'View', keys: ['Mod+-', '-'], run: ({ flow }) => void flow.zoomOut({ duration: 150 }) },
  { id: 'toggleSnap', title: 'Snap to grid on/off', group: 'View', keys: ['Shift+G'], run: ({ ui }) => toggle(ui, 'snapToGrid') },
  { id: 'toggleMinimap', title: 'Minimap on/off', group: 'View', keys: ['Shift+M'], run: ({ ui }) => toggle(ui, 'showMinimap') },
  { id: 'toggleSummary', title: 'Model summary on/off', group: 'View', keys: ['Shift+S'], run: ({ ui }) => toggle(ui, 'showSummary') },
  { id: 'toggleTraining', title: 'Training panel on/off', group: 'View', keys: ['Shift+R'], run: ({ ui }) => toggle(ui, 'showTraining') },
  {
    id: 'toggleCode',
    title: 'Code views (PyTorch, graph JSON, ONNX, diff) on/off',
    group: 'View',
    keys: ['Shift+P'],
    run: ({ ui }) =>
      ui.update((d) => {
        d.codeTab = d.codeTab ? null : 'pytorch';
      }),
  },
  {
    id: 'toggleTheme',
    title: 'Light/dark theme',
    group: 'View',
    keys: ['Shift+T'],
    run: ({ ui }) => ui.setPrefs({ theme: ui.getState().prefs.theme === 'dark' ? 'light' : 'dark' }),
  },

  {
    id: 'help',
    title: 'Keyboard shortcuts',
    group: 'Help',
    keys: ['?'],
    run: ({ ui }) => ui.open(ui.getState().overlay?.kind === 'help' ? null : { kind: 'help' }),
  },
];

export const actionById: ReadonlyMap<ActionId, Action> = new Map(ACTIONS.map((a) => [a.id, a]));

export function getAction(id: ActionId): Action {
  const a = actionById.get(id);
  if (!a) throw new Error(`no action "${id}"`);
  return a;
}

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export interface KeyLike {
  readonly key: string;
  readonly code: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
}

/** Does the key event match a combination such as `Mod+Shift+Z`? */
export function matchesKey(e: KeyLike, combo: string, mac = isMac): boolean {
  const parts = combo.split('+');
  const key = parts.pop()!;
  const mods = new Set(parts);
  if (mods.has('Mod') !== (mac ? e.metaKey : e.ctrlKey)) return false;
  if (!mac && e.metaKey) return false;
  if (mods.has('Alt') !== e.altKey) return false;
  const isPunctuation = key.length === 1 && !/[a-z0-9]/i.test(key);
  // Punctuation such as `?` needs Shift on some layouts and not on others, so Shift is not compared.
  if (!isPunctuation && mods.has('Shift') !== e.shiftKey) return false;
  if (/^[0-9]$/.test(key)) return e.code === `Digit${key}`;
  if (/^[a-z]$/i.test(key)) return e.key.toLowerCase() === key.toLowerCase();
  return e.key === key;
}

/** How a shortcut reads in menus and the help overlay. */
export function keyLabel(combo: string, mac = isMac): string {
  const parts = combo.split('+');
  const key = parts.pop()!;
  const names: Record<string, string> = mac ? { Mod: '⌘', Shift: '⇧', Alt: '⌥' } : { Mod: 'Ctrl', Shift: 'Shift', Alt: 'Alt' };
  const mods = parts.map((p) => names[p] ?? p);
  const label = key.length === 1 ? key.toUpperCase() : key;
  return mac ? `${mods.join('')}${label}` : [...mods, label].join('+');
}

/** The action a key event triggers, if any. */
export function actionForKey(e: KeyLike, inTextField: boolean): Action | undefined {
  return ACTIONS.find((a) => (!inTextField || a.inTextFields) && a.keys.some((k) => matchesKey(e, k)));
}
