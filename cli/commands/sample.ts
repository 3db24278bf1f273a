/**
 * `layerloom sample <graph.json> --weights W.safetensors [--count N] [--seed S] [--out samples.npz]`: draws
 * samples from a trained diffusion graph (ancestral sampling through its ε-predictor) and writes them as an
 * .npz (array `samples`, [N, …sample shape]) or .npy file; without --out it prints a summary.
 * Also the reading of the training section's `diffusion` object shared with `layerloom train`.
 */
import { extname } from 'node:path';
import { hasErrors, inferShapes, TrainConfigError, type GraphDoc } from '../../graph-core';
import { DEFAULT_DIFFUSION, findDiffusion, type DiffusionConfig } from '../../graph-core/train/diffusion';
import { encodeNpy, encodeNpz } from '../../exporters/pytorch/npz';
import { nodeBackend } from '../../runtime/train/backend-node';
import { sampleDiffusion } from '../../runtime/train/diffusion-trainer';
import { TrainSetupError } from '../../runtime/train/trainer';
import { EXIT, UserError, type CliIO } from '../io';
import { readWeightsFile } from '../weights-file';
import { openGraphOrTemplate } from '../template-source';
import { writeFilesAtomically } from '../atomic-write';

export const sampleHelp = `Usage: layerloom sample <graph.json> --weights W.safetensors [options]

Draws samples from a trained diffusion graph (a noise predictor with a "diffusion" training section, trained
with layerloom train): starting from Gaussian noise it runs the T ancestral steps of the graph's schedule.

  --weights PATH          the trained weights (weights.safetensors that layerloom train --out wrote)
  --count N               how many samples (default 1000)
  --seed S                seed of the starting noise and of every step's noise (default 0)
  --out FILE              write the samples: .npz (array "samples") or .npy, shape [N, …sample shape]`;

export interface SampleArgs {
  readonly file?: string;
  readonly weights?: string;
  readonly count?: string;
  readonly seed?: string;
  readonly out?: string;
}

/**
 * The training section's `diffusion` object ({"steps": T, "beta_start": β₁, "beta_end": β_T}, each optional),
 * or undefined when there is none.
 */
export function readDiffusion(fromDoc: unknown): DiffusionConfig | undefined {
  if (fromDoc === undefined || fromDoc === false) return undefined;
  if (fromDoc === true) return DEFAULT_DIFFUSION;
  if (typeof fromDoc !== 'object' || fromDoc === null || Array.isArray(fromDoc))
    throw new UserError('the training section\'s diffusion must be an object, e.g. {"steps": 50, "beta_start": 0.0001, "beta_end": 0.2}');
  const d = fromDoc as Record<string, unknown>;
  const unknown = Object.keys(d).filter((k) => !['steps', 'beta_start', 'beta_end'].includes(k));
  if (unknown.length) throw new UserError(`the training section's diffusion takes steps, beta_start and beta_end, not ${unknown.join(', ')}`);
  const field = (k: string, fallback: number) => {
    if (d[k] === undefined) return fallback;
    if (typeof d[k] !== 'number') throw new UserError(`diffusion.${k} must be a number, not ${JSON.stringify(d[k])}`);
    return d[k] as number;
  };
  return { steps: field('steps', DEFAULT_DIFFUSION.steps), betaStart: field('beta_start', DEFAULT_DIFFUSION.betaStart), betaEnd: field('beta_end', DEFAULT_DIFFUSION.betaEnd) };
}

const whole = (flag: string, v: string | undefined, fallback: number, min: number): number => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min) throw new UserError(`--${flag} must be a whole number of at least ${min}, not "${v}"`);
  return n;
};

export async function sampleCommand(io: CliIO, a: SampleArgs): Promise<number> {
  if (!a.file) throw new UserError('sample needs a graph file, e.g. layerloom sample diffusion.json --weights out/weights.safetensors');
  if (!a.weights) throw new UserError('sample needs the trained weights: --weights out/weights.safetensors');
  const count = whole('count', a.count, 1000, 1);
  const seed = whole('seed', a.seed, 0, 0);
  if (a.out && !['.npz', '.npy'].includes(extname(a.out).toLowerCase())) throw new UserError(`--out must name an .npz or .npy file, not ${a.out}`);
  const { doc } = await openGraphOrTemplate(io, a.file);
  const training = ((doc as GraphDoc).training ?? {}) as Record<string, unknown>;
  const diffusion = readDiffusion(training.diffusion);
  if (!diffusion) throw new UserError(`${a.file} has no "diffusion" in its training section: layerloom sample draws from diffusion graphs`);
  const shaped = inferShapes(doc);
  if (hasErrors(shaped.diagnostics)) throw new UserError(`${a.file} has errors; run layerloom summary ${a.file} to see them`, EXIT.diagnostics);
  const weights = await readWeightsFile(a.weights);
  let samples: { shape: number[]; data: Float32Array };
  try {
    findDiffusion(shaped);
    const missing = [...shaped.info.entries()].flatMap(([id, i]) => Object.keys(i.weights).map((w) => `${id}.${w}`)).filter((n) => !weights.has(n));
    if (missing.length) throw new UserError(`${a.weights} lacks ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}: is it from this graph?`);
    samples = await sampleDiffusion(shaped, weights, nodeBackend('native'), { count, seed, diffusion });
  } catch (e) {
    if (e instanceof TrainConfigError || e instanceof TrainSetupError) throw new UserError(e.message);
    throw e;
  }
  if (a.out) {
    const arr = { name: 'samples', shape: samples.shape, data: samples.data };
    await writeFilesAtomically([{ path: a.out, data: extname(a.out).toLowerCase() === '.npy' ? encodeNpy(arr) : encodeNpz([arr]) }]);
    io.out(`wrote ${count} samples [${samples.shape.join(', ')}] to ${a.out}\n`);
  } else {
    const d = samples.shape.slice(1).reduce((x, y) => x * y, 1);
    const mean = Array.from({ length: Math.min(d, 8) }, (_, k) => {
      let s = 0;
      for (let i = 0; i < count; i++) s += samples.data[i * d + k]!;
      return (s / count).toFixed(4);
    });
    io.out(`drew ${count} samples [${samples.shape.join(', ')}] in ${diffusion.steps} steps; mean of the first values ${mean.join(' ')} (use --out to write them)\n`);
  }
  return EXIT.ok;
}
