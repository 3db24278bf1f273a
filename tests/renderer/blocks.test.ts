/**
 * The editor's block actions, without a browser: create from selection (Ctrl+G) and unpack are one undo step
 * each, entering a block edits its body through the one history, shapes inside follow the outside, and
 * problems inside show on the block at the top level.
 */
import { describe, expect, it } from 'vitest';
import { parseDocument, type GraphDoc } from '../../graph-core';
import { createEditor } from '../../renderer/store/editor';
import { serializeProject } from '../../renderer/store/project-file';
import { chain, node } from '../helpers/graphs';

const mlp = (): GraphDoc => ({
  ...chain(
    node('x', 'Input', { shape: [8] }),
    node('fc1', 'Linear', { out_features: 8 }),
    node('act1', 'ReLU'),
    node('head', 'Linear', { out_features: 3 }),
  ),
  version: 2,
});

describe('blocks in the editor', () => {
  it('Ctrl+G groups the selection into a block in one undo step; unpack puts the layers back', () => {
    const ed = createEditor(mlp());
    const before = ed.getState().doc;
    ed.selectNodes(['fc1', 'act1']);
    const r = ed.createBlockFromSelection();
    expect(r).toEqual({ id: 'block' });
    const doc = ed.getState().doc;
    expect(doc.nodes.map((n) => n.id)).toEqual(['x', 'block', 'head']);
    const a = ed.analysis();
    expect(a.nodes.get('block')!.paramCount).toBe(72);
    expect(a.nodes.get('block')!.outputs).toEqual({ out: '[N, 8]' });
    expect(a.edgeShapes.get('e1_in')).toBe('[N, 8]');
    expect(a.edgeShapes.get('e3')).toBe('[N, 8]');
    expect(a.summary.total_params).toBe(72 + 27);
    ed.undo();
    expect(ed.getState().doc).toEqual(before);
    ed.redo();
    ed.selectNodes(['block']);
    ed.unpackSelection();
    expect(ed.getState().doc.nodes.map((n) => n.id).sort()).toEqual(['act1', 'fc1', 'head', 'x']);
    ed.undo();
    expect(ed.getState().doc.nodes.map((n) => n.id)).toEqual(['x', 'block', 'head']);
  });

  it('refuses a selection a connection leaves and re-enters', () => {
    const ed = createEditor(mlp());
    ed.selectNodes(['fc1', 'head']);
    expect(ed.createBlockFromSelection()).toEqual({ error: expect.stringMatching(/comes back/) });
  });

  it('enter → edit → exit → repeat: edits inside are single undo steps of the one history', () => {
    const ed = createEditor(mlp());
    ed.selectNodes(['fc1', 'act1']);
    ed.createBlockFromSelection();
    ed.enterBlock('block');
    expect(ed.getState().blockPath).toEqual(['block']);
    expect(ed.view().nodes.map((n) => n.kind)).toEqual(['BlockInput', 'Linear', 'ReLU', 'BlockOutput']);
    // shapes inside come from the outside
    expect(ed.analysis().nodes.get('fc1')!.outputs).toEqual({ out: '[N, 8]' });
    expect(ed.analysis().nodes.get('in')!.outputs).toEqual({ out: '[N, 8]' });
    ed.dispatch({ type: 'setParam', id: 'fc1', name: 'bias', value: false });
    expect(ed.analysis().nodes.get('fc1')!.paramCount).toBe(64);
    const added = ed.addLayer('Tanh', { position: { x: 0, y: 300 }, wireFrom: 'act1' });
    expect(added).toBe('tanh');
    expect(ed.view().nodes.map((n) => n.id)).toContain('tanh');
    ed.undo();
    expect(ed.view().nodes.map((n) => n.id)).not.toContain('tanh');
    ed.exitBlock();
    expect(ed.getState().blockPath).toEqual([]);
    expect(ed.getState().selection.nodes).toEqual(new Set(['block']));
    ed.dispatch({ type: 'setParam', id: 'block', name: 'repeat', value: 3 });
    const a = ed.analysis();
    expect(a.nodes.get('block')!.paramCount).toBe(3 * 64);
    // a shape problem inside shows on the block
    ed.enterBlock('block');
    ed.dispatch({ type: 'setParam', id: 'fc1', name: 'out_features', value: 5 });
    ed.exitBlock();
    expect(ed.analysis().nodes.get('block')!.diagnostics.map((d) => d.code)).toEqual(['REPEAT_SHAPE_MISMATCH']);
    // undoing the block's creation steps the view out of it
    ed.enterBlock('block');
    for (let i = 0; i < 10; i++) ed.undo();
    expect(ed.getState().blockPath).toEqual([]);
  });
});

describe('fixes inside a block', () => {
  it('a shape problem inside a block offers its one-click fix inside, not on the collapsed block', () => {
    const img: GraphDoc = {
      ...chain(node('x', 'Input', { shape: [1, 4, 4] }), node('fc', 'Linear', { out_features: 3 }), node('act', 'ReLU')),
      version: 2,
    };
    const ed = createEditor(img);
    ed.selectNodes(['fc', 'act']);
    ed.createBlockFromSelection();
    const top = ed.analysis().nodes.get('block')!.diagnostics;
    expect(top.map((d) => [d.code, d.node, d.fix])).toEqual([['RANK_MISMATCH', 'block/fc', undefined]]);
    ed.enterBlock('block');
    const inside = ed.analysis().nodes.get('fc')!.diagnostics;
    expect(inside[0]!.fix?.title).toBe('Insert Flatten');
    ed.applyFix(inside[0]!.fix!);
    expect(ed.view().nodes.map((n) => n.kind)).toContain('Flatten');
    expect(ed.analysis().nodes.get('fc')!.diagnostics).toEqual([]);
    ed.exitBlock();
    expect(ed.analysis().errorCount).toBe(0);
    expect(ed.analysis().nodes.get('block')!.outputs).toEqual({ out: '[N, 3]' });
  });
});

describe('saving blocks', () => {
  it('a project with unlinked and linked blocks saves and opens unchanged', () => {
    const ed = createEditor(mlp());
    ed.selectNodes(['fc1', 'act1']);
    ed.createBlockFromSelection();
    const d = ed.getState().doc;
    const withLinked: GraphDoc = {
      ...d,
      nodes: [...d.nodes, { id: 'again', kind: 'Block', params: { repeat: 2 }, position: { x: 0, y: 0 }, ref: { block: 'ff' } }],
      blocks: { ff: { name: 'FF', body: d.nodes[1]!.body!, library: { id: 'ff-1', hash: '00ff' } } },
    };
    const back = parseDocument(serializeProject(withLinked));
    expect(back.diagnostics).toEqual([]);
    expect(back.doc).toEqual(withLinked);
  });
});
