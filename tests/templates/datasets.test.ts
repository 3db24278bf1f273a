/**
 * The built-in datasets the lecture templates need: synthdigits, spam-features, xor-clusters, first-token and
 * duplicates. Glyph rendering and every label rule are checked against PyTorch (build/fixtures/
 * lecture_data_reference.py); noise and cluster statistics against their closed forms; options and bad
 * options through `layerloom train`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import { Rng } from '../../graph-core';
import { getBuiltin } from '../../runtime/data/registry';
import type { Dataset } from '../../runtime/data/dataset';
import { FONT_5X7, renderSynthDigits, synthDigitsOptions } from '../../runtime/data/builtin/synthdigits';
import { SYSTEM_PYTHON } from '../helpers/onnx-checker';

const root = new URL('../../', import.meta.url).pathname;
const load = (name: string, options: Record<string, unknown> = {}, size = 2000, seed = 0): Promise<Dataset> =>
  getBuiltin(name)!.load({ seed, size, ...(Object.keys(options).length ? { options } : {}) });

const GLYPHS = [
  { resolution: 28, scale: 3 },
  { resolution: 16, scale: 2 },
  { resolution: 32, scale: 3 },
];

let spam: Dataset;
let dups: Dataset;
let first: Dataset;
let ref: { glyphs: number[][][][]; spam: number[]; duplicates: number[][]; first: number[] };

const rows = (a: ArrayLike<number>, width: number) => Array.from({ length: a.length / width }, (_, i) => Array.from(a).slice(i * width, (i + 1) * width));

beforeAll(async () => {
  spam = await load('spam-features', {}, 1500, 1);
  dups = await load('duplicates', {}, 500);
  first = await load('first-token', { length: 12 }, 500);
  const request = {
    font: FONT_5X7,
    glyphs: GLYPHS,
    spam: { x: rows(spam.arrays.x!, 3) },
    xor: { x: [] },
    duplicates: { x: rows(dups.arrays.x!, 8) },
    first: { x: rows(first.arrays.x!, 12) },
  };
  const r = spawnSync(SYSTEM_PYTHON, [join(root, 'build/fixtures/lecture_data_reference.py')], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`the PyTorch reference failed: ${r.stderr || r.error?.message}`);
  ref = JSON.parse(r.stdout);
}, 120_000);

describe('synthdigits', () => {
  it.each(GLYPHS.map((g, i) => [g.resolution, g.resolution, g.scale, i] as const))('draws centred noise-free digits at %i×%i px, scale %i, exactly like the PyTorch reference', (resolution, _h, scale, i) => {
    const o = synthDigitsOptions({ resolution, scale, placement: 'centred', noise: 0 });
    const { x, y } = renderSynthDigits(400, o, new Rng(3));
    const seen = new Set<number>();
    for (let k = 0; k < 400; k++) {
      const image = rows(x.subarray(k * resolution * resolution, (k + 1) * resolution * resolution), resolution);
      expect(image).toEqual(ref.glyphs[i]![y[k]!]);
      seen.add(y[k]!);
    }
    expect(seen.size).toBe(10);
  });

  it('has the shapes, range and noise the options ask for; σ = 0.1 noise clamped at 0 leaves a background mean of σ/√(2π)', async () => {
    const gray = await load('synthdigits', {}, 300);
    expect(gray.inputs.x).toEqual({ shape: [1, 28, 28], dtype: 'float32' });
    const x = gray.arrays.x as Float32Array;
    expect(x.every((v) => v >= 0 && v <= 1)).toBe(true);
    // Centred ×3 glyphs (15×21 px) start at row 3, so rows 0–2 are background: N(0, 0.1²) clamped to [0, 1].
    const centred = await load('synthdigits', { placement: 'centred' }, 2000);
    const cx = centred.arrays.x as Float32Array;
    let sum = 0;
    let n = 0;
    for (let k = 0; k < 2000; k++)
      for (let r = 0; r < 3; r++)
        for (let c = 0; c < 28; c++) {
          sum += cx[k * 784 + r * 28 + c]!;
          n++;
        }
    expect(sum / n).toBeCloseTo(0.1 / Math.sqrt(2 * Math.PI), 3);
    const colour = await load('synthdigits', { resolution: 32, color: true }, 50);
    expect(colour.inputs.x).toEqual({ shape: [3, 32, 32], dtype: 'float32' });
    const small = await load('synthdigits', { resolution: 16 }, 50);
    expect(small.inputs.x).toEqual({ shape: [1, 16, 16], dtype: 'float32' });
    // Random placement moves the ink: the ink's centre of mass varies between images of the same digit.
    const centres = new Set<number>();
    for (let k = 0; k < 300; k++) {
      let m = 0;
      let w = 0;
      for (let p = 0; p < 784; p++)
        if (x[k * 784 + p]! > 0.6) {
          m += p % 28;
          w++;
        }
      centres.add(Math.round(m / w));
    }
    expect(centres.size).toBeGreaterThan(5);
  });

  it('gives the same images for the same seed and different ones for another seed', async () => {
    const a = await load('synthdigits', {}, 20, 5);
    const b = await load('synthdigits', {}, 20, 5);
    const c = await load('synthdigits', {}, 20, 6);
    expect(a.arrays.x).toEqual(b.arrays.x);
    expect(a.arrays.x).not.toEqual(c.arrays.x);
  });

  it('refuses bad options in one line that names the option', async () => {
    await expect(load('synthdigits', { resolution: 20 })).rejects.toThrow("dataset 'synthdigits': resolution must be 16, 28 or 32, not 20");
    await expect(load('synthdigits', { resolution: 16, scale: 3 })).rejects.toThrow('scale must be a whole number from 1 to 2 at resolution 16');
    await expect(load('synthdigits', { colour: true })).rejects.toThrow('unknown option colour (it has resolution, scale, placement, noise, color)');
    await expect(load('synthdigits', { noise: -1 })).rejects.toThrow('noise must be a number from 0 to 1');
  });
});

describe('lecture label rules against PyTorch', () => {
  it('spam-features: spam when x₁ + ½x₂² − x₃ > ½ (about half the e-mails)', () => {
    expect(Array.from(spam.arrays.y!)).toEqual(ref.spam);
    const rate = ref.spam.reduce((a, b) => a + b, 0) / ref.spam.length;
    expect(rate).toBeGreaterThan(0.45);
    expect(rate).toBeLessThan(0.55);
  });

  it('duplicates: 1 where the symbol occurs elsewhere in the sequence', () => {
    expect(rows(dups.arrays.y!, 8)).toEqual(ref.duplicates);
  });

  it('first-token: the label is the first symbol, with length from the options', () => {
    expect(first.inputs.x).toEqual({ shape: [12], dtype: 'int64' });
    expect(Array.from(first.arrays.y!)).toEqual(ref.first);
    expect(Math.max(...first.arrays.x!)).toBe(7);
  });

  it('noisy-sine: y − sin 2πx is N(0, σ²) noise, x uniform in [0, 1)', async () => {
    const ds = await load('noisy-sine', { sigma: 0.25 }, 20000);
    const x = ds.arrays.x!;
    const y = ds.arrays.y!;
    let m = 0;
    let v = 0;
    for (let i = 0; i < 20000; i++) {
      const r = y[i]! - Math.sin(2 * Math.PI * x[i]!);
      m += r;
      v += r * r;
      expect(x[i]).toBeGreaterThanOrEqual(0);
      expect(x[i]).toBeLessThan(1);
    }
    expect(m / 20000).toBeCloseTo(0, 2);
    expect(Math.sqrt(v / 20000)).toBeCloseTo(0.25, 2);
  });

  it('progressions: a class token, then (a + d·t) mod 10 with about 15% masked; targets only at the masks', async () => {
    const ds = await load('progressions', {}, 4000);
    expect(ds.inputs.x).toEqual({ shape: [9], dtype: 'int64' });
    const x = ds.arrays.x!;
    const y = ds.arrays.y!;
    let masked = 0;
    for (let i = 0; i < 4000; i++) {
      const seq = Array.from(x.subarray(i * 9, i * 9 + 9));
      const tgt = Array.from(y.subarray(i * 9, i * 9 + 9));
      expect(seq[0]).toBe(11);
      expect(tgt[0]).toBe(-100);
      const full = seq.map((v, t) => (v === 10 ? tgt[t]! : v)).slice(1);
      const d = (full[1]! - full[0]! + 10) % 10;
      expect(d).toBeGreaterThanOrEqual(1);
      expect(d).toBeLessThanOrEqual(4);
      full.forEach((v, t) => expect(v).toBe((full[0]! + d * t) % 10));
      const m = seq.filter((v) => v === 10).length;
      expect(m).toBeGreaterThanOrEqual(1);
      seq.forEach((v, t) => expect(tgt[t] !== -100).toBe(v === 10));
      masked += m;
    }
    // 15% of 8 terms, plus one forced mask when none was drawn (probability 0.85⁸ ≈ 0.27).
    expect(masked / 4000).toBeCloseTo(8 * 0.15 + 0.85 ** 8, 1);
  });

  it('reverse-seq2seq: src is a digit string, tgt_in is <bos> + its reverse, y is the reverse + <eos>, padded with 0', async () => {
    const ds = await load('reverse-seq2seq', { min_length: 3, max_length: 6 }, 600, 4);
    expect(ds.inputs.src!.shape).toEqual([6]);
    expect(ds.inputs.tgt_in!.shape).toEqual([7]);
    expect(ds.targets.y!.shape).toEqual([7]);
    const lengths = new Set<number>();
    for (let i = 0; i < 600; i++) {
      const src = Array.from(ds.arrays.src!.subarray(i * 6, i * 6 + 6));
      const digits = src.filter((v) => v !== 0);
      const L = digits.length;
      lengths.add(L);
      expect(src).toEqual([...digits, ...Array(6 - L).fill(0)]);
      expect(digits.every((v) => v >= 3 && v <= 12)).toBe(true);
      const rev = [...digits].reverse();
      expect(Array.from(ds.arrays.tgt_in!.subarray(i * 7, i * 7 + 7))).toEqual([1, ...rev, ...Array(6 - L).fill(0)]);
      expect(Array.from(ds.arrays.y!.subarray(i * 7, i * 7 + 7))).toEqual([...rev, 2, ...Array(6 - L).fill(0)]);
    }
    expect([...lengths].sort()).toEqual([3, 4, 5, 6]);
    await expect(load('reverse-seq2seq', { min_length: 9, max_length: 6 })).rejects.toThrow("dataset 'reverse-seq2seq': min_length must be a whole number from 1 to 6, not 9");
  });

  it('rotated-moons: source and 35°-rotated target alternate, target labels hidden as −100; domain "target" shows them', async () => {
    const both = await load('rotated-moons', {}, 400, 3);
    const label = both.arrays.label!;
    const domain = both.arrays.domain!;
    for (let i = 0; i < 400; i++) {
      expect(domain[i]).toBe(i % 2);
      if (i % 2) expect(label[i]).toBe(-100);
      else expect([0, 1]).toContain(label[i]);
    }
    // The same points un-rotated: with domain "source" and "target" and the same seed the draws coincide.
    const src = await load('rotated-moons', { domain: 'source' }, 300, 4);
    const tgt = await load('rotated-moons', { domain: 'target' }, 300, 4);
    const a = (35 * Math.PI) / 180;
    for (let i = 0; i < 300; i++) {
      const [px, py] = [src.arrays.x![2 * i]!, src.arrays.x![2 * i + 1]!];
      expect(tgt.arrays.x![2 * i]).toBeCloseTo(Math.cos(a) * px - Math.sin(a) * py, 5);
      expect(tgt.arrays.x![2 * i + 1]).toBeCloseTo(Math.sin(a) * px + Math.cos(a) * py, 5);
      expect(tgt.arrays.label![i]).toBe(src.arrays.label![i]);
      expect(tgt.arrays.domain![i]).toBe(1);
    }
    // Each moon is a half circle of radius 1 around its centre (noise σ = 0.1), shifted by (−0.5, −0.25).
    let dev = 0;
    for (let i = 0; i < 300; i++) {
      const [cx, cy] = src.arrays.label![i] ? [0.5, 0.25] : [-0.5, -0.25];
      dev += Math.abs(Math.hypot(src.arrays.x![2 * i]! - cx, src.arrays.x![2 * i + 1]! - cy) - 1);
    }
    expect(dev / 300).toBeLessThan(0.15);
    await expect(load('rotated-moons', { domain: 'other' })).rejects.toThrow(`dataset 'rotated-moons': domain must be "both", "source" or "target", not "other"`);
  });

  it('xor-clusters: four clusters at (±1, ±1) with the requested σ; the class is the sign of c₁c₂', async () => {
    for (const sigma of [0.3, 0.1]) {
      const ds = await load('xor-clusters', { sigma }, 8000);
      const x = ds.arrays.x!;
      const y = ds.arrays.y!;
      // With σ ≤ 0.3 a point lies in its corner's quadrant unless it is > 3.3σ away: the label is the sign of x₁x₂ almost always.
      let agree = 0;
      let dev = 0;
      for (let i = 0; i < 8000; i++) {
        const a = x[2 * i]!;
        const b = x[2 * i + 1]!;
        if ((a * b > 0 ? 1 : 0) === y[i]) agree++;
        dev += (a - Math.sign(a)) ** 2 + (b - Math.sign(b)) ** 2;
      }
      expect(agree / 8000).toBeGreaterThan(0.99);
      expect(Math.sqrt(dev / 16000)).toBeCloseTo(sigma, 1);
    }
  });
});

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), readText: async (p) => (await import('node:fs/promises')).readFile(p, 'utf8'), isTTY: false };
  return { code: await main(argv, io), out, err };
}

describe('dataset_options in the training section', () => {
  const graph = (training: Record<string, unknown>, shape = [1, 16, 16]) => {
    const file = join(mkdtempSync(join(tmpdir(), 'layerloom-tpl-data-')), 'g.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'layerloom.graph',
        version: 1,
        nodes: [
          { id: 'x', kind: 'Input', params: { shape } },
          { id: 'f', kind: 'Flatten' },
          { id: 'fc', kind: 'Linear', params: { out_features: 10 } },
          { id: 'loss', kind: 'CrossEntropyLoss' },
        ],
        edges: [
          { id: 'a', from: { node: 'x' }, to: { node: 'f' } },
          { id: 'b', from: { node: 'f' }, to: { node: 'fc' } },
          { id: 'c', from: { node: 'fc' }, to: { node: 'loss' } },
        ],
        training,
      }),
    );
    return file;
  };

  it('passes size and generator options to the built-in dataset', async () => {
    const r = await cli('train', graph({ dataset: 'synthdigits', dataset_options: { size: 200, resolution: 16 }, epochs: 1, val_split: 0.5 }), '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // 100 training samples in full batches of 32: 3 steps.
    expect(r.out.trim().split('\n').filter((l) => l.includes('"type":"step"'))).toHaveLength(3);
  });

  it('refuses an option the dataset does not have, or a bad size, in one line', async () => {
    let r = await cli('train', graph({ dataset: 'synthdigits', dataset_options: { resolutoin: 16 } }));
    expect(r.code).toBe(2);
    expect(r.err).toBe("layerloom: dataset 'synthdigits' has no option resolutoin (its options: size, resolution, scale, placement, noise, color)\n");
    r = await cli('train', graph({ dataset: 'spirals', dataset_options: { sigma: 1 } }, [2]));
    expect(r.err).toBe("layerloom: dataset 'spirals' has no option sigma (its only option is size)\n");
    r = await cli('train', graph({ dataset: 'synthdigits', dataset_options: { size: 0.5 } }));
    expect(r.err).toBe('layerloom: dataset_options.size must be a whole number ≥ 1, not 0.5\n');
    r = await cli('train', graph({ dataset: 'synthdigits', dataset_options: [16] }));
    expect(r.err).toBe('layerloom: the training section\'s dataset_options must be an object, e.g. {"size": 3000}\n');
    r = await cli('train', graph({ dataset: 'synthdigits', dataset_options: { resolution: 20 } }));
    expect(r.err).toBe("layerloom: dataset 'synthdigits': resolution must be 16, 28 or 32, not 20\n");
  });
});
