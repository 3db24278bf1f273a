/**
 * View state that is not part of the document: theme, panels, overlays, toasts, the recovery offer.
 * Preferences (theme, grid snapping, minimap, summary panel) persist in localStorage.
 */
import { castDraft } from 'immer';
import type { NodeId, XY } from '../../graph-core';
import type { CodeTab } from '../code/CodeDock';
import type { RecentProject } from '../host/host';
import type { EditorDoc } from '../store/editor-doc';
import { createStore, type Store } from '../store/store';

export type Theme = 'light' | 'dark';

export interface Prefs {
  readonly theme: Theme;
  readonly snapToGrid: boolean;
  readonly showMinimap: boolean;
  readonly showSummary: boolean;
  /** The training panel under the canvas. */
  readonly showTraining: boolean;
}

export type Overlay =
  | { readonly kind: 'help' }
  /** The command palette; `at` is where a new layer goes (flow coordinates), `wireFrom` the node it connects to. */
  | { readonly kind: 'palette'; readonly at?: XY; readonly wireFrom?: NodeId }
  | { readonly kind: 'openError'; readonly title: string; readonly messages: readonly string[] }
  | { readonly kind: 'recent' }
  /** The lecture template gallery. */
  | { readonly kind: 'gallery' };

export interface ContextMenuState {
  /** Screen position of the menu. */
  readonly x: number;
  readonly y: number;
  /** The same point on the canvas, for "paste here" and "add comment here". */
  readonly flow: XY;
  readonly onSelection: boolean;
}

export interface Toast {
  readonly id: number;
  readonly tone: 'info' | 'error';
  readonly text: string;
}

export interface UiState {
  readonly prefs: Prefs;
  readonly overlay: Overlay | null;
  readonly contextMenu: ContextMenuState | null;
  readonly toasts: readonly Toast[];
  /** A recovery copy found at start, offered until restored or discarded. */
  /** `weights`: how many weight tensors come with it (an unsaved model's kept weights), when any. */
  readonly recovery: { readonly doc: EditorDoc; readonly weights?: number } | null;
  readonly autosavedAt: number | null;
  readonly recent: readonly RecentProject[];
  /** The open code view under the canvas, or none. */
  readonly codeTab: CodeTab | null;
}

export interface Ui extends Store<UiState> {
  toast(text: string, tone?: Toast['tone']): void;
  dismissToast(id: number): void;
  setPrefs(change: Partial<Prefs>): void;
  open(overlay: Overlay | null): void;
}

const PREFS_KEY = 'layerloom.prefs';
const TOAST_MS = 6000;

function loadPrefs(): Prefs {
  const systemDark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  const defaults: Prefs = { theme: systemDark ? 'dark' : 'light', snapToGrid: true, showMinimap: true, showSummary: true, showTraining: false };
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}');
    return typeof saved === 'object' && saved !== null ? { ...defaults, ...pickPrefs(saved as Record<string, unknown>) } : defaults;
  } catch {
    return defaults;
  }
}

function pickPrefs(raw: Record<string, unknown>): Partial<Prefs> {
  return {
    ...(raw.theme === 'light' || raw.theme === 'dark' ? { theme: raw.theme } : {}),
    ...(typeof raw.snapToGrid === 'boolean' ? { snapToGrid: raw.snapToGrid } : {}),
    ...(typeof raw.showMinimap === 'boolean' ? { showMinimap: raw.showMinimap } : {}),
    ...(typeof raw.showSummary === 'boolean' ? { showSummary: raw.showSummary } : {}),
    ...(typeof raw.showTraining === 'boolean' ? { showTraining: raw.showTraining } : {}),
  };
}

export function createUi(): Ui {
  const store = createStore<UiState>({
    prefs: loadPrefs(),
    overlay: null,
    contextMenu: null,
    toasts: [],
    recovery: null,
    autosavedAt: null,
    recent: [],
    codeTab: null,
  });
  let nextToast = 1;
  const dismissToast = (id: number) =>
    store.update((d) => {
      d.toasts = d.toasts.filter((t) => t.id !== id);
    });
  return {
    ...store,
    toast(text, tone = 'info') {
      const id = nextToast++;
      store.update((d) => {
        d.toasts.push({ id, tone, text });
      });
      setTimeout(() => dismissToast(id), TOAST_MS);
    },
    dismissToast,
    setPrefs(change) {
      store.update((d) => {
        Object.assign(d.prefs, change);
      });
      try {
        localStorage.setItem(PREFS_KEY, JSON.stringify(store.getState().prefs));
      } catch {
        // Private windows may refuse storage; the preference then lasts for this session only.
      }
    },
    open(overlay) {
      store.update((d) => {
        d.overlay = castDraft(overlay);
        d.contextMenu = null;
      });
    },
  };
}
