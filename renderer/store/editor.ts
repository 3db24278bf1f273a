/**
 * The editor: the document (the single source of truth), its history, the selection and the clipboard,
 * with every editing action the UI offers. No React and no DOM here, so all of it is unit-tested in Node;
 * the canvas, panels and shortcuts only call these actions and read derived data.
 */
import {
  applyCommand,
  blockBody,
  canConnect,
  createBlockCommand,
  fixCommand,
  unpackBlockCommand,
  whyNotBlock,
  freshId,
  getLayer,
  type AnyLayerDef,
  type Command,
  type DiagnosticFix,
  type EdgeId,
  type GraphEdge,
  type GraphNode,
  type NodeId,
  type XY,
} from '../../graph-core';
import { castDraft } from 'immer';
import { blockTrail, levelAnalysis, levelDoc, samePath, wrapCommand } from '../blocks/level';
import { analyse, sameStructure, type Analysis } from './analysis';
import { clipOrigin, makeClip, pasteClip, type Clip } from './clipboard';
import { DEFAULT_NOTE_SIZE, freshCommentId, type EditorCommand, type EditorDoc, type StickyNote } from './editor-doc';
import * as history from './history';
import { layoutCommand, type Size } from './layout';
import { emptyProject } from './project-file';
import { createStore, type Store } from './store';

export interface Selection {
  readonly nodes: ReadonlySet<NodeId>;
  readonly edges: ReadonlySet<EdgeId>;
  readonly comments: ReadonlySet<string>;
}

export const emptySelection: Selection = { nodes: new Set(), edges: new Set(), comments: new Set() };

/** Where the open project lives: a host location (path or handle key) once saved or opened. */
export interface FileInfo {
  readonly location?: string;
  readonly name: string;
}

export interface EditorState {
  readonly doc: EditorDoc;
  readonly history: history.History;
  readonly selection: Selection;
  readonly file: FileInfo;
  /** The history head when the project was last opened or saved; null when it never was (e.g. a recovered copy). */
  readonly savedSerial: number | null;
  readonly clipboard: Clip | null;
  /** How many times the clip was pasted since it was copied, so that repeated pastes cascade. */
  readonly pasteCount: number;
  /** Counts the documents loaded, so that views can react to a new one (e.g. fit it into view). */
  readonly generation: number;
  /** The Block nodes the canvas has entered, outermost first; [] at the top level (see renderer/blocks/level.ts). */
  readonly blockPath: readonly NodeId[];
}

/** How far each paste (and duplicate) is offset from the previous one. */
export const PASTE_OFFSET = 40;

export const isDirty = (s: EditorState): boolean => s.history.pending !== null || history.headSerial(s.history) !== s.savedSerial;

export interface AddLayerOptions {
  /** Top-left corner of the new node. */
  readonly position: XY;
  /** Connect this node's first output to the new node's first input, when the connection is allowed. */
  readonly wireFrom?: NodeId;
}

export interface Editor {
  getState(): EditorState;
  subscribe(listener: () => void): () => void;
  /** Shapes, diagnostics and the summary of the current document (memoised; unchanged by moves). */
  analysis(): Analysis;

  /** Applies a command as one undo step. */
  dispatch(cmd: EditorCommand): void;
  /** Applies a command as part of an ephemeral gesture (a drag, a slider scrub). */
  preview(cmd: EditorCommand): void;
  /** Ends the gesture as a single undo step. */
  commitPreview(): void;
  /** Abandons the gesture and restores the document from before it. */
  cancelPreview(): void;
  undo(): void;
  redo(): void;

  setSelection(selection: Selection): void;
  selectNodes(ids: readonly NodeId[], additive?: boolean): void;
  selectAll(): void;
  clearSelection(): void;

  deleteSelection(): void;
  copySelection(): void;
  cutSelection(): void;
  /** Pastes the clipboard with its top-left corner at `at`, or cascaded below the previous paste. */
  paste(at?: XY): void;
  duplicateSelection(): void;

  /** Adds a layer (optionally wired to an existing node) and selects it; returns its id. */
  addLayer(kind: string, options: AddLayerOptions): NodeId | null;
  addComment(position: XY, text?: string): string;
  updateComment(id: string, change: Partial<Omit<StickyNote, 'id'>>): void;
  applyFix(fix: DiagnosticFix): void;
  autoLayout(sizes: ReadonlyMap<NodeId, Size>, grid?: number): void;

  /** Replaces the document without recording history (opening a file, a new project, recovery). */
  load(doc: EditorDoc, file: FileInfo, options?: { readonly dirty?: boolean }): void;

  /** The graph the canvas shows: the document, or the body of the entered block. */
  view(): EditorDoc;
  /** Shows the body of a Block node of the current view (double-click). */
  enterBlock(id: NodeId): void;
  /** Goes back out to `depth` (0: the top level), as the breadcrumbs do. */
  exitBlock(depth?: number): void;
  /** Groups the selected layers into one Block (Ctrl+G) as one undo step; returns its id, or why not. */
  createBlockFromSelection(): { id: NodeId } | { error: string };
  /** Replaces each selected Block by its layers (one undo step). */
  unpackSelection(): void;
  markSaved(file: FileInfo): void;
}

/** The first output port of a layer, and its first required (else first) input port. */
export function defaultPorts(def: AnyLayerDef): { output?: string; input?: string } {
  const inputs = Object.entries(def.inputs);
  return {
    output: Object.keys(def.outputs)[0],
    input: (inputs.find(([, spec]) => !spec.optional) ?? inputs[0])?.[0],
  };
}

export function createEditor(doc: EditorDoc = emptyProject(), file: FileInfo = { name: 'Untitled' }): Editor {
  const store: Store<EditorState> = createStore<EditorState>({
    doc,
    history: history.emptyHistory,
    selection: emptySelection,
    file,
    savedSerial: 0,
    clipboard: null,
    pasteCount: 0,
    generation: 0,
    blockPath: [],
  });

  let memo: { doc: EditorDoc; analysis: Analysis } | null = null;
  const analysis = (): Analysis => {
    const current = store.getState().doc;
    if (memo && sameStructure(memo.doc, current)) {
      memo = { doc: current, analysis: memo.analysis };
      return memo.analysis;
    }
    memo = { doc: current, analysis: analyse(current, memo?.analysis) };
    return memo.analysis;
  };
  let levelMemo: { top: Analysis; doc: EditorDoc; path: readonly NodeId[]; analysis: Analysis } | null = null;
  /** The analysis as the current view sees it (inside a block: its inner nodes and edges). */
  const viewAnalysis = (): Analysis => {
    const top = analysis();
    const { doc: d, blockPath: path } = store.getState();
    if (path.length === 0) return top;
    if (levelMemo && levelMemo.top === top && samePath(levelMemo.path, path) && sameStructure(levelDoc(levelMemo.doc, path), levelDoc(d, path)))
      return levelMemo.analysis;
    levelMemo = { top, doc: d, path, analysis: levelAnalysis(top, d, path, levelMemo?.analysis) };
    return levelMemo.analysis;
  };
  const view = (): EditorDoc => levelDoc(store.getState().doc, store.getState().blockPath);

  /** Moves the document (and history) on, dropping selected ids that no longer exist. */
  const step = (fn: (v: history.Versioned) => history.Versioned, selection?: Selection) => {
    const s = store.getState();
    const v = fn({ doc: s.doc, history: s.history });
    if (v.doc === s.doc && v.history === s.history && selection === undefined) return;
    // An undo may remove the block being shown: the view steps out to what still exists.
    const trail = blockTrail(v.doc, s.blockPath);
    const blockPath = trail.length === s.blockPath.length ? s.blockPath : trail.map((n) => n.id);
    store.setState({ ...s, doc: v.doc, history: v.history, blockPath, selection: prune(selection ?? s.selection, levelDoc(v.doc, blockPath)) });
  };

  /** Edits made in a block's view become `inBlock` commands: one undo step, shared by every linked use. */
  const dispatch = (cmd: EditorCommand, selection?: Selection) => {
    const wrapped = wrapCommand(store.getState().blockPath, cmd);
    if (wrapped) step((v) => history.record(v, wrapped), selection);
  };

  const setSelection = (selection: Selection) => {
    const s = store.getState();
    if (sameSelection(s.selection, selection)) return;
    store.setState({ ...s, selection });
  };

  const copySelection = () => {
    const s = store.getState();
    const clip = makeClip(view(), s.selection.nodes, s.selection.comments);
    if (!clip) return;
    store.update((draft) => {
      draft.clipboard = castDraft(clip);
      draft.pasteCount = 0;
    });
  };

  const pasteFrom = (clip: Clip, offset: XY) => {
    const p = pasteClip(view(), clip, offset);
    dispatch(p.command, { nodes: new Set(p.nodeIds), edges: new Set(), comments: new Set(p.commentIds) });
  };

  const deleteSelection = () => {
    const { selection: sel } = store.getState();
    const d = view();
    const nodeIds = d.nodes.filter((n) => sel.nodes.has(n.id)).map((n) => n.id);
    const removed = new Set(nodeIds);
    const commands: EditorCommand[] = [
      ...d.edges
        .filter((e) => sel.edges.has(e.id) && !removed.has(e.from.node) && !removed.has(e.to.node))
        .map((e): Command => ({ type: 'disconnect', id: e.id })),
      ...(nodeIds.length > 0 ? [{ type: 'removeNodes' as const, ids: nodeIds }] : []),
      ...(d.comments ?? [])
        .filter((c) => sel.comments.has(c.id))
        .map((c): EditorCommand => ({ type: 'setComment', id: c.id, comment: undefined })),
    ];
    if (commands.length === 0) return;
    dispatch(commands.length === 1 ? commands[0]! : { type: 'sequence', commands }, emptySelection);
  };

  const editor: Editor = {
    getState: store.getState,
    subscribe: store.subscribe,
    analysis: viewAnalysis,

    dispatch: (cmd) => dispatch(cmd),
    preview: (cmd) => {
      const wrapped = wrapCommand(store.getState().blockPath, cmd);
      if (wrapped) step((v) => history.preview(v, wrapped));
    },
    commitPreview: () => step(history.commit),
    cancelPreview: () => step(history.cancel),
    undo: () => step(history.undo),
    redo: () => step(history.redo),

    setSelection,
    selectNodes(ids, additive = false) {
      const sel = store.getState().selection;
      const nodes = new Set(additive ? [...sel.nodes, ...ids] : ids);
      setSelection(additive ? { ...sel, nodes } : { nodes, edges: new Set(), comments: new Set() });
    },
    selectAll() {
      const d = view();
      setSelection({
        nodes: new Set(d.nodes.map((n) => n.id)),
        edges: new Set(d.edges.map((e) => e.id)),
        comments: new Set((d.comments ?? []).map((c) => c.id)),
      });
    },
    clearSelection: () => setSelection(emptySelection),

    deleteSelection,
    copySelection,
    cutSelection() {
      copySelection();
      deleteSelection();
    },
    paste(at) {
      const s = store.getState();
      if (!s.clipboard) return;
      const origin = clipOrigin(s.clipboard);
      const shift = PASTE_OFFSET * (s.pasteCount + 1);
      const offset = at ? { x: at.x - origin.x, y: at.y - origin.y } : { x: shift, y: shift };
      store.update((draft) => {
        draft.pasteCount += 1;
      });
      pasteFrom(s.clipboard, offset);
    },
    duplicateSelection() {
      const s = store.getState();
      const clip = makeClip(view(), s.selection.nodes, s.selection.comments);
      if (clip) pasteFrom(clip, { x: PASTE_OFFSET, y: PASTE_OFFSET });
    },

    addLayer(kind, { position, wireFrom }) {
      const def = getLayer(kind);
      if (!def) return null;
      const d = view();
      const id = freshId(d, kind.toLowerCase());
      const node: GraphNode = { id, kind, params: {}, position };
      const edges: GraphEdge[] = [];
      const source = wireFrom === undefined ? undefined : d.nodes.find((n) => n.id === wireFrom);
      const sourceDef = source && getLayer(source.kind);
      if (source && sourceDef) {
        const from = { node: source.id, port: defaultPorts(sourceDef).output };
        const to = { node: id, port: defaultPorts(def).input };
        const withNode = { ...d, nodes: [...d.nodes, node] };
        if (from.port && to.port && canConnect(withNode, from, to, store.getState().blockPath.length ? undefined : analysis().shaped).ok)
          edges.push({ id: freshId(withNode, 'e'), from: { node: from.node, port: from.port }, to: { node: to.node, port: to.port } });
      }
      dispatch({ type: 'addNodes', nodes: [node], edges }, { nodes: new Set([id]), edges: new Set(), comments: new Set() });
      return id;
    },
    addComment(position, text = '') {
      const id = freshCommentId(store.getState().doc);
      const comment: StickyNote = { id, text, position, ...DEFAULT_NOTE_SIZE };
      dispatch({ type: 'setComment', id, comment }, { nodes: new Set(), edges: new Set(), comments: new Set([id]) });
      return id;
    },
    updateComment(id, change) {
      const old = (store.getState().doc.comments ?? []).find((c) => c.id === id);
      if (old) dispatch({ type: 'setComment', id, comment: { ...old, ...change } });
    },
    applyFix(fix) {
      const cmd = fixCommand(view(), fix);
      const inserted = cmd.type === 'batch' ? cmd.commands.flatMap((c) => (c.type === 'addNodes' ? c.nodes.map((n) => n.id) : [])) : [];
      dispatch(cmd, { nodes: new Set(inserted), edges: new Set(), comments: new Set() });
    },
    autoLayout(sizes, grid = 1) {
      const cmd = layoutCommand(view(), sizes, grid);
      if (cmd) dispatch(cmd);
    },

    load(next, nextFile, options = {}) {
      store.update((draft) => {
        draft.doc = castDraft(next);
        draft.history = castDraft(history.emptyHistory);
        draft.selection = castDraft(emptySelection);
        draft.file = nextFile;
        draft.savedSerial = options.dirty ? null : 0;
        draft.pasteCount = 0;
        draft.generation += 1;
        draft.blockPath = [];
      });
    },

    view,
    enterBlock(id) {
      const s = store.getState();
      const n = view().nodes.find((x) => x.id === id);
      if (!n || n.kind !== 'Block' || !blockBody(s.doc, n)) return;
      store.setState({ ...s, blockPath: [...s.blockPath, id], selection: emptySelection });
    },
    exitBlock(depth = 0) {
      const s = store.getState();
      if (depth >= s.blockPath.length) return;
      store.setState({ ...s, blockPath: s.blockPath.slice(0, Math.max(0, depth)), selection: { ...emptySelection, nodes: new Set([s.blockPath[depth]!]) } });
    },
    createBlockFromSelection() {
      const d = view();
      const ids = d.nodes.filter((n) => store.getState().selection.nodes.has(n.id)).map((n) => n.id);
      const why = whyNotBlock(d, ids);
      if (why) return { error: why };
      const id = freshId(d, 'block');
      dispatch(createBlockCommand(d, ids, { id }), { nodes: new Set([id]), edges: new Set(), comments: new Set() });
      return { id };
    },
    unpackSelection() {
      let d = view();
      const blocks = d.nodes.filter((n) => n.kind === 'Block' && store.getState().selection.nodes.has(n.id));
      if (blocks.length === 0) return;
      const commands: Command[] = [];
      for (const b of blocks) {
        const cmd = unpackBlockCommand(d, b.id);
        commands.push(cmd);
        d = applyCommand(d, cmd).doc;
      }
      dispatch(commands.length === 1 ? commands[0]! : { type: 'batch', commands }, emptySelection);
    },
    markSaved(nextFile) {
      step(history.commit);
      store.update((draft) => {
        draft.file = nextFile;
        draft.savedSerial = history.headSerial(draft.history);
      });
    },
  };
  return editor;
}

function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

export function sameSelection(a: Selection, b: Selection): boolean {
  return sameSet(a.nodes, b.nodes) && sameSet(a.edges, b.edges) && sameSet(a.comments, b.comments);
}

/** Drops selected ids that are no longer in the document (after an undo removed them, say). */
function prune(sel: Selection, doc: EditorDoc): Selection {
  if (sel.nodes.size + sel.edges.size + sel.comments.size === 0) return sel;
  const keep = <T>(set: ReadonlySet<T>, has: (x: T) => boolean): ReadonlySet<T> => {
    for (const x of set) if (!has(x)) return new Set([...set].filter(has));
    return set;
  };
  const nodeIds = new Set(doc.nodes.map((n) => n.id));
  const edgeIds = new Set(doc.edges.map((e) => e.id));
  const commentIds = new Set((doc.comments ?? []).map((c) => c.id));
  const next = {
    nodes: keep(sel.nodes, (id) => nodeIds.has(id)),
    edges: keep(sel.edges, (id) => edgeIds.has(id)),
    comments: keep(sel.comments, (id) => commentIds.has(id)),
  };
  return next.nodes === sel.nodes && next.edges === sel.edges && next.comments === sel.comments ? sel : next;
}
