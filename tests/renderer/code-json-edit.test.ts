/**
 * The graph JSON tab's logic: reading edited text back, placing each problem at its spot, and turning the
 * open document into the edited one with one command whose inverse restores it exactly.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allLayers, createBlockCommand, type GraphDoc } from '../../graph-core';
import { documentJsonSchema, documentText, editCommand, readJsonEdit } from '../../renderer/code/json-edit';
import { applyEditorCommand, type EditorDoc } from '../../renderer/store/editor-doc';
import { parseProject, serializeProject } from '../../renderer/store/project-file';

const example = (name: string): EditorDoc => {
  const r = parseProject(readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(`examples/${name} does not parse`);
  return r.doc;
};

/** Applies the edit of `text` to `doc`; checks the result is the text's document and the inverse gives `doc` back. */
function roundTrip(doc: EditorDoc, text: string): EditorDoc {
  const r = readJsonEdit(doc, text);
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('\n'));
  if (!r.command) throw new Error('no command for a changed text');
  const applied = applyEditorCommand(doc, r.command);
  expect(serializeProject(applied.doc)).toBe(serializeProject(r.doc));
  expect(serializeProject(applyEditorCommand(applied.doc, applied.inverse).doc)).toBe(serializeProject(doc));
  return applied.doc;
}

const lenet = example('lenet5.json');
const text = documentText(lenet);

describe('graph JSON edits', () => {
  it('shows the project file, and the unchanged text is no edit', () => {
    expect(text).toBe(serializeProject(lenet));
    expect(readJsonEdit(lenet, text)).toEqual({ ok: true, doc: expect.anything() as unknown, command: null });
    // Key order and spacing alone change nothing.
    expect(readJsonEdit(lenet, JSON.stringify(JSON.parse(text), null, 4))).toMatchObject({ ok: true, command: null });
  });

  it('a parameter, a label, a position and the name change in one step', () => {
    const raw = JSON.parse(text) as { name: string; nodes: { id: string; params: Record<string, unknown>; label?: string; position: { x: number } }[] };
    raw.name = 'LeNet-5 wide';
    const conv = raw.nodes.find((n) => n.id === raw.nodes[1]!.id)!;
    conv.label = 'first';
    conv.position.x += 40;
    const out = raw.nodes.find((n) => 'out_features' in n.params)!;
    out.params.out_features = 7;
    const r = readJsonEdit(lenet, JSON.stringify(raw));
    if (!r.ok || !r.command) throw new Error('expected an edit');
    expect(r.command.type).toBe('sequence');
    const after = roundTrip(lenet, JSON.stringify(raw));
    expect(after.name).toBe('LeNet-5 wide');
    expect(after.nodes.find((n) => n.id === conv.id)?.label).toBe('first');
    // Nodes that did not change are the same objects: the canvas keeps them as they are.
    const untouched = lenet.nodes.filter((n) => n.id !== conv.id && n.id !== out.id);
    for (const n of untouched) expect(after.nodes.find((m) => m.id === n.id)).toBe(n);
  });

  it('removing a node (and its edges), adding a node and rewiring', () => {
    const raw = JSON.parse(text) as GraphDoc;
    const victim = raw.edges[2]!.to.node;
    const into = raw.edges.find((e) => e.to.node === victim)!;
    const outOf = raw.edges.find((e) => e.from.node === victim)!;
    const nodes = [...raw.nodes.filter((n) => n.id !== victim), { id: 'extra', kind: 'ReLU', params: {}, position: { x: 5, y: 5 } }];
    const edges = [
      ...raw.edges.filter((e) => e.from.node !== victim && e.to.node !== victim),
      { id: 'e-extra-in', from: into.from, to: { node: 'extra' } },
      { id: 'e-extra-out', from: { node: 'extra' }, to: outOf.to },
    ];
    const after = roundTrip(lenet, JSON.stringify({ ...raw, nodes, edges }));
    expect(after.nodes.map((n) => n.id)).toEqual(nodes.map((n) => n.id));
    expect(after.edges.map((e) => e.id)).toEqual(edges.map((e) => e.id));
  });

  it('edits inside a block body and comments', () => {
    const ids = lenet.nodes.slice(1, 3).map((n) => n.id);
    const blocked = applyEditorCommand(lenet, createBlockCommand(lenet, ids, { id: 'blk' })).doc;
    const withNote: EditorDoc = { ...blocked, comments: [{ id: 'note', text: 'hello', position: { x: 1, y: 2 }, width: 220, height: 120 }] };
    const raw = JSON.parse(documentText(withNote)) as { nodes: { id: string; body?: { nodes: { params: Record<string, unknown>; kind: string }[] } }[]; comments: { text: string }[] };
    const block = raw.nodes.find((n) => n.id === 'blk')!;
    const inner = block.body!.nodes.find((n) => n.kind !== 'BlockInput' && n.kind !== 'BlockOutput')!;
    inner.params = { ...inner.params, bias: false };
    raw.comments[0]!.text = 'changed';
    raw.comments.push({ id: 'note2', text: 'new', position: { x: 0, y: 0 }, width: 220, height: 120 } as never);
    const after = roundTrip(withNote, JSON.stringify(raw));
    expect(after.comments?.map((c) => c.text)).toEqual(['changed', 'new']);
  });

  it('malformed JSON is a problem at the error, and nothing is applied', () => {
    const broken = text.replace('"nodes": [', '"nodes": [,');
    const r = readJsonEdit(lenet, broken);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]!.message).toMatch(/^JSON: /);
    expect(r.problems[0]!.offset).toBe(broken.indexOf('[,') + 1);
  });

  it('a structural error points at the offending value', () => {
    const bad = text.replace(/"position": \{ "x": (-?\d+(\.\d+)?)/, '"position": { "x": "left"');
    const r = readJsonEdit(lenet, bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]!.message).toMatch(/nodes\[\d+\]\.position\.x/);
    expect(bad.slice(r.problems[0]!.offset, r.problems[0]!.offset + r.problems[0]!.length)).toBe('"left"');
  });

  it('an unknown layer kind and a change of an unknown top-level field are refused with their place', () => {
    const kind = lenet.nodes[1]!.kind;
    const typo = text.replace(`"kind": "${kind}"`, `"kind": "${kind}x"`);
    const r = readJsonEdit(lenet, typo);
    expect(r).toMatchObject({ ok: false, problems: [{ message: expect.stringContaining(`unknown layer kind "${kind}x"`) as unknown }] });
    if (!r.ok) expect(typo.slice(r.problems[0]!.offset, r.problems[0]!.offset + r.problems[0]!.length)).toBe(`"${kind}x"`);

    const raw = JSON.parse(text) as Record<string, unknown>;
    const extra = JSON.stringify({ ...raw, app: { zoom: 2 } });
    const r2 = readJsonEdit(lenet, extra);
    expect(r2).toMatchObject({ ok: false, problems: [{ message: '"app" cannot be changed here' }] });
    if (!r2.ok) expect(extra.slice(r2.problems[0]!.offset, r2.problems[0]!.offset + r2.problems[0]!.length)).toBe('"app":{"zoom":2}');
  });

  it('training settings are edited too, and removing them is undone exactly', () => {
    const spiral = example('spiral-mlp.json');
    const raw = JSON.parse(documentText(spiral)) as Record<string, unknown>;
    expect(raw.training).toBeDefined();
    const after = roundTrip(spiral, JSON.stringify({ ...raw, training: { ...(raw.training as object), epochs: 99 } }));
    expect((after.training as { epochs: number }).epochs).toBe(99);
    const { training: _gone, ...rest } = raw;
    expect(roundTrip(spiral, JSON.stringify(rest)).training).toBeUndefined();
    // Added to a model that had none.
    expect(roundTrip(lenet, JSON.stringify({ ...(JSON.parse(text) as object), training: { epochs: 3 } })).training).toEqual({ epochs: 3 });
  });

  it('editCommand is null for the same document, whatever the key order', () => {
    expect(editCommand(lenet, JSON.parse(JSON.stringify(lenet)) as EditorDoc)).toBeNull();
  });

  it('the JSON schema comes from the document schema and offers the catalogue kinds', () => {
    const schema = documentJsonSchema() as { required: string[]; properties: Record<string, unknown>; $defs: Record<string, { properties: { kind: { enum: string[] } } }> };
    expect(schema.required).toEqual(expect.arrayContaining(['format', 'version', 'nodes']));
    const node = Object.values(schema.$defs).find((d) => d.properties?.kind);
    expect(node?.properties.kind.enum).toEqual([...allLayers.map((l) => l.kind), 'Block', 'BlockInput', 'BlockOutput']);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'nodes', 'edges', 'blocks', 'training', 'comments']));
  });
});
