/**
 * One optimizer update for all weights at once. Every optimizer step is elementwise arithmetic on the weight,
 * its gradient and its state tensors, with scalars shared by all weights (the learning rate, the bias
 * corrections), so it can run on the flattened weights concatenated into one vector: each value goes through
 * exactly the same float32 operations as in a per-weight update, bit for bit, but the graph holds one update
 * (about 13 ops for Adam) instead of one per weight, plus a Concat per input and a Split per output. onnxruntime
 * runs every op with a fixed overhead of a few microseconds, which dominates the update of small weights
 * (measured on the bench LSTM, 7 weights: see tmp/benchmarks/train.md).
 */
import type { IrBuilder, V } from '../ir/builder';
import type { AnyOptimizerDef, OptimizerStepOutput } from './define-optimizer';

/** One weight to update: its name (for op names), value, gradient and state tensors by slot. */
export interface UpdateItem {
  readonly name: string;
  readonly w: V;
  readonly g: V;
  readonly state: Readonly<Record<string, V>>;
}

export const numel = (v: V): number => v.type.shape.reduce<number>((n, d) => n * (d as number), 1);

/** The updated weight and state of every item, in order; fused into one update when there are several. */
export function updateAll(ir: IrBuilder, opt: AnyOptimizerDef, q: never, items: readonly UpdateItem[], lr: V, t: V): OptimizerStepOutput[] {
  const slots = opt.state(q);
  if (items.length < 2) return items.map((it) => ir.scoped(`update/${it.name}`, () => opt.step(ir, { w: it.w, g: it.g, state: it.state, lr, t }, q)));
  return ir.scoped('update', () => {
    const state = Object.fromEntries(slots.map((s) => [s, joined(ir, items, (it) => it.state[s]!)]));
    const r = opt.step(ir, { w: joined(ir, items, (it) => it.w), g: joined(ir, items, (it) => it.g), state, lr, t }, q);
    const ws = unpackRows(ir, items, r.w);
    const st = Object.fromEntries(slots.map((s) => [s, unpackRows(ir, items, r.state[s]!)]));
    return items.map((_, k) => ({ w: ws[k]!, state: Object.fromEntries(slots.map((s) => [s, st[s]![k]!])) }));
  });
}

/**
 * The fused update with the optimizer state already packed: one flat vector per slot holding the items' state
 * in item order (what {@link updateAll} concatenates), so that a train step takes and returns one state
 * tensor per slot instead of one per weight and slot. The weights come packed the same way in `weights`, or are
 * concatenated from the items. Returns the packed new weights (see {@link unpackRows}) and the packed new state.
 */
export function updatePacked(
  ir: IrBuilder,
  opt: AnyOptimizerDef,
  q: never,
  items: readonly Omit<UpdateItem, 'state'>[],
  state: Readonly<Record<string, V>>,
  lr: V,
  t: V,
  weights?: V,
): { readonly w: V; readonly state: Readonly<Record<string, V>> } {
  return ir.scoped('update', () => opt.step(ir, { w: weights ?? joined(ir, items, (it) => it.w), g: joined(ir, items, (it) => it.g), state, lr, t }, q));
}

/** The items' tensors picked by `pick`, flattened and concatenated in item order (the tensor itself for one item). */
function joined<T extends { readonly w: V }>(ir: IrBuilder, items: readonly T[], pick: (it: T) => V): V {
  const flat = (v: V) => (v.type.shape.length === 1 ? v : ir.reshape(v, [numel(v)]));
  return items.length === 1 ? flat(pick(items[0]!)) : ir.concat(items.map((it) => flat(pick(it))), 0);
}

/** A flat vector cut back into the items' weight shapes. */
export function unpackRows(ir: IrBuilder, items: readonly { readonly w: V }[], v: V): V[] {
  const shaped = (part: V, w: V) => (w.type.shape.length === 1 ? part : ir.reshape(part, w.type.shape));
  if (items.length === 1) return [shaped(v, items[0]!.w)];
  return ir.split(v, 0, items.map((it) => numel(it.w))).map((part, k) => shaped(part, items[k]!.w));
}
