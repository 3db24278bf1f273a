import { describe, expect, it } from 'vitest';
import { GRAPH_VERSION, defineLayer, loadDocument, migrateLayers, ok, p, parseDocument, type DocumentMigration } from '../../../graph-core';
import { doc, node, readExample } from '../../helpers/graphs';

describe('parseDocument / loadDocument', () => {
  it('loads the LeNet example unchanged', () => {
    const raw = readExample('lenet5.json');
    const r = loadDocument(raw);
    expect(r.diagnostics).toEqual([]);
    expect(r.doc!.nodes.map((n) => n.id)).toEqual(raw.nodes.map((n) => n.id));
    expect(r.doc!.edges).toHaveLength(13);
    expect(r.doc!.nodes[1]!.params).toEqual({ out_channels: 6, kernel_size: 5, padding: 2 });
  });

  it('fills optional fields: params, position, edges, name', () => {
    const r = loadDocument({ format: 'layerloom.graph', version: 1, nodes: [{ id: 'x', kind: 'Input' }] });
    expect(r.diagnostics).toEqual([]);
    expect(r.doc!.name).toBe('Untitled');
    expect(r.doc!.nodes[0]).toEqual({ id: 'x', kind: 'Input', params: {}, position: { x: 0, y: 0 } });
    expect(r.doc!.edges).toEqual([]);
  });

  it('keeps the training section and unknown top-level fields verbatim', () => {
    const r = loadDocument({ ...doc([node('x', 'Input')]), training: { epochs: 3 }, description: 'kept' });
    expect(r.doc!.training).toEqual({ epochs: 3 });
    expect((r.doc as unknown as Record<string, unknown>).description).toBe('kept');
  });

  it('reports malformed JSON with its line and column', () => {
    const r = parseDocument('{\n  "format": "layerloom.graph",\n  "version": 1,,\n}');
    expect(r.doc).toBeNull();
    expect(r.diagnostics[0]!.code).toBe('BAD_DOCUMENT');
    expect(r.diagnostics[0]!.message).toMatch(/line 3, column \d+/);
  });

  it('reports an empty file', () => {
    expect(parseDocument('').diagnostics[0]!.message).toContain('the file is empty');
  });

  it.each([
    ['an array', [], '(root)'],
    ['a string', 'graph', '(root)'],
    ['another format', { format: 'onnx', version: 1, nodes: [] }, 'format'],
    ['a missing version', { format: 'layerloom.graph', nodes: [] }, 'version'],
  ])('refuses %s with a path', (_name, json, path) => {
    const r = loadDocument(json);
    expect(r.doc).toBeNull();
    expect(r.diagnostics[0]).toMatchObject({ code: 'BAD_DOCUMENT', path });
  });

  it('names the JSON path of structural errors', () => {
    const r = loadDocument({
      format: 'layerloom.graph',
      version: 1,
      nodes: [{ id: 'x', kind: 'Input' }, { id: 'c', kind: 'Conv2d', params: { kernel_size: 'big' }, position: { x: 'a', y: 0 } }],
      edges: [{ id: 'e', from: { node: 'x' } }],
    });
    expect(r.doc).toBeNull();
    const paths = r.diagnostics.map((d) => d.path).sort();
    expect(paths).toEqual(['edges[0].to', 'nodes[1].position.x']);
    for (const d of r.diagnostics) {
      expect(d.code).toBe('BAD_DOCUMENT');
      expect(d.message).toContain(`at ${d.path},`);
    }
  });

  it('refuses documents from a newer format version, naming both versions', () => {
    const r = loadDocument({ ...doc([]), version: GRAPH_VERSION + 1 });
    expect(r.doc).toBeNull();
    expect(r.diagnostics[0]!.code).toBe('UNSUPPORTED_VERSION');
    expect(r.diagnostics[0]!.message).toContain(`format version ${GRAPH_VERSION + 1}`);
  });

  it('runs document migrations from older versions, in order, without mutating the input', () => {
    // Two hypothetical future migrations, applied to a version-1 document: rename a field, then add one.
    const migrations: DocumentMigration[] = [
      { to: 3, describe: 'add tags', up: (d) => ({ ...d, tags: ['migrated'] }) },
      { to: 2, describe: 'title → name', up: ({ title, ...d }) => ({ ...d, name: title }) },
    ];
    const raw = { format: 'layerloom.graph', version: 1, title: 'Old name', nodes: [] };
    const frozen = JSON.stringify(raw);
    const r = loadDocument(raw, migrations);
    expect(r.diagnostics).toEqual([]);
    expect(r.doc!.name).toBe('Old name');
    expect((r.doc as unknown as { tags: string[] }).tags).toEqual(['migrated']);
    expect(JSON.stringify(raw)).toBe(frozen);
  });

  it("runs a layer kind's own parameter migrations for nodes saved with an older v", () => {
    // A kind at parameter version 3 whose v1 called `padding` `pad`, and whose v2 stored size as a string.
    const Pad = defineLayer({
      kind: 'Pad',
      category: 'shaping',
      doc: { summary: 'test' },
      params: { padding: p.int({ default: 0, doc: '' }), size: p.int({ default: 1, doc: '' }) },
      inputs: {},
      outputs: { out: { doc: '' } },
      inferShape: () => ok({ out: ['N'] }),
      version: 3,
      migrations: [
        { to: 3, up: (q) => ({ ...q, size: Number(q.size) }) },
        { to: 2, up: ({ pad, ...q }) => ({ ...q, padding: pad, size: '4' }) },
      ],
    });
    const lookup = (k: string) => (k === 'Pad' ? (Pad as never) : undefined);
    const before = doc([node('a', 'Pad', { pad: 2 }), node('b', 'Pad', { padding: 1, size: '7' }, { v: 2 }), node('c', 'Pad', { padding: 5, size: 9 }, { v: 3 })]);
    const after = migrateLayers(before, lookup);
    expect(after.nodes.map((n) => [n.params, n.v])).toEqual([
      [{ padding: 2, size: 4 }, 3],
      [{ padding: 1, size: 7 }, 3],
      [{ padding: 5, size: 9 }, 3],
    ]);
    expect(before.nodes[0]!.params).toEqual({ pad: 2 });
  });
});
