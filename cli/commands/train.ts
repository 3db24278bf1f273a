/**
 * `layerloom train graph.json [--dataset NAME|path] [--epochs E | --steps S] [--batch-size B]
 *   [--optimizer sgd|adam|adamw|rmsprop] [--lr X] [--momentum M] [--weight-decay W] [--seed S] [--no-shuffle]
 *   [--val-split F] [--backend native|wasm] [--out DIR] [--resume DIR] [--json]
 *   [--label COLUMN] [--image-size HxW] [--color grayscale|rgb] [--tokenize char|word] [--seq-len N]`
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildInputGradientStep, hasErrors, inferShapes, TrainConfigError, type GraphDoc, type RawParamValue } from '../../graph-core';
import { findGan, GAN_OBJECTIVES, type GanGraph } from '../../graph-core/train/gan-step';
import { exportGraph } from '../../exporters/export-graph';
import { decodeSafetensors, encodeSafetensors } from '../../exporters/safetensors';
import { checkSchedule, scheduleKinds, type ScheduleSpec } from '../../graph-core/optimizers/schedules';
import { bindDataset } from '../../runtime/data/bind';
import { standardizeCsv, type CsvDataset } from '../../runtime/data/import/csv';
import { splitIndices } from '../../runtime/data/split';
import type { Dataset } from '../../runtime/data/dataset';
import { DataError } from '../../runtime/data/errors';
import { loadDatasetFile, type ImportOptions } from '../../runtime/data/node/load-file';
import { getBuiltin } from '../../runtime/data/registry';
import { nodeBackend } from '../../runtime/train/backend-node';
import { GanTrainer } from '../../runtime/train/gan-trainer';
import { DiffusionTrainer, sampleDiffusion } from '../../runtime/train/diffusion-trainer';
import { encodeNpz } from '../../exporters/pytorch/npz';
import { readDiffusion } from './sample';
import { dataRange, evaluateUnderAttack } from '../../runtime/train/attack';
import { builtinLoadOptions, readAttackSpec, readValidation, TrainingSectionError, type AdversarialSpec } from '../../runtime/train/training-section';
import { Trainer, TrainSetupError, type EpochEvent, type StepEvent } from '../../runtime/train/trainer';
import { writeFilesAtomically } from '../atomic-write';
import { readWeightsFile } from './export';
import { describeReadError, EXIT, UserError, type CliIO } from '../io';
import { describeCheck, openGraphOrTemplate } from '../template-source';
import { passes } from '../../templates';
import { HeldOutError, withValidationSet } from '../../runtime/data/held-out';
import { existsSync, statSync } from 'node:fs';

export const trainHelp = `Usage: layerloom train <graph.json> [options]

Trains the graph on a dataset with onnxruntime and reports progress. Flags override the graph's
"training" section.

  --dataset NAME|PATH     a built-in dataset (see: layerloom data list), a CSV file, an image folder,
                          a text file or an .npz file (arrays named after the Input ids, plus y)
  --epochs E | --steps S  how long to train (default 10 epochs)
  --batch-size B          samples per step (default 32)
  --optimizer NAME        sgd, adam, adamw or rmsprop (default adam)
  --lr X                  learning rate (default 0.001 for adam/adamw/rmsprop, 0.01 for sgd)
  --momentum M            SGD/RMSprop momentum
  --weight-decay W        weight decay
  --clip-norm C           clip gradients to this global norm
  --schedule KIND         learning-rate schedule: constant (default), step or cosine (over the whole run)
  --step-size N           step schedule: multiply the rate by --gamma (default 0.1) every N steps
  --gamma G               step schedule: the factor
  --warmup-steps N        ramp the rate up linearly over the first N steps
  --seed S                seed for weights, shuffling and dropout (same seed as export gives the same weights)
  --no-shuffle            keep the dataset order
  --val-split F           fraction held out for validation (default 0.2; 0 trains on every sample)
  --backend native|wasm   onnxruntime-node (default) or onnxruntime-web's WASM
  --out DIR               write metrics.jsonl, model.onnx, weights.safetensors, checkpoint/ and graph.json
  --resume DIR            continue from DIR/checkpoint
  --from-weights PATH     start from the weights in a safetensors file (e.g. the one layerloom import writes)
  --json                  print one JSON object per step and per epoch instead of a progress bar
  --grad-norms            report each layer's weight-gradient norm in every step (JSON keys gradnorm:<id>)

Adversarial examples (classifiers with float inputs; the model is attacked in eval mode):
  --adversarial fgsm|pgd  adversarial training: each batch is replaced by its attacked version
  --attack-eval fgsm|pgd  after training, report the loss and metrics on the validation samples under attack
  --eps X                 the attack's L∞ radius (default 0.1)
  --alpha X               PGD step size (default eps/4)
  --attack-steps K        PGD steps (default 10)
  --no-random-start       PGD starts at the clean input instead of a random point of the eps-ball
  --clamp LO,HI           keep attacked inputs in [LO, HI] (default: the data's own range)
  --adv-fraction F        attack only this fraction of each batch (default 1; 0.5 = half clean, half attacked)
  --quick                 a template's short run (its "quick" settings), which still shows learning

Instead of a graph file, give a template id (layerloom templates) or a template folder: its graph trains on
its dataset with its tested settings, and the final metrics are checked against the template's expected result.

A GAN graph (Noise → generator layers → Discriminator) trains adversarially: per batch one Discriminator
step and one generator step, on every sample (no validation split), reporting d_loss, g_loss and the mean
D(x) and D(G(z)). Its default optimizer is Adam with beta1 0.5 ("beta1" and "n_critic" in the training
section change them), and model.onnx is the generator: noise in, samples out.
  --gan-loss bce|wasserstein  wasserstein is WGAN: the Discriminator is a critic scored without sigmoid
                          (critic loss mean D(G(z)) − mean D(x), generator loss −mean D(G(z))), its weights
                          clipped to ±c after each critic step; defaults RMSprop, lr 5e-5, n_critic 5, c 0.01
  --n-critic N            Discriminator steps per generator step ("n_critic")
  --clip-value C          WGAN weight clipping bound c ("clip_value")

Reading a data file (--dataset PATH):
  --label COLUMN          CSV: the label column, by name or 1-based number (default the last column)
  --image-size HxW        image folder: resize every image to H×W pixels, e.g. 28x28 (default 32x32)
  --color grayscale|rgb   image folder: 1 or 3 channels (default rgb)
  --tokenize char|word    text file: one token per character or per word (default char)
  --seq-len N             text file: tokens per sample (default 64 for char, 16 for word)`;

export interface TrainArgs {
  readonly file?: string;
  readonly dataset?: string;
  readonly epochs?: string;
  readonly steps?: string;
  readonly batchSize?: string;
  readonly optimizer?: string;
  readonly lr?: string;
  readonly momentum?: string;
  readonly weightDecay?: string;
  readonly clipNorm?: string;
  readonly schedule?: string;
  readonly stepSize?: string;
  readonly gamma?: string;
  readonly warmupSteps?: string;
  readonly seed?: string;
  readonly noShuffle?: boolean;
  readonly valSplit?: string;
  readonly backend?: string;
  readonly out?: string;
  readonly resume?: string;
  /** Initial weights (a safetensors state dict, e.g. from `layerloom import`), instead of fresh ones. */
  readonly fromWeights?: string;
  readonly json: boolean;
  /** A template's quick settings instead of its full ones. */
  readonly quick?: boolean;
  /** Import options for a data file (CSV label column, image size and color, text tokenisation). */
  readonly label?: string;
  readonly imageSize?: string;
  readonly color?: string;
  readonly tokenize?: string;
  readonly seqLen?: string;
  /** Per-layer gradient norms in the step records. */
  readonly gradNorms?: boolean;
  /** Adversarial training / evaluation under attack, and the attack's settings. */
  readonly adversarial?: string;
  readonly attackEval?: string;
  readonly eps?: string;
  readonly alpha?: string;
  readonly attackSteps?: string;
  readonly noRandomStart?: boolean;
  readonly clamp?: string;
  readonly advFraction?: string;
  /** GAN mode: bce or wasserstein (WGAN), critic steps per generator step, WGAN weight clipping bound. */
  readonly ganLoss?: string;
  readonly nCritic?: string;
  readonly clipValue?: string;
}

/**
 * An attack from the flags, else from the training section's object at `key` ({"attack", "eps", "alpha",
 * "steps", "random_start", "clamp", "fraction"}); undefined when neither asks for one.
 */
function readAttack(a: TrainArgs, kindFlag: string | undefined, flagName: string, fromDoc: unknown): AdversarialSpec | undefined {
  if (kindFlag === undefined && fromDoc === undefined) return undefined;
  // The flags override the section's fields; both are then read as one section object.
  const set = (key: string, v: unknown) => (v !== undefined ? { [key]: v } : {});
  let clamp: [number, number] | undefined;
  if (a.clamp !== undefined) {
    const m = /^\s*(-?[\d.]+(?:e-?\d+)?)\s*,\s*(-?[\d.]+(?:e-?\d+)?)\s*$/i.exec(a.clamp);
    if (!m || !(Number(m[1]) < Number(m[2]))) throw new UserError(`--clamp must be LO,HI with LO < HI, e.g. 0,1, not "${a.clamp}"`);
    clamp = [Number(m[1]), Number(m[2])];
  }
  const merged = {
    ...(typeof fromDoc === 'object' && fromDoc !== null ? fromDoc : {}),
    ...set('attack', kindFlag),
    ...set('eps', num('eps', a.eps, { min: 0, exclusiveMin: true })),
    ...set('alpha', num('alpha', a.alpha, { min: 0, exclusiveMin: true })),
    ...set('steps', num('attack-steps', a.attackSteps, { int: true, min: 1 })),
    ...(a.noRandomStart ? { random_start: false } : {}),
    ...set('clamp', clamp),
    ...set('fraction', num('adv-fraction', a.advFraction, { min: 0, max: 1, exclusiveMin: true })),
  };
  return fromSection(() => readAttackSpec(fromDoc === undefined || typeof fromDoc === 'object' ? merged : fromDoc, `--${flagName}`));
}

/** A training-section reader's one-line complaint, as the command's. */
function fromSection<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof TrainingSectionError) throw new UserError(e.message);
    throw e;
  }
}

function num(flag: string, v: string | undefined, o: { int?: boolean; min?: number; max?: number; exclusiveMin?: boolean } = {}): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  const bad =
    v.trim() === '' ||
    !Number.isFinite(n) ||
    (o.int && !Number.isInteger(n)) ||
    (o.min !== undefined && (o.exclusiveMin ? n <= o.min : n < o.min)) ||
    (o.max !== undefined && n > o.max);
  if (bad) {
    const range = [o.min !== undefined ? `${o.exclusiveMin ? '>' : '≥'} ${o.min}` : '', o.max !== undefined ? `≤ ${o.max}` : ''].filter(Boolean).join(' and ');
    throw new UserError(`--${flag} must be ${o.int ? 'a whole number' : 'a number'}${range ? ` ${range}` : ''}, not "${v}"`);
  }
  return n;
}

const OPTIMIZERS: Record<string, string> = { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW', rmsprop: 'RMSprop' };

/** The graph's `training` section, read leniently (unknown or wrong-typed fields are ignored). */
function docTraining(doc: GraphDoc): Record<string, unknown> {
  return (doc.training ?? {}) as Record<string, unknown>;
}

/** The data-file flags as loadDatasetFile's options; `given` lists the flags that were set. */
function importOptions(a: TrainArgs): { options: ImportOptions; given: string[] } {
  const options: ImportOptions = {};
  const given: string[] = [];
  if (a.label !== undefined) {
    if (a.label.trim() === '') throw new UserError('--label must name a CSV column (a header name or a 1-based number)');
    options.label = a.label;
    given.push('--label');
  }
  if (a.imageSize !== undefined) {
    const m = /^\s*(\d+)\s*[x×]\s*(\d+)\s*$/i.exec(a.imageSize);
    const h = m ? Number(m[1]) : 0;
    const w = m ? Number(m[2]) : 0;
    if (!m || h < 1 || w < 1 || h > 4096 || w > 4096) throw new UserError(`--image-size must be HxW with whole numbers from 1 to 4096, e.g. 28x28, not "${a.imageSize}"`);
    options.imageSize = [h, w];
    given.push('--image-size');
  }
  if (a.color !== undefined) {
    if (a.color !== 'grayscale' && a.color !== 'rgb') throw new UserError(`--color must be grayscale or rgb, not "${a.color}"`);
    options.color = a.color;
    given.push('--color');
  }
  if (a.tokenize !== undefined) {
    if (a.tokenize !== 'char' && a.tokenize !== 'word') throw new UserError(`--tokenize must be char or word, not "${a.tokenize}"`);
    options.tokenize = a.tokenize;
    given.push('--tokenize');
  }
  const seqLen = num('seq-len', a.seqLen, { int: true, min: 1 });
  if (seqLen !== undefined) {
    options.seqLen = seqLen;
    given.push('--seq-len');
  }
  return { options, given };
}

async function loadDataset(
  spec: string,
  seed: number,
  imports: { options: ImportOptions; given: readonly string[] },
  generatorOptions: Readonly<Record<string, unknown>> = {},
): Promise<Dataset> {
  const builtin = getBuiltin(spec);
  try {
    if (builtin) {
      if (imports.given.length) throw new UserError(`${imports.given.join(', ')} ${imports.given.length === 1 ? 'is' : 'are'} only for data files, not the built-in dataset '${spec}'`);
      return await builtin.load({ seed, ...fromSection(() => builtinLoadOptions(spec, generatorOptions, builtin.optionNames ?? [])) });
    }
    if (Object.keys(generatorOptions).length) throw new UserError(`dataset_options are only for built-in datasets, not the file "${spec}"`);
    if (!existsSync(spec)) throw new UserError(`dataset "${spec}" is neither a built-in dataset (see layerloom data list) nor a file or folder`);
    return await loadDatasetFile(spec, imports.options);
  } catch (e) {
    if (e instanceof DataError) throw new UserError(e.message);
    throw e;
  }
}

/** Class labels must fit the classifier: 0 ≤ y < C (or ignore_index). */
function checkLabels(doc: GraphDoc, ds: Dataset, shaped: ReturnType<typeof inferShapes>): void {
  for (const id of shaped.order) {
    const info = shaped.info.get(id);
    if (info?.kind !== 'CrossEntropyLoss' || info.inputs.target) continue;
    const c = info.inputs.input!.shape.at(-1) as number;
    const ignore = info.params.ignore_index as number;
    const tnames = Object.keys(ds.targets);
    const y = ds.arrays[tnames.includes(id) ? id : tnames[0]!];
    if (!y) continue;
    for (let i = 0; i < y.length; i++) {
      const v = y[i]!;
      if (v !== ignore && (v < 0 || v >= c || !Number.isInteger(v)))
        throw new UserError(
          `dataset '${ds.info.name}', sample ${Math.floor(i / Math.max(1, y.length / ds.size))}: label ${v} is out of range for ${id}, which scores ${c} classes (labels 0 to ${c - 1})`,
        );
    }
  }
  void doc;
}

function bar(e: StepEvent): string {
  const width = 24;
  const done = Math.round((e.step / e.totalSteps) * width);
  const acc = e.metrics[Object.keys(e.metrics).find((k) => k.endsWith('.accuracy')) ?? ''];
  const { d_loss: dLoss, g_loss: gLoss } = e.metrics;
  const loss = dLoss !== undefined ? `D loss ${dLoss.toFixed(4)}  G loss ${gLoss?.toFixed(4) ?? '–'}` : `loss ${e.loss.toFixed(4)}`;
  const eta = e.etaSec < 60 ? `${Math.round(e.etaSec)}s` : `${Math.floor(e.etaSec / 60)}m${Math.round(e.etaSec % 60)}s`;
  return `epoch ${e.epoch} [${'█'.repeat(done)}${'·'.repeat(width - done)}] step ${e.step}/${e.totalSteps}  ${loss}${acc !== undefined ? `  acc ${(acc * 100).toFixed(1)}%` : ''}  ${Math.round(e.samplesPerSec).toLocaleString('en-US')} samples/s  ETA ${eta}`;
}

export async function trainCommand(io: CliIO, a: TrainArgs): Promise<number> {
  if (!a.file) throw new UserError('train needs a graph file, e.g. layerloom train model.json --dataset spirals');
  const source = await openGraphOrTemplate(io, a.file);
  const template = source.template;
  if (a.quick && !template) throw new UserError('--quick is for templates: give a template id or folder, e.g. layerloom train spam-mlp --quick');
  const doc: GraphDoc = a.quick && template ? { ...source.doc, training: { ...(source.doc.training ?? {}), ...template.quick.training } } : source.doc;
  const t = docTraining(doc);
  const check = template ? (a.quick ? template.quick.expected : template.expected) : undefined;
  const pick = <T>(flag: T | undefined, key: string, fallback: T): T => (flag !== undefined ? flag : t[key] !== undefined ? (t[key] as T) : fallback);

  const seed = pick(num('seed', a.seed, { int: true, min: 0 }), 'seed', 0);
  const ganLoss = pick(a.ganLoss, 'gan_loss', undefined as string | undefined);
  if (ganLoss !== undefined && !(GAN_OBJECTIVES as readonly string[]).includes(ganLoss))
    throw new UserError(`--gan-loss must be ${GAN_OBJECTIVES.join(' or ')}, not "${String(ganLoss)}"`);
  // WGAN's own recipe (Arjovsky et al.): RMSprop at 5e-5, 5 critic steps per generator step, clipping at 0.01.
  const wgan = ganLoss === 'wasserstein';
  const nCritic = pick(num('n-critic', a.nCritic, { int: true, min: 1 }), 'n_critic', wgan ? 5 : undefined) as number | undefined;
  const clipValue = pick(num('clip-value', a.clipValue, { min: 0, exclusiveMin: true }), 'clip_value', wgan ? 0.01 : undefined) as number | undefined;
  if (clipValue !== undefined && !wgan) throw new UserError('weight clipping (--clip-value, "clip_value") is part of WGAN training: add --gan-loss wasserstein');
  const optimizerName = pick(a.optimizer, 'optimizer', wgan ? 'rmsprop' : 'adam').toLowerCase();
  const kind = OPTIMIZERS[optimizerName];
  if (!kind) throw new UserError(`--optimizer must be one of ${Object.keys(OPTIMIZERS).join(', ')}, not "${optimizerName}"`);
  const lr = pick(num('lr', a.lr, { min: 0, exclusiveMin: true }), 'lr', kind === 'SGD' ? 0.01 : wgan ? 5e-5 : 0.001);
  const momentum = pick(num('momentum', a.momentum, { min: 0, max: 1 }), 'momentum', undefined as number | undefined);
  const weightDecay = pick(num('weight-decay', a.weightDecay, { min: 0 }), 'weight_decay', undefined as number | undefined);
  const clipNorm = pick(num('clip-norm', a.clipNorm, { min: 0, exclusiveMin: true }), 'clip_norm', undefined as number | undefined);
  const schedule = readSchedule(a, t.schedule);
  const batchSize = pick(num('batch-size', a.batchSize, { int: true, min: 1 }), 'batch_size', 32);
  const steps = num('steps', a.steps, { int: true, min: 1 }) ?? (a.epochs === undefined ? (t.steps as number | undefined) : undefined);
  const epochs = pick(num('epochs', a.epochs, { int: true, min: 1 }), 'epochs', 10);
  const valSplit = pick(num('val-split', a.valSplit, { min: 0, max: 0.9 }), 'val_split', 0.2);
  const backendName = pick(a.backend, 'backend', 'native');
  const gradNorms = pick(a.gradNorms, 'grad_norms', false);
  const adversarial = readAttack(a, a.adversarial, 'adversarial', t.adversarial);
  const attackEval = readAttack(a, a.attackEval, 'attack-eval', t.attack_eval);
  if (backendName !== 'native' && backendName !== 'wasm') throw new UserError(`--backend must be native or wasm here, not "${backendName}"`);
  const datasetSpec = a.dataset ?? (t.dataset as string | undefined);
  const imports = importOptions(a);
  if (!datasetSpec) throw new UserError('train needs a dataset: --dataset NAME|PATH, or "dataset" in the graph\'s training section');

  const shaped = inferShapes(doc);
  if (hasErrors(shaped.diagnostics)) {
    const errors = shaped.diagnostics.filter((d) => d.severity === 'error');
    io.err(`layerloom: ${a.file} has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was trained:\n`);
    for (const d of errors) io.err(`  ${d.code} ${d.node ? `${d.node}${d.port ? `.${d.port}` : ''}: ` : ''}${d.message}\n`);
    return EXIT.diagnostics;
  }
  let gan: GanGraph | undefined;
  try {
    gan = findGan(shaped);
  } catch (e) {
    if (e instanceof TrainConfigError) throw new UserError(e.message, EXIT.diagnostics);
    throw e;
  }
  // A diffusion graph (ε-predictor with a "diffusion" training section) trains on noised samples and samples afterwards.
  const diffusion = readDiffusion(t.diffusion);
  if (diffusion && (gan || adversarial || attackEval)) throw new UserError('a diffusion graph trains with its own noised data: it cannot be a GAN or train adversarially');
  if (!gan && (ganLoss !== undefined || a.nCritic !== undefined))
    throw new UserError(`${ganLoss !== undefined ? '--gan-loss' : '--n-critic'} is for GAN graphs (Noise → generator → Discriminator), and ${a.file} is not one`, EXIT.diagnostics);
  if (!gan && ![...shaped.info.values()].some((i) => i.kind.endsWith('Loss'))) throw new UserError(`${a.file} has no loss layer to train (add CrossEntropyLoss, MSELoss or BCEWithLogitsLoss)`, EXIT.diagnostics);
  // An attack needs a float input and a loss that depends on it: say so before a long training run.
  if (!gan && (adversarial || attackEval)) {
    try {
      buildInputGradientStep(shaped, { batch: 1 });
    } catch (e) {
      if (e instanceof TrainConfigError) throw new UserError(`${adversarial ? '--adversarial' : '--attack-eval'}: ${e.message}`, EXIT.diagnostics);
      throw e;
    }
  }

  const datasetOptions = t.dataset_options;
  if (datasetOptions !== undefined && (typeof datasetOptions !== 'object' || datasetOptions === null || Array.isArray(datasetOptions)))
    throw new UserError('the training section\'s dataset_options must be an object, e.g. {"size": 3000}');
  // Options describe the training section's dataset; a --dataset flag naming another one leaves them out.
  const useOptions = a.dataset === undefined || a.dataset === t.dataset;
  let ds = await loadDataset(datasetSpec, seed, imports, useOptions ? ((datasetOptions ?? {}) as Record<string, unknown>) : {});
  // A separate validation set (training.validation): appended after the training samples, which all train.
  let heldOut: number | undefined;
  const validation = fromSection(() => readValidation(t.validation));
  if (validation) {
    if (gan || diffusion) throw new UserError('"validation" in the training section is for supervised training, not GAN or diffusion graphs');
    const vds = await loadDataset(validation.dataset, validation.seed ?? seed + 1, imports, validation.options);
    try {
      ({ dataset: ds, heldOut } = withValidationSet(ds, vds));
    } catch (e) {
      if (e instanceof HeldOutError) throw new UserError(`validation: ${e.message}`);
      throw e;
    }
  }
  // CSV features are standardised with statistics of the training rows (the same split the trainer makes).
  let normalization: { mean: number[]; std: number[] } | undefined;
  if (isCsvDataset(ds)) {
    const split =
      heldOut !== undefined ? { train: Int32Array.from({ length: ds.size - heldOut }, (_, i) => i) } : splitIndices(ds.size, { val: valSplit, test: 0 }, seed);
    const r = standardizeCsv(ds, split.train);
    ds = r.dataset;
    normalization = { mean: Array.from(r.stats.mean), std: Array.from(r.stats.std) };
  }
  const mismatch = diffusion ? [] : bindDataset(shaped, ds);
  if (mismatch.length) throw new UserError(mismatch.map((d) => d.message).join('\n'));
  if (!diffusion) checkLabels(doc, ds, shaped);

  let resume: ConstructorParameters<typeof Trainer>[4];
  if (a.resume) resume = await readCheckpoint(join(a.resume, 'checkpoint'));
  if (a.fromWeights) {
    if (a.resume) throw new UserError('--from-weights and --resume cannot be combined: a checkpoint already holds its weights');
    resume = { weights: await readStartingWeights(a.fromWeights, shaped) };
  }

  const optParams: Record<string, RawParamValue> = { lr };
  if (momentum !== undefined) optParams.momentum = momentum;
  if (weightDecay !== undefined) optParams.weight_decay = weightDecay;
  // GANs train more stably with less momentum in Adam (Radford et al., DCGAN): beta1 0.5 unless set.
  const adam = kind === 'Adam' || kind === 'AdamW';
  const beta1 = adam ? (pick(undefined, 'beta1', gan ? 0.5 : undefined) as number | undefined) : undefined;
  if (beta1 !== undefined) optParams.beta1 = beta1;
  let trainer: Trainer | GanTrainer;
  let diffusionTrainer: DiffusionTrainer | undefined;
  try {
    const common = {
      batchSize,
      optimizer: { kind, params: optParams },
      lr,
      seed,
      shuffle: !pick(a.noShuffle, 'no_shuffle', false),
      ...(steps !== undefined ? { steps } : { epochs }),
      ...(clipNorm !== undefined ? { clipNorm } : {}),
      ...(schedule ? { schedule } : {}),
    };
    const backend = nodeBackend(backendName);
    trainer = gan
      ? new GanTrainer(
          shaped,
          ds,
          backend,
          {
            ...common,
            ...(nCritic !== undefined ? { nCritic } : {}),
            ...(wgan ? { objective: 'wasserstein' as const, ...(clipValue !== undefined ? { clipWeights: clipValue } : {}) } : {}),
          },
          resume,
        )
      : diffusion
        ? (diffusionTrainer = new DiffusionTrainer(shaped, ds, backend, { ...common, diffusion, ...(gradNorms ? { gradNorms } : {}) }, resume)).trainer
        : new Trainer(shaped, ds, backend, { ...common, valSplit, ...(heldOut !== undefined ? { heldOut } : {}), ...(gradNorms ? { gradNorms } : {}), ...(adversarial ? { adversarial } : {}) }, resume);
    if (gan && (adversarial || attackEval || gradNorms)) throw new UserError('--adversarial, --attack-eval and --grad-norms are for classifiers, not GAN graphs');
  } catch (e) {
    if (e instanceof TrainSetupError || e instanceof DataError || e instanceof TrainConfigError) throw new UserError(e.message);
    throw e;
  }

  if (a.out) await prepareOut(a.out);
  const lines: string[] = [];
  let finalMetrics: Record<string, number> = {};
  const log = (o: object) => {
    const line = JSON.stringify(o);
    lines.push(line);
    if (a.json) io.out(`${line}\n`);
  };
  if (!a.json)
    io.out(
      `training ${doc.name}${diffusion ? ` as a diffusion model (T ${diffusion.steps}, β ${diffusion.betaStart} … ${diffusion.betaEnd}, noise-prediction loss ${diffusionTrainer!.graph.loss})` : ''}${gan ? ` adversarially (generator ${gan.noise.join(', ')} → ${gan.sample.node}, Discriminator ${gan.discriminator}${wgan ? `; WGAN, critic weights clipped to ±${clipValue}, ${nCritic} critic steps per generator step` : ''})` : ''} on '${ds.info.name}' (${diffusionTrainer ? ds.size : trainer.trainSamples} training samples, batch ${trainer.batch}) with ${kind}${beta1 !== undefined ? ` (beta1 ${beta1})` : ''}, lr ${lr}, on ${backendName}\n`,
    );
  const result = await trainer.run({
    onStep: (e) => {
      const norms = e.gradNorms ? Object.fromEntries(Object.entries(e.gradNorms).map(([k, v]) => [`gradnorm:${k}`, v])) : {};
      log({ type: 'step', epoch: e.epoch, step: e.step, loss: e.loss, ...e.metrics, ...norms, lr: e.lr, samples_per_s: e.samplesPerSec, eta_s: e.etaSec });
      if (!a.json && io.isTTY) io.out(`\r${bar(e)}`);
    },
    onEpoch: (e: EpochEvent) => {
      finalMetrics = {
        loss: e.loss,
        ...e.metrics,
        ...(e.val ? { val_loss: e.val.loss, ...Object.fromEntries(Object.entries(e.val.metrics).map(([k, v]) => [`val_${k}`, v])) } : {}),
      };
      log({ type: 'epoch', epoch: e.epoch, step: e.step, ...finalMetrics, seconds: e.seconds });
      if (!a.json) {
        const metrics = Object.entries(e.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ');
        const val = e.val ? `  |  val loss ${e.val.loss.toFixed(4)}  ${Object.entries(e.val.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ')}` : '';
        io.out(`${io.isTTY ? '\r\x1b[2K' : ''}epoch ${e.epoch}: loss ${e.loss.toFixed(4)}  ${metrics}${val}  (${e.seconds.toFixed(2)} s)\n`);
      }
    },
  });
  if (result.status === 'diverged') {
    io.err(`layerloom: ${result.message}\n`);
  }
  if (attackEval && trainer instanceof Trainer && result.status !== 'diverged') {
    // The held-out samples when there are some, else the training samples (then say so).
    const held = trainer.valIndices;
    const on = held.length ? 'validation' : 'training';
    const r = await evaluateUnderAttack(shaped, ds, result.weights, { ...attackEval, range: attackEval.range ?? dataRange(ds) }, {
      backend: nodeBackend(backendName),
      seed,
      ...(held.length ? { indices: held } : {}),
    });
    const prefixed = (p: string, m: Readonly<Record<string, number>>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [`${p}${k}`, v]));
    const underAttack = { clean_loss: r.clean.loss, attacked_loss: r.attacked.loss, ...prefixed('clean_', r.clean.metrics), ...prefixed('attacked_', r.attacked.metrics) };
    // A template may check a metric under attack, e.g. attacked_loss.accuracy.
    finalMetrics = { ...finalMetrics, ...underAttack };
    log({ type: 'attack', attack: attackEval.kind, eps: attackEval.eps, on, samples: r.samples, ...underAttack });
    if (!a.json) {
      const acc = Object.keys(r.clean.metrics).find((k) => k.endsWith('.accuracy'));
      const what = acc ? `accuracy ${(r.clean.metrics[acc]! * 100).toFixed(1)}% → ${(r.attacked.metrics[acc]! * 100).toFixed(1)}%` : `loss ${r.clean.loss.toFixed(4)} → ${r.attacked.loss.toFixed(4)}`;
      io.out(`under ${attackEval.kind.toUpperCase()} (eps ${attackEval.eps}) on ${r.samples} ${on} samples: ${what}\n`);
    }
  }
  if (check && template && result.status !== 'diverged') {
    const value = finalMetrics[check.metric];
    const reached = passes(check, finalMetrics);
    log({ type: 'expected', template: template.id, quick: Boolean(a.quick), metric: check.metric, op: check.op, threshold: check.value, value: value ?? null, reached: reached ?? null });
    if (!a.json) io.out(`${template.id}${a.quick ? ' (quick)' : ''}: ${describeCheck(check, value)}${a.quick ? '' : ` (${template.expected.summary})`}\n`);
  }
  if (a.out) {
    const r = exportGraph(doc, { seed, weights: result.weights });
    // A GAN's model.onnx is its generator (noise → samples); weights.safetensors keeps both players.
    const model = gan ? exportGraph(generatorDoc(doc, gan), { seed, weights: result.weights }) : r;
    if (!r.ok || !model.ok) throw new Error('export after training failed');
    // A diffusion model's samples: ancestral sampling from the trained noise predictor.
    const count = typeof t.sample_count === 'number' ? t.sample_count : 1000;
    const drawn = diffusionTrainer && result.status !== 'diverged' ? await sampleDiffusion(shaped, result.weights, nodeBackend(backendName), { count, seed, diffusion: diffusionTrainer.config.diffusion! }) : undefined;
    const checkpointTensors = [
      ...[...result.weights].map(([name, data]) => ({ name, dtype: 'F32' as const, shape: shapeOf(trainer, name), data })),
      ...[...result.state].map(([name, data]) => ({ name, dtype: 'F32' as const, shape: shapeOf(trainer, name), data })),
    ];
    await writeFilesAtomically([
      { path: join(a.out, 'metrics.jsonl'), data: `${lines.join('\n')}\n` },
      { path: join(a.out, 'model.onnx'), data: model.onnx },
      { path: join(a.out, 'weights.safetensors'), data: r.safetensors },
      { path: join(a.out, 'graph.json'), data: `${JSON.stringify(doc, null, 2)}\n` },
      ...(drawn ? [{ path: join(a.out, 'samples.npz'), data: encodeNpz([{ name: 'samples', shape: drawn.shape, data: drawn.data }]) }] : []),
      ...(normalization
        ? [{ path: join(a.out, 'normalization.json'), data: `${JSON.stringify({ input: 'x', note: 'the model expects (x - mean) / std', ...normalization })}\n` }]
        : []),
      { path: join(a.out, 'checkpoint', 'state.safetensors'), data: encodeSafetensors(checkpointTensors, { step: String(result.steps) }) },
      {
        path: join(a.out, 'checkpoint', 'meta.json'),
        data: `${JSON.stringify({ format: 'layerloom.checkpoint', version: 1, step: result.steps, epochs: result.epochs, optimizer: kind, lr, seed, graph: doc }, null, 2)}\n`,
      },
    ]);
    if (!a.json) io.out(`wrote ${join(a.out, 'model.onnx')}, weights.safetensors, metrics.jsonl${drawn ? `, samples.npz (${count} samples)` : ''} and checkpoint/\n`);
  }
  return result.status === 'diverged' ? EXIT.diagnostics : EXIT.ok;
}

/**
 * The learning-rate schedule from the flags, else from the graph's training section (a ScheduleSpec object).
 * Cosine without T_max anneals over the whole run (filled in once the step count is known, by the trainer's
 * caller: here T_max defaults to the number of steps given with --steps, or a large value for epochs).
 */
function readSchedule(a: TrainArgs, fromDoc: unknown): ScheduleSpec | undefined {
  const warmup = num('warmup-steps', a.warmupSteps, { int: true, min: 0 });
  let spec: ScheduleSpec | undefined;
  if (a.schedule !== undefined) {
    const steps = num('steps', a.steps, { int: true, min: 1 });
    if (a.schedule === 'constant') spec = { kind: 'constant' };
    else if (a.schedule === 'step') {
      const stepSize = num('step-size', a.stepSize, { int: true, min: 1 });
      if (stepSize === undefined) throw new UserError('--schedule step needs --step-size N');
      spec = { kind: 'step', step_size: stepSize, gamma: num('gamma', a.gamma, { min: 0, exclusiveMin: true }) ?? 0.1 };
    } else if (a.schedule === 'cosine') spec = { kind: 'cosine', T_max: steps ?? 10_000, eta_min: 0 };
    else throw new UserError(`--schedule must be one of ${scheduleKinds.join(', ')}, not "${a.schedule}"`);
  } else if (fromDoc !== undefined) spec = fromDoc as ScheduleSpec;
  if (warmup !== undefined) spec = { ...(spec ?? { kind: 'constant' }), warmup_steps: warmup };
  if (spec) {
    const problems = typeof spec === 'object' && spec !== null && 'kind' in spec ? checkSchedule(spec) : ['it must be an object with a kind'];
    if (problems.length) throw new UserError(`the learning-rate schedule is not valid: ${problems.join('; ')}`);
  }
  return spec;
}

function isCsvDataset(ds: Dataset): ds is CsvDataset {
  return 'features' in ds && 'header' in ds;
}

function shapeOf(trainer: Trainer | GanTrainer, name: string): readonly number[] {
  if (trainer instanceof GanTrainer) return (trainer.typeOf(name)?.shape ?? []) as readonly number[];
  const w = trainer.program.weights.find((x) => x.name === name) ?? trainer.program.state.find((x) => x.name === name);
  return (w?.type.shape ?? []) as readonly number[];
}

/** The GAN's generator as a graph of its own (the Discriminator left out): what model.onnx holds. */
function generatorDoc(doc: GraphDoc, gan: GanGraph): GraphDoc {
  const keep = new Set(gan.generator);
  return { ...doc, nodes: doc.nodes.filter((n) => keep.has(n.id)), edges: doc.edges.filter((e) => keep.has(e.from.node) && keep.has(e.to.node)) };
}

async function prepareOut(dir: string): Promise<void> {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError(`--out ${dir} is a file, not a folder`);
  await mkdir(join(dir, 'checkpoint'), { recursive: true });
}

async function readCheckpoint(dir: string): Promise<{ weights: Map<string, Float32Array>; state: Map<string, Float32Array>; step: number }> {
  let meta: { format?: string; step?: number };
  let bytes: Uint8Array;
  try {
    meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8'));
    bytes = await readFile(join(dir, 'state.safetensors'));
  } catch (e) {
    throw new UserError(e instanceof SyntaxError ? `cannot resume: ${join(dir, 'meta.json')} is not valid JSON` : `cannot resume: ${describeReadError(dir, e)}`);
  }
  if (meta.format !== 'layerloom.checkpoint' || typeof meta.step !== 'number') throw new UserError(`cannot resume: ${dir} is not a Layerloom checkpoint`);
  const weights = new Map<string, Float32Array>();
  const state = new Map<string, Float32Array>();
  for (const t of decodeSafetensors(bytes)) {
    const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data, Number);
    (t.name.startsWith('state:') ? state : weights).set(t.name, data);
  }
  return { weights, state, step: meta.step };
}

/**
 * Starting weights for fine-tuning, e.g. those `layerloom import` wrote beside the graph. Names the graph does not
 * have are ignored (as load_state_dict(strict=False) does); a weight whose size differs from the layer's is refused.
 */
async function readStartingWeights(path: string, shaped: ReturnType<typeof inferShapes>): Promise<Map<string, Float32Array>> {
  const weights = await readWeightsFile(path);
  let used = 0;
  for (const id of shaped.order) {
    for (const [name, spec] of Object.entries(shaped.info.get(id)?.weights ?? {})) {
      const data = weights.get(`${id}.${name}`);
      if (!data) continue;
      const want = spec.shape.reduce((p, q) => p * q, 1);
      if (data.length !== want)
        throw new UserError(`${path}: ${id}.${name} has ${data.length} values, the graph's ${id} needs ${want} (was the graph changed since the weights were saved?)`);
      used++;
    }
  }
  if (used === 0) throw new UserError(`${path} holds no weight of this graph (its names are <node id>.<parameter>)`);
  return weights;
}
