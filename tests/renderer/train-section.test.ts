/**
 * The training panel trains a project exactly as `layerloom train` does: the settings of the training section
 * that the panel does not edit (dataset_options, a separate validation set, steps, momentum, beta1, clip_norm,
 * WGAN's gan_loss / n_critic / clip_value) reach the panel's runs too. Each case trains the same project with a
 * TrainingSession (as the app's worker runs it) and with the command line, both on native onnxruntime with the
 * same seed, and compares every step's loss; a diffusion project and a broken section are refused in one line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import type { GraphDoc } from '../../graph-core';
import { nodeBackend } from '../../runtime/train/backend-node';
import type { FromWorker } from '../../renderer/train/protocol';
import { TrainingSession } from '../../renderer/train/session';
import { readSettings } from '../../renderer/train/settings';
import { loadTemplate } from '../../templates';

async function cliLosses(doc: GraphDoc): Promise<{ losses: number[]; epochs: Record<string, unknown>[] }> {
  const file = join(mkdtempSync(join(tmpdir(), 'll-section-')), 'model.json');
  writeFileSync(file, JSON.stringify(doc));
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += t), err: (t) => void (err += t), readText: async (p) => (await import('node:fs/promises')).readFile(p, 'utf8'), isTTY: false };
  const code = await main(['train', file, '--json'], io);
  if (code !== 0) throw new Error(err);
  const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  return { losses: lines.filter((l) => l.type === 'step').map((l) => l.loss as number), epochs: lines.filter((l) => l.type === 'epoch') };
}

async function panelRun(doc: GraphDoc): Promise<FromWorker[]> {
  const messages: FromWorker[] = [];
  const session = new TrainingSession({ backend: () => nodeBackend('native'), probeBackend: () => nodeBackend('native'), post: (m) => void messages.push(m) });
  const settings = readSettings(doc.training);
  await session.handle({ type: 'start', doc, settings, data: { builtin: settings.dataset }, backend: 'native' });
  return messages;
}

const stepLosses = (ms: FromWorker[]) => ms.filter((m): m is Extract<FromWorker, { type: 'step' }> => m.type === 'step').map((m) => m.e.loss);

function template(id: string, training: Record<string, unknown>): GraphDoc {
  const t = loadTemplate(id)!;
  return { ...t.graph, training: { ...t.graph.training, ...training } };
}

describe('the training panel honours the training section like layerloom train', () => {
  it.each([
    // SGD with momentum on 600 generated samples (dataset_options.size).
    ['vanishing-gradients', { steps: 6 }],
    // A 32×32 colour synthdigits (dataset_options resolution and color); without them the model cannot bind.
    ['cnn-in-operation', { steps: 3 }],
    // Sequences of length 20 (dataset_options.length) and gradient clipping (clip_norm).
    ['long-term-memory', { steps: 4 }],
    // A GAN with Adam's beta1 0.5 from the section, for a fixed number of steps.
    ['gan-ring', { steps: 5 }],
    // WGAN: critic losses, 5 critic steps per generator step, weight clipping at 0.01.
    ['gan-ring', { steps: 6, gan_loss: 'wasserstein', optimizer: 'rmsprop', lr: 5e-5 }],
  ] as const)('%s %j: every step loss equals the command line\'s', { timeout: 120_000 }, async (id, training) => {
    const doc = template(id, training);
    const panel = await panelRun(doc);
    expect(panel.find((m) => m.type === 'error')).toBeUndefined();
    const started = panel.find((m): m is Extract<FromWorker, { type: 'started' }> => m.type === 'started')!;
    expect(started.info.totalSteps).toBe(training.steps);
    const cli = await cliLosses(doc);
    const ours = stepLosses(panel);
    expect(ours).toHaveLength(training.steps);
    expect(cli.losses).toHaveLength(training.steps);
    for (let i = 0; i < ours.length; i++) expect(ours[i], `step ${i + 1}`).toBeCloseTo(cli.losses[i]!, 5);
  });

  it('validates on the separate validation set the section names, as the command line does', { timeout: 120_000 }, async () => {
    // data-augmentation: 2000 centred training digits, 1000 randomly placed ones to validate on.
    const doc = template('data-augmentation', { epochs: 1 });
    const panel = await panelRun(doc);
    const started = panel.find((m): m is Extract<FromWorker, { type: 'started' }> => m.type === 'started')!;
    expect(started.info).toMatchObject({ trainSamples: 2000, valSamples: 1000 });
    const epoch = panel.find((m): m is Extract<FromWorker, { type: 'epoch' }> => m.type === 'epoch')!;
    const cli = await cliLosses(doc);
    expect(epoch.e.val!.loss).toBeCloseTo(cli.epochs[0]!.val_loss as number, 5);
    expect(stepLosses(panel).slice(0, 5).map((v) => v.toFixed(5))).toEqual(cli.losses.slice(0, 5).map((v) => v.toFixed(5)));
  });

  it('refuses a diffusion project and a section setting that cannot work in one line, training nothing', async () => {
    const diffusion = await panelRun(template('toy-diffusion', {}));
    const e1 = diffusion.find((m): m is Extract<FromWorker, { type: 'error' }> => m.type === 'error')!;
    expect(e1.message).toMatch(/^This is a diffusion model .*layerloom train/);
    const bad = await panelRun(template('spam-mlp', { momentum: 3 }));
    const e2 = bad.find((m): m is Extract<FromWorker, { type: 'error' }> => m.type === 'error')!;
    expect(e2.message).toBe("The project's training section: the training section's momentum must be a number ≥ 0 and ≤ 1, not 3");
    const options = await panelRun(template('spam-mlp', { dataset_options: { size: 100, colour: true } }));
    expect(options.find((m): m is Extract<FromWorker, { type: 'error' }> => m.type === 'error')!.message).toBe("The project's training section: dataset 'spam-features' has no option colour (its only option is size)");
    for (const ms of [diffusion, bad, options]) expect(ms.filter((m) => m.type === 'step')).toHaveLength(0);
  });
});
