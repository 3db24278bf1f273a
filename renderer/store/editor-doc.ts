/**
 * The editor's document: a graph-core GraphDoc plus the sticky-note comments shown on the canvas. Comments
 * live in the document's top-level `comments` array (graph-core keeps unknown top-level fields verbatim; see
 * docs/graph-format.md). Comment edits are commands with inverses, exactly like graph-core's, so a single
 * history holds every edit.
 */
import { applyCommand, CommandError, type Command, type GraphDoc, type XY } from '../../graph-core';

/** A sticky note on the canvas. It carries no meaning for the model. */
export interface StickyNote {
  readonly id: string;
  readonly text: string;
  readonly position: XY;
  readonly width: number;
  readonly height: number;
}

export type EditorDoc = GraphDoc & { readonly comments?: readonly StickyNote[] };

/** Every edit the editor makes: a graph-core command, a comment edit, or several of them as one step. */
export type EditorCommand =
  | Command
  /** Adds, replaces or (with `comment: undefined`) removes one comment; `index` restores its list position. */
  | { readonly type: 'setComment'; readonly id: string; readonly comment: StickyNote | undefined; readonly index?: number }
  /** Applies commands in order; graph-core's `batch` cannot hold comment edits, so the editor has its own. */
  | { readonly type: 'sequence'; readonly commands: readonly EditorCommand[] }
  /** Replaces (or with `training: undefined` removes) the document's training section (the training panel's settings). */
  | { readonly type: 'setTraining'; readonly training: Readonly<Record<string, unknown>> | undefined };

export const DEFAULT_NOTE_SIZE = { width: 220, height: 120 } as const;

/** Applies `cmd` and returns the new document plus the command that undoes it. */
export function applyEditorCommand(doc: EditorDoc, cmd: EditorCommand): { doc: EditorDoc; inverse: EditorCommand } {
  switch (cmd.type) {
    case 'setComment':
      return setComment(doc, cmd.id, cmd.comment, cmd.index);
    case 'setTraining': {
      const { training: old, ...rest } = doc;
      const next: EditorDoc = cmd.training === undefined ? rest : { ...doc, training: cmd.training };
      return { doc: next, inverse: { type: 'setTraining', training: old } };
    }
    case 'sequence': {
      let next = doc;
      const inverses: EditorCommand[] = [];
      for (const c of cmd.commands) {
        const r = applyEditorCommand(next, c);
        next = r.doc;
        inverses.unshift(r.inverse);
      }
      return { doc: next, inverse: { type: 'sequence', commands: inverses } };
    }
    default: {
      // graph-core spreads the document it is given, so the comments survive untouched.
      const r = applyCommand(doc, cmd);
      const next: EditorDoc = r.doc;
      return { doc: next, inverse: r.inverse };
    }
  }
}

function setComment(
  doc: EditorDoc,
  id: string,
  comment: StickyNote | undefined,
  index: number | undefined,
): { doc: EditorDoc; inverse: EditorCommand } {
  const list = doc.comments ?? [];
  const at = list.findIndex((c) => c.id === id);
  const old = at >= 0 ? list[at] : undefined;
  if (comment !== undefined && comment.id !== id) throw new CommandError(`comment "${comment.id}" stored under "${id}"`);
  let comments: StickyNote[];
  if (comment === undefined) {
    if (at < 0) throw new CommandError(`no comment "${id}"`);
    comments = list.filter((_, k) => k !== at);
  } else if (at >= 0) {
    comments = list.map((c, k) => (k === at ? comment : c));
  } else {
    comments = [...list];
    comments.splice(Math.min(index ?? list.length, list.length), 0, comment);
  }
  return {
    doc: withComments(doc, comments),
    inverse: { type: 'setComment', id, comment: old, ...(at >= 0 ? { index: at } : {}) },
  };
}

/** The document with `comments` replaced; an empty list removes the field, so files without notes stay as they were. */
export function withComments(doc: EditorDoc, comments: readonly StickyNote[]): EditorDoc {
  const { comments: _old, ...rest } = doc;
  return comments.length > 0 ? { ...rest, comments } : rest;
}

/** A comment id no comment uses yet: `note`, `note2`, … */
export function freshCommentId(doc: EditorDoc): string {
  const used = new Set((doc.comments ?? []).map((c) => c.id));
  if (!used.has('note')) return 'note';
  for (let i = 2; ; i++) if (!used.has(`note${i}`)) return `note${i}`;
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function readNote(raw: unknown): StickyNote | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const pos = r.position as Record<string, unknown> | undefined;
  if (typeof r.id !== 'string' || r.id === '' || typeof r.text !== 'string') return null;
  if (typeof pos !== 'object' || pos === null || !isFiniteNumber(pos.x) || !isFiniteNumber(pos.y)) return null;
  const size = (v: unknown, fallback: number) => (isFiniteNumber(v) && v >= 40 ? v : fallback);
  return {
    id: r.id,
    text: r.text,
    position: { x: pos.x, y: pos.y },
    width: size(r.width, DEFAULT_NOTE_SIZE.width),
    height: size(r.height, DEFAULT_NOTE_SIZE.height),
  };
}

/**
 * Reads the `comments` field of a loaded document. Malformed notes (and repeated ids) are dropped and
 * counted, so that a damaged note never stops a model from opening.
 */
export function readComments(raw: unknown): { comments: StickyNote[]; dropped: number } {
  if (raw === undefined) return { comments: [], dropped: 0 };
  if (!Array.isArray(raw)) return { comments: [], dropped: 1 };
  const comments: StickyNote[] = [];
  const seen = new Set<string>();
  let dropped = 0;
  for (const item of raw) {
    const note = readNote(item);
    if (note && !seen.has(note.id)) {
      seen.add(note.id);
      comments.push(note);
    } else dropped++;
  }
  return { comments, dropped };
}
