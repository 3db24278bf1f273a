/**
 * commuteReluMaxPool: rewrites ReLU followed by MaxPool into MaxPool followed by ReLU, in place, before the
 * backward pass is appended. ReLU is monotone, so the two orders give the same values:
 *
 *   MaxPool(ReLU(x)) = ReLU(MaxPool(x))
 *
 * and the same gradient, ties included: where a window's maximum is positive both orders route g to the same
 * first maximum; where it is ≤ 0, ReLU'(·) = 0 (as in PyTorch, ReLU'(0) = 0) stops it in both. The ReLU and
 * its gradient (Greater, Cast, Mul) then run on the pooled tensor: 4× fewer elements for a 2×2 pool (LeNet).
 * A NaN in a window is the one difference: the reference ReLU maps it to 0 before the pool, after the swap
 * the pool may pass it on; either way the loss is not finite.
 *
 * Only a ReLU whose output feeds nothing but that MaxPool (one use, not a graph output) is moved, and no op
 * inside a span with a hand-written backward. The ops keep their positions and names (the MaxPool takes the
 * ReLU's slot, the ReLU the MaxPool's), and the MaxPool's output value stays, so its consumers are unchanged.
 */
import type { IrBuilder } from '../ir/builder';
import type { ValueId } from '../ir/types';
import { inCustomGradientSpan } from './autodiff';

/** Applies the rewrite to every eligible pair in `ir`; returns how many pairs it moved. */
export function commuteReluMaxPool(ir: IrBuilder): number {
  const nodes = ir.nodeList;
  const uses = new Map<ValueId, number>();
  const producer = new Map<ValueId, number>();
  nodes.forEach((n, k) => {
    for (const i of n.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);
    for (const o of n.outputs) producer.set(o, k);
  });
  const outputs = new Set(ir.build().outputs.map((o) => o.value));
  const pairs: [number, number][] = [];
  nodes.forEach((n, j) => {
    if (n.op !== 'MaxPool' || n.inputs.length !== 1 || n.outputs.length !== 1) return;
    const a = n.inputs[0]!;
    const i = producer.get(a);
    if (i === undefined || nodes[i]!.op !== 'Relu') return;
    if (uses.get(a) !== 1 || outputs.has(a)) return;
    if (inCustomGradientSpan(ir, i) || inCustomGradientSpan(ir, j)) return;
    pairs.push([i, j]);
  });
  for (const [i, j] of pairs) {
    const relu = nodes[i]!;
    const pool = nodes[j]!;
    const [pooled] = ir.replaceNode(i, 'MaxPool', [ir.value(relu.inputs[0]!)], pool.attrs, pool.name);
    ir.replaceNode(j, 'Relu', [pooled!], relu.attrs, relu.name, [ir.value(pool.outputs[0]!)]);
  }
  return pairs.length;
}
