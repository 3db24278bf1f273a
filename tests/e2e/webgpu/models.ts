/**
 * The convolutional and recurrent runs both sides of the WebGPU-versus-native check train, a few Adam steps
 * each, seed 1, no shuffle, with a held-out set validated on the trained weights at the end of the one epoch:
 *
 *   lenet  LeNet-5 (examples/lenet5.json) on synthdigits (1×28×28), batch 32. Its train step holds the
 *          MaxPool gradient for tiling windows (nearest Resize, Equal, a MatMul against a constant
 *          power-of-two matrix, Less), the Conv weight gradient as a grouped Conv with one group per sample,
 *          and ReLU moved after MaxPool.
 *   lstm   Embedding(64→32) + LSTM(64) + Linear(4) (bench/models/lstm-classifier.json) on length-32 token
 *          ids whose label is the last id modulo 4, batch 32. Its train step holds the recurrent table
 *          projection, whose gradient adds the looked-up rows back into the table by a one-hot product.
 *
 * The page (tests/e2e/webgpu/main.ts, `?model=lenet|lstm`) and the test both import this module, so the two
 * sides cannot drift apart.
 */
import { hasErrors, inferShapes, loadDocument, Rng, type ShapedGraph } from '../../../graph-core';
import type { Dataset } from '../../../runtime/data/dataset';
import { synthDigits } from '../../../runtime/data/builtin/synthdigits';
import type { Backend } from '../../../runtime/train/backend';
import { Trainer, type TrainConfig } from '../../../runtime/train/trainer';
import lenetDoc from '../../../examples/lenet5.json';
import lstmDoc from '../../../bench/models/lstm-classifier.json';

export const MODEL_SEED = 1;
export type ModelKey = 'lenet' | 'lstm';
export const MODEL_KEYS: readonly ModelKey[] = ['lenet', 'lstm'];

interface ModelSpec {
  readonly file: string;
  readonly doc: unknown;
  readonly steps: number;
  readonly batch: number;
  /** Samples held out after the training samples; validated once, after the last step. */
  readonly heldOut: number;
  readonly lr: number;
  readonly data: (size: number) => Promise<Dataset>;
}

/** `size` sequences of `length` ids below `vocab`, labelled by the last id modulo `classes` (learnable by an LSTM in a few steps). */
function lastTokenSequences(size: number, length: number, vocab: number, classes: number): Dataset {
  const rng = new Rng(MODEL_SEED).fork('webgpu-lstm');
  const x = new Int32Array(size * length);
  for (let i = 0; i < x.length; i++) x[i] = rng.int(vocab);
  const y = new Int32Array(size);
  for (let i = 0; i < size; i++) y[i] = x[i * length + length - 1]! % classes;
  return {
    info: {
      name: 'last-token',
      title: 'last token mod 4',
      description: 'random token ids labelled by the last id modulo 4',
      origin: 'generated',
      task: 'classification',
      defaultSplit: { val: 0, test: 0 },
    },
    size,
    inputs: { x: { shape: [length], dtype: 'int64' } },
    targets: { y: { shape: [], dtype: 'int64' } },
    arrays: { x, y },
  };
}

export const MODELS: Readonly<Record<ModelKey, ModelSpec>> = {
  lenet: {
    file: 'examples/lenet5.json',
    doc: lenetDoc,
    steps: 6,
    batch: 32,
    heldOut: 64,
    lr: 0.003,
    data: (size) => synthDigits.load({ seed: MODEL_SEED, size }),
  },
  lstm: {
    file: 'bench/models/lstm-classifier.json',
    doc: lstmDoc,
    steps: 8,
    batch: 32,
    heldOut: 64,
    lr: 0.01,
    data: async (size) => lastTokenSequences(size, 32, 64, 4),
  },
};

/** What one run reports: the loss of every step, the validation loss after the last step, timings and weight checksums. */
export interface ModelRun {
  readonly losses: number[];
  readonly valLoss: number | undefined;
  /** Milliseconds from the start of `run()` to the end of the first step (session creation and, on WebGPU, shader compilation included). */
  readonly firstStepMs: number;
  /** Milliseconds per step over the steps after the first. */
  readonly msPerStep: number;
  /** A checksum of the trained weights: the sum of every value, weight by weight. */
  readonly weightSums: Record<string, number>;
  /** How many values each weight holds. */
  readonly weightSizes: Record<string, number>;
}

export function modelConfig(key: ModelKey): TrainConfig {
  const m = MODELS[key];
  return {
    epochs: 1,
    batchSize: m.batch,
    optimizer: { kind: 'Adam', params: { lr: m.lr } },
    lr: m.lr,
    seed: MODEL_SEED,
    shuffle: false,
    valSplit: 0,
    heldOut: m.heldOut,
  };
}

export async function modelSetup(key: ModelKey): Promise<{ shaped: ShapedGraph; dataset: Dataset }> {
  const m = MODELS[key];
  const loaded = loadDocument(m.doc);
  if (!loaded.doc) throw new Error(`${m.file} does not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  const shaped = inferShapes(loaded.doc);
  if (hasErrors(shaped.diagnostics)) throw new Error(`${m.file} has errors: ${shaped.diagnostics.map((d) => d.message).join('; ')}`);
  const dataset = await m.data(m.steps * m.batch + m.heldOut);
  return { shaped, dataset };
}

/** Trains model `key` for its steps on `backend` (one epoch over exactly `steps` batches, then the held-out pass). */
export async function trainModel(key: ModelKey, backend: Backend): Promise<ModelRun> {
  const { shaped, dataset } = await modelSetup(key);
  const trainer = new Trainer(shaped, dataset, backend, modelConfig(key));
  const losses: number[] = [];
  const t0 = performance.now();
  let t1 = t0;
  let t2 = t0;
  let valLoss: number | undefined;
  const result = await trainer.run({
    onStep: (e) => {
      losses.push(e.loss);
      t2 = performance.now();
      if (e.step === 1) t1 = t2;
    },
    onEpoch: (e) => (valLoss = e.val?.loss),
  });
  if (result.status !== 'finished') throw new Error(`${MODELS[key].file}: training ${result.status}: ${result.message ?? ''}`);
  const weightSums: Record<string, number> = {};
  const weightSizes: Record<string, number> = {};
  for (const [k, v] of result.weights) {
    weightSums[k] = v.reduce((a, x) => a + x, 0);
    weightSizes[k] = v.length;
  }
  return { losses, valLoss, firstStepMs: t1 - t0, msPerStep: (t2 - t1) / Math.max(1, losses.length - 1), weightSums, weightSizes };
}
