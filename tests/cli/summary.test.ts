import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import { chain, node } from '../helpers/graphs';

const root = new URL('../../', import.meta.url).pathname;
const lenet = join(root, 'examples/lenet5.json');

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    readText: async (p) => (await import('node:fs/promises')).readFile(p, 'utf8'),
    isTTY: false,
  };
  const code = await main(argv, io);
  return { code, out, err };
}

function tmpFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'layerloom-'));
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('layerloom summary', () => {
  it('prints a torchinfo-style table for LeNet-5 with the 61,706 total', async () => {
    const r = await run('summary', lenet);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/c1\s+Conv2d\s+\[N, 6, 28, 28\]\s+156\s+235K/);
    expect(r.out).toMatch(/flat\s+Flatten\s+\[N, 400\]/);
    expect(r.out).toMatch(/f5\s+Linear\s+\[N, 120\]\s+48,120/);
    expect(r.out).toContain('Total params: 61,706');
    expect(r.out).toContain('No problems found.');
  });

  it('--json prints exactly the documented structure', async () => {
    const r = await run('summary', lenet, '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(Object.keys(s).sort()).toEqual(['diagnostics', 'name', 'nodes', 'total_flops', 'total_params']);
    expect(s.total_params).toBe(61706);
    expect(s.diagnostics).toEqual([]);
    expect(s.nodes[1]).toEqual({ id: 'c1', kind: 'Conv2d', outputs: { out: ['N', 6, 28, 28] }, params: 156, flops: 235200 });
    expect(s.nodes.map((n: { id: string }) => n.id)).toEqual(['x', 'c1', 'a1', 's2', 'c3', 'a3', 's4', 'flat', 'f5', 'a5', 'f6', 'a6', 'out', 'loss']);
  });

  it('exits 1 and lists diagnostics (with their fix) when the graph has errors', async () => {
    const bad = chain(node('x', 'Input', { shape: [1, 8, 8] }), node('c', 'Conv2d'), node('fc', 'Linear'));
    const p = tmpFile('bad.json', JSON.stringify(bad));
    const r = await run('summary', p);
    expect(r.code).toBe(1);
    expect(r.out).toContain('1 error, 0 warnings:');
    expect(r.out).toMatch(/error RANK_MISMATCH fc\.in: Input "in" expects a \[N, features\] or \[N, T, features\] tensor, but gets \[N, 16, 6, 6\] \(rank 4\)\. Fix: Insert Flatten\./);
    const j = JSON.parse((await run('summary', p, '--json')).out);
    expect(j.diagnostics).toEqual([
      {
        code: 'RANK_MISMATCH',
        severity: 'error',
        node: 'fc',
        port: 'in',
        message: expect.stringContaining('[N, 16, 6, 6]'),
        fix: { title: 'Insert Flatten', insertLayer: { kind: 'Flatten' }, edge: 'e2' },
      },
    ]);
  });

  it.each([
    ['a missing file', ['summary', '/nonexistent/graph.json'], /^layerloom: cannot read \/nonexistent\/graph\.json: no such file\n$/],
    ['a folder', ['summary', '/tmp'], /^layerloom: cannot read \/tmp: it is a folder, not a file\n$/],
    ['no file argument', ['summary'], /^layerloom: summary needs a graph file/],
    ['an unknown command', ['sumary'], /^layerloom: unknown command "sumary"/],
    ['an unknown flag', ['summary', 'x.json', '--jsn'], /^layerloom: summary: Unknown option '--jsn'/],
  ])('exits 2 with one line for %s', async (_name, argv, pattern) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(pattern);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 for malformed JSON and for a file that is not a graph, naming where', async () => {
    const r1 = await run('summary', tmpFile('broken.json', '{"format": "layerloom.graph", "version": 1, "nodes": [}'));
    expect(r1.code).toBe(2);
    expect(r1.err).toMatch(/line 1, column \d+/);
    const r2 = await run('summary', tmpFile('other.json', JSON.stringify({ format: 'layerloom.graph', version: 1, nodes: [{ id: 3, kind: 'ReLU' }] })));
    expect(r2.code).toBe(2);
    expect(r2.err).toContain('at nodes[0].id');
    const r3 = await run('summary', tmpFile('binary.json', '\u0000\u0001PNG'));
    expect(r3.code).toBe(2);
    expect(r3.err.split('\n')[0]).toMatch(/^layerloom: cannot read .*binary\.json: The file is not a valid Layerloom graph/);
  });

  it('works as the installed `layerloom` bin (npx), with exit codes and no stack traces', () => {
    const out = execFileSync('npx', ['--no-install', 'layerloom', 'summary', lenet, '--json'], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out).total_params).toBe(61706);
    const r = spawnSync(join(root, 'bin/layerloom.mjs'), ['summary', '/nonexistent.json'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('layerloom: cannot read /nonexistent.json: no such file\n');
  });
});
