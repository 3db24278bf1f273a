/**
 * The example projects open laid out: every node has a position, no two nodes overlap (nodes are drawn
 * about 180 × 60 px), and a chain runs downwards, each layer below the one that feeds it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../graph-core';

const dir = new URL('../../examples/', import.meta.url);
const examples = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('example layouts', () => {
  it.each(examples)('%s has a position on every node and no overlapping nodes', (file) => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    const raw = JSON.parse(text) as { nodes: { id: string; position?: unknown }[] };
    for (const n of raw.nodes) expect(n.position, `${n.id} has no position`).toBeDefined();
    const doc = parseDocument(text).doc!;
    const at = new Map(doc.nodes.map((n) => [n.id, n.position]));
    const nodes = [...at.entries()];
    for (let i = 0; i < nodes.length; i++)
      for (let j = i + 1; j < nodes.length; j++) {
        const [a, pa] = nodes[i]!;
        const [b, pb] = nodes[j]!;
        const apart = Math.abs(pa!.x - pb!.x) >= 180 || Math.abs(pa!.y - pb!.y) >= 60;
        expect(apart, `${a} and ${b} overlap`).toBe(true);
      }
  });

  it.each(['spiral-mlp.json', 'gan-ring.json'])('lays %s out top to bottom along its edges', (file) => {
    const doc = parseDocument(readFileSync(new URL(file, dir), 'utf8')).doc!;
    const y = new Map(doc.nodes.map((n) => [n.id, n.position!.y]));
    for (const e of doc.edges) expect(y.get(e.to.node)!).toBeGreaterThan(y.get(e.from.node)!);
  });
});
