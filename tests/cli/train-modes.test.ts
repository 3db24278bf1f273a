/**
 * layerloom train's teaching modes: per-layer gradient norms in the step records, adversarial training and
 * evaluation under attack, from flags or from the graph's training section, and their input errors.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import type { GraphDoc } from '../../graph-core';
import { chain, node } from '../helpers/graphs';

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

function graphFile(training?: Record<string, unknown>): string {
  const doc: GraphDoc = {
    ...chain(node('x', 'Input', { shape: [2] }), node('fc1', 'Linear', { out_features: 16 }), node('act', 'ReLU'), node('fc2', 'Linear', { out_features: 2 }), node('ce', 'CrossEntropyLoss')),
    ...(training ? { training } : {}),
  };
  const file = join(mkdtempSync(join(tmpdir(), 'layerloom-modes-')), 'mlp.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

const records = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('layerloom train modes', () => {
  it('--grad-norms adds gradnorm:<id> for every layer with weights to each step record', async () => {
    const r = await run('train', graphFile(), '--dataset', 'moons', '--steps', '3', '--grad-norms', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const steps = records(r.out).filter((e) => e.type === 'step');
    expect(steps).toHaveLength(3);
    for (const s of steps) {
      expect(Object.keys(s).filter((k) => k.startsWith('gradnorm:'))).toEqual(['gradnorm:fc1', 'gradnorm:fc2']);
      expect(s['gradnorm:fc1']).toBeGreaterThan(0);
    }
  });

  it('--adversarial pgd trains on attacked batches and --attack-eval reports accuracy under attack', async () => {
    const r = await run('train', graphFile(), '--dataset', 'moons', '--epochs', '2', '--adversarial', 'pgd', '--eps', '0.2', '--attack-steps', '3', '--attack-eval', 'fgsm', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const attack = records(r.out).find((e) => e.type === 'attack')!;
    expect(attack).toMatchObject({ attack: 'fgsm', eps: 0.2, on: 'validation', samples: 400 });
    expect(attack['attacked_ce.accuracy']).toBeLessThanOrEqual(attack['clean_ce.accuracy'] as number);
    expect(attack['clean_ce.accuracy']).toBeGreaterThan(0.6);
  });

  it('reads the attack settings from the training section, and prints accuracy before and after the attack', async () => {
    const file = graphFile({ dataset: 'moons', epochs: 1, val_split: 0, attack_eval: { attack: 'pgd', eps: 0.3, steps: 5, clamp: [-3, 3] } });
    const r = await run('train', file);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/under PGD \(eps 0\.3\) on 2000 training samples: accuracy [\d.]+% → [\d.]+%/);
  });

  it('refuses a wrong attack setting with one line for a person', async () => {
    for (const args of [
      ['--adversarial', 'bim'],
      ['--adversarial', 'pgd', '--eps', '0'],
      ['--attack-eval', 'fgsm', '--clamp', '1,0'],
      ['--adversarial', 'pgd', '--attack-steps', '1.5'],
      ['--adversarial', 'pgd', '--adv-fraction', '2'],
    ]) {
      const r = await run('train', graphFile(), '--dataset', 'moons', '--steps', '1', ...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.err).not.toMatch(/\n\s+at /);
    }

    // A model of token ids has no float input to perturb: refused before training, as a user mistake.
    const tokens = join(mkdtempSync(join(tmpdir(), 'layerloom-modes-')), 'tokens.json');
    writeFileSync(
      tokens,
      JSON.stringify(chain(node('x', 'Input', { shape: [16], dtype: 'int64' }), node('emb', 'Embedding', { num_embeddings: 10, embedding_dim: 4 }), node('flat', 'Flatten'), node('fc', 'Linear', { out_features: 2 }), node('ce', 'CrossEntropyLoss'))),
    );
    const r = await run('train', tokens, '--dataset', 'parity', '--steps', '1', '--adversarial', 'fgsm');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^layerloom: --adversarial: .*no float input/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
