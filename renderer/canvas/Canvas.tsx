/**
 * The canvas: a React Flow view projected from the document. Every change React Flow reports is turned
 * into an editor action (a command, a preview during a drag, or a selection change); React Flow never owns
 * the nodes.
 */
import {
  Controls,
  ReactFlow,
  useReactFlow,
  useStoreApi,
  useUpdateNodeInternals,
  type Connection,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
  type OnConnectEnd,
} from '@xyflow/react';
import { memo, useCallback, useEffect, useReducer, useRef, useState, type DragEvent, type MouseEvent as ReactMouseEvent, type PointerEvent as ReactPointerEvent } from 'react';
import { canConnect, freshId, type NodeId, type XY } from '../../graph-core';
import { GRID } from '../app/actions';
import { useApp } from '../app/AppContext';
import { useEditorState } from '../app/useEditorState';
import { levelDoc } from '../blocks/level';
import { useUiState } from '../app/useUiState';
import type { EditorState } from '../store/editor';
import type { EditorCommand } from '../store/editor-doc';
import type { UiState } from '../app/ui-store';
import { commentIdOf, LAYER_MIME, type FlowEdge, type FlowNode } from './flow-types';
import { edgeTypes, nodeTypes } from './node-types';
import { Minimap } from './Minimap';
import { DetailProvider } from './useDetailed';
import { createGestureLayer } from './gesture-layer';
import { createLiteNodes, LiteNodesContext } from './lite-nodes';
import { useFlowElements, type Measured } from './useFlowElements';
import { useWheelZoomPreview } from './useWheelZoom';

/** From this many layers on, only the nodes and edges in view are mounted. */
const LARGE_GRAPH = 200;

const MIN_ZOOM = 0.1;
const MAX_ZOOM = 2.5;

/** Roughly half a node, so that a dropped layer lands centred under the pointer. */
const DROP_OFFSET: XY = { x: 100, y: 30 };

/** The graph shown: the document, or the body of the block the canvas has entered. */
const selectDoc = (s: EditorState) => levelDoc(s.doc, s.blockPath);
const selectSelection = (s: EditorState) => s.selection;
const selectGeneration = (s: EditorState) => s.generation;
const selectBlockPath = (s: EditorState) => s.blockPath;
const selectPrefs = (s: UiState) => s.prefs;

const isPane = (target: EventTarget | null) => target instanceof Element && target.classList.contains('react-flow__pane');

export interface CanvasProps {
  /** Node sizes as React Flow measured them; shared with auto-layout. */
  readonly measured: Map<string, Measured>;
}

export const Canvas = memo(function Canvas({ measured }: CanvasProps) {
  const { editor, ui } = useApp();
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const doc = useEditorState(selectDoc);
  const selection = useEditorState(selectSelection);
  const generation = useEditorState(selectGeneration);
  const prefs = useUiState(selectPrefs);
  const [measuredVersion, remeasured] = useReducer((n: number) => n + 1, 0);
  const { nodes, edges } = useFlowElements(doc, selection, measured, measuredVersion);
  const snap = useCallback(
    (p: XY): XY => {
      const g = ui.getState().prefs.snapToGrid ? GRID : 1;
      return { x: Math.round(p.x / g) * g, y: Math.round(p.y / g) * g };
    },
    [ui],
  );

  // A newly opened document is fitted into view (React Flow waits until its nodes are measured). The
  // empty start document is not: fitting would wait for, and then jump to, the first layer added.
  useEffect(() => {
    if (generation > 0 && editor.view().nodes.length > 0) void flow.fitView({ padding: 0.15, maxZoom: 1 });
  }, [generation, flow, editor]);
  // Entering or leaving a block shows its whole graph.
  const blockPath = useEditorState(selectBlockPath);
  const shownPath = useRef(blockPath);
  useEffect(() => {
    if (shownPath.current === blockPath) return;
    shownPath.current = blockPath;
    void flow.fitView({ padding: 0.15, maxZoom: 1 });
  }, [blockPath, flow]);

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      const { doc: current, selection: sel } = editor.getState();
      const moves: { id: NodeId; to: XY }[] = [];
      const noteMoves: EditorCommand[] = [];
      let dragEnded = false;
      let sizesChanged = false;
      let nodesSel: Set<string> | null = null;
      let commentsSel: Set<string> | null = null;
      for (const c of changes) {
        if (c.type === 'dimensions' && c.dimensions) {
          const old = measured.get(c.id);
          if (!old || old.width !== c.dimensions.width || old.height !== c.dimensions.height) {
            measured.set(c.id, { width: c.dimensions.width, height: c.dimensions.height });
            sizesChanged = true;
          }
        } else if (c.type === 'position') {
          if (c.position) {
            const to = { x: Math.round(c.position.x), y: Math.round(c.position.y) };
            const noteId = commentIdOf(c.id);
            const note = noteId === null ? undefined : current.comments?.find((n) => n.id === noteId);
            if (note) noteMoves.push({ type: 'setComment', id: note.id, comment: { ...note, position: to } });
            else moves.push({ id: c.id, to });
          }
          if (c.dragging === false) dragEnded = true;
        } else if (c.type === 'select') {
          const noteId = commentIdOf(c.id);
          const set = noteId !== null ? (commentsSel ??= new Set(sel.comments)) : (nodesSel ??= new Set(sel.nodes));
          if (c.selected) set.add(noteId ?? c.id);
          else set.delete(noteId ?? c.id);
        }
      }
      if (sizesChanged) remeasured();
      const commands: EditorCommand[] = [...(moves.length ? [{ type: 'moveNodes' as const, moves }] : []), ...noteMoves];
      if (commands.length > 0) editor.preview(commands.length === 1 ? commands[0]! : { type: 'sequence', commands });
      if (dragEnded) editor.commitPreview();
      if (nodesSel || commentsSel) {
        const now = editor.getState().selection;
        editor.setSelection({ ...now, nodes: nodesSel ?? now.nodes, comments: commentsSel ?? now.comments });
      }
    },
    [editor, measured],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<FlowEdge>[]) => {
      let edgesSel: Set<string> | null = null;
      for (const c of changes) {
        if (c.type !== 'select') continue;
        edgesSel ??= new Set(editor.getState().selection.edges);
        if (c.selected) edgesSel.add(c.id);
        else edgesSel.delete(c.id);
      }
      if (edgesSel) editor.setSelection({ ...editor.getState().selection, edges: edgesSel });
    },
    [editor],
  );

  const check = useCallback(
    (c: Connection | FlowEdge) =>
      canConnect(
        editor.view(),
        { node: c.source, port: c.sourceHandle ?? undefined },
        { node: c.target, port: c.targetHandle ?? undefined },
        editor.analysis().shaped,
      ),
    [editor],
  );
  const isValidConnection = useCallback((c: Connection | FlowEdge) => check(c).ok, [check]);

  const onConnect = useCallback(
    (c: Connection) => {
      if (!check(c).ok) return;
      const d = editor.view();
      editor.dispatch({
        type: 'connect',
        edge: {
          id: freshId(d, 'e'),
          from: { node: c.source, ...(c.sourceHandle ? { port: c.sourceHandle } : {}) },
          to: { node: c.target, ...(c.targetHandle ? { port: c.targetHandle } : {}) },
        },
      });
    },
    [editor, check],
  );

  /** A refused connection says why; a connection dropped on empty canvas offers to add a layer there. */
  const onConnectEnd: OnConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      const from = state.fromHandle;
      if (!from || state.isValid) return;
      if (state.toHandle && state.toNode) {
        const fromRef = { id: from.nodeId, handle: from.id ?? null };
        const toRef = { id: state.toHandle.nodeId, handle: state.toHandle.id ?? null };
        const [src, dst] = from.type === 'source' ? [fromRef, toRef] : [toRef, fromRef];
        const verdict = check({ source: src.id, sourceHandle: src.handle, target: dst.id, targetHandle: dst.handle });
        if (!verdict.ok) ui.toast(`Cannot connect: ${verdict.message}`, 'error');
        return;
      }
      if (!state.toNode && from.type === 'source' && isPane(event.target)) {
        const point = 'changedTouches' in event ? event.changedTouches[0]! : event;
        const at = flow.screenToFlowPosition({ x: point.clientX, y: point.clientY });
        ui.open({ kind: 'palette', at: snap({ x: at.x - DROP_OFFSET.x, y: at.y }), wireFrom: from.nodeId });
      }
    },
    [check, flow, snap, ui],
  );

  const commitDrag = useCallback(() => editor.commitPreview(), [editor]);

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(LAYER_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const kind = e.dataTransfer.getData(LAYER_MIME);
      if (!kind) return;
      e.preventDefault();
      e.stopPropagation();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      editor.addLayer(kind, { position: snap({ x: p.x - DROP_OFFSET.x, y: p.y - DROP_OFFSET.y }) });
    },
    [editor, flow, snap],
  );

  const onDoubleClick = useCallback(
    (e: ReactMouseEvent) => {
      if (!isPane(e.target)) return;
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      ui.open({ kind: 'palette', at: snap({ x: p.x - DROP_OFFSET.x, y: p.y - DROP_OFFSET.y }) });
    },
    [flow, snap, ui],
  );

  // Double-clicking a block shows its inside; the breadcrumbs lead back out.
  const onNodeDoubleClick = useCallback(
    (e: ReactMouseEvent, node: FlowNode) => {
      if (node.type !== 'layer' || node.data.node.kind !== 'Block') return;
      e.stopPropagation();
      editor.enterBlock(node.id);
    },
    [editor],
  );

  const openMenu = useCallback(
    (e: ReactMouseEvent | MouseEvent, onSelection: boolean) => {
      e.preventDefault();
      const flowPoint = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      ui.update((d) => {
        d.overlay = null;
        d.contextMenu = { x: e.clientX, y: e.clientY, flow: flowPoint, onSelection };
      });
    },
    [flow, ui],
  );
  const onNodeContextMenu = useCallback(
    (e: ReactMouseEvent, node: FlowNode) => {
      const sel = editor.getState().selection;
      const noteId = commentIdOf(node.id);
      const isSelected = noteId !== null ? sel.comments.has(noteId) : sel.nodes.has(node.id);
      if (!isSelected) {
        editor.setSelection({
          nodes: new Set(noteId === null ? [node.id] : []),
          edges: new Set(),
          comments: new Set(noteId === null ? [] : [noteId]),
        });
      }
      openMenu(e, true);
    },
    [editor, openMenu],
  );
  const onEdgeContextMenu = useCallback(
    (e: ReactMouseEvent, edge: FlowEdge) => {
      if (!editor.getState().selection.edges.has(edge.id)) editor.setSelection({ nodes: new Set(), edges: new Set([edge.id]), comments: new Set() });
      openMenu(e, true);
    },
    [editor, openMenu],
  );
  const onPaneContextMenu = useCallback((e: ReactMouseEvent | MouseEvent) => openMenu(e, false), [openMenu]);
  const onSelectionContextMenu = useCallback((e: ReactMouseEvent) => openMenu(e, true), [openMenu]);
  const closeMenu = useCallback(() => {
    if (ui.getState().contextMenu) ui.update((d) => void (d.contextMenu = null));
  }, [ui]);

  // While the view moves, the viewport gets its own compositor layer, so a pan or zoom moves pixels
  // instead of repainting every node; afterwards it is dropped again so that text re-rasterises sharply.
  const box = useRef<HTMLDivElement>(null);
  // Layers that come into view during a wheel gesture mount as light bodies until the wheel rests.
  const updateNodeInternals = useUpdateNodeInternals();
  const [lite] = useState(() => createLiteNodes(updateNodeInternals));
  useEffect(() => () => lite.dispose(), [lite]);
  const onMoveStart = useCallback(() => {
    box.current?.classList.add('is-moving');
    closeMenu();
  }, [closeMenu]);
  const onWheelMoving = useCallback(
    (moving: boolean) => {
      box.current?.classList.toggle('is-moving', moving);
      lite.setMoving(moving);
      if (moving) closeMenu();
    },
    [closeMenu, lite],
  );
  // On a large graph, a wheel zoom out draws what React Flow has not mounted on one canvas until the wheel
  // rests, instead of mounting it step by step (small graphs mount every node anyway).
  const large = doc.nodes.length > LARGE_GRAPH;
  const flowStore = useStoreApi<FlowNode, FlowEdge>();
  const layerCanvas = useRef<HTMLCanvasElement>(null);
  const [gestureLayer] = useState(() =>
    createGestureLayer(() => layerCanvas.current, flowStore, (id) => editor.analysis().edgeErrors.has(id)),
  );
  useEffect(() => () => gestureLayer.dispose(), [gestureLayer]);
  const { wheeling, preview } = useWheelZoomPreview({
    box,
    minZoom: MIN_ZOOM,
    maxZoom: MAX_ZOOM,
    onMoving: onWheelMoving,
    layer: large ? gestureLayer : null,
  });
  // A wheel gesture commits its view to React Flow as it goes; the gesture itself ends the move.
  const onMoveEnd = useCallback(() => {
    if (!wheeling()) box.current?.classList.remove('is-moving');
  }, [wheeling]);
  // A drag on the empty canvas (a pan, or a selection box) keeps the pointer: Chromium then skips hit-testing
  // the whole graph on every mouse move, which took ~3 ms a move on a 500-node graph.
  const onPointerDown = useCallback((e: ReactPointerEvent) => {
    if (e.button !== 2 && isPane(e.target)) (e.target as Element).setPointerCapture(e.pointerId);
  }, []);

  return (
    <div
      ref={box}
      className="ll-canvas"
      data-testid="canvas"
      onDragOver={onDragOver}
      onDrop={onDrop}
      onDoubleClick={onDoubleClick}
      onPointerDown={onPointerDown}
    >
      <LiteNodesContext.Provider value={lite}>
        <DetailProvider>
          <ReactFlow<FlowNode, FlowEdge>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onConnectEnd={onConnectEnd}
            isValidConnection={isValidConnection}
            onNodeDragStop={commitDrag}
            onSelectionDragStop={commitDrag}
            onNodeContextMenu={onNodeContextMenu}
            onNodeDoubleClick={onNodeDoubleClick}
            onEdgeContextMenu={onEdgeContextMenu}
            onPaneContextMenu={onPaneContextMenu}
            onSelectionContextMenu={onSelectionContextMenu}
            onPaneClick={closeMenu}
            onMoveStart={onMoveStart}
            onMoveEnd={onMoveEnd}
            onlyRenderVisibleElements={large}
            deleteKeyCode={null}
            selectionKeyCode="Shift"
            multiSelectionKeyCode={['Meta', 'Control']}
            snapToGrid={prefs.snapToGrid}
            snapGrid={[GRID, GRID]}
            zoomOnDoubleClick={false}
            colorMode={prefs.theme}
            minZoom={MIN_ZOOM}
            maxZoom={MAX_ZOOM}
          >
            {large && <canvas ref={layerCanvas} className="ll-gesture-layer" aria-hidden="true" hidden data-testid="gesture-layer" />}
            {prefs.showMinimap && <Minimap preview={preview} />}
            <Controls showInteractive={false} />
          </ReactFlow>
        </DetailProvider>
      </LiteNodesContext.Provider>
    </div>
  );
});
