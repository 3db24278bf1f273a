import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { paletteGroups, searchLayers } from '../../renderer/store/catalogue';
import { emptyProject, parseProject, projectFileName, serializeProject } from '../../renderer/store/project-file';
import { allLayers } from '../../graph-core';

const lenetText = readFileSync(new URL('../../examples/lenet5.json', import.meta.url), 'utf8');

describe('project files', () => {
  it('round-trip a document with comments and training settings', () => {
    const parsed = parseProject(lenetText);
    if (!parsed.ok) throw new Error('lenet5.json did not parse');
    const doc = {
      ...parsed.doc,
      comments: [{ id: 'note', text: 'LeNet-5, 1998', position: { x: 300, y: 0 }, width: 220, height: 120 }],
      training: { epochs: 3, optimizer: { kind: 'Adam', lr: 0.001 } },
    };
    const text = serializeProject(doc);
    const again = parseProject(text);
    expect(again.ok && again.doc).toEqual(doc);
  });

  it('writes one node, edge and comment per line, so that one change is a one-line diff', () => {
    const parsed = parseProject(lenetText);
    if (!parsed.ok) throw new Error('lenet5.json did not parse');
    const lines = serializeProject(parsed.doc).split('\n');
    expect(lines.filter((l) => l.includes('"kind"'))).toHaveLength(parsed.doc.nodes.length);
    expect(lines[1]).toBe('  "format": "layerloom.graph",');
    expect(lines).toContain('    { "id": "c1", "kind": "Conv2d", "params": { "out_channels": 6, "kernel_size": 5, "padding": 2 }, "position": { "x": 0, "y": 100 } },');
  });

  it('keeps unknown top-level fields', () => {
    const text = serializeProject({ ...emptyProject('x'), ...{ futureField: { a: 1 } } });
    expect(text).toContain('"futureField"');
    const again = parseProject(text);
    expect(again.ok && Reflect.get(again.doc, 'futureField')).toEqual({ a: 1 });
  });

  it('reports a corrupt file with graph-core diagnostics instead of throwing', () => {
    for (const text of ['', '{ "format": "layerloom.graph", ', '{"format": "something.else", "version": 1, "nodes": []}', '[1, 2]']) {
      const r = parseProject(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.diagnostics[0]!.code).toBe('BAD_DOCUMENT');
    }
    const newer = parseProject('{"format": "layerloom.graph", "version": 99, "nodes": []}');
    expect(!newer.ok && newer.diagnostics[0]!.code).toBe('UNSUPPORTED_VERSION');
  });

  it('drops malformed comments with a warning and keeps the model', () => {
    const text = JSON.stringify({ ...emptyProject(), comments: [{ id: 'ok', text: 't', position: { x: 0, y: 0 } }, { id: 3 }, 'junk'] });
    const r = parseProject(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.doc.comments).toEqual([{ id: 'ok', text: 't', position: { x: 0, y: 0 }, width: 220, height: 120 }]);
    expect(r.warnings[0]).toMatch(/2 comments/);
  });

  it('names files after the model', () => {
    expect(projectFileName('LeNet-5')).toBe('LeNet-5.json');
    expect(projectFileName('a/b: c')).toBe('a-b- c.json');
    expect(projectFileName('  ')).toBe('Untitled.json');
  });
});

describe('catalogue', () => {
  it('groups every layer exactly once', () => {
    const listed = paletteGroups().flatMap((g) => g.layers.map((l) => l.kind));
    expect(listed.sort()).toEqual(allLayers.map((l) => l.kind).sort());
  });

  it('finds layers by name prefix first, then by description', () => {
    expect(searchLayers('conv')[0]!.kind).toBe('Conv1d');
    expect(searchLayers('linear')[0]!.kind).toBe('Linear');
    expect(searchLayers('mxpl').map((l) => l.kind)).toContain('MaxPool2d');
    expect(searchLayers('zzzz')).toEqual([]);
    expect(paletteGroups('relu').flatMap((g) => g.layers.map((l) => l.kind))).toContain('LeakyReLU');
  });
});
