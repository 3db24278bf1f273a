/** The block library's document side: entries, linked and copied inserts, link and unlink. */
import { describe, expect, it } from 'vitest';
import { applyCommand, inferShapes, type GraphDoc } from '../../graph-core';
import { insertEntryCommand, libraryEntryFor, linkCommand, readLibraryEntry, unlinkCommand } from '../../renderer/blocks/library';
import { encoderDoc } from '../graph-core/blocks/fixtures';

const now = new Date('2026-11-23T02:00:00.000Z');
const apply = (d: GraphDoc, c: Parameters<typeof applyCommand>[1]) => applyCommand(d, c).doc;

describe('the block library', () => {
  const source = encoderDoc({ repeat: 2 });
  const entry = libraryEntryFor(source, source.nodes[1]!, now)!;

  it('makes an entry from a block and reads it back', () => {
    expect(entry).toMatchObject({ name: 'Encoder', savedAt: '2026-11-23T02:00:00.000Z' });
    expect(entry.id).toMatch(/^Encoder-[0-9a-f]{8}$/);
    const read = readLibraryEntry(entry);
    expect('definition' in read && read.definition.body).toEqual(source.nodes[1]!.body);
    expect(readLibraryEntry({ ...entry, text: '{"name": "x", "body": {"nodes": [{"id": 3}]}}' })).toEqual({
      error: expect.stringMatching(/^the library entry "Encoder" is damaged \(.*nodes\[0\]\.id/),
    });
    expect(readLibraryEntry({ ...entry, text: '{' })).toEqual({ error: 'the library entry "Encoder" is not valid JSON' });
  });

  it('two linked inserts share one definition: editing inside one edits both; an unlinked copy stays apart', () => {
    let d: GraphDoc = { format: 'layerloom.graph', version: 2, name: 'uses', nodes: [encoderDoc().nodes[0]!], edges: [] };
    for (const linked of [true, true, false]) {
      const r = insertEntryCommand(d, entry, { linked, at: { x: 0, y: 0 } });
      if ('error' in r) throw new Error(r.error);
      d = apply(d, r.command);
    }
    expect(Object.keys(d.blocks!)).toHaveLength(1);
    const [a, b, c] = d.nodes.slice(1);
    expect(a!.ref).toEqual(b!.ref);
    expect(c!.body).toEqual(source.nodes[1]!.body);
    const wire = (to: string, id: string) => ({ type: 'connect' as const, edge: { id, from: { node: 'x' }, to: { node: to } } });
    d = apply(d, { type: 'batch', commands: [wire(a!.id, 'w1'), wire(b!.id, 'w2'), wire(c!.id, 'w3')] });
    const edited = apply(d, { type: 'inBlock', path: [a!.id], command: { type: 'setParam', id: 'tel', name: 'dim_feedforward', value: 8 } });
    const s0 = inferShapes(d);
    const s1 = inferShapes(edited);
    expect(s1.diagnostics).toEqual([]);
    expect(s1.blockInfo.get(a!.id)!.paramCount).toBeLessThan(s0.blockInfo.get(a!.id)!.paramCount);
    expect(s1.blockInfo.get(b!.id)!.paramCount).toBe(s1.blockInfo.get(a!.id)!.paramCount);
    expect(s1.blockInfo.get(c!.id)!.paramCount).toBe(s0.blockInfo.get(c!.id)!.paramCount);

    // unlink b, then its edits stay local; link c to a new definition
    const un = apply(edited, unlinkCommand(edited, edited.nodes[2]!)!);
    expect(un.nodes[2]!.ref).toBeUndefined();
    expect(un.nodes[2]!.body).toEqual(edited.blocks![a!.ref!.block]!.body);
    const linked = apply(un, linkCommand(un, un.nodes[3]!, entry)!);
    expect(linked.nodes[3]!.ref).toBeDefined();
    expect(inferShapes(linked).diagnostics).toEqual([]);
  });
});
