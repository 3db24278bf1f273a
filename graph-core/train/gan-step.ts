/**
 * GAN mode: a graph Noise → generator layers → Discriminator trains adversarially, with two train-step
 * programs that share weight names (so the runtime keeps one set of live weights for both):
 *
 *   D step   loss = BCEWithLogits(D(x), 1) + BCEWithLogits(D(G(z)), 0)   updates only the Discriminator
 *   G step   loss = BCEWithLogits(D(G(z)), 1)                            updates only the generator
 *
 * (each BCE term a mean over the batch; the G step's loss is the non-saturating one, −log σ(D(G(z))), whose
 * gradient flows back through D into G). The real batch x is a graph input named after the dataset's input
 * (`x`); the Discriminator is lowered twice, on G(z) and on x, with the same weight values. The D step also
 * reports mean σ(D(x)) and mean σ(D(G(z))) (metrics `d_x`, `d_g_z`).
 *
 * WGAN mode (objective 'wasserstein', Arjovsky et al. 2017) reads the Discriminator's output as a critic score
 * with no sigmoid and no log:
 *
 *   critic step   loss = mean D(G(z)) − mean D(x)      (minimising it maximises the critic's Wasserstein estimate)
 *                 then every critic weight is clamped to [−c, c] (weight clipping, `clipWeights`)
 *   G step        loss = −mean D(G(z))
 *
 * and `d_x`, `d_g_z` are the mean critic scores themselves, so d_x − d_g_z is the Wasserstein estimate.
 * PyTorch: loss_D = D(fake).mean() − D(x).mean(); loss_D.backward(); optD.step();
 * for p in D.parameters(): p.data.clamp_(−c, c); … loss_G = −D(G(z)).mean()
 *
 * A third, forward-only program maps noise to samples (Noise → generator, eval mode) for sample grids.
 *
 * PyTorch equivalent (DCGAN tutorial): optD.zero_grad(); (bce(D(x), 1) + bce(D(G(z).detach()), 0)).backward();
 * optD.step(); optG.zero_grad(); bce(D(G(z)), 1).backward(); optG.step()
 */
import type { AnyLayerDef, FeedSpec } from '../define-layer';
import { IrError } from '../ir/define-op';
import type { IrBuilder, V } from '../ir/builder';
import type { IrGraph } from '../ir/types';
import type { ShapedGraph } from '../passes/infer-shapes';
import { lowerLayers, outputName, type LoweredGraph } from '../passes/lower';
import type { Shape, TensorType } from '../shape';
import { completeTrainStep, resolveOptimizer, TrainConfigError, type OptimizerChoice, type ResolvedOptimizer, type StepObjective, type TrainProgram } from './train-step';

/** What makes a graph a GAN: Noise nodes whose path reaches one Discriminator, fed the generated sample. */
export interface GanGraph {
  readonly discriminator: string;
  /** The generator's nodes (everything upstream of the Discriminator), in topological order. */
  readonly generator: readonly string[];
  /** The Noise nodes among them. */
  readonly noise: readonly string[];
  /** The generator output port that feeds the Discriminator: the generated sample. */
  readonly sample: { readonly node: string; readonly port: string };
  /** The type of a batch of samples, [N, …]. */
  readonly sampleType: TensorType;
}

export interface GanStepConfig {
  /** Fixed batch size of both steps (real and generated samples alike). */
  readonly batch: number;
  /** One optimizer kind for both players; each keeps its own state for its own weights. */
  readonly optimizer: OptimizerChoice;
  /** Clip each step's gradients to this global L2 norm. */
  readonly clipNorm?: number;
  /** The graph input the real samples arrive at, named after the dataset's input. Default `x`. */
  readonly realInput?: string;
  /** 'bce' (default): the standard GAN losses; 'wasserstein': WGAN's critic and generator losses. */
  readonly objective?: GanObjective;
  /** WGAN: clamp every Discriminator weight to [−c, c] after each critic step. */
  readonly clipWeights?: number;
}

export type GanObjective = 'bce' | 'wasserstein';
export const GAN_OBJECTIVES: readonly GanObjective[] = ['bce', 'wasserstein'];

/** Noise → generator, forward only (eval mode), with a symbolic batch: what a sample grid runs. */
export interface SampleProgram {
  readonly graph: IrGraph;
  /** The Noise inputs, [N, size] each, by Noise node id. */
  readonly noise: readonly { readonly name: string; readonly type: TensorType }[];
  /** The graph output holding the generated samples. */
  readonly output: string;
}

export interface GanPrograms {
  readonly gan: GanGraph;
  /** The Discriminator step: its `loss` output is d_loss; metrics d_x and d_g_z. */
  readonly d: TrainProgram;
  /** The generator step: its `loss` output is g_loss. */
  readonly g: TrainProgram;
  readonly sample: SampleProgram;
  /** The weight names each step trains. */
  readonly dWeights: ReadonlySet<string>;
  readonly gWeights: ReadonlySet<string>;
}

/** Metric keys of GAN training (as the trainer reports them). */
export const GAN_METRICS = { dLoss: 'd_loss', gLoss: 'g_loss', dReal: 'd_x', dFake: 'd_g_z' } as const;
export const DEFAULT_REAL_INPUT = 'x';

/**
 * The GAN structure of a graph, or undefined when no Noise node reaches a Discriminator. A graph that is
 * a GAN but one this mode cannot train (two Discriminators, an Input feeding the generator, extra nodes)
 * is a TrainConfigError.
 */
export function findGan(shaped: ShapedGraph): GanGraph | undefined {
  const kindOf = (id: string) => shaped.nodes.get(id)?.kind;
  const upstream = (id: string): Set<string> => {
    const seen = new Set<string>();
    const todo = [id];
    while (todo.length) {
      const cur = todo.pop()!;
      for (const e of shaped.edges)
        if (e.to.node === cur && !seen.has(e.from.node)) {
          seen.add(e.from.node);
          todo.push(e.from.node);
        }
    }
    return seen;
  };
  const found = shaped.order
    .filter((id) => kindOf(id) === 'Discriminator')
    .map((id) => ({ id, up: upstream(id) }))
    .filter((d) => [...d.up].some((u) => kindOf(u) === 'Noise'));
  if (found.length === 0) return undefined;
  if (found.length > 1) throw new TrainConfigError(`a GAN graph has one Discriminator, but Noise reaches ${found.map((d) => d.id).join(' and ')}`);
  const { id, up } = found[0]!;
  const inputs = [...up].filter((u) => kindOf(u) === 'Input');
  if (inputs.length > 0)
    throw new TrainConfigError(
      `GAN training feeds the generator only from Noise, but Input ${inputs.join(', ')} reaches the Discriminator ${id}; the real samples come from the dataset`,
    );
  const others = [...shaped.nodes.keys()].filter((n) => n !== id && !up.has(n));
  if (others.length > 0)
    throw new TrainConfigError(
      `a GAN graph is Noise → generator → Discriminator and trains with its own losses; remove ${others.join(', ')}, which ${others.length === 1 ? 'is' : 'are'} not part of the generator`,
    );
  const edge = shaped.edges.find((e) => e.to.node === id && e.to.port === 'in');
  const sampleType = edge && shaped.info.get(edge.from.node)?.outputs[edge.from.port];
  if (!edge || !sampleType) throw new IrError('cannot train a GAN graph with errors');
  const generator = shaped.order.filter((n) => up.has(n));
  return { discriminator: id, generator, noise: generator.filter((n) => kindOf(n) === 'Noise'), sample: { ...edge.from }, sampleType };
}

/** The D step, the G step and the sample program of a GAN graph. */
export function buildGanSteps(shaped: ShapedGraph, cfg: GanStepConfig): GanPrograms {
  const gan = findGan(shaped);
  if (!gan) throw new TrainConfigError('this graph is not a GAN: no Noise node reaches a Discriminator');
  const optimizer = resolveOptimizer(cfg.optimizer);
  const realInput = cfg.realInput ?? DEFAULT_REAL_INPUT;
  if (cfg.objective !== undefined && !GAN_OBJECTIVES.includes(cfg.objective))
    throw new TrainConfigError(`the GAN loss is ${GAN_OBJECTIVES.join(' or ')}, not "${String(cfg.objective)}"`);
  if (cfg.clipWeights !== undefined && !(cfg.clipWeights > 0 && Number.isFinite(cfg.clipWeights)))
    throw new TrainConfigError(`weight clipping needs a positive bound c (weights are kept in [−c, c]), not ${cfg.clipWeights}`);
  if (shaped.nodes.has(realInput)) throw new TrainConfigError(`the real samples enter the GAN as input '${realInput}'; rename node ${realInput}`);
  const { d: dWeights, g: gWeights } = playerWeights(shaped, gan);
  if (gWeights.size === 0) throw new TrainConfigError(`the generator between Noise and ${gan.discriminator} has no weights to train`);
  const generator = generatorGraph(shaped, gan);
  const step = (which: 'd' | 'g') => buildStep(shaped, generator, gan, { ...cfg, realInput }, optimizer, which, which === 'd' ? dWeights : gWeights);
  return { gan, d: step('d'), g: step('g'), sample: buildSampleProgram(generator, gan), dWeights, gWeights };
}

/** The weight names each player trains: the Discriminator's, and the generator's (no buffers). */
function playerWeights(shaped: ShapedGraph, gan: GanGraph): { d: Set<string>; g: Set<string> } {
  const weightsOf = (ids: readonly string[]) =>
    new Set(ids.flatMap((id) => Object.entries(shaped.info.get(id)?.weights ?? {}).flatMap(([name, spec]) => (spec.stateOnly ? [] : [`${id}.${name}`]))));
  return { d: weightsOf([gan.discriminator]), g: weightsOf(gan.generator) };
}

/**
 * The forward pass and objective of one player's step (`d`: the Discriminator's, `g`: the generator's),
 * in a builder, and the weights that step trains: what the gradient probe differentiates.
 */
export function ganStepObjective(
  shaped: ShapedGraph,
  cfg: Pick<GanStepConfig, 'batch' | 'realInput' | 'objective'>,
  which: 'd' | 'g',
): { readonly gan: GanGraph; readonly ir: IrBuilder; readonly objective: StepObjective; readonly trains: ReadonlySet<string> } {
  const gan = findGan(shaped);
  if (!gan) throw new TrainConfigError('this graph is not a GAN: no Noise node reaches a Discriminator');
  const full = { ...cfg, realInput: cfg.realInput ?? DEFAULT_REAL_INPUT };
  const { ir, objective } = stepObjective(shaped, generatorGraph(shaped, gan), gan, full, which);
  return { gan, ir, objective, trains: playerWeights(shaped, gan)[which] };
}

/** The graph restricted to the generator (the Discriminator removed): its only output is the sample. */
function generatorGraph(shaped: ShapedGraph, gan: GanGraph): ShapedGraph {
  const keep = new Set(gan.generator);
  const info = new Map([...shaped.info].filter(([id]) => keep.has(id)));
  return {
    ...shaped,
    nodes: new Map([...shaped.nodes].filter(([id]) => keep.has(id))),
    edges: shaped.edges.filter((e) => keep.has(e.from.node) && keep.has(e.to.node)),
    order: shaped.order.filter((id) => keep.has(id)),
    info,
    totalParams: [...info.values()].reduce((a, i) => a + i.paramCount, 0),
    totalFlops: [...info.values()].reduce((a, i) => a + i.flops, 0),
  };
}

function sampleValue(lowered: LoweredGraph, shaped: ShapedGraph, gan: GanGraph): { name: string; value: V } {
  const name = outputName(gan.sample.node, gan.sample.port, Object.keys(shaped.info.get(gan.sample.node)!.outputs).length);
  const out = lowered.ir.outputs.find((o) => o.name === name);
  if (!out) throw new IrError(`the generator output ${name} was not lowered`);
  return { name, value: lowered.builder.value(out.value) };
}

function buildStep(
  shaped: ShapedGraph,
  generator: ShapedGraph,
  gan: GanGraph,
  cfg: GanStepConfig & { readonly realInput: string },
  optimizer: ResolvedOptimizer,
  which: 'd' | 'g',
  trains: ReadonlySet<string>,
): TrainProgram {
  const { ir, objective } = stepObjective(shaped, generator, gan, cfg, which);
  return completeTrainStep(ir, objective, {
    optimizer,
    ...(cfg.clipNorm !== undefined ? { clipNorm: cfg.clipNorm } : {}),
    ...(which === 'd' && cfg.clipWeights !== undefined ? { clipWeights: cfg.clipWeights } : {}),
    trains: (name) => trains.has(name),
  });
}

/** The lowered generator, the Discriminator on generated (and for `d`, real) samples, and the player's loss. */
function stepObjective(
  shaped: ShapedGraph,
  generator: ShapedGraph,
  gan: GanGraph,
  cfg: Pick<GanStepConfig, 'batch' | 'objective'> & { readonly realInput: string },
  which: 'd' | 'g',
): { ir: IrBuilder; objective: StepObjective } {
  const lowered = lowerLayers(generator, { mode: 'train', batch: cfg.batch });
  const ir = lowered.builder;
  const fake = sampleValue(lowered, shaped, gan).value;
  ir.clearOutputs();
  const feeds = new Map(lowered.feeds);
  const metrics = new Map(lowered.metrics);
  const bufferUpdates = new Map(lowered.bufferUpdates);
  const D = gan.discriminator;
  const info = shaped.info.get(D)!;
  // One set of Discriminator weights, used by both of its applications.
  const w: Record<string, V> = {};
  for (const [name, spec] of Object.entries(info.weights)) if (!spec.stateOnly) w[name] = ir.param(`${D}.${name}`, spec);
  const lowerD = (x: V, scope: string) => lowerDiscriminator(ir, shaped, D, x, w, cfg.batch, scope, { feeds, metrics, bufferUpdates, real: scope !== D });

  const dFake = lowerD(fake, D);
  const wgan = cfg.objective === 'wasserstein';
  const mean = (v: V) => ir.reduceMean(v, v.type.shape.map((_, i) => i), false);
  let loss: V;
  if (which === 'g') {
    loss = ir.scoped('gan/g_loss', () => (wgan ? ir.neg(mean(dFake)) : bceWithLogits(ir, dFake, 1)));
  } else {
    const type = { shape: gan.sampleType.shape.map((d) => (d === 'N' ? cfg.batch : d)), dtype: gan.sampleType.dtype };
    const real = ir.input(cfg.realInput, type);
    const dReal = lowerD(real, `${D}/real`);
    loss = ir.scoped('gan/d_loss', () => (wgan ? ir.sub(mean(dFake), mean(dReal)) : ir.add(bceWithLogits(ir, dReal, 1), bceWithLogits(ir, dFake, 0))));
    // BCE: mean σ(D(·)), the probability of "real"; WGAN: the mean critic score itself.
    const report = (logits: V) => (wgan ? mean(logits) : mean(ir.sigmoid(logits)));
    metrics.set(GAN_METRICS.dReal, ir.scoped('gan/d_x', () => report(dReal)));
    metrics.set(GAN_METRICS.dFake, ir.scoped('gan/d_g_z', () => report(dFake)));
  }
  return {
    ir,
    objective: {
      loss,
      metrics,
      bufferUpdates,
      feeds,
      dataSource: (name) => (name === cfg.realInput ? { node: cfg.realInput, kind: 'input' } : undefined),
    },
  };
}

/**
 * Lowers the Discriminator node on `x` with the given weights, as lowerLayers would (same context), inside
 * `scope`: `<id>` for the generated batch, `<id>/real` for the real one.
 */
function lowerDiscriminator(
  ir: IrBuilder,
  shaped: ShapedGraph,
  id: string,
  x: V,
  w: Readonly<Record<string, V>>,
  batch: number,
  scope: string,
  sink: { feeds: Map<string, FeedSpec>; metrics: Map<string, V>; bufferUpdates: Map<string, V>; real: boolean },
): V {
  const def: AnyLayerDef = shaped.nodes.get(id)!.def!;
  const info = shaped.info.get(id)!;
  if (!def.lower) throw new IrError(`${def.kind} has no lowering`);
  const fix = (s: Shape): Shape => s.map((d) => (d === 'N' ? batch : d));
  const shapes = (r: Readonly<Record<string, TensorType>>) => Object.fromEntries(Object.entries(r).map(([p, t]) => [p, fix(t.shape)]));
  const produced = ir.scoped(scope, () =>
    def.lower!({
      ir,
      nodeId: id,
      params: info.params as never,
      in: shapes(info.inputs),
      dtypes: Object.fromEntries(Object.entries(info.inputs).map(([p, t]) => [p, t.dtype])),
      variadic: {},
      out: shapes(info.outputs),
      x: { in: x },
      xs: {},
      w,
      mode: 'train',
      batch,
      feed: (name, type, spec) => {
        const input = `${scope}.${name}`;
        sink.feeds.set(input, spec);
        return ir.input(input, { shape: fix(type.shape), dtype: type.dtype });
      },
      updateBuffer: (name, value) => {
        // The generated batch's pass updates buffers, as lowerLayers does; a second update of the same
        // buffer from the real batch would silently drop one of them.
        if (sink.real) throw new IrError(`${def.kind} ${id} updates its buffer ${name}; it cannot be applied to real and generated batches in one step`);
        sink.bufferUpdates.set(`${id}.${name}`, value);
      },
      metric: (name, value) => void sink.metrics.set(`${scope}.${name}`, value),
    }),
  );
  const out = produced.out;
  if (!out) throw new IrError(`${def.kind} lowering produced no "out"`);
  return out;
}

/** mean BCEWithLogits(x, y) for a constant label y, in BCEWithLogitsLoss's stable form: mean(max(x, 0) − x·y + log(1 + e^{−|x|})). */
function bceWithLogits(ir: IrBuilder, x: V, y: 0 | 1): V {
  const term = ir.add(ir.sub(ir.relu(x), ir.mul(x, ir.scalar(y))), ir.log(ir.add(ir.exp(ir.neg(ir.abs(x))), ir.scalar(1))));
  return ir.reduceMean(term, x.type.shape.map((_, i) => i), false);
}

/** Noise → generator in eval mode (Dropout off, BatchNorm on running statistics), batch symbolic. */
function buildSampleProgram(generator: ShapedGraph, gan: GanGraph): SampleProgram {
  const lowered = lowerLayers(generator, { mode: 'eval' });
  const ir = lowered.builder;
  const sample = sampleValue(lowered, generator, gan);
  ir.clearOutputs();
  ir.output(sample.name, sample.value);
  const graph = ir.build();
  const noise = gan.noise.map((name) => {
    const input = graph.inputs.find((i) => i.name === name)!;
    return { name, type: graph.values[input.value]!.type };
  });
  return { graph, noise, output: sample.name };
}
