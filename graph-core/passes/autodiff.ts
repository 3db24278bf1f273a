/**
 * Reverse-mode automatic differentiation on the IR. Walks the ops backwards from a scalar loss,
 * applying each primitive op's gradient rule and summing the contributions that reach each value.
 * Composite layers need no rules of their own: they are lowered to primitives first. A lowering may still
 * give a span of its ops one hand-written backward ({@link customGradient}) where the generic one would be
 * much larger (the unrolled LSTM: its per-step derivative factors are computed for several steps at once).
 */
import type { IrBuilder, V } from '../ir/builder';
import { IrError } from '../ir/define-op';
import { getOp } from '../ir/ops';
import type { GradCtx } from '../ir/define-op';
import type { ValueId } from '../ir/types';

/**
 * A span of ops [start, end) in a builder whose backward is written by hand: `gradient` receives d(loss)/d(output)
 * for each of `outputs` (undefined where it does not reach the loss) and returns d(loss)/d(input) for each of
 * `inputs` (undefined for none). Values made inside the span must not be used after it except through `outputs`.
 */
export interface CustomGradientSpan {
  readonly start: number;
  readonly end: number;
  readonly inputs: readonly V[];
  readonly outputs: readonly V[];
  readonly gradient: (grads: readonly (V | undefined)[]) => readonly (V | undefined)[];
  /** The builder's scope when the span was declared: its backward ops are named grad/<scope>/…. */
  readonly scope: string;
}

const spans = new WeakMap<IrBuilder, CustomGradientSpan[]>();

/**
 * Declares that the ops appended to `ir` since op number `start` (`ir.nodeList.length` read before them) map
 * `inputs` to `outputs` and have the backward `gradient`, which autodiff then uses instead of differentiating
 * those ops one by one. The gradient must be exactly the derivative of the ops (the golden tests check it).
 */
export function customGradient(ir: IrBuilder, start: number, span: Omit<CustomGradientSpan, 'start' | 'end' | 'scope'>): void {
  const list = spans.get(ir) ?? [];
  const end = ir.nodeList.length;
  if (start < (list.at(-1)?.end ?? 0) || start > end) throw new IrError('customGradient: spans must not overlap');
  list.push({ ...span, start, end, scope: ir.scope });
  spans.set(ir, list);
}

/** Whether op number `index` of `ir` lies in a span with a hand-written backward (a rewriting pass leaves those alone). */
export function inCustomGradientSpan(ir: IrBuilder, index: number): boolean {
  return (spans.get(ir) ?? []).some((sp) => index >= sp.start && index < sp.end);
}

/**
 * Appends the backward pass to `ir` and returns d(loss)/d(v) for each value in `wrt` (a zero-free map:
 * values the loss does not depend on are absent). With `customGradients: false` every op is differentiated by
 * its own rule, spans included (what tests compare the hand-written backwards with).
 */
export function autodiff(ir: IrBuilder, loss: V, wrt: readonly V[], opts: { readonly customGradients?: boolean } = {}): Map<ValueId, V> {
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

  const declared = opts.customGradients === false ? [] : (spans.get(ir) ?? []);
  const spanEndingAt = new Map(declared.filter((sp) => sp.end <= forward.length).map((sp) => [sp.end - 1, sp]));
  for (let k = forward.length - 1; k >= 0; k--) {
    const span = spanEndingAt.get(k);
    if (span) {
      k = span.start; // the loop's k-- then continues before the span
      backwardSpan(ir, forward, span, grads, needs, accumulate);
      continue;
    }
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

/** Applies a span's hand-written backward, after checking that no value made inside it has a gradient of its own. */
function backwardSpan(
  ir: IrBuilder,
  forward: readonly { readonly inputs: readonly ValueId[]; readonly outputs: readonly ValueId[] }[],
  span: CustomGradientSpan,
  grads: Map<ValueId, V>,
  needs: ReadonlySet<ValueId>,
  accumulate: (id: ValueId, g: V) => void,
): void {
  const declared = new Set(span.outputs.map((o) => o.id));
  for (let k = span.start; k < span.end; k++)
    for (const o of forward[k]!.outputs)
      if (!declared.has(o) && grads.has(o)) throw new IrError(`customGradient: value ${o} is made inside a span and used after it`);
  const outGrads = span.outputs.map((o) => grads.get(o.id));
  if (outGrads.every((g) => g === undefined) || !span.inputs.some((i) => needs.has(i.id))) return;
  const inGrads = ir.scoped(`grad/${span.scope}`, () => span.gradient(outGrads));
  span.inputs.forEach((v, i) => {
    const g = inGrads[i];
    if (g && needs.has(v.id)) accumulate(v.id, g);
  });
}
