/** Building blocks shared by the many layers that keep their input's shape. */
import { defineLayer, ok, type LayerCategory, type LayerDoc } from '../../define-layer';
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
  });
}
