/**
 * The gallery's pure parts: notes rendering (Markdown with KaTeX, typeset with MathML for screen readers, checked against KaTeX itself), the card
 * filter (topic and search), and opening a template as a new untitled project in a real editor store.
 */
import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { filterTemplates } from '../../renderer/gallery/filter';
import { activeTemplate, closeNotes, galleryStore, openTemplate } from '../../renderer/gallery/gallery-store';
import { renderInline, renderNotes } from '../../renderer/gallery/markdown';
import { TABS_FOR_VIEW } from '../../renderer/gallery/views';
import { createEditor, isDirty } from '../../renderer/store/editor';
import { parseProject, serializeProject } from '../../renderer/store/project-file';
import { listTemplates, loadTemplate, templateMetaSchema } from '../../templates';

const kx = (tex: string, displayMode: boolean) => katex.renderToString(tex, { displayMode, throwOnError: false, strict: 'ignore' });

describe('template notes', () => {
  it('typesets inline and display formulas exactly as KaTeX does, leaving TeX alone inside them', () => {
    const html = renderNotes('Scores $q_i^\\top k_j / \\sqrt{d_k}$ and *emphasis*.\n\n$$\\mathrm{softmax}(x)_i = \\frac{e^{x_i}}{\\sum_j e^{x_j}}$$\n');
    expect(html).toContain(kx('q_i^\\top k_j / \\sqrt{d_k}', false));
    expect(html).toContain(kx('\\mathrm{softmax}(x)_i = \\frac{e^{x_i}}{\\sum_j e^{x_j}}', true));
    expect(html).toContain('<em>emphasis</em>');
    // The underscores of the formula did not become Markdown emphasis.
    expect(html.match(/<em>/g)).toHaveLength(1);
  });

  it('renders headings, lists and tables, and shows raw HTML as text', () => {
    const html = renderNotes('## Title\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<img src=x onerror="alert(1)">\n');
    expect(html).toContain('<h2>Title</h2>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('<td>2</td>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
  });

  it('shows a formula KaTeX cannot read as its source instead of failing', () => {
    const html = renderInline('broken $\\frac{1}{$ here');
    expect(html).toContain('katex-error');
    expect(html).toContain('here');
  });

  it.each(listTemplates().map((t) => t.id))('%s: the notes render with every formula typeset', (id) => {
    const t = loadTemplate(id)!;
    const html = renderNotes(t.notes);
    expect(html).not.toContain('katex-error');
    const formulas = (t.notes.match(/\$\$[\s\S]+?\$\$/g) ?? []).length + (t.notes.replace(/\$\$[\s\S]+?\$\$/g, '').match(/\$[^$\n]+?\$/g) ?? []).length;
    expect(formulas).toBeGreaterThan(0);
    expect(html.match(/<span class="katex">/g)?.length).toBe(formulas);
    // No dollar sign is left over from a formula that was not recognised.
    expect(html.replace(/<[^>]+>/g, '')).not.toMatch(/\$[^$\s]/);
  });
});

describe('gallery filter', () => {
  const all = listTemplates();

  it('keeps every template for no topic and no query, in gallery order', () => {
    expect(filterTemplates(all, 'all', '').map((t) => t.id)).toEqual(all.map((t) => t.id));
  });

  it('filters by topic', () => {
    const attention = filterTemplates(all, 'attention', '');
    expect(attention.length).toBeGreaterThan(1);
    expect(attention.map((t) => t.id)).toEqual(all.filter((t) => t.topic === 'attention').map((t) => t.id));
  });

  it('finds every word of the query in the title, summary, topic, number or expected result, ignoring case and accents', () => {
    expect(filterTemplates(all, 'all', 'XOR').map((t) => t.id)).toEqual(['xor-hidden-layer']);
    expect(filterTemplates(all, 'all', 'g15').map((t) => t.id)).toEqual(['self-attention-duplicates']);
    const gen = filterTemplates(all, 'all', 'generative');
    expect(gen.map((t) => t.id)).toEqual(all.filter((t) => t.topic === 'generative').map((t) => t.id));
    expect(filterTemplates(all, 'all', 'xor  hidden').map((t) => t.id)).toEqual(['xor-hidden-layer']);
    expect(filterTemplates(all, 'mlp', 'attention')).toEqual([]);
    expect(filterTemplates(all, 'all', 'no such words anywhere')).toEqual([]);
  });
});

describe('opening a template', () => {
  it('replaces the project with an untitled copy of the template graph and shows its notes until another project opens', () => {
    const editor = createEditor();
    const r = openTemplate(editor, 'xor-hidden-layer', () => true);
    expect(r.ok).toBe(true);
    const s = editor.getState();
    const expected = parseProject(JSON.stringify(loadTemplate('xor-hidden-layer')!.graph));
    expect(expected.ok && s.doc).toEqual(expected.ok && { ...expected.doc, template: 'xor-hidden-layer' });
    expect(s.doc.training).toMatchObject({ dataset: 'xor-clusters', seed: 0 });
    expect(s.file).toEqual({ name: 'Untitled' });
    expect(isDirty(s)).toBe(false);
    expect(activeTemplate(galleryStore(editor).getState(), s.generation)).toBe('xor-hidden-layer');

    // Editing the model keeps the notes; another project does not.
    const edited = parseProject(JSON.stringify({ ...loadTemplate('spam-mlp')!.graph }));
    if (!edited.ok) throw new Error('spam-mlp did not parse');
    editor.load(edited.doc, { name: 'other.json' });
    expect(activeTemplate(galleryStore(editor).getState(), editor.getState().generation, editor.getState().doc.template)).toBeNull();
  });

  it('records the template in the project file, so a saved project shows its notes again when reopened', () => {
    const editor = createEditor();
    expect(openTemplate(editor, 'xor-hidden-layer', () => true).ok).toBe(true);
    const text = serializeProject(editor.getState().doc);
    expect(text.split('\n').slice(0, 5)).toContain('  "template": "xor-hidden-layer",');

    const reopened = parseProject(text);
    if (!reopened.ok) throw new Error(reopened.diagnostics[0]?.message);
    editor.load(reopened.doc, { name: 'xor.json', location: '/tmp/xor.json' });
    const gen = () => editor.getState().generation;
    expect(activeTemplate(galleryStore(editor).getState(), gen(), editor.getState().doc.template)).toBe('xor-hidden-layer');

    // Closed notes stay closed for this project; opening it again shows them.
    closeNotes(editor);
    expect(activeTemplate(galleryStore(editor).getState(), gen(), editor.getState().doc.template)).toBeNull();
    editor.load(reopened.doc, { name: 'xor.json' });
    expect(activeTemplate(galleryStore(editor).getState(), gen(), editor.getState().doc.template)).toBe('xor-hidden-layer');

    // A file naming a template the gallery does not have shows no notes and still opens.
    const unknown = parseProject(text.replace('"xor-hidden-layer"', '"not-in-this-gallery"'));
    if (!unknown.ok) throw new Error(unknown.diagnostics[0]?.message);
    editor.load(unknown.doc, { name: 'x.json' });
    expect(activeTemplate(galleryStore(editor).getState(), gen(), editor.getState().doc.template)).toBeNull();
  });

  it('leaves everything as it was when the user keeps the unsaved project, or the template does not exist', () => {
    const editor = createEditor();
    const before = editor.getState();
    expect(openTemplate(editor, 'xor-hidden-layer', () => false)).toEqual({ ok: false, message: '' });
    expect(editor.getState()).toBe(before);
    const missing = openTemplate(editor, 'no-such-template', () => true);
    expect(missing).toEqual({ ok: false, message: 'There is no template "no-such-template".' });
    expect(editor.getState()).toBe(before);
    expect(galleryStore(editor).getState().template).toBeNull();
  });

  it('knows a training-panel tab for every view a template can choose', () => {
    const views = templateMetaSchema.shape.view.options;
    expect(Object.keys(TABS_FOR_VIEW).sort()).toEqual([...views].sort());
  });
});
