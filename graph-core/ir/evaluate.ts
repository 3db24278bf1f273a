/**
 * Runs an IR graph with the reference kernels. Slow and exact; used by tests to check onnxruntime and the
 * exported ONNX, and by previews on tiny inputs.
 */
import { IrError } from './define-op';
import { getOp } from './ops';
import type { Tensor } from './tensor';
import type { IrGraph } from './types';

export function evaluateIr(
  g: IrGraph,
  feeds: Readonly<Record<string, Tensor>>,
  params: Readonly<Record<string, Tensor>>,
): Record<string, Tensor> {
  const env = new Map<number, Tensor>();
  for (const i of g.inputs) {
    const t = feeds[i.name];
    if (!t) throw new IrError(`missing input ${i.name}`);
    env.set(i.value, t);
  }
  for (const p of g.params) {
    const t = params[p.name];
    if (!t) throw new IrError(`missing weight ${p.name}`);
    env.set(p.value, t);
  }
  for (const c of g.constants) env.set(c.value, c.tensor);
  for (const n of g.nodes) {
    const def = getOp(n.op)!;
    const ins = n.inputs.map((id) => env.get(id)!);
    const outs = (def.evaluate as (i: readonly Tensor[], a: unknown) => readonly Tensor[])(ins, n.attrs);
    n.outputs.forEach((id, k) => env.set(id, outs[k]!));
  }
  const result: Record<string, Tensor> = {};
  for (const o of g.outputs) result[o.name] = env.get(o.value)!;
  return result;
}
