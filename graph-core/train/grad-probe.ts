/**
 * buildGradProbe: the train step without its update. The forward pass in train mode (Dropout masks and noise
 * fed as inputs, BatchNorm on the batch's statistics) on one fixed-size batch, the loss, and the backward pass,
 * returning every trainable weight's gradient as it is before any clipping (what the step's `gradnorm:<node>`
 * outputs measure). Nothing is updated: weights, optimizer state and buffers are the caller's, unchanged. The
 * gradient views run it on demand, between steps, so a run whose gradient view is closed pays nothing.
 *
 * Names in the graph:
 *   inputs   <Input id>, <loss id>.target, <node>.<feed> (dropout masks, noise), <weight name> (every parameter
 *            and buffer the forward pass reads)
 *   outputs  loss, grad:<weight name>
 *
 * A GAN has two objectives, the Discriminator's and the generator's: {@link buildGanGradProbes} gives one
 * probe per player, each differentiating that player's loss with respect to that player's weights, as the
 * D step and the G step do.
 *
 * PyTorch: model.train(); opt.zero_grad(); loss = criterion(model(x), y); loss.backward(); {n: p.grad for n, p
 * in model.named_parameters()} (no opt.step()).
 */
import { IrError } from '../ir/define-op';
import type { IrBuilder, V } from '../ir/builder';
import type { IrGraph } from '../ir/types';
import { onnxOpTrainingBlockers } from '../layers/onnx-op';
import { lowerLayers } from '../passes/lower';
import type { ShapedGraph } from '../passes/infer-shapes';
import type { TensorType } from '../shape';
import { ganStepObjective, type GanObjective } from './gan-step';
import { describeInputs, LOSS_OUTPUT, TrainConfigError, weightGradients, type StepObjective, type TrainProgram } from './train-step';

export interface GradProbeProgram {
  readonly graph: IrGraph;
  /** Data inputs fed from the dataset: Input nodes and unconnected loss targets (the batch is fixed). */
  readonly dataInputs: TrainProgram['dataInputs'];
  /** Inputs the runtime generates (Dropout masks, noise), as for the train step. */
  readonly feeds: TrainProgram['feeds'];
  /** Every weight (parameter or buffer) the probe reads, in graph-input order. */
  readonly weights: TrainProgram['weights'];
  /** One `grad:<weight>` output per trainable weight that reaches the loss, in graph order, with its node. */
  readonly grads: readonly { readonly name: string; readonly weight: string; readonly node: string; readonly type: TensorType }[];
}

export interface GradProbeConfig {
  /** Fixed batch size, as in the train step. */
  readonly batch: number;
  /** Which loss nodes are summed into the objective. Default: all of them. */
  readonly losses?: readonly string[];
}

/** `grad:fc1.weight` */
export const gradOutputName = (weight: string): string => `grad:${weight}`;

/** The node a weight belongs to, by weight name (`<node id>.<torch name>`; node ids may contain dots). */
function nodeOfWeight(shaped: ShapedGraph): (weight: string) => string {
  const m = new Map<string, string>();
  for (const id of shaped.order) for (const w of Object.keys(shaped.info.get(id)?.weights ?? {})) m.set(`${id}.${w}`, id);
  return (weight) => m.get(weight) ?? weight.slice(0, weight.lastIndexOf('.'));
}

/** The gradient probe of a graph with loss layers (the Trainer's objective: the sum of its losses). */
export function buildGradProbe(shaped: ShapedGraph, cfg: GradProbeConfig): GradProbeProgram {
  const blocked = onnxOpTrainingBlockers(shaped)[0];
  if (blocked) throw new TrainConfigError(`${blocked.code} ${blocked.node}: ${blocked.message}`);
  const lowered = lowerLayers(shaped, { mode: 'train', includeLosses: true, batch: cfg.batch });
  const ir = lowered.builder;
  ir.clearOutputs();
  const lossIds = cfg.losses ?? [...lowered.losses.keys()];
  if (lossIds.length === 0) throw new TrainConfigError('the graph has no loss layer to differentiate');
  let total: V | undefined;
  for (const id of lossIds) {
    const l = lowered.losses.get(id);
    if (!l) throw new IrError(`no loss node ${id}`);
    total = total ? ir.add(total, l) : l;
  }
  return completeGradProbe(
    ir,
    { loss: total!, feeds: lowered.feeds, dataSource: (name) => (shaped.nodes.has(name) ? { node: name, kind: 'input' } : undefined) },
    () => true,
    nodeOfWeight(shaped),
  );
}

/** The two gradient probes of a GAN graph: the Discriminator's loss w.r.t. its weights, the generator's w.r.t. its own. */
export function buildGanGradProbes(
  shaped: ShapedGraph,
  cfg: { readonly batch: number; readonly realInput?: string; readonly objective?: GanObjective },
): { readonly d: GradProbeProgram; readonly g: GradProbeProgram } {
  const nodeOf = nodeOfWeight(shaped);
  const probe = (which: 'd' | 'g') => {
    const { ir, objective, trains } = ganStepObjective(shaped, cfg, which);
    return completeGradProbe(ir, objective, (name) => trains.has(name), nodeOf);
  };
  return { d: probe('d'), g: probe('g') };
}

function completeGradProbe(
  ir: IrBuilder,
  objective: Pick<StepObjective, 'loss' | 'feeds' | 'dataSource'>,
  trains: (weight: string) => boolean,
  nodeOf: (weight: string) => string,
): GradProbeProgram {
  const { trainable, grads } = weightGradients(ir, objective.loss, trains);
  ir.output(LOSS_OUTPUT, objective.loss);
  const outs: { name: string; weight: string; node: string; type: TensorType }[] = [];
  trainable.forEach((p, i) => {
    const g = grads[i];
    if (!g) return; // this weight does not reach the loss
    ir.output(gradOutputName(p.name), g);
    outs.push({ name: gradOutputName(p.name), weight: p.name, node: nodeOf(p.name), type: g.type });
  });
  const graph = ir.build();
  return {
    graph,
    ...describeInputs(graph, objective),
    weights: graph.params.map((p) => ({ name: p.name, type: graph.values[p.value]!.type })),
    grads: outs,
  };
}
