import { describe, expect, it } from 'vitest';
import type { GraphDoc } from '../../graph-core';
import { applyEditorCommand, type EditorCommand, type EditorDoc } from '../../renderer/store/editor-doc';
import * as h from '../../renderer/store/history';
import { chain, node } from '../helpers/graphs';

const start = (): h.Versioned => ({
  doc: chain(node('x', 'Input', { shape: [4] }), node('fc', 'Linear', { out_features: 3 })),
  history: h.emptyHistory,
});

const at = (doc: GraphDoc, id: string) => doc.nodes.find((n) => n.id === id)!.position;

describe('history', () => {
  it('undo restores the document and redo re-applies the edit', () => {
    const s0 = start();
    const s1 = h.record(s0, { type: 'setParam', id: 'fc', name: 'out_features', value: 7 });
    expect(s1.doc.nodes[1]!.params.out_features).toBe(7);
    const s2 = h.undo(s1);
    expect(s2.doc).toEqual(s0.doc);
    expect(h.canRedo(s2.history)).toBe(true);
    const s3 = h.redo(s2);
    expect(s3.doc).toEqual(s1.doc);
    expect(h.canRedo(s3.history)).toBe(false);
  });

  it('keeps an unlimited history: a thousand edits undo back to the start', () => {
    let s = start();
    for (let i = 1; i <= 1000; i++) s = h.record(s, { type: 'setParam', id: 'fc', name: 'out_features', value: i });
    expect(h.undoDepth(s.history)).toBe(1000);
    for (let i = 0; i < 1000; i++) s = h.undo(s);
    expect(s.doc).toEqual(start().doc);
    expect(h.canUndo(s.history)).toBe(false);
    expect(h.redoDepth(s.history)).toBe(1000);
  });

  it('a new edit after undo clears the redo stack', () => {
    let s = h.record(start(), { type: 'rename', name: 'a' });
    s = h.undo(s);
    s = h.record(s, { type: 'rename', name: 'b' });
    expect(h.canRedo(s.history)).toBe(false);
    expect(s.doc.name).toBe('b');
  });

  it('a drag previewed over many frames is one undo step back to where it started', () => {
    let s = start();
    for (let i = 1; i <= 30; i++) s = h.preview(s, { type: 'moveNodes', moves: [{ id: 'fc', to: { x: i * 10, y: i * 5 } }] });
    expect(h.undoDepth(s.history)).toBe(0);
    s = h.commit(s);
    expect(h.undoDepth(s.history)).toBe(1);
    expect(at(s.doc, 'fc')).toEqual({ x: 300, y: 150 });
    s = h.undo(s);
    expect(at(s.doc, 'fc')).toEqual({ x: 0, y: 0 });
    s = h.redo(s);
    expect(at(s.doc, 'fc')).toEqual({ x: 300, y: 150 });
  });

  it('a slider scrub on one parameter is one step that restores the original value', () => {
    let s = start();
    for (const v of [4, 5, 6, 9]) s = h.preview(s, { type: 'setParam', id: 'fc', name: 'out_features', value: v });
    s = h.commit(s);
    expect(h.undoDepth(s.history)).toBe(1);
    s = h.undo(s);
    expect(s.doc.nodes[1]!.params.out_features).toBe(3);
  });

  it('a gesture that ends where it began leaves no step', () => {
    let s = start();
    s = h.preview(s, { type: 'moveNodes', moves: [{ id: 'fc', to: { x: 50, y: 50 } }] });
    s = h.preview(s, { type: 'moveNodes', moves: [{ id: 'fc', to: { x: 0, y: 0 } }] });
    s = h.commit(s);
    expect(h.canUndo(s.history)).toBe(false);
  });

  it('cancel restores the document from before the gesture', () => {
    let s = start();
    s = h.preview(s, { type: 'moveNodes', moves: [{ id: 'x', to: { x: 9, y: 9 } }] });
    s = h.preview(s, { type: 'setParam', id: 'fc', name: 'bias', value: false });
    s = h.cancel(s);
    expect(s.doc).toEqual(start().doc);
    expect(s.history.pending).toBeNull();
  });

  it('recording during a gesture commits the gesture first, as its own step', () => {
    let s = h.preview(start(), { type: 'moveNodes', moves: [{ id: 'x', to: { x: 9, y: 9 } }] });
    s = h.record(s, { type: 'rename', name: 'moved' });
    expect(h.undoDepth(s.history)).toBe(2);
  });

  it('head serials tell the saved state apart from an equal-looking later state', () => {
    let s = h.record(start(), { type: 'rename', name: 'a' });
    const saved = h.headSerial(s.history);
    s = h.undo(s);
    expect(h.headSerial(s.history)).not.toBe(saved);
    s = h.redo(s);
    expect(h.headSerial(s.history)).toBe(saved);
    s = h.undo(s);
    s = h.record(s, { type: 'rename', name: 'a' });
    expect(h.headSerial(s.history)).not.toBe(saved);
  });

  it('coalesce merges moves of several nodes keeping each original position', () => {
    const merged = h.coalesce([
      { type: 'moveNodes', moves: [{ id: 'a', to: { x: 0, y: 0 } }] },
      { type: 'moveNodes', moves: [{ id: 'a', to: { x: 1, y: 1 } }, { id: 'b', to: { x: 5, y: 5 } }] },
    ]);
    expect(merged).toEqual({ type: 'moveNodes', moves: [{ id: 'a', to: { x: 0, y: 0 } }, { id: 'b', to: { x: 5, y: 5 } }] });
  });
});

describe('editor commands', () => {
  const base: EditorDoc = { ...chain(node('x', 'Input')), comments: [] };
  const note = { id: 'note', text: 'hi', position: { x: 1, y: 2 }, width: 200, height: 100 };

  it('comment edits invert like graph-core commands', () => {
    const cmds: EditorCommand[] = [
      { type: 'setComment', id: 'note', comment: note },
      { type: 'sequence', commands: [{ type: 'setComment', id: 'note', comment: note }, { type: 'rename', name: 'z' }] },
    ];
    for (const cmd of cmds) {
      const r = applyEditorCommand(base, cmd);
      expect(applyEditorCommand(r.doc, r.inverse).doc).toEqual({ ...base, comments: undefined });
    }
  });

  it('removing a comment and undoing puts it back at its index', () => {
    const two: EditorDoc = { ...base, comments: [note, { ...note, id: 'note2' }] };
    const r = applyEditorCommand(two, { type: 'setComment', id: 'note', comment: undefined });
    expect(r.doc.comments!.map((c) => c.id)).toEqual(['note2']);
    expect(applyEditorCommand(r.doc, r.inverse).doc.comments!.map((c) => c.id)).toEqual(['note', 'note2']);
  });

  it('graph-core commands keep the comments', () => {
    const withNote: EditorDoc = { ...base, comments: [note] };
    const r = applyEditorCommand(withNote, { type: 'setLabel', id: 'x', label: 'pixels' });
    expect(r.doc.comments).toEqual([note]);
  });
});

describe('gestures over nodes and comments', () => {
  it('a drag of a node and a comment together is one step that restores both', () => {
    const note = { id: 'n', text: '', position: { x: 0, y: 0 }, width: 200, height: 100 };
    let s: h.Versioned = { doc: { ...start().doc, comments: [note] }, history: h.emptyHistory };
    for (let i = 1; i <= 5; i++)
      s = h.preview(s, {
        type: 'sequence',
        commands: [
          { type: 'moveNodes', moves: [{ id: 'x', to: { x: i, y: i } }] },
          { type: 'setComment', id: 'n', comment: { ...note, position: { x: i, y: i } } },
        ],
      });
    s = h.commit(s);
    expect(h.undoDepth(s.history)).toBe(1);
    s = h.undo(s);
    expect(at(s.doc, 'x')).toEqual({ x: 0, y: 0 });
    expect((s.doc as EditorDoc).comments![0]!.position).toEqual({ x: 0, y: 0 });
  });
});
