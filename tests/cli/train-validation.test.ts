/**
 * The training section's "validation": a second dataset measures the model while every sample of the first one
 * trains. A classifier trained on centred digits scores well on centred validation digits and badly on randomly
 * placed ones, which only a validation set from another distribution can show. Bad validation settings stop
 * with one line and exit 2, before any training.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import type { GraphDoc } from '../../graph-core';
import { chain, node } from '../helpers/graphs';

const work = mkdtempSync(join(tmpdir(), 'layerloom-train-validation-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    readText: async (p) => (await import('node:fs/promises')).readFile(p, 'utf8'),
    isTTY: false,
  };
  return { code: await main(argv, io), out, err };
}

/** A 16×16 digit classifier trained on 600 centred digits, validated on `validation`. */
function digits(name: string, validation: unknown): string {
  const g: GraphDoc = {
    ...chain(node('x', 'Input', { shape: [1, 16, 16] }), node('flat', 'Flatten'), node('fc1', 'Linear', { out_features: 64 }), node('a', 'ReLU'), node('fc2', 'Linear', { out_features: 10 }), node('loss', 'CrossEntropyLoss')),
    training: {
      dataset: 'synthdigits',
      dataset_options: { size: 600, resolution: 16, placement: 'centred' },
      seed: 0,
      optimizer: 'adam',
      lr: 0.003,
      batch_size: 50,
      epochs: 4,
      validation,
    },
  };
  const path = join(work, `${name}.json`);
  writeFileSync(path, JSON.stringify(g));
  return path;
}

async function epochs(graph: string): Promise<Record<string, number>[]> {
  const r = await run('train', graph, '--json');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return r.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number> & { type: string })
    .filter((e) => e.type === 'epoch');
}

describe('training.validation', () => {
  it('trains on every sample of the training set and measures on the validation set', async () => {
    const centred = await epochs(digits('centred', { dataset: 'synthdigits', dataset_options: { size: 400, resolution: 16, placement: 'centred' } }));
    const shifted = await epochs(digits('shifted', { dataset: 'synthdigits', dataset_options: { size: 400, resolution: 16, placement: 'random' }, seed: 5 }));
    // All 600 training samples train: 12 steps of 50 per epoch (a 0.2 split would leave 480, 9 steps).
    expect(centred.map((e) => e.step)).toEqual([12, 24, 36, 48]);
    expect(shifted.map((e) => e.step)).toEqual([12, 24, 36, 48]);
    // Same training data, same seed: identical training, so the training metrics agree exactly.
    expect(shifted.map((e) => e.loss)).toEqual(centred.map((e) => e.loss));
    const last = (e: Record<string, number>[]) => e.at(-1)!['val_loss.accuracy']!;
    expect(last(centred)).toBeGreaterThan(0.9);
    expect(last(shifted)).toBeLessThan(0.5);
    expect(shifted.at(-1)!.val_loss!).toBeGreaterThan(2 * centred.at(-1)!.val_loss!);
  }, 120_000);

  it.each([
    ['a dataset with other shapes', { dataset: 'spirals' }, /validation: the validation dataset's "x" is float32 \[2\], the training dataset's float32 \[1, 16, 16\]: they must match/],
    ['no dataset name', { dataset_options: { size: 10 } }, /validation must be an object naming a dataset/],
    ['an unknown key', { dataset: 'synthdigits', val_split: 0.5 }, /validation has unknown key "val_split"/],
    ['options that are not an object', { dataset: 'synthdigits', dataset_options: 5 }, /validation.dataset_options must be an object/],
    ['a bad seed', { dataset: 'synthdigits', seed: -1 }, /validation.seed must be a whole number/],
    ['an unknown dataset', { dataset: 'no-such-data' }, /no-such-data/],
  ])('refuses %s with one line', async (name, validation, message) => {
    const out = join(work, `out-${name.replace(/\W+/g, '-')}`);
    const r = await run('train', digits(name.replace(/\W+/g, '-'), validation), '--json', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
    expect(existsSync(out)).toBe(false);
  });
});
