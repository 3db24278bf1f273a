/** Building blocks shared by the many layers that keep their input's shape. */
import { defineLayer, ok, type LayerCategory, type LayerDoc, type LowerCtx, type SizedCtx, type TorchCode } from '../../define-layer';
import type { V } from '../../ir/builder';
import type { ParamSpecs } from '../../params';
import { numelPerSample } from '../../shape';

/**
 * A layer that maps a tensor of any rank to one of the same shape, element by element
 * (activations, Dropout). `flopsPerElement` is a rough cost per output element.
 */
export function defineElementwise<const K extends string, const P extends ParamSpecs>(o: {
  kind: K;
  category?: LayerCategory;
  doc: LayerDoc;
  params: P;
  flopsPerElement: number;
  /** Lowers the input value to primitive ops (the output keeps the input's shape). */
  lower: (x: V, ctx: LowerCtx<P>) => V;
  /** The PyTorch module, e.g. `nn.ReLU()`. */
  torch?: (ctx: SizedCtx<P>) => TorchCode;
}) {
  return defineLayer({
    kind: o.kind,
    category: o.category ?? 'activation',
    doc: o.doc,
    params: o.params,
    inputs: { in: { doc: 'Any tensor [N, …].', rank: [1, 8] } },
    outputs: { out: { doc: 'Same shape as the input.' } },
    inferShape: ({ in: { in: x } }) => ok({ out: x! }),
    flops: ({ out }) => o.flopsPerElement * numelPerSample(out.out!),
    lower: (ctx) => ({ out: o.lower(ctx.x.in!, ctx) }),
    ...(o.torch ? { torch: o.torch } : {}),
  });
}
