/**
 * The template catalogue: every template validates with zero diagnostics, its files agree with each other, its
 * thumbnail and the bundled catalogue are fresh, its notes' formulas render with KaTeX, and the index module
 * works without Node (bundled for the browser and run in a bare JavaScript context).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { inferShapes } from '../../graph-core';
import { getBuiltin } from '../../runtime/data/registry';
import { bindDataset } from '../../runtime/data/bind';
import { renderCatalog, renderThumbnail, TEMPLATES_DIR, templateFolders } from '../../build/gen-template-thumbnails';
import { checkTemplate, listTemplates, loadTemplate, TemplateError, TOPICS } from '../../templates';
import { CATALOG } from '../../templates/catalog.generated';

const ids = templateFolders();

describe('template catalogue', () => {
  it('bundles every template folder, and catalog.generated.ts is fresh (run npm run templates:build)', () => {
    expect(ids.length).toBeGreaterThanOrEqual(9);
    expect(Object.keys(CATALOG).sort()).toEqual(ids);
    expect(readFileSync(join(TEMPLATES_DIR, 'catalog.generated.ts'), 'utf8')).toBe(renderCatalog());
  });

  it.each(ids)('%s: thumbnail.svg is drawn from the current graph.json', (id) => {
    const graph = JSON.parse(readFileSync(join(TEMPLATES_DIR, id, 'graph.json'), 'utf8'));
    const svg = readFileSync(join(TEMPLATES_DIR, id, 'thumbnail.svg'), 'utf8');
    expect(svg).toBe(renderThumbnail(graph));
    // One box per layer.
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(graph.nodes.length);
  });

  it.each(ids)('%s: the graph has zero diagnostics and its dataset binds to it', async (id) => {
    const t = loadTemplate(id)!;
    const shaped = inferShapes(t.graph);
    expect(shaped.diagnostics).toEqual([]);
    const builtin = getBuiltin(t.meta.dataset.name);
    expect(builtin, `dataset ${t.meta.dataset.name}`).toBeDefined();
    const { size: _size, ...options } = t.meta.dataset.options as Record<string, unknown>;
    const ds = await builtin!.load({ seed: t.meta.dataset.seed, size: 64, ...(Object.keys(options).length ? { options } : {}) });
    // A diffusion graph's inputs are fed by the runtime (noised samples and t/T), not bound to the dataset.
    if ((t.graph.training as Record<string, unknown>).diffusion === undefined) expect(bindDataset(shaped, ds)).toEqual([]);
    else expect(Object.values(ds.inputs)[0]!.shape).toEqual((t.graph.nodes[0]!.params as { shape: number[] }).shape);
  });

  it.each(ids)('%s: every formula in notes.md renders with KaTeX', (id) => {
    const notes = loadTemplate(id)!.notes;
    const display = [...notes.matchAll(/\$\$([\s\S]+?)\$\$/g)].map((m) => m[1]!);
    const inline = [...notes.replace(/\$\$[\s\S]+?\$\$/g, '').matchAll(/\$([^$\n]+?)\$/g)].map((m) => m[1]!);
    expect(display.length + inline.length).toBeGreaterThan(0);
    for (const tex of display) expect(() => katex.renderToString(tex, { displayMode: true, throwOnError: true }), tex).not.toThrow();
    for (const tex of inline) expect(() => katex.renderToString(tex, { throwOnError: true }), tex).not.toThrow();
  });

  it('lists templates in gallery order with their topic and expected result', () => {
    const list = listTemplates();
    const numbers = list.map((t) => Number(t.number.slice(1)));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(new Set(list.map((t) => t.number)).size).toBe(list.length);
    for (const t of list) {
      expect(t.topicTitle).toBe(TOPICS[t.topic]);
      expect(t.expected).toBe(loadTemplate(t.id)!.meta.expected.summary);
      expect(t.thumbnail.startsWith('<svg')).toBe(true);
    }
  });

  it('hands out a fresh copy of the graph each time, and nothing for an unknown id', () => {
    const a = loadTemplate('spam-mlp')!;
    (a.graph as unknown as { nodes: unknown[] }).nodes.pop();
    expect(loadTemplate('spam-mlp')!.graph.nodes).toHaveLength(7);
    expect(loadTemplate('no-such-template')).toBeUndefined();
  });

  it('rejects a template whose metadata is broken or disagrees with its graph, naming the template and the field', () => {
    const raw = CATALOG['spam-mlp']!;
    const meta = raw.meta as Record<string, unknown>;
    expect(() => checkTemplate('spam-mlp', { ...raw, meta: { ...meta, topic: 'astrology' } })).toThrow(/template spam-mlp: template.json topic/);
    expect(() => checkTemplate('spam-mlp', { ...raw, meta: { ...meta, id: 'other' } })).toThrow(TemplateError);
    expect(() => checkTemplate('spam-mlp', { ...raw, meta: { ...meta, dataset: { name: 'spirals', options: { size: 1500 }, seed: 1 } } })).toThrow(/different data/);
    const graph = raw.graph as { nodes: unknown[] };
    expect(() => checkTemplate('spam-mlp', { ...raw, graph: { ...graph, nodes: 'none' } })).toThrow(/graph.json/);
    expect(() => checkTemplate('spam-mlp', { ...raw, notes: '  ' })).toThrow(/notes.md is empty/);
  });

  it('works without Node: bundled for the browser and run in a bare JavaScript context', async () => {
    const out = await build({
      entryPoints: [join(TEMPLATES_DIR, 'index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'gallery',
      write: false,
      logLevel: 'silent',
    });
    const context: Record<string, unknown> = {};
    runInNewContext(out.outputFiles[0]!.text, context);
    const gallery = context.gallery as typeof import('../../templates');
    expect(gallery.listTemplates().map((t) => t.id)).toEqual(listTemplates().map((t) => t.id));
    expect(gallery.loadTemplate('xor-hidden-layer')!.graph.nodes.map((n) => n.kind)).toEqual(['Input', 'Linear', 'Sigmoid', 'Linear', 'CrossEntropyLoss']);
  });
});
