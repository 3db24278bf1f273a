/**
 * The run both sides of the WebGPU-versus-native check train: the spiral MLP (examples/spiral-mlp.json) on
 * the built-in spirals with its own training section (batch 64, Adam, lr 0.01), seed 1, 20 steps, no shuffle,
 * 20% held out (so the epoch's validation pass runs on the trained weights too). The page and the test both
 * import this module, so they cannot drift apart.
 */
import { hasErrors, inferShapes, loadDocument, type ShapedGraph } from '../../../graph-core';
import type { Dataset } from '../../../runtime/data/dataset';
import { spirals } from '../../../runtime/data/builtin/toy2d';
import type { Backend } from '../../../runtime/train/backend';
import { Trainer, type TrainConfig } from '../../../runtime/train/trainer';
import doc from '../../../examples/spiral-mlp.json';

export const SEED = 1;
export const STEPS = 20;

const training = doc.training;

export const spiralConfig: TrainConfig = {
  steps: STEPS,
  batchSize: training.batch_size,
  optimizer: { kind: 'Adam', params: { lr: training.lr } },
  lr: training.lr,
  seed: SEED,
  shuffle: false,
  valSplit: 0.2,
};

/** What one run reports: the loss of every step, the validation loss after the last step, and timings. */
export interface SpiralRun {
  readonly losses: number[];
  readonly valLoss: number | undefined;
  /** Milliseconds from the start of `run()` to the end of the first step (session creation and, on WebGPU, shader compilation included). */
  readonly firstStepMs: number;
  /** Milliseconds per step over steps 2…20. */
  readonly msPerStep: number;
  /** A checksum of the trained weights: the sum of every value, weight by weight. */
  readonly weightSums: Record<string, number>;
}

export async function spiralSetup(): Promise<{ shaped: ShapedGraph; dataset: Dataset }> {
  if (training.optimizer !== 'adam') throw new Error(`examples/spiral-mlp.json now trains with ${training.optimizer}; update tests/e2e/webgpu/spiral.ts`);
  const loaded = loadDocument(doc);
  if (!loaded.doc) throw new Error(`examples/spiral-mlp.json does not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  const shaped = inferShapes(loaded.doc);
  if (hasErrors(shaped.diagnostics)) throw new Error(`examples/spiral-mlp.json has errors: ${shaped.diagnostics.map((d) => d.message).join('; ')}`);
  const dataset = await spirals.load({ seed: SEED });
  return { shaped, dataset };
}

/** Trains the spiral MLP for STEPS steps on `backend`. */
export async function trainSpiral(backend: Backend): Promise<SpiralRun> {
  const { shaped, dataset } = await spiralSetup();
  const trainer = new Trainer(shaped, dataset, backend, spiralConfig);
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
  if (result.status !== 'finished') throw new Error(`training ${result.status}: ${result.message ?? ''}`);
  const weightSums: Record<string, number> = {};
  for (const [k, v] of result.weights) weightSums[k] = v.reduce((a, x) => a + x, 0);
  return { losses, valLoss, firstStepMs: t1 - t0, msPerStep: (t2 - t1) / Math.max(1, losses.length - 1), weightSums };
}
