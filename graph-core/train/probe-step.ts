/**
 * buildProbeStep: the forward pass in eval mode (Dropout off, BatchNorm on its running statistics) whose
 * outputs are chosen node ports, including intermediate ones. The teaching views read a model through it:
 * the logits of a classifier for its confusion matrix, a convolution's feature maps, a MultiheadAttention's
 * per-head weights.
 *
 * Names in the graph:
 *   inputs   <Input id> (the data), <weight name> (every parameter and buffer, fed by the caller)
 *   outputs  probe:<node id>.<port>
 *
 * The batch stays symbolic, so one program serves a single sample and a whole validation split.
 */
import { IrError } from '../ir/define-op';
import type { IrGraph } from '../ir/types';
import { lowerLayers } from '../passes/lower';
import type { ShapedGraph } from '../passes/infer-shapes';
import type { TensorType } from '../shape';

/** One node output to read. */
export interface ProbePort {
  readonly node: string;
  readonly port: string;
}

export interface ProbeProgram {
  readonly graph: IrGraph;
  /** The data inputs (Input nodes), by graph input name (= node id). */
  readonly dataInputs: readonly { readonly name: string; readonly type: TensorType }[];
  /** The graph output that carries each requested port, in request order. */
  readonly outputs: readonly { readonly name: string; readonly port: ProbePort; readonly type: TensorType }[];
}

/** `probe:conv1.out` */
export const probeOutputName = (p: ProbePort): string => `probe:${p.node}.${p.port}`;

/**
 * The eval-mode forward program that returns `ports`. Loss nodes are left out, so no targets are needed.
 * Throws IrError for a port that does not exist or is not lowered (a loss, an unknown node): callers
 * offer only ports of the shaped graph's non-loss nodes.
 */
export function buildProbeStep(shaped: ShapedGraph, ports: readonly ProbePort[]): ProbeProgram {
  if (ports.length === 0) throw new IrError('a probe needs at least one port to read');
  const lowered = lowerLayers(shaped, { mode: 'eval', includeLosses: false });
  const ir = lowered.builder;
  ir.clearOutputs();
  const outputs: { name: string; port: ProbePort; type: TensorType }[] = [];
  const seen = new Set<string>();
  for (const port of ports) {
    const name = probeOutputName(port);
    if (seen.has(name)) continue;
    seen.add(name);
    const v = lowered.valueOf(port.node, port.port);
    if (!v) throw new IrError(`${port.node}.${port.port} is not an output of a lowered node`);
    ir.output(name, v);
    outputs.push({ name, port, type: v.type });
  }
  const graph = ir.build();
  const dataInputs = graph.inputs
    .filter((i) => shaped.nodes.has(i.name))
    .map((i) => ({ name: i.name, type: graph.values[i.value]!.type }));
  return { graph, dataInputs, outputs };
}
