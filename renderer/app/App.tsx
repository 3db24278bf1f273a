/**
 * The application shell: toolbar, palette, canvas, summary, inspector and status bar around one editor.
 * It wires the keyboard and the host's menus to the action registry, keeps the window title and the
 * unsaved-changes flag in sync, autosaves a recovery copy, and opens files dropped on the window.
 */
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { NodeId, XY } from '../../graph-core';
import { Canvas } from '../canvas/Canvas';
import { CodeDock } from '../code/CodeDock';
import { Breadcrumbs } from '../blocks/Breadcrumbs';
import { NotesPanel } from '../gallery/NotesPanel';
import { LibraryPanel } from '../blocks/LibraryPanel';
import type { Measured } from '../canvas/useFlowElements';
import type { Host } from '../host/host';
import { Inspector } from '../inspector/Inspector';
import { Palette } from '../palette/Palette';
import { createEditor, isDirty } from '../store/editor';
import { SummaryPanel } from '../summary/SummaryPanel';
import { TrainingDock } from '../train/TrainingDock';
import { createKeptWeights } from '../train/kept-weights';
import { actionForKey, getAction, type ActionContext } from './actions';
import { AppContext, useApp, type AppServices } from './AppContext';
import { ContextMenu } from './ContextMenu';
import { Overlays } from './Overlays';
import { AUTOSAVE_MS, createProjectFiles } from './project-files';
import { RecoveryBanner } from './RecoveryBanner';
import { StatusBar } from './StatusBar';
import { Toasts } from './Toasts';
import { Toolbar } from './Toolbar';
import { createUi, type UiState } from './ui-store';
import { useUiState } from './useUiState';

export function App({ host }: { host: Host }) {
  const services = useMemo<AppServices>(() => ({ editor: createEditor(), ui: createUi(), host, kept: createKeptWeights() }), [host]);
  return (
    <AppContext.Provider value={services}>
      <ReactFlowProvider>
        <Shell />
      </ReactFlowProvider>
    </AppContext.Provider>
  );
}

const selectTheme = (s: UiState) => s.prefs.theme;
const selectShowSummary = (s: UiState) => s.prefs.showSummary;

const isTextField = (t: EventTarget | null) =>
  t instanceof HTMLTextAreaElement ||
  t instanceof HTMLSelectElement ||
  (t instanceof HTMLInputElement && !['checkbox', 'radio', 'range', 'button'].includes(t.type)) ||
  (t instanceof HTMLElement && t.isContentEditable);

const FOCUS_TARGETS = { layerSearch: 'll-layer-search', nodeLabel: 'll-node-label' } as const;

function Shell() {
  const services = useApp();
  const { editor, ui, host } = services;
  const flow = useReactFlow();
  const measured = useRef(new Map<string, Measured>()).current;
  const canvasBox = useRef<HTMLDivElement>(null);
  const theme = useUiState(selectTheme);
  const showSummary = useUiState(selectShowSummary);

  const files = useMemo(() => createProjectFiles(services, (question) => window.confirm(question)), [services]);

  const viewCenter = useCallback((): XY => {
    const r = canvasBox.current?.getBoundingClientRect();
    if (!r) return { x: 0, y: 0 };
    return flow.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
  }, [flow]);

  const ctx = useMemo<ActionContext>(
    () => ({
      editor,
      ui,
      files,
      flow,
      nodeSizes: () => measured,
      viewCenter,
      focus: (target) => {
        const el = document.getElementById(FOCUS_TARGETS[target]);
        if (el instanceof HTMLInputElement) {
          el.focus();
          el.select();
        }
      },
    }),
    [editor, ui, files, flow, measured, viewCenter],
  );

  const reveal = useCallback(
    (id: NodeId) => {
      editor.selectNodes([id]);
      const node = editor.getState().doc.nodes.find((n) => n.id === id);
      if (!node) return;
      const size = measured.get(id) ?? { width: 200, height: 90 };
      // Zoomed far out, a revealed layer would still be unreadable: come in to about actual size.
      const zoom = Math.max(flow.getZoom(), 0.9);
      void flow.setCenter(node.position.x + size.width / 2, node.position.y + size.height / 2, { zoom, duration: 200 });
    },
    [editor, flow, measured],
  );

  // Keyboard shortcuts, from the action registry.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const action = actionForKey(e, isTextField(e.target));
      if (!action) return;
      // Text selected on the page (say, in a layer's documentation) is the browser's to copy.
      if ((action.id === 'copy' || action.id === 'cut') && (window.getSelection()?.toString() ?? '') !== '') return;
      e.preventDefault();
      action.run(ctx);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [ctx]);

  // Native menus (Electron) send the same actions.
  useEffect(() => host.onMenuCommand((command) => getAction(command).run(ctx)), [host, ctx]);

  // Window title and the unsaved-changes flag follow the editor.
  useEffect(() => {
    let last = '';
    const sync = () => {
      const s = editor.getState();
      const dirty = isDirty(s);
      const title = `${dirty ? '• ' : ''}${s.file.name} — Layerloom`;
      if (title === last) return;
      last = title;
      host.setTitle(title);
      host.setDirty(dirty);
    };
    sync();
    return editor.subscribe(sync);
  }, [editor, host]);

  // At start: offer recovery, load the recent list. Then autosave every few seconds.
  useEffect(() => {
    void files.checkRecovery();
    void files.refreshRecent();
    const timer = setInterval(() => void files.autosave(), AUTOSAVE_MS);
    return () => clearInterval(timer);
  }, [files]);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  // Project files dropped anywhere on the window open (palette drags are handled by the canvas).
  useEffect(() => {
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const onDragOver = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const onDrop = (e: DragEvent) => {
      const file = e.dataTransfer?.files[0];
      if (!hasFiles(e) || !file) return;
      e.preventDefault();
      void files.openDropped(file);
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [files]);

  return (
    <div className="ll-app" data-testid="app">
      <Toolbar ctx={ctx} />
      <RecoveryBanner files={files} />
      <div className="ll-main">
        <Palette viewCenter={viewCenter} />
        <div className="ll-center">
          <div className="ll-canvas-box" ref={canvasBox}>
            <Breadcrumbs />
            <LibraryPanel viewCenter={viewCenter} />
            <Canvas measured={measured} />
          </div>
          {showSummary && <SummaryPanel reveal={reveal} />}
          <CodeDock />
          <TrainingDock />
        </div>
        <NotesPanel />
        <Inspector reveal={reveal} />
      </div>
      <StatusBar />
      <Overlays ctx={ctx} files={files} />
      <ContextMenu ctx={ctx} />
      <Toasts />
    </div>
  );
}
