/**
 * Reverse-mode automatic differentiation on the IR. Walks the ops backwards from a scalar loss,
 * applying each primitive op's gradient rule and summing the contributions that reach each value.
 * Composite layers need no rules of their own: they are lowered to primitives first.
 */
import type { IrBuilder, V } from '../ir/builder';
import { IrError } from '../ir/define-op';
import { getOp } from '../ir/ops';
import type { GradCtx } from '../ir/define-op';
import type { ValueId } from '../ir/types';

/**
 * Appends the backward pass to `ir` and returns d(loss)/d(v) for each value in `wrt` (a zero-free map:
 * values the loss does not depend on are absent).
 */
export function autodiff(ir: IrBuilder, loss: V, wrt: readonly V[]): Map<ValueId, V> {
  if (loss.type.shape.length !== 0) throw new IrError(`autodiff needs a scalar loss, got [${loss.type.shape}]`);
  const forward = [...ir.nodeList];

  // Which values depend on something in `wrt`: only those need gradients.
  const needs = new Set<ValueId>(wrt.map((v) => v.id));
  for (const n of forward) if (n.inputs.some((i) => needs.has(i))) for (const o of n.outputs) needs.add(o);
  if (!needs.has(loss.id)) return new Map();

  const grads = new Map<ValueId, V>();
  const accumulate = (id: ValueId, g: V) => {
    const prev = grads.get(id);
    grads.set(id, prev ? ir.add(prev, g) : g);
  };
  grads.set(loss.id, ir.scalar(1));

  for (let k = forward.length - 1; k >= 0; k--) {
    const n = forward[k]!;
    const outGrads = n.outputs.map((o) => grads.get(o));
    if (outGrads.every((g) => g === undefined)) continue;
    if (!n.inputs.some((i) => needs.has(i))) continue;
    const def = getOp(n.op)!;
    if (!def.gradient) throw new IrError(`op ${n.op} (${n.name}) has no gradient rule, so weights before it cannot be trained`);
    const ctx: GradCtx<unknown> = {
      ir,
      inputs: n.inputs.map((i) => ir.value(i)),
      outputs: n.outputs.map((o) => ir.value(o)),
      attrs: n.attrs,
      grads: outGrads,
    };
    const inGrads = ir.scoped(`grad/${n.name}`, () => (def.gradient as (c: GradCtx<unknown>) => readonly (V | undefined)[])(ctx));
    n.inputs.forEach((id, i) => {
      const g = inGrads[i];
      if (g && needs.has(id)) accumulate(id, g);
    });
  }
  const out = new Map<ValueId, V>();
  for (const v of wrt) {
    const g = grads.get(v.id);
    if (g) out.set(v.id, g);
  }
  return out;
}
