/** Shared rules of the losses that compare a prediction with a target of the same shape, element by element. */
import { defineLayer, fail, ok, type LayerDoc, type LowerCtx, type TorchCall } from '../../define-layer';
import type { IrBuilder, V } from '../../ir/builder';
import { fmtShape, numelPerSample, sameShape } from '../../shape';

/**
 * A loss averaged over every element of `input` (torch's default reduction='mean'). The optional `target`
 * must have exactly the input's shape; left unconnected, the runtime feeds the dataset's targets.
 * `flopsPerElement` is the rough cost of one element's term, accumulation included.
 */
export function defineElementwiseLoss<const K extends string>(o: {
  kind: K;
  doc: LayerDoc;
  inputDoc: string;
  targetDoc: string;
  flopsPerElement: number;
  /** The per-element loss term from the prediction x and the target y (same shape). */
  term: (ir: IrBuilder, x: V, y: V) => V;
  /** Optional metrics reported from x and y (e.g. accuracy for logits). */
  metrics?: (ir: IrBuilder, x: V, y: V, ctx: LowerCtx<Record<string, never>>) => void;
  /** The torch.nn loss module, called as `loss(input, target)`. */
  torch?: TorchCall;
}) {
  return defineLayer({
    kind: o.kind,
    category: 'loss',
    doc: o.doc,
    params: {},
    inputs: {
      input: { doc: o.inputDoc, rank: [1, 8], layout: '[N, …]' },
      target: { doc: o.targetDoc, rank: [1, 8], layout: '[N, …]', optional: true },
    },
    outputs: { out: { doc: 'The mean loss over all elements, a scalar.' } },
    inferShape: ({ in: { input: x, target: t } }) => {
      if (t && !sameShape(t, x!)) return fail('SHAPE_MISMATCH', { port: 'target', expected: fmtShape(x!), got: t }, { port: 'target' });
      return ok({ out: [] });
    },
    flops: ({ in: { input: x } }) => o.flopsPerElement * numelPerSample(x!),
    // An unconnected target is the dataset's, as in the train step.
    ...(o.torch ? { torch: () => ({ module: o.torch!, inputs: ['input', { port: 'target', unconnected: 'target' as const }] }) } : {}),
    lower: (ctx) => {
      const { ir } = ctx;
      const x = ctx.x.input!;
      const y = ctx.x.target ?? ctx.feed('target', x.type, { kind: 'target' });
      o.metrics?.(ir, x, y, ctx as never);
      const all = x.type.shape.map((_, i) => i);
      return { out: ir.reduceMean(o.term(ir, x, y), all, false) };
    },
  });
}
