/** `layerloom templates`, `layerloom new` and `layerloom train` with a template id or folder. */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import { listTemplates, loadTemplate } from '../../templates';

const root = new URL('../../', import.meta.url).pathname;

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), readText: async (p) => (await import('node:fs/promises')).readFile(p, 'utf8'), isTTY: false };
  return { code: await main(argv, io), out, err };
}
const tmp = () => mkdtempSync(join(tmpdir(), 'layerloom-templates-'));

describe('layerloom templates', () => {
  it('--json prints id, title, topic and expected result of every template, in gallery order', async () => {
    const r = await cli('templates', '--json');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as { id: string; title: string; topic: string; expected: string }[];
    expect(list).toEqual(listTemplates().map((t) => ({ id: t.id, title: t.title, topic: t.topic, expected: t.expected })));
    expect(list[0]).toEqual({ id: 'spam-mlp', title: 'Spam filter MLP', topic: 'mlp', expected: 'validation accuracy > 95%' });
  });

  it('prints a table for people, with the number of templates', async () => {
    const r = await cli('templates');
    expect(r.code).toBe(0);
    expect(r.out).toContain('G16 Why positional encoding? (Transformer encoder)');
    expect(r.out).toContain(`${listTemplates().length} templates.`);
  });
});

describe('layerloom new', () => {
  it('writes the template graph, with its training section, as a graph file that the other commands read', async () => {
    const out = join(tmp(), 'model.json');
    const r = await cli('new', 'cnn-in-operation', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`wrote ${out}: G6 CNN in operation (the exam network) (7 layers). Train it with: layerloom train ${out}\n`);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ ...loadTemplate('cnn-in-operation')!.graph, template: 'cnn-in-operation' });
    const s = await cli('summary', out, '--json');
    expect(s.code).toBe(0);
    expect(JSON.parse(s.out).total_params).toBe(2766);
  });

  it('refuses to overwrite without --force, an unknown id, a missing folder, in one line each, leaving no file behind', async () => {
    const dir = tmp();
    const out = join(dir, 'model.json');
    writeFileSync(out, 'mine');
    let r = await cli('new', 'spam-mlp', out);
    expect([r.code, r.err]).toEqual([2, `layerloom: ${out} exists; choose another name or add --force to overwrite it\n`]);
    expect(readFileSync(out, 'utf8')).toBe('mine');
    r = await cli('new', 'spam-mlp', out, '--force');
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).name).toBe('Spam filter MLP');
    r = await cli('new', 'spam-mpl', join(dir, 'b.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^layerloom: there is no template "spam-mpl" \(templates: spam-mlp, /);
    r = await cli('new', 'spam-mlp', join(dir, 'no', 'such', 'c.json'));
    expect([r.code, r.err]).toEqual([2, `layerloom: cannot write ${join(dir, 'no', 'such', 'c.json')}: its folder does not exist\n`]);
    r = await cli('new', 'spam-mlp');
    expect(r.err).toBe('layerloom: new needs a template id and an output file, e.g. layerloom new spam-mlp model.json\n');
    expect(readdirSync(dir).sort()).toEqual(['model.json']);
  });
});

describe('layerloom train with a template', () => {
  it('trains a template folder (a copy of one) and reports whether the expected result was reached', async () => {
    const dir = join(tmp(), 'xor');
    cpSync(join(root, 'templates', 'xor-hidden-layer'), dir, { recursive: true });
    const r = await cli('train', dir, '--quick');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^training XOR with one hidden layer on 'xor-clusters' \(400 training samples, batch 400\) with Adam, lr 0.05, on native\n/);
    expect(r.out).toMatch(/\nxor-hidden-layer \(quick\): val_loss\.accuracy [01]\.\d{4} > 0\.9: expected result reached\n$/);
    expect(r.out.match(/^epoch \d+:/gm)).toHaveLength(150);
  });

  it('lets flags override the template settings; the check still reports honestly when it is missed', async () => {
    const r = await cli('train', 'xor-hidden-layer', '--epochs', '1', '--json');
    expect(r.code).toBe(0);
    const verdict = JSON.parse(r.out.trim().split('\n').at(-1)!);
    expect(verdict).toMatchObject({ type: 'expected', template: 'xor-hidden-layer', quick: false, metric: 'val_loss.accuracy', op: '>', threshold: 0.95, reached: false });
  });

  it('refuses --quick for a plain graph file, an unknown template, and a broken template.json, in one line', async () => {
    let r = await cli('train', join(root, 'examples', 'spiral-mlp.json'), '--quick');
    expect(r.err).toBe('layerloom: --quick is for templates: give a template id or folder, e.g. layerloom train spam-mlp --quick\n');
    r = await cli('train', 'no-such-template');
    expect(r.err).toMatch(/^layerloom: "no-such-template" is neither a file nor a template \(templates: spam-mlp, .*\)\n$/);
    const dir = join(tmp(), 'broken');
    cpSync(join(root, 'templates', 'spam-mlp'), dir, { recursive: true });
    writeFileSync(join(dir, 'template.json'), '{"id": "spam-mlp"');
    r = await cli('train', dir);
    expect(r.err).toBe(`layerloom: cannot read ${join(dir, 'template.json')}: it is not valid JSON\n`);
    writeFileSync(join(dir, 'template.json'), JSON.stringify({ ...loadTemplate('spam-mlp')!.meta, quick: undefined }));
    r = await cli('train', dir);
    expect(r.err).toBe(`layerloom: cannot read ${join(dir, 'template.json')}: quick: Invalid input: expected object, received undefined\n`);
    expect(existsSync(join(dir, 'checkpoint'))).toBe(false);
  });
});
