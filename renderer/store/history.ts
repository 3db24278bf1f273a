/**
 * Undo/redo as a history of inverse commands (tldraw's diff history, excalidraw's capture modes):
 *
 * - `record`: the default; the edit is one undo step.
 * - `preview` … `commit`: ephemeral capture while dragging or scrubbing a slider. Each preview is applied
 *   at once but kept out of the history; `commit` turns the whole gesture into one step.
 * - loading a document bypasses the history altogether (`emptyHistory`).
 *
 * The stacks are persistent linked lists, so an unlimited history costs O(1) per edit.
 */
import type { GraphDoc, NodeId, XY } from '../../graph-core';
import { applyEditorCommand, type EditorCommand, type EditorDoc, type StickyNote } from './editor-doc';

interface Entry {
  /** Identifies the edit, so that "is this the saved state?" survives undo and redo. */
  readonly serial: number;
  /** The command that moves the document across this step (an inverse on the undo stack). */
  readonly command: EditorCommand;
}

interface Stack {
  readonly top: Entry;
  readonly below: Stack | null;
  readonly size: number;
}

export interface History {
  readonly undo: Stack | null;
  readonly redo: Stack | null;
  /** Inverses of the ephemeral gesture in progress, oldest first; null when there is none. */
  readonly pending: readonly EditorCommand[] | null;
  readonly nextSerial: number;
}

/** A document together with its history; every function here maps one to the next. */
export interface Versioned {
  readonly doc: EditorDoc;
  readonly history: History;
}

export const emptyHistory: History = { undo: null, redo: null, pending: null, nextSerial: 1 };

const push = (stack: Stack | null, top: Entry): Stack => ({ top, below: stack, size: (stack?.size ?? 0) + 1 });

/** The serial of the newest step on the undo stack; 0 at the start of history. Compare it to detect unsaved edits. */
export function headSerial(h: History): number {
  return h.undo?.top.serial ?? 0;
}

export const canUndo = (h: History): boolean => h.undo !== null || h.pending !== null;
export const canRedo = (h: History): boolean => h.redo !== null;
export const undoDepth = (h: History): number => h.undo?.size ?? 0;
export const redoDepth = (h: History): number => h.redo?.size ?? 0;

/** Applies `cmd` as one undo step. A gesture in progress is committed first. Clears the redo stack. */
export function record(s: Versioned, cmd: EditorCommand): Versioned {
  const base = commit(s);
  const r = applyEditorCommand(base.doc, cmd);
  return pushStep(r.doc, base.history, r.inverse);
}

function pushStep(doc: EditorDoc, h: History, inverse: EditorCommand): Versioned {
  return {
    doc,
    history: { undo: push(h.undo, { serial: h.nextSerial, command: inverse }), redo: null, pending: null, nextSerial: h.nextSerial + 1 },
  };
}

/** Applies `cmd` as part of the ephemeral gesture in progress (starting one if needed). */
export function preview(s: Versioned, cmd: EditorCommand): Versioned {
  const r = applyEditorCommand(s.doc, cmd);
  return { doc: r.doc, history: { ...s.history, pending: [...(s.history.pending ?? []), r.inverse] } };
}

/** Ends the gesture in progress as a single undo step. A gesture that changed nothing leaves no step. */
export function commit(s: Versioned): Versioned {
  const pending = s.history.pending;
  if (pending === null) return s;
  const inverse = coalesce(pending);
  const history = { ...s.history, pending: null };
  if (inverse === null || isNoop(s.doc, inverse)) return { doc: s.doc, history };
  return pushStep(s.doc, history, inverse);
}

/** Abandons the gesture in progress and restores the document from before it. */
export function cancel(s: Versioned): Versioned {
  const pending = s.history.pending;
  if (pending === null) return s;
  let doc = s.doc;
  for (const inv of [...pending].reverse()) doc = applyEditorCommand(doc, inv).doc;
  return { doc, history: { ...s.history, pending: null } };
}

export function undo(s: Versioned): Versioned {
  const base = commit(s);
  const stack = base.history.undo;
  if (stack === null) return base;
  const r = applyEditorCommand(base.doc, stack.top.command);
  return {
    doc: r.doc,
    history: { ...base.history, undo: stack.below, redo: push(base.history.redo, { serial: stack.top.serial, command: r.inverse }) },
  };
}

export function redo(s: Versioned): Versioned {
  const base = commit(s);
  const stack = base.history.redo;
  if (stack === null) return base;
  const r = applyEditorCommand(base.doc, stack.top.command);
  return {
    doc: r.doc,
    history: { ...base.history, redo: stack.below, undo: push(base.history.undo, { serial: stack.top.serial, command: r.inverse }) },
  };
}

/**
 * Folds a gesture's inverses (oldest first) into one command. A drag is a run of node and comment moves,
 * so the first inverse seen for each node or comment holds its state from before the gesture; likewise a
 * slider scrubbing one parameter. Anything else is undone in reverse order as a sequence.
 */
export function coalesce(inverses: readonly EditorCommand[]): EditorCommand | null {
  if (inverses.length === 0) return null;
  if (inverses.length === 1) return inverses[0]!;
  const leaves = inverses.flatMap(flatten);
  const head = leaves[0];
  if (head?.type === 'setParam' && leaves.every((c) => c.type === 'setParam' && c.id === head.id && c.name === head.name)) return head;
  if (leaves.every((c) => c.type === 'moveNodes' || c.type === 'setComment')) {
    const moves = new Map<NodeId, XY>();
    const notes = new Map<string, EditorCommand>();
    for (const c of leaves) {
      if (c.type === 'moveNodes') {
        for (const m of c.moves) if (!moves.has(m.id)) moves.set(m.id, m.to);
      } else if (c.type === 'setComment' && !notes.has(c.id)) notes.set(c.id, c);
    }
    const merged: EditorCommand[] = [
      ...(moves.size > 0 ? [{ type: 'moveNodes' as const, moves: [...moves].map(([id, to]) => ({ id, to })) }] : []),
      ...notes.values(),
    ];
    return merged.length === 1 ? merged[0]! : { type: 'sequence', commands: merged };
  }
  return { type: 'sequence', commands: [...inverses].reverse() };
}

/** The plain commands inside (nested) sequences. */
function flatten(cmd: EditorCommand): EditorCommand[] {
  return cmd.type === 'sequence' ? cmd.commands.flatMap(flatten) : [cmd];
}

const samePoint = (a: XY, b: XY) => a.x === b.x && a.y === b.y;
const sameNote = (a: StickyNote | undefined, b: StickyNote | undefined) =>
  a === b ||
  (a !== undefined && b !== undefined && a.text === b.text && samePoint(a.position, b.position) && a.width === b.width && a.height === b.height);

/** True when applying `cmd` to `doc` would change nothing, so a gesture that ended where it began leaves no step. */
function isNoop(doc: EditorDoc, cmd: EditorCommand): boolean {
  switch (cmd.type) {
    case 'moveNodes': {
      const at = positions(doc);
      return cmd.moves.every((m) => {
        const p = at.get(m.id);
        return p !== undefined && samePoint(p, m.to);
      });
    }
    case 'setParam': {
      const n = doc.nodes.find((x) => x.id === cmd.id);
      return n !== undefined && JSON.stringify(n.params[cmd.name]) === JSON.stringify(cmd.value);
    }
    case 'setComment':
      return sameNote(
        (doc.comments ?? []).find((c) => c.id === cmd.id),
        cmd.comment,
      );
    case 'sequence':
      return cmd.commands.every((c) => isNoop(doc, c));
    default:
      return false;
  }
}

function positions(doc: GraphDoc): Map<NodeId, XY> {
  return new Map(doc.nodes.map((n) => [n.id, n.position]));
}
