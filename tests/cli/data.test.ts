import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asciiArt } from '../../cli/commands/data';
import type { CliIO } from '../../cli/io';
import { main } from '../../cli/main';
import { builtinDatasets } from '../../runtime/data/registry';

const root = new URL('../../', import.meta.url).pathname;

async function run(argv: string[], isTTY = false) {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    readText: async (p) => (await import('node:fs/promises')).readFile(p, 'utf8'),
    isTTY,
  };
  const code = await main(argv, io);
  return { code, out, err };
}

function tmpFile(name: string, content: string): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'layerloom-data-'));
  const path = join(dir, name);
  writeFileSync(path, content);
  return { dir, path };
}

describe('layerloom data list', () => {
  it('prints one row per built-in dataset with task, shapes, size and lecture', async () => {
    const r = await run(['data', 'list']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    for (const b of builtinDatasets) expect(r.out).toMatch(new RegExp(`^${b.info.name}\\s+${b.info.task}\\s`, 'm'));
    expect(r.out).toMatch(/^spirals\s+classification\s+x \[2\] float32\s+y \[\] int64\s+3,000\s+Multi-layer perceptrons/m);
    expect(r.out).toMatch(/^timeseries\s+regression\s+x \[20, 1\] float32\s+y \[1\] float32\s+3,000\s+Recurrent networks for forecasting/m);
    expect(r.out).toContain(`${builtinDatasets.length} built-in datasets.`);
  });

  it('--json lists every dataset with its shapes, size, split and lecture', async () => {
    const r = await run(['data', 'list', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as { name: string }[];
    expect(list.map((d) => d.name)).toEqual(builtinDatasets.map((b) => b.info.name));
    expect(list.find((d) => d.name === 'addition')).toEqual({
      name: 'addition',
      title: 'Addition of digit strings',
      task: 'sequence-to-sequence',
      description: expect.stringContaining('"a+b="'),
      lecture: 'Sequence-to-sequence models',
      origin: 'generated',
      inputs: { x: { shape: [8], dtype: 'int64' } },
      targets: { y: { shape: [8], dtype: 'int64' } },
      vocabSize: 13,
      defaultSize: 5000,
      defaultSplit: { val: 0.1, test: 0.1 },
    });
  });
});

describe('layerloom data preview', () => {
  it('shows shapes, value ranges, class balance and --n samples of a built-in dataset', async () => {
    const r = await run(['data', 'preview', 'spirals', '--n', '3']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('spirals: Spirals (classification)');
    expect(r.out).toContain('Samples: 3,000; default split 70 / 15 / 15 % (train / val / test)');
    expect(r.out).toMatch(/^x\s+input\s+\[2\] float32\s+-?\d/m);
    expect(r.out).toMatch(/^y\s+target\s+\[\] int64\s+0\s+2\s/m);
    expect(r.out).toContain('Class balance of y:');
    expect(r.out).toMatch(/^ {2}0 arm 0 {2}1,000 {3}33\.3% {2}█+$/m);
    const samples = r.out.split('samples (seed 0):\n')[1]!.trimEnd().split('\n');
    expect(samples).toHaveLength(3);
    for (const s of samples) expect(s).toMatch(/^ {2}#\d+\s+x = \[-?\d\.\d{3}, -?\d\.\d{3}\] {2}y = \d \(arm \d\)$/);
  });

  it('is deterministic for a seed, and another seed shows other samples', async () => {
    const a = await run(['data', 'preview', 'moons', '--seed', '3', '--json']);
    const b = await run(['data', 'preview', 'moons', '--seed', '3', '--json']);
    const c = await run(['data', 'preview', 'moons', '--seed', '4', '--json']);
    expect(a.out).toBe(b.out);
    expect(JSON.parse(a.out).samples).not.toEqual(JSON.parse(c.out).samples);
  });

  it('decodes token ids with the vocabulary and drops the trailing padding', async () => {
    const r = await run(['data', 'preview', 'addition', '--n', '4']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Token counts of y (every position):');
    const samples = r.out.split('samples (seed 0):\n')[1]!.trim().split('\n');
    expect(samples).toHaveLength(4);
    for (const s of samples) {
      const m = /x = "(\d+)\+(\d+)=" .* y = "(\d+)"/.exec(s);
      expect(m, s).not.toBeNull();
      expect(Number(m![3])).toBe(Number(m![1]) + Number(m![2]));
    }
  });

  it('--json gives the structure with stats, balance and samples', async () => {
    const r = await run(['data', 'preview', 'xor', '--n', '2', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({
      name: 'xor',
      size: 2000,
      seed: 0,
      inputs: { x: { shape: [2], dtype: 'float32' } },
      targets: { y: { shape: [], dtype: 'int64' } },
      classNames: ['same sign', 'different signs'],
      warnings: [],
      balance: { array: 'y', perPosition: false, counts: [{ value: 0, label: 'same sign', count: 1000 }, { value: 1, label: 'different signs', count: 1000 }] },
    });
    expect(j.stats.x.min).toBeGreaterThanOrEqual(-1);
    expect(j.stats.x.max).toBeLessThanOrEqual(1);
    expect(j.samples).toHaveLength(2);
    for (const s of j.samples) expect(s.y[0]).toBe(s.x[0] * s.x[1] < 0 ? 1 : 0);
  });

  it('draws digits as ASCII art on a terminal, and describes them otherwise', async () => {
    const tty = await run(['data', 'preview', 'digits', '--n', '1'], true);
    expect(tty.code).toBe(0);
    const lines = tty.out.split('1 sample (seed 0):\n')[1]!.replace(/\n$/, '').split('\n');
    expect(lines[0]).toMatch(/^ {2}#\d+ {2}y = \d \(\d\)$/);
    const art = lines.slice(1);
    expect(art).toHaveLength(14); // 28 rows, two per line
    for (const l of art) expect(l).toMatch(/^ {6}[ .:\-=+*#%@]{28}$/);
    expect(art.join('')).toMatch(/[#%@]/);
    const plain = await run(['data', 'preview', 'digits', '--n', '1']);
    expect(plain.out).toMatch(/#\d+ {2}x = image \[1, 28, 28\] float32, values 0 to 1 {2}y = \d \(\d\)/);
    expect(plain.out).not.toMatch(/^ {6}.*[#%@]/m);
  });

  it('asciiArt maps dark to space and bright to @, averaging each pair of rows', () => {
    // a 4×8 image: left half 0, right half 1; one [1, H, W] and one [H, W]
    const img = Float32Array.from({ length: 32 }, (_, i) => (i % 8 >= 4 ? 1 : 0));
    expect(asciiArt(img, [1, 4, 8])).toEqual(['    @@@@', '    @@@@']);
    expect(asciiArt(img, [4, 8])).toEqual(['    @@@@', '    @@@@']);
    const ramp = Float32Array.from([0, 0.5, 1, 0, 0.5, 1]);
    expect(asciiArt(ramp, [2, 3])).toEqual([' +@']);
  });

  it('previews a CSV file through the importers', async () => {
    const { path } = tmpFile('pets.csv', 'weight,height,kind\n4,25,cat\n30,60,dog\n5,24,cat\n');
    const r = await run(['data', 'preview', path]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^x\s+input\s+\[2\] float32/m);
    expect(r.out).toMatch(/^ {2}0 cat {2}2 {3}66\.7%/m);
    expect(r.out).toMatch(/^ {2}1 dog {2}1 {3}33\.3%/m);
    expect(r.out.split('samples (seed 0):\n')[1]!.trim().split('\n')).toHaveLength(3);
  });

  it.each([
    ['an unknown name, with a suggestion', ['data', 'preview', 'spiral'], /^layerloom: there is no built-in dataset called "spiral" and no such file\. Did you mean "spirals"\?/],
    ['a missing file', ['data', 'preview', '/nonexistent/data.csv'], /^layerloom: \/nonexistent\/data\.csv: no such file/],
    ['no subcommand', ['data'], /^layerloom: data needs a subcommand: list, preview or dump/],
    ['an unknown subcommand', ['data', 'show'], /^layerloom: unknown data subcommand "show"/],
    ['no dataset', ['data', 'preview'], /^layerloom: data preview needs one dataset name or file/],
    ['--n 0', ['data', 'preview', 'xor', '--n', '0'], /^layerloom: --n must be a whole number from 1 to 1,000, not "0"$/m],
    ['--n abc', ['data', 'preview', 'xor', '--n', 'abc'], /^layerloom: --n must be a whole number/],
    ['--seed -1', ['data', 'preview', 'xor', '--seed=-1'], /^layerloom: --seed must be a whole number/],
    ['--label on a built-in', ['data', 'preview', 'xor', '--label', 'y'], /^layerloom: --label is only for data files$/m],
    ['arguments to list', ['data', 'list', 'spirals'], /^layerloom: data list takes no arguments$/m],
    ['an unknown flag', ['data', 'list', '--nn', '3'], /^layerloom: data: Unknown option '--nn'/],
    ['a data flag given to summary', ['summary', 'x.json', '--n', '3'], /^layerloom: summary: Unknown option '--n'/],
  ])('exits 2 with one line for %s', async (_name, argv, pattern) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(pattern);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('reports a broken file in one line naming the file and line, and writes nothing', async () => {
    const { dir, path } = tmpFile('ragged.csv', 'a,b,label\n1,2,x\n3,4\n');
    const r = await run(['data', 'preview', path]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`layerloom: ${path}, line 3: expected 3 fields, found 2\n`);
    expect(readdirSync(dir)).toEqual(['ragged.csv']);
  });

  it('is listed in the top-level help and has its own --help', async () => {
    expect((await run(['--help'])).out).toMatch(/data list \[--json\]/);
    const h = await run(['data', '--help']);
    expect(h.code).toBe(0);
    expect(h.out).toContain('layerloom data preview <name | file> [--n 8]');
  });

  it('works as the installed bin, without stack traces', () => {
    const ok = spawnSync(join(root, 'bin/layerloom.mjs'), ['data', 'preview', 'parity', '--n', '2'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/x = "[01]{16}" .* y = [01] \((even|odd)\)/);
    const bad = spawnSync(join(root, 'bin/layerloom.mjs'), ['data', 'preview', 'nosuchset'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('layerloom: there is no built-in dataset called "nosuchset" and no such file. Run "layerloom data list" to see them.\n');
  });
});
