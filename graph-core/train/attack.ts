/**
 * buildInputGradientStep: the forward pass and loss in eval mode (Dropout off, BatchNorm on its running
 * statistics), and the gradient of the loss with respect to every float input of the data. Adversarial
 * attacks (FGSM, PGD) and saliency maps read a model through it; the same autodiff that trains the weights
 * differentiates the inputs here.
 *
 *   FGSM:  x_adv = clamp(x + ε·sign(∇_x L(f(x), y)), data range)
 *   PGD:   x_0 = x + U(−ε, ε);  x_{t+1} = Proj_{B_ε(x)}(x_t + α·sign(∇_x L(f(x_t), y)))   (Madry et al. 2018)
 *
 * Names in the graph:
 *   inputs   <Input id> (data), <loss id>.target (unconnected loss targets), <weight name> (every parameter
 *            and buffer, fed by the caller)
 *   outputs  loss, metric:<node id>.<name>, grad:<Input id> (one per float32 Input)
 *
 * The batch is fixed, like the train step's: callers pad a short last batch. Because the loss averages over
 * the batch, each sample's gradient is 1/batch times that of its own loss; its sign is what attacks use.
 */
import type { V } from '../ir/builder';
import { IrError } from '../ir/define-op';
import type { IrGraph } from '../ir/types';
import { autodiff } from '../passes/autodiff';
import type { ShapedGraph } from '../passes/infer-shapes';
import { lowerLayers } from '../passes/lower';
import type { TensorType } from '../shape';
import { LOSS_OUTPUT, metricName, TrainConfigError, type TrainProgram } from './train-step';

/** `grad:x` */
export const inputGradName = (input: string): string => `grad:${input}`;

export interface InputGradientProgram {
  readonly graph: IrGraph;
  /** Data inputs fed from the dataset: Input nodes and unconnected loss targets. */
  readonly dataInputs: TrainProgram['dataInputs'];
  /** The inputs differentiated (every float32 Input), with the output that carries each gradient. */
  readonly inputs: readonly { readonly name: string; readonly type: TensorType; readonly grad: string }[];
  readonly metrics: readonly string[];
}

/**
 * The eval-mode loss of the graph (every loss layer, summed) and its gradient with respect to each float32
 * Input, for a fixed batch. A TrainConfigError says why a graph cannot be attacked (no loss, no float input,
 * a loss that does not depend on the inputs).
 */
export function buildInputGradientStep(shaped: ShapedGraph, cfg: { readonly batch: number }): InputGradientProgram {
  const lowered = lowerLayers(shaped, { mode: 'eval', includeLosses: true, batch: cfg.batch });
  const ir = lowered.builder;
  ir.clearOutputs();
  let total: V | undefined;
  for (const l of lowered.losses.values()) total = total ? ir.add(total, l) : l;
  if (!total) throw new TrainConfigError('the graph has no loss layer, so there is no loss to attack');
  const graphIn = lowered.ir.inputs.filter((i) => shaped.info.get(i.name)?.kind === 'Input');
  const floats = graphIn.map((i) => ir.value(i.value)).filter((v) => v.type.dtype === 'float32');
  if (floats.length === 0) throw new TrainConfigError('the graph has no float input to perturb (token ids cannot be attacked by gradient steps)');
  const grads = autodiff(ir, total, floats);
  ir.output(LOSS_OUTPUT, total);
  for (const [key, v] of lowered.metrics) ir.output(metricName(key), v);
  const inputs: InputGradientProgram['inputs'][number][] = [];
  for (const v of floats) {
    const name = lowered.ir.inputs.find((i) => i.value === v.id)!.name;
    const g = grads.get(v.id);
    if (!g) throw new TrainConfigError(`the loss does not depend on input ${name}, so it has no gradient to attack with`);
    ir.output(inputGradName(name), g);
    inputs.push({ name, type: v.type, grad: inputGradName(name) });
  }
  const graph = ir.build();
  const dataInputs: TrainProgram['dataInputs'][number][] = [];
  for (const input of graph.inputs) {
    const type = graph.values[input.value]!.type;
    const spec = lowered.feeds.get(input.name);
    if (spec?.kind === 'target') dataInputs.push({ name: input.name, type, source: { node: input.name.slice(0, -'.target'.length), kind: 'target' } });
    else if (spec?.kind === 'normal')
      throw new TrainConfigError(`${input.name} draws fresh noise at every run, so the model has no fixed loss to attack`);
    else if (spec) throw new IrError(`${input.name}: eval mode draws no ${spec.kind} input`);
    else if (shaped.info.get(input.name)?.kind === 'Input') dataInputs.push({ name: input.name, type, source: { node: input.name, kind: 'input' } });
  }
  return { graph, dataInputs, inputs, metrics: [...lowered.metrics.keys()].map(metricName) };
}
