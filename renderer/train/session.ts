/**
 * The training worker's logic: one run of the user's model on one dataset, with pause / resume / stop, and
 * the teaching views computed on the model as it is at that moment. No DOM here: the Web Worker
 * (worker.ts) and the Node tests drive the same class, each with its own onnxruntime backends.
 *
 * Views read the weights between steps: the step handler holds the loop (the Trainer awaits it) while it
 * answers the queued view requests, and a pause is that hold kept until Resume, so a paused run answers
 * views too. Probes always run on the CPU backend: one sample (or a validation split) is too small a job
 * to be worth a GPU round trip, and it keeps the GPU to the training steps.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import {
  buildProbeStep,
  hasErrors,
  inferShapes,
  initWeights,
  LOSS_OUTPUT,
  probeOutputName,
  Rng,
  TrainConfigError,
  type GraphDoc,
  type ProbePort,
  type ShapedGraph,
} from '../../graph-core';
import { findGan } from '../../graph-core/train/gan-step';
import { buildGanGradProbes, buildGradProbe, type GradProbeProgram } from '../../graph-core/train/grad-probe';
import { encodeModel } from '../../exporters/onnx/encode';
import { irToOnnx } from '../../exporters/onnx/from-ir';
import { gatherBatch } from '../../runtime/data/batches';
import { bindDataset } from '../../runtime/data/bind';
import type { Dataset } from '../../runtime/data/dataset';
import { DataError } from '../../runtime/data/errors';
import { getBuiltin } from '../../runtime/data/registry';
import { splitIndices } from '../../runtime/data/split';
import { HeldOutError, withValidationSet } from '../../runtime/data/held-out';
import { builtinLoadOptions, readSectionExtras, TrainingSectionError, type SectionExtras } from '../../runtime/train/training-section';
import type { Backend } from '../../runtime/train/backend';
import { GanTrainer, type SampleEvent } from '../../runtime/train/gan-trainer';
import { generateFeed, Trainer, TrainSetupError, type EpochEvent, type StepEvent } from '../../runtime/train/trainer';
import { argmaxRows, confusionMatrix, histogram, l2norm, pca2 } from '../views/stats';
import type { DataSource, FromWorker, GradHistogramsResult, GradTensor, RunInfo, ToWorker, ViewMessage, ViewRequest, ViewResult, WorkerBackend } from './protocol';
import { weightsFit } from './kept-weights';
import { checkSettings, toTrainConfig, type TrainSettings } from './settings';

export interface SessionHost {
  /** The onnxruntime backend a run trains on. */
  backend(name: WorkerBackend): Backend;
  /** The CPU backend that runs probes. */
  probeBackend(): Backend;
  post(msg: FromWorker): void;
  /**
   * Lets the host's event loop run (a macrotask turn), so that Pause, Stop and view requests arrive while a
   * run is going: onnxruntime's WASM steps resolve as microtasks and would otherwise starve them.
   */
  yieldToEvents?(): Promise<void>;
}

/** How often a run lets the event loop in, in milliseconds: often enough to feel instant, rare enough to cost nothing. */
const YIELD_MS = 15;

/** A mistake in the model, the data or the settings: shown to the person as it is. */
class SetupError extends Error {}

/** The first line of an unexpected error, for a person; never a stack trace. */
function oneLine(e: unknown): string {
  if (e instanceof SetupError || e instanceof TrainSetupError || e instanceof DataError || e instanceof TrainConfigError) return e.message.split('\n')[0]!;
  const text = e instanceof Error ? e.message : String(e);
  return `training failed: ${text.split('\n')[0]!.slice(0, 300)}`;
}

interface Prepared {
  readonly doc: GraphDoc;
  readonly shaped: ShapedGraph;
  /** The training samples, followed by a separate validation set's `heldOut` samples when the section names one. */
  readonly dataset: Dataset;
  readonly heldOut?: number;
  readonly settings: TrainSettings;
  /** The training section's settings beyond the panel's own (dataset options, steps, WGAN, …). */
  readonly extras: SectionExtras;
}

/** Loads a built-in dataset with the training section's options for it; one line when it cannot. */
async function loadBuiltin(name: string, seed: number, options: Readonly<Record<string, unknown>>): Promise<Dataset> {
  const b = getBuiltin(name);
  if (!b) throw new SetupError(`There is no built-in dataset "${name}".`);
  const load = section(() => builtinLoadOptions(name, options, b.optionNames ?? []));
  try {
    return await b.load({ seed, ...load });
  } catch (e) {
    throw new SetupError(`The dataset "${name}" could not be loaded here: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
}

/** A training-section reader's one-line complaint, as a setup problem. */
function section<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof TrainingSectionError) throw new SetupError(`The project's training section: ${e.message}`);
    throw e;
  }
}

/** Builds the shaped graph and loads the data, checking that they fit; throws SetupError otherwise. */
export async function prepare(doc: GraphDoc, settings: TrainSettings, data: DataSource): Promise<Prepared> {
  const problems = checkSettings(settings);
  if (problems.length) throw new SetupError(problems[0]!);
  const shaped = inferShapes(doc);
  if (hasErrors(shaped.diagnostics)) {
    const first = shaped.diagnostics.find((d) => d.severity === 'error')!;
    throw new SetupError(`The model has errors; fix them first (${first.node ? `${first.node}: ` : ''}${first.message})`);
  }
  const gan = findGan(shaped);
  if (!gan && ![...shaped.info.values()].some((i) => i.kind.endsWith('Loss')))
    throw new SetupError('The model has no loss layer to train: add CrossEntropyLoss, MSELoss or BCEWithLogitsLoss.');
  const extras = section(() => readSectionExtras(doc.training));
  if (extras.diffusion)
    throw new SetupError('This is a diffusion model (its training section sets "diffusion"): the training panel does not train diffusion models; train it with `layerloom train` and draw samples with `layerloom sample`.');
  // The section's dataset options describe its own dataset; another dataset chosen in the panel loads plainly.
  let dataset =
    'builtin' in data ? await loadBuiltin(data.builtin, settings.seed, data.builtin === doc.training?.dataset ? extras.datasetOptions : {}) : data.dataset;
  let heldOut: number | undefined;
  if (extras.validation) {
    if (gan) throw new SetupError('The project\'s training section names a validation set, which is for supervised training, not GANs.');
    const v = extras.validation;
    const val = await loadBuiltin(v.dataset, v.seed ?? settings.seed + 1, v.options);
    try {
      ({ dataset, heldOut } = withValidationSet(dataset, val));
    } catch (e) {
      if (e instanceof HeldOutError) throw new SetupError(`The validation set does not fit: ${e.message}`);
      throw e;
    }
  }
  const mismatch = bindDataset(shaped, dataset);
  if (mismatch.length) throw new SetupError(mismatch[0]!.message);
  checkLabels(shaped, dataset);
  return { doc, shaped, dataset, ...(heldOut !== undefined ? { heldOut } : {}), settings, extras };
}

/** The validation samples of a prepared run: a separate set's, else the settings' split (none for a GAN). */
function validationIndices(p: Prepared, gan: boolean): Int32Array {
  if (p.heldOut !== undefined) return Int32Array.from({ length: p.heldOut }, (_, i) => p.dataset.size - p.heldOut! + i);
  return gan ? new Int32Array(0) : (splitIndices(p.dataset.size, { val: p.settings.valSplit, test: 0 }, p.settings.seed).val ?? new Int32Array(0));
}

/** Class labels must fit the classifier: 0 ≤ y < C (or ignore_index). */
function checkLabels(shaped: ShapedGraph, ds: Dataset): void {
  for (const id of shaped.order) {
    const info = shaped.info.get(id);
    if (info?.kind !== 'CrossEntropyLoss' || info.inputs.target) continue;
    const c = info.inputs.input!.shape.at(-1) as number;
    const ignore = info.params.ignore_index as number;
    const y = ds.arrays[targetName(ds, id) ?? ''];
    if (!y) continue;
    for (let i = 0; i < y.length; i++) {
      const v = y[i]!;
      if (v !== ignore && (v < 0 || v >= c || !Number.isInteger(v)))
        throw new SetupError(`Dataset '${ds.info.name}' has label ${v}, but ${id} scores ${c} classes (labels 0 to ${c - 1}).`);
    }
  }
}

function targetName(ds: Dataset, lossId: string): string | undefined {
  const names = Object.keys(ds.targets);
  return names.includes(lossId) ? lossId : names.length === 1 ? names[0] : names.includes('y') ? 'y' : undefined;
}

/** The dataset input an Input node reads (by name, else the only one / `x`). */
function inputName(ds: Dataset, id: string): string | undefined {
  const names = Object.keys(ds.inputs);
  return names.includes(id) ? id : names.length === 1 ? names[0] : names.includes('x') ? 'x' : undefined;
}

/** The classifier of a graph: its first CrossEntropyLoss with an unconnected target, and the logits port feeding it. */
function classifier(shaped: ShapedGraph): { loss: string; logits: ProbePort; classes: number } | undefined {
  for (const id of shaped.order) {
    const info = shaped.info.get(id);
    if (info?.kind !== 'CrossEntropyLoss' || info.inputs.target) continue;
    const edge = shaped.edges.find((e) => e.to.node === id && e.to.port === 'input');
    if (!edge) continue;
    return { loss: id, logits: { node: edge.from.node, port: edge.from.port }, classes: info.inputs.input!.shape.at(-1) as number };
  }
  return undefined;
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function softmax(row: Float32Array): Float32Array {
  const max = Math.max(...row);
  const e = row.map((v) => Math.exp(v - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export class TrainingSession {
  private prepared: Prepared | null = null;
  private trainer: Trainer | GanTrainer | null = null;
  /** The weights after the last run (or of a run stopped early); null before any run. */
  private finalWeights: Map<string, Float32Array> | null = null;
  private running = false;
  private paused = false;
  private stopping = false;
  private readonly queue: ViewMessage[] = [];
  private wake: (() => void) | null = null;
  private readonly probes = new Map<string, Promise<InferenceSession>>();
  /** The gradient probes of the prepared model (one, or a GAN's two), built when the gradient view first asks. */
  private gradProbes: Promise<{ readonly name: string; readonly program: GradProbeProgram; readonly session: InferenceSession }[]> | null = null;
  /** The batch size of the run (or of the run kept weights came from): the gradient probe's batch. */
  private runBatch = 1;
  private totalSteps = 0;
  private valIndices: Int32Array = new Int32Array(0);
  private lastStep = 0;
  private lastYield = 0;

  constructor(private readonly host: SessionHost) {}

  async handle(msg: ToWorker): Promise<void> {
    switch (msg.type) {
      case 'start':
        return this.start(msg.doc, msg.settings, msg.data, msg.backend, msg.weights);
      case 'time':
        return this.time(msg.id, msg.doc, msg.settings, msg.data, msg.backend, msg.steps);
      case 'gpu':
        return;
      case 'pause':
        if (this.running && !this.paused) this.paused = true;
        return;
      case 'resume':
        if (this.paused) {
          this.paused = false;
          this.poke();
          this.host.post({ type: 'resumed' });
        }
        return;
      case 'stop':
        if (this.running) {
          this.stopping = true;
          this.trainer?.stop();
          this.paused = false;
          this.poke();
        }
        return;
      case 'view':
        this.queue.push(msg);
        // While a run is going, its step handler answers between steps; otherwise answer now.
        if (this.running) this.poke();
        else await this.serveQueue();
        return;
      case 'weights':
        this.host.post({ type: 'weights', id: msg.id, weights: this.running ? null : this.finalWeights });
        return;
      case 'restore':
        return this.restore(msg.doc, msg.settings, msg.data, msg.weights);
    }
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async start(doc: GraphDoc, settings: TrainSettings, data: DataSource, backendName: WorkerBackend, initial?: ReadonlyMap<string, Float32Array>): Promise<void> {
    if (this.running) {
      this.host.post({ type: 'error', message: 'A run is already in progress; stop it first.' });
      return;
    }
    this.running = true;
    this.paused = false;
    this.stopping = false;
    this.finalWeights = null;
    await this.releaseProbes();
    try {
      const p = await prepare(doc, settings, data);
      // Fine-tuning starts from kept weights only when they fit the model exactly.
      const fit = initial ? weightsFit(p.shaped, initial, 'The kept weights') : null;
      if (fit && !fit.ok) throw new SetupError(fit.message!);
      const from = initial ? { weights: initial } : undefined;
      this.prepared = p;
      const backend = this.host.backend(backendName);
      const gan = findGan(p.shaped);
      const trainCount = p.dataset.size - validationIndices(p, !!gan).length;
      const batch = Math.min(settings.batchSize, trainCount);
      const stepsPerEpoch = Math.max(1, Math.floor(trainCount / batch));
      const config = { ...toTrainConfig(settings, stepsPerEpoch, doc.training, { gan: !!gan }), ...(p.heldOut !== undefined ? { heldOut: p.heldOut } : {}) };
      const totalSteps = p.extras.steps ?? stepsPerEpoch * settings.epochs;
      const { ganObjective, nCritic, clipValue } = p.extras;
      const trainer = gan
        ? new GanTrainer(
            p.shaped,
            p.dataset,
            backend,
            {
              ...config,
              sampleEvery: Math.max(1, Math.round(totalSteps / 60)),
              sampleCount: 64,
              ...(ganObjective !== undefined ? { objective: ganObjective } : {}),
              ...(nCritic !== undefined ? { nCritic } : {}),
              ...(clipValue !== undefined ? { clipWeights: clipValue } : {}),
            },
            from,
          )
        : // Every step also reports each layer's gradient norm (one scalar per layer) for the gradient view.
          new Trainer(p.shaped, p.dataset, backend, { ...config, gradNorms: true }, from);
      this.trainer = trainer;
      this.runBatch = trainer.batch;
      this.totalSteps = totalSteps;
      this.lastStep = 0;
      // Stop pressed while the data loaded: end before the first step.
      if (this.stopping) trainer.stop();
      this.valIndices = trainer instanceof Trainer ? trainer.valIndices : new Int32Array(0);
      const cls = classifier(p.shaped);
      const info: RunInfo = {
        backend: backendName,
        trainSamples: trainer.trainSamples,
        valSamples: this.valIndices.length,
        batch: trainer.batch,
        stepsPerEpoch,
        totalSteps,
        ...(cls ? { classNames: this.classNames(cls.classes) } : {}),
        gan: !!gan,
      };
      this.host.post({ type: 'started', info });
      const events = {
        onStep: async (e: StepEvent) => {
          this.lastStep = e.step;
          this.host.post({ type: 'step', e });
          await this.between();
        },
        onEpoch: (e: EpochEvent) => this.host.post({ type: 'epoch', e }),
        onSamples: (e: SampleEvent) => this.host.post({ type: 'samples', step: e.step, shape: e.shape, data: e.data }),
      };
      const result = await trainer.run(events);
      this.finalWeights = result.weights;
      this.running = false;
      this.host.post({ type: 'done', status: result.status, ...(result.message ? { message: result.message } : {}), steps: result.steps });
    } catch (e) {
      this.running = false;
      this.host.post({ type: 'error', message: oneLine(e) });
    } finally {
      this.running = false;
      this.paused = false;
      this.trainer = null;
      // Views asked for during the last step are answered from the final weights.
      await this.serveQueue();
    }
  }

  /**
   * Takes weights kept from an earlier run as this model's trained weights, without training. Every weight
   * of the model must be there with its size; extra ones are ignored. A mismatch is one line for a person.
   */
  private async restore(doc: GraphDoc, settings: TrainSettings, data: DataSource, weights: ReadonlyMap<string, Float32Array>): Promise<void> {
    if (this.running) {
      this.host.post({ type: 'error', message: 'A run is in progress; stop it before loading kept weights.' });
      return;
    }
    try {
      const p = await prepare(doc, settings, data);
      const expected = initWeights(p.shaped, settings.seed);
      const kept = new Map<string, Float32Array>();
      for (const [name, init] of expected) {
        const w = weights.get(name);
        if (!w) throw new SetupError(`The kept weights have no ${name}; the model changed since they were trained.`);
        if (w.length !== init.length) throw new SetupError(`The kept ${name} has ${w.length} values, the model needs ${init.length}; the model changed since it was trained.`);
        kept.set(name, w);
      }
      await this.releaseProbes();
      this.prepared = p;
      this.finalWeights = kept;
      const gan = findGan(p.shaped);
      this.valIndices = validationIndices(p, !!gan);
      const trainSamples = p.dataset.size - this.valIndices.length;
      const batch = Math.min(settings.batchSize, trainSamples);
      this.runBatch = batch;
      this.totalSteps = 0;
      this.lastStep = 0;
      const cls = classifier(p.shaped);
      this.host.post({
        type: 'restored',
        info: {
          backend: 'wasm',
          trainSamples,
          valSamples: this.valIndices.length,
          batch,
          stepsPerEpoch: Math.max(1, Math.floor((gan ? p.dataset.size : trainSamples) / batch)),
          totalSteps: 0,
          ...(cls ? { classNames: this.classNames(cls.classes) } : {}),
          gan: !!gan,
        },
      });
    } catch (e) {
      this.host.post({ type: 'error', message: oneLine(e) });
    }
    await this.serveQueue();
  }

  /** Between two steps: answer queued views, and hold here while paused (answering views as they come). */
  private async between(): Promise<void> {
    if (this.host.yieldToEvents && performance.now() - this.lastYield >= YIELD_MS) {
      await this.host.yieldToEvents();
      this.lastYield = performance.now();
    }
    await this.serveQueue();
    if (!this.paused || this.stopping) return;
    this.host.post({ type: 'paused', step: this.lastStep });
    while (this.paused && !this.stopping) {
      await new Promise<void>((r) => (this.wake = r));
      await this.serveQueue();
    }
  }

  private async serveQueue(): Promise<void> {
    while (this.queue.length) {
      const m = this.queue.shift()!;
      let result: ViewResult | { kind: 'error'; message: string };
      try {
        result = await this.view(m.request);
      } catch (e) {
        result = { kind: 'error', message: oneLine(e).replace(/^training failed: /, '') };
      }
      this.host.post({ type: 'view', id: m.id, result });
    }
  }

  /** The weights right now: the running model's (read between steps), the last run's, or the initial ones. */
  private async weightsNow(): Promise<Map<string, Float32Array>> {
    const p = this.need();
    if (this.running && this.trainer) {
      const w = await this.trainer.readWeights();
      if (w) return w;
    }
    return this.finalWeights ?? initWeights(p.shaped, p.settings.seed);
  }

  private need(): Prepared {
    if (!this.prepared) throw new SetupError('Train the model first: the views show the model of a run.');
    return this.prepared;
  }

  private classNames(classes: number): string[] {
    const info = this.prepared?.dataset.info;
    const names = info?.classNames ?? (info?.task === 'sequence-labelling' ? info.vocab : undefined);
    return Array.from({ length: classes }, (_, i) => names?.[i] ?? String(i));
  }

  /** Runs the probe for `ports` on the samples `indices` (or on a given input batch) with the current weights. */
  private async probe(ports: readonly ProbePort[], feedsFrom: Int32Array | Record<string, Tensor>): Promise<Record<string, Tensor>> {
    const p = this.need();
    const backend = this.host.probeBackend();
    const key = ports.map(probeOutputName).join('|');
    let pending = this.probes.get(key);
    if (!pending) {
      const program = buildProbeStep(p.shaped, ports);
      const bytes = encodeModel(irToOnnx(program.graph, { name: 'probe', weights: new Map(), paramsAsInputs: true }));
      pending = backend.ort.InferenceSession.create(bytes, backend.sessionOptions);
      this.probes.set(key, pending);
    }
    const session = await pending;
    const weights = await this.weightsNow();
    const feeds: Record<string, Tensor> = {};
    const wanted = new Set(session.inputNames);
    if (feedsFrom instanceof Int32Array) {
      for (const id of wanted) {
        if (!p.shaped.nodes.has(id)) continue;
        const name = inputName(p.dataset, id);
        if (!name) throw new SetupError(`The dataset has no input for ${id}.`);
        const b = gatherBatch(p.dataset, feedsFrom, [name]);
        const arr = b.arrays[name]!;
        feeds[id] = arr instanceof BigInt64Array ? new backend.ort.Tensor('int64', arr, [...b.shapes[name]!]) : new backend.ort.Tensor('float32', arr, [...b.shapes[name]!]);
      }
    } else Object.assign(feeds, feedsFrom);
    for (const id of wanted) {
      if (feeds[id]) continue;
      const w = weights.get(id);
      const spec = this.shapeOfWeight(id);
      if (!w || !spec) throw new SetupError(`No value for ${id}.`);
      feeds[id] = new backend.ort.Tensor('float32', w, spec);
    }
    return session.run(feeds);
  }

  private shapeOfWeight(name: string): number[] | undefined {
    const p = this.need();
    const dot = name.indexOf('.');
    const info = p.shaped.info.get(name.slice(0, dot));
    const spec = info?.weights[name.slice(dot + 1)];
    return spec ? (spec.shape as number[]) : undefined;
  }

  /** The samples a view looks at: the validation split, else the first ones of the data. */
  private viewIndices(limit: number): { indices: Int32Array; split: string } {
    const p = this.need();
    if (this.valIndices.length) return { indices: this.valIndices.slice(0, limit), split: 'validation' };
    return { indices: Int32Array.from({ length: Math.min(limit, p.dataset.size) }, (_, i) => i), split: 'training' };
  }

  private async view(r: ViewRequest): Promise<ViewResult> {
    const p = this.need();
    switch (r.kind) {
      case 'confusion': {
        const cls = classifier(p.shaped);
        if (!cls) throw new SetupError('The confusion matrix needs a classifier: a CrossEntropyLoss whose target is the dataset label.');
        const { indices, split } = this.viewIndices(2000);
        const target = targetName(p.dataset, cls.loss)!;
        const labels: number[] = [];
        const predicted: number[] = [];
        for (let at = 0; at < indices.length; at += 512) {
          const chunk = indices.slice(at, at + 512);
          const out = await this.probe([cls.logits], chunk);
          const logits = (await out[probeOutputName(cls.logits)]!.getData()) as Float32Array;
          const rows = logits.length / cls.classes;
          predicted.push(...argmaxRows(logits, rows, cls.classes));
          const y = gatherBatch(p.dataset, chunk, [target]).arrays[target]!;
          for (let i = 0; i < y.length; i++) labels.push(Number(y[i]));
        }
        const c = confusionMatrix(labels, predicted, cls.classes);
        return { kind: 'confusion', node: cls.loss, classNames: this.classNames(cls.classes), counts: c.counts, perClass: c.perClass, accuracy: c.accuracy, total: c.total, split };
      }
      case 'activation': {
        const node = p.shaped.nodes.get(r.node);
        const info = p.shaped.info.get(r.node);
        if (!node?.def || !info) throw new SetupError(`There is no layer "${r.node}" in the trained model.`);
        const sample = this.sampleIndex(r.sample);
        const port = r.port ?? Object.keys(info.outputs)[0]!;
        if (node.def.kind === 'Input') {
          const name = inputName(p.dataset, r.node)!;
          const b = gatherBatch(p.dataset, Int32Array.of(sample), [name]);
          return { kind: 'activation', node: r.node, port, shape: b.shapes[name]!, data: Float32Array.from(b.arrays[name]!, Number) };
        }
        if (node.def.category === 'loss') throw new SetupError(`${r.node} is a loss; pick a layer to see its output.`);
        const out = await this.probe([{ node: r.node, port }], Int32Array.of(sample));
        const t = out[probeOutputName({ node: r.node, port })]!;
        return { kind: 'activation', node: r.node, port, shape: [...t.dims], data: Float32Array.from((await t.getData()) as Float32Array) };
      }
      case 'attention': {
        const info = p.shaped.info.get(r.node);
        if (info?.kind !== 'MultiheadAttention') throw new SetupError(`${r.node} is not a MultiheadAttention layer.`);
        const sample = this.sampleIndex(r.sample);
        const port = { node: r.node, port: 'weights' };
        const out = await this.probe([port], Int32Array.of(sample));
        const t = out[probeOutputName(port)]!;
        const [, heads, tq, tk] = t.dims as number[];
        return { kind: 'attention', node: r.node, heads: heads!, tq: tq!, tk: tk!, data: Float32Array.from((await t.getData()) as Float32Array), tokens: this.tokensOf(sample, Math.max(tq!, tk!)) };
      }
      case 'embedding': {
        const info = p.shaped.info.get(r.node);
        if (info?.kind !== 'Embedding') throw new SetupError(`${r.node} is not an Embedding layer.`);
        const shape = info.weights.weight!.shape as number[];
        const w = (await this.weightsNow()).get(`${r.node}.weight`)!;
        const rows = Math.min(shape[0]!, 1000);
        const pca = pca2(w.subarray(0, rows * shape[1]!), rows, shape[1]!);
        const vocab = p.dataset.info.vocab;
        return { kind: 'embedding', node: r.node, points: pca.points, labels: Array.from({ length: rows }, (_, i) => vocab?.[i] ?? String(i)), explained: pca.explained };
      }
      case 'boundary': {
        const cls = classifier(p.shaped);
        const inputs = p.shaped.order.filter((id) => p.shaped.info.get(id)?.kind === 'Input');
        const inShape = inputs.length === 1 ? (p.shaped.info.get(inputs[0]!)!.outputs.out?.shape ?? []) : [];
        if (!cls || inputs.length !== 1 || inShape.length !== 2 || inShape[1] !== 2)
          throw new SetupError('The decision boundary needs a classifier with one 2-D input (like the spiral MLP).');
        const name = inputName(p.dataset, inputs[0]!)!;
        const x = p.dataset.arrays[name] as Float32Array;
        let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
        for (let i = 0; i < x.length; i += 2) {
          x0 = Math.min(x0, x[i]!);
          x1 = Math.max(x1, x[i]!);
          y0 = Math.min(y0, x[i + 1]!);
          y1 = Math.max(y1, x[i + 1]!);
        }
        const mx = (x1 - x0) * 0.08 || 1;
        const my = (y1 - y0) * 0.08 || 1;
        [x0, x1, y0, y1] = [x0 - mx, x1 + mx, y0 - my, y1 + my];
        const res = Math.max(8, Math.min(200, Math.round(r.resolution)));
        const grid = new Float32Array(res * res * 2);
        for (let row = 0; row < res; row++)
          for (let col = 0; col < res; col++) {
            const k = (row * res + col) * 2;
            grid[k] = x0 + ((col + 0.5) / res) * (x1 - x0);
            grid[k + 1] = y1 - ((row + 0.5) / res) * (y1 - y0);
          }
        const backend = this.host.probeBackend();
        const out = await this.probe([cls.logits], { [inputs[0]!]: new backend.ort.Tensor('float32', grid, [res * res, 2]) });
        const logits = (await out[probeOutputName(cls.logits)]!.getData()) as Float32Array;
        const { indices } = this.viewIndices(600);
        const target = targetName(p.dataset, cls.loss)!;
        const b = gatherBatch(p.dataset, indices, [name, target]);
        return {
          kind: 'boundary',
          resolution: res,
          bounds: [x0, x1, y0, y1],
          grid: argmaxRows(logits, res * res, cls.classes),
          points: Float32Array.from(b.arrays[name]!, Number),
          labels: Int32Array.from(b.arrays[target]!, Number),
          classes: cls.classes,
        };
      }
      case 'gradHistograms':
        return this.gradHistograms(Number.isFinite(r.bins) ? Math.max(2, Math.min(100, Math.round(r.bins))) : 30);
      case 'histograms': {
        const weights = await this.weightsNow();
        const layers = [...weights]
          .filter(([name]) => !/running_|num_batches/.test(name))
          .map(([name, w]) => {
            const h = histogram(w, r.bins);
            return { name, edges: h.edges, counts: h.counts, norm: l2norm(w) };
          });
        return { kind: 'histograms', layers };
      }
      case 'predict': {
        const cls = classifier(p.shaped);
        if (!cls) throw new SetupError('Predictions need a classifier: a CrossEntropyLoss whose target is the dataset label.');
        const inputs = p.shaped.order.filter((id) => p.shaped.info.get(id)?.kind === 'Input');
        const name = inputName(p.dataset, inputs[0] ?? '')!;
        const spec = p.dataset.inputs[name]!;
        let out: Record<string, Tensor>;
        let truth: number | undefined;
        let input: { shape: readonly number[]; data: Float32Array | Int32Array; tokens?: readonly string[] };
        if (r.input) {
          if (inputs.length !== 1 || r.input.length !== numel(spec.shape)) throw new SetupError(`The model takes one input of ${spec.shape.join('×')} values.`);
          const backend = this.host.probeBackend();
          const t =
            spec.dtype === 'int64'
              ? new backend.ort.Tensor('int64', BigInt64Array.from(r.input, (v) => BigInt(Math.round(v))), [1, ...spec.shape])
              : new backend.ort.Tensor('float32', Float32Array.from(r.input), [1, ...spec.shape]);
          out = await this.probe([cls.logits], { [inputs[0]!]: t });
          input = { shape: spec.shape, data: r.input };
        } else {
          const sample = this.sampleIndex(r.sample ?? 0);
          out = await this.probe([cls.logits], Int32Array.of(sample));
          const target = targetName(p.dataset, cls.loss)!;
          const y = gatherBatch(p.dataset, Int32Array.of(sample), [target]).arrays[target]!;
          if (y.length === 1) truth = Number(y[0]);
          const b = gatherBatch(p.dataset, Int32Array.of(sample), [name]);
          const data = spec.dtype === 'int64' ? Int32Array.from(b.arrays[name]!, Number) : Float32Array.from(b.arrays[name]!, Number);
          input = { shape: spec.shape, data, ...(spec.dtype === 'int64' ? { tokens: this.tokensOf(sample, numel(spec.shape)) } : {}) };
        }
        const logits = (await out[probeOutputName(cls.logits)]!.getData()) as Float32Array;
        // A sequence classifier scores every position; the prediction is the last position's.
        const row = logits.slice(logits.length - cls.classes);
        const probabilities = softmax(row);
        return { kind: 'predict', probabilities, classNames: this.classNames(cls.classes), predicted: argmaxRows(row, 1, cls.classes)[0]!, ...(truth !== undefined ? { truth } : {}), input };
      }
      case 'samples': {
        const cls = classifier(p.shaped);
        if (!cls) throw new SetupError('The sample grid needs a classifier.');
        const inputs = p.shaped.order.filter((id) => p.shaped.info.get(id)?.kind === 'Input');
        const name = inputName(p.dataset, inputs[0] ?? '')!;
        const { indices } = this.viewIndices(Math.max(1, Math.min(64, r.count)));
        const out = await this.probe([cls.logits], indices);
        const logits = (await out[probeOutputName(cls.logits)]!.getData()) as Float32Array;
        const target = targetName(p.dataset, cls.loss)!;
        const b = gatherBatch(p.dataset, indices, [name, target]);
        const y = b.arrays[target]!;
        if (y.length !== indices.length) throw new SetupError('The sample grid shows one label per sample; this dataset labels every position.');
        return {
          kind: 'samples',
          shape: p.dataset.inputs[name]!.shape,
          inputs: Float32Array.from(b.arrays[name]!, Number),
          truth: Int32Array.from(y, Number),
          predicted: argmaxRows(logits, indices.length, cls.classes),
          classNames: this.classNames(cls.classes),
        };
      }
    }
  }

  private sampleIndex(i: number): number {
    const { indices } = this.viewIndices(1_000_000);
    if (indices.length === 0) throw new SetupError('The dataset has no samples.');
    return indices[((Math.floor(i) % indices.length) + indices.length) % indices.length]!;
  }

  /** Labels for the positions of a sample: its tokens where the dataset has a vocabulary, else 1, 2, 3… */
  private tokensOf(sample: number, length: number): string[] {
    const p = this.need();
    const vocab = p.dataset.info.vocab;
    const tokenInput = Object.entries(p.dataset.inputs).find(([, s]) => s.dtype === 'int64' && s.shape.length === 1);
    if (vocab && tokenInput && tokenInput[1].shape[0] === length) {
      const ids = gatherBatch(p.dataset, Int32Array.of(sample), [tokenInput[0]]).arrays[tokenInput[0]]!;
      return Array.from(ids as ArrayLike<number | bigint>, (v) => vocab[Number(v)] ?? String(v));
    }
    return Array.from({ length }, (_, i) => String(i + 1));
  }

  /** Times `steps` steps after one warm-up step (session creation and shader compilation are not counted). */
  private async time(id: number, doc: GraphDoc, settings: TrainSettings, data: DataSource, backendName: WorkerBackend, steps: number): Promise<void> {
    try {
      const p = await prepare(doc, settings, data);
      if (findGan(p.shaped)) throw new SetupError('Auto does not time GAN runs');
      const config = { ...toTrainConfig(settings, 1, doc.training), epochs: undefined, steps: steps + 1, valSplit: 0 };
      const trainer = new Trainer(p.shaped, p.dataset, this.host.backend(backendName), config);
      let first = 0;
      await trainer.run({
        onStep: (e) => {
          if (e.step === 1) first = performance.now();
        },
      });
      this.host.post({ type: 'timed', id, msPerStep: (performance.now() - first) / steps });
    } catch (e) {
      this.host.post({ type: 'timed', id, error: oneLine(e) });
    }
  }

  private async releaseProbes(): Promise<void> {
    const all = [...this.probes.values()];
    this.probes.clear();
    for (const s of all) await (await s.catch(() => null))?.release();
    const grads = this.gradProbes;
    this.gradProbes = null;
    for (const g of (await grads?.catch(() => null)) ?? []) await g.session.release();
  }

  /**
   * Every weight's gradient with the current weights, on the first `runBatch` samples of the training split
   * (the same batch every time, so the histograms move only as the weights do): the train step's forward and
   * backward pass without its update, on the CPU probe backend. Dropout masks and noise are drawn from the
   * run's seed, the same each time. A GAN gives the Discriminator's gradients of its loss and the generator's
   * of its own, as its two steps compute them.
   */
  private async gradHistograms(bins: number): Promise<GradHistogramsResult> {
    const p = this.need();
    const backend = this.host.probeBackend();
    if (!this.gradProbes) {
      const gan = findGan(p.shaped);
      const ins = Object.keys(p.dataset.inputs);
      const realInput = ins.length === 1 ? ins[0]! : 'x';
      const programs: [string, GradProbeProgram][] = gan
        ? Object.entries(buildGanGradProbes(p.shaped, { batch: this.runBatch, realInput, ...(p.extras.ganObjective ? { objective: p.extras.ganObjective } : {}) })).map(([k, prog]) => [
            k === 'd' ? (p.extras.ganObjective === 'wasserstein' ? 'critic loss' : 'Discriminator loss') : 'generator loss',
            prog,
          ])
        : [['loss', buildGradProbe(p.shaped, { batch: this.runBatch })]];
      this.gradProbes = Promise.all(
        programs.map(async ([name, program]) => {
          const bytes = encodeModel(irToOnnx(program.graph, { name: 'gradient_probe', weights: new Map(), paramsAsInputs: true }));
          return { name, program, session: await backend.ort.InferenceSession.create(bytes, backend.sessionOptions) };
        }),
      );
      // A probe that cannot be built is reported now and tried again on the next request.
      this.gradProbes.catch(() => (this.gradProbes = null));
    }
    const probes = await this.gradProbes;
    const step = this.lastStep;
    const weights = await this.weightsNow();
    const val = new Set(this.valIndices);
    const train: number[] = [];
    for (let i = 0; i < p.dataset.size && train.length < this.runBatch; i++) if (!val.has(i)) train.push(i);
    const indices = Int32Array.from(train);
    const objectives: { name: string; loss: number }[] = [];
    const layers: { node: string; objective: string; norm: number; tensors: GradTensor[] }[] = [];
    for (const { name: objective, program, session } of probes) {
      const feeds: Record<string, Tensor> = {};
      for (const d of program.dataInputs) {
        const array = d.source.kind === 'input' ? inputName(p.dataset, d.source.node) : targetName(p.dataset, d.source.node);
        if (!array) throw new SetupError(`The dataset has no ${d.source.kind === 'input' ? 'input' : 'target'} for ${d.source.node}.`);
        const b = gatherBatch(p.dataset, indices, [array]);
        const arr = b.arrays[array]!;
        const shape = d.type.shape as number[];
        feeds[d.name] = arr instanceof BigInt64Array ? new backend.ort.Tensor('int64', arr, shape) : new backend.ort.Tensor('float32', Float32Array.from(arr, Number), shape);
      }
      const rng = new Rng(p.settings.seed).fork(`gradients/${objective}`);
      const progress = this.totalSteps ? step / this.totalSteps : 1;
      for (const f of program.feeds) feeds[f.name] = new backend.ort.Tensor('float32', generateFeed(f.spec, f.type, rng, progress), f.type.shape as number[]);
      const wanted = new Set(session.inputNames);
      for (const w of program.weights) {
        if (!wanted.has(w.name)) continue;
        const value = weights.get(w.name);
        if (!value) throw new SetupError(`No value for ${w.name}.`);
        feeds[w.name] = new backend.ort.Tensor('float32', value, w.type.shape as number[]);
      }
      const out = await session.run(Object.fromEntries(Object.entries(feeds).filter(([k]) => wanted.has(k))));
      objectives.push({ name: objective, loss: ((await out[LOSS_OUTPUT]!.getData()) as Float32Array)[0]! });
      for (const g of program.grads) {
        const data = (await out[g.name]!.getData()) as Float32Array;
        const h = histogram(data, bins);
        let [min, max] = [Infinity, -Infinity];
        for (const v of data)
          if (Number.isFinite(v)) {
            if (v < min) min = v;
            if (v > max) max = v;
          }
        const tensor: GradTensor = { name: g.weight, size: data.length, edges: h.edges, counts: h.counts, norm: l2norm(data), min: min <= max ? min : NaN, max: min <= max ? max : NaN, nonFinite: h.nonFinite };
        const layer = layers.find((l) => l.node === g.node && l.objective === objective);
        if (layer) layer.tensors.push(tensor);
        else layers.push({ node: g.node, objective, norm: 0, tensors: [tensor] });
      }
    }
    for (const l of layers) l.norm = Math.sqrt(l.tensors.reduce((a, t) => a + t.norm * t.norm, 0));
    return { kind: 'gradHistograms', step, batch: indices.length, objectives, layers };
  }
}
