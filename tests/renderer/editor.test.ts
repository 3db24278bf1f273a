import { describe, expect, it } from 'vitest';
import type { GraphDoc } from '../../graph-core';
import { createEditor, isDirty } from '../../renderer/store/editor';
import { chain, edge, node, readExample } from '../helpers/graphs';

const lenet = () => readExample('lenet5.json');
const ids = (doc: GraphDoc) => doc.nodes.map((n) => n.id);

describe('editor', () => {
  it('derives the LeNet-5 parameter total and edge shapes, never storing them in the document', () => {
    const ed = createEditor(lenet());
    const a = ed.analysis();
    expect(a.summary.total_params).toBe(61_706);
    expect(a.edgeShapes.get('e1')).toBe('[N, 1, 28, 28]');
    expect(a.edgeShapes.get('e8')).toBe('[N, 400]');
    expect(a.nodes.get('c1')!.paramCount).toBe(156);
    expect(JSON.stringify(ed.getState().doc)).not.toContain('paramCount');
  });

  it('keeps the analysis (and unchanged node views) across moves and re-infers after a parameter edit', () => {
    const ed = createEditor(lenet());
    const a1 = ed.analysis();
    ed.dispatch({ type: 'moveNodes', moves: [{ id: 'c1', to: { x: 50, y: 50 } }] });
    expect(ed.analysis()).toBe(a1);
    ed.dispatch({ type: 'setParam', id: 'f6', name: 'out_features', value: 32 });
    const a2 = ed.analysis();
    expect(a2).not.toBe(a1);
    expect(a2.nodes.get('c1')).toBe(a1.nodes.get('c1'));
    expect(a2.nodes.get('f6')).not.toBe(a1.nodes.get('f6'));
  });

  it('removing the Flatten gives a rank error on the Linear with an Insert Flatten fix that clears it', () => {
    const ed = createEditor(lenet());
    ed.selectNodes(['flat']);
    ed.deleteSelection();
    ed.dispatch({ type: 'connect', edge: { id: 'bad', from: { node: 's4' }, to: { node: 'f5' } } });
    const view = ed.analysis().nodes.get('f5')!;
    const problem = view.diagnostics.find((d) => d.fix);
    expect(problem?.code).toBe('RANK_MISMATCH');
    expect(view.portErrors.in).toBeDefined();
    ed.applyFix(problem!.fix!);
    expect(ed.analysis().errorCount).toBe(0);
    expect(ed.analysis().summary.total_params).toBe(61_706);
    expect([...ed.getState().selection.nodes]).toEqual(['flatten']);
    ed.undo();
    expect(ed.analysis().nodes.get('f5')!.diagnostics[0]?.code).toBe('RANK_MISMATCH');
    ed.redo();
    expect(ed.analysis().errorCount).toBe(0);
  });

  it('deleting a selection of nodes, an edge and a comment is one undo step', () => {
    const ed = createEditor(lenet());
    const note = ed.addComment({ x: 0, y: 0 }, 'a note');
    ed.setSelection({ nodes: new Set(['a5', 'a6']), edges: new Set(['e2']), comments: new Set([note]) });
    const before = ed.getState().doc;
    ed.deleteSelection();
    const after = ed.getState().doc;
    expect(ids(after)).not.toContain('a5');
    expect(after.edges.find((e) => e.id === 'e2')).toBeUndefined();
    expect(after.comments ?? []).toEqual([]);
    ed.undo();
    expect(ed.getState().doc).toEqual(before);
  });

  it('paste gives fresh ids, keeps internal edges, cascades, and undoes in one step', () => {
    const ed = createEditor(chain(node('x', 'Input', { shape: [4] }), node('fc', 'Linear', {}, { position: { x: 10, y: 20 } })));
    ed.selectAll();
    ed.copySelection();
    ed.paste();
    const first = ed.getState().doc;
    expect(ids(first)).toEqual(['x', 'fc', 'input', 'linear']);
    const copy = first.edges.at(-1)!;
    expect([copy.from.node, copy.to.node]).toEqual(['input', 'linear']);
    expect(first.nodes[3]!.position).toEqual({ x: 50, y: 60 });
    expect([...ed.getState().selection.nodes]).toEqual(['input', 'linear']);
    ed.paste();
    expect(ed.getState().doc.nodes[5]!.position).toEqual({ x: 90, y: 100 });
    ed.undo();
    ed.undo();
    expect(ids(ed.getState().doc)).toEqual(['x', 'fc']);
  });

  it('duplicate copies the selection without touching the clipboard', () => {
    const ed = createEditor(chain(node('x', 'Input', { shape: [4] })));
    ed.selectNodes(['x']);
    ed.duplicateSelection();
    expect(ids(ed.getState().doc)).toEqual(['x', 'input']);
    expect(ed.getState().clipboard).toBeNull();
  });

  it('adds a layer wired to the selected node when the connection is allowed', () => {
    const ed = createEditor(chain(node('x', 'Input', { shape: [1, 8, 8] })));
    const conv = ed.addLayer('Conv2d', { position: { x: 0, y: 100 }, wireFrom: 'x' })!;
    expect(conv).toBe('conv2d');
    expect(ed.getState().doc.edges).toEqual([{ id: 'e', from: { node: 'x', port: 'out' }, to: { node: 'conv2d', port: 'in' } }]);
    expect(ed.analysis().edgeShapes.get('e')).toBe('[N, 1, 8, 8]');
    // An Embedding needs integer ids, so it is added but not wired to a float image.
    ed.addLayer('Embedding', { position: { x: 0, y: 200 }, wireFrom: 'x' });
    expect(ed.getState().doc.edges).toHaveLength(1);
    expect(ed.addLayer('NoSuchLayer', { position: { x: 0, y: 0 } })).toBeNull();
  });

  it('tracks unsaved changes through edits, undo, save and load', () => {
    const ed = createEditor(chain(node('x', 'Input')));
    expect(isDirty(ed.getState())).toBe(false);
    ed.dispatch({ type: 'rename', name: 'b' });
    expect(isDirty(ed.getState())).toBe(true);
    ed.undo();
    expect(isDirty(ed.getState())).toBe(false);
    ed.redo();
    ed.markSaved({ name: 'b.json', location: 'copy:1' });
    expect(isDirty(ed.getState())).toBe(false);
    expect(ed.getState().file.location).toBe('copy:1');
    ed.undo();
    expect(isDirty(ed.getState())).toBe(true);
    ed.load(chain(node('y', 'Input')), { name: 'Recovered' }, { dirty: true });
    expect(isDirty(ed.getState())).toBe(true);
    expect(ed.getState().history.undo).toBeNull();
  });

  it('drops selected ids that an undo removed', () => {
    const ed = createEditor(chain(node('x', 'Input')));
    ed.addLayer('ReLU', { position: { x: 0, y: 0 } });
    expect(ed.getState().selection.nodes.has('relu')).toBe(true);
    ed.undo();
    expect(ed.getState().selection.nodes.size).toBe(0);
  });

  it('auto-layout is one step that puts each layer below the one feeding it', () => {
    const d = { ...chain(node('x', 'Input'), node('r', 'ReLU'), node('s', 'Sigmoid')), edges: [edge('x', 'r', 'e1'), edge('r', 's', 'e2')] };
    const ed = createEditor(d);
    ed.autoLayout(new Map(), 10);
    const [x, r, s] = ed.getState().doc.nodes.map((n) => n.position);
    expect(r!.y).toBeGreaterThan(x!.y);
    expect(s!.y).toBeGreaterThan(r!.y);
    expect([x!.x, x!.y, r!.y % 10]).toEqual([0, 0, 0]);
    ed.undo();
    expect(ed.getState().doc.nodes.every((n) => n.position.x === 0 && n.position.y === 0)).toBe(true);
  });

  it('notifies subscribers on each change', () => {
    const ed = createEditor();
    let calls = 0;
    const off = ed.subscribe(() => calls++);
    ed.addLayer('Input', { position: { x: 0, y: 0 } });
    ed.clearSelection();
    off();
    ed.undo();
    expect(calls).toBe(2);
  });
});
