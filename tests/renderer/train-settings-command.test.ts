/** The training panel edits the document's training section through an undoable editor command. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../graph-core';
import { createEditor, isDirty } from '../../renderer/store/editor';
import { applyEditorCommand } from '../../renderer/store/editor-doc';
import { readSettings, writeSettings } from '../../renderer/train/settings';

const spiral = parseDocument(readFileSync(new URL('../../examples/spiral-mlp.json', import.meta.url), 'utf8')).doc!;

describe('setTraining', () => {
  it('replaces the section and its inverse restores it exactly (added, changed, removed)', () => {
    const changed = applyEditorCommand(spiral, { type: 'setTraining', training: { dataset: 'xor', epochs: 2 } });
    expect(changed.doc.training).toEqual({ dataset: 'xor', epochs: 2 });
    expect(Object.keys(changed.doc)).toEqual(Object.keys(spiral)); // the field keeps its place in the file
    expect(applyEditorCommand(changed.doc, changed.inverse).doc).toEqual(spiral);
    const removed = applyEditorCommand(spiral, { type: 'setTraining', training: undefined });
    expect(removed.doc).not.toHaveProperty('training');
    expect(applyEditorCommand(removed.doc, removed.inverse).doc).toEqual(spiral);
  });

  it('is one undo step in the editor, marks the project unsaved, and leaves the graph alone', () => {
    const editor = createEditor(spiral, { name: 'spiral.json' });
    editor.markSaved({ name: 'spiral.json' });
    const before = editor.getState().doc;
    const settings = { ...readSettings(before.training), epochs: 3, lr: 0.05 };
    editor.dispatch({ type: 'setTraining', training: writeSettings(before.training, settings) });
    const after = editor.getState().doc;
    expect(readSettings(after.training)).toMatchObject({ epochs: 3, lr: 0.05, dataset: 'spirals' });
    expect(after.nodes).toBe(before.nodes);
    expect(after.edges).toBe(before.edges);
    expect(isDirty(editor.getState())).toBe(true);
    editor.undo();
    expect(editor.getState().doc.training).toEqual(spiral.training);
    editor.redo();
    expect(readSettings(editor.getState().doc.training).epochs).toBe(3);
  });
});
