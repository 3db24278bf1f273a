/**
 * Joins any number (≥ 1) of tensors along one axis; every other dim must match exactly. ONNX: Concat with the
 * `axis` attribute written normalised (non-negative).
 *
 * Concatenating along the batch dim N is refused (IrError): the result's batch would no longer be N.
 *
 * Gradient: each input gets the Slice of g that it filled (its own extent along the axis).
 */
import { fmtShape, type Dim } from '../../shape';
import { attr, defineOp, IrError } from '../define-op';
import { size, zeros } from '../tensor';
import { concreteDim, normAxis } from './common/3-shaping';

export const Concat = defineOp<{ axis: number }>({
  name: 'Concat',
  inferShape: (xs, { axis }) => {
    const first = xs[0];
    if (!first) throw new IrError('Concat: needs at least one input');
    const rank = first.shape.length;
    const ax = normAxis('Concat', axis, rank);
    let total = 0;
    for (const x of xs) {
      if (x.dtype !== first.dtype) throw new IrError(`Concat: dtypes ${first.dtype} and ${x.dtype} differ`);
      if (x.shape.length !== rank || x.shape.some((d, i) => i !== ax && d !== first.shape[i]))
        throw new IrError(`Concat: ${fmtShape(x.shape)} does not match ${fmtShape(first.shape)} outside axis ${axis}`);
      total += concreteDim('Concat', x.shape, ax, 'concatenate');
    }
    const shape: Dim[] = first.shape.map((d, i) => (i === ax ? total : d));
    return [{ shape, dtype: first.dtype }];
  },
  evaluate: (xs, { axis }) => {
    const first = xs[0]!;
    const ax = normAxis('Concat', axis, first.shape.length);
    const outer = size(first.shape.slice(0, ax));
    const inner = size(first.shape.slice(ax + 1));
    const total = xs.reduce((s, x) => s + x.shape[ax]!, 0);
    const out = zeros(
      first.shape.map((d, i) => (i === ax ? total : d)),
      first.dtype,
    );
    const outBlock = total * inner;
    let offset = 0;
    for (const x of xs) {
      const block = x.shape[ax]! * inner;
      for (let o = 0; o < outer; o++) out.data.set(x.data.subarray(o * block, (o + 1) * block), o * outBlock + offset);
      offset += block;
    }
    return [out];
  },
  toOnnx: ({ axis }, inputs) => ({ opType: 'Concat', attributes: { axis: attr.int(normAxis('Concat', axis, inputs[0]!.shape.length)) } }),
  gradient: ({ ir, inputs, attrs: { axis }, grads: [g] }) => {
    if (inputs.length === 1) return [g!];
    const ax = normAxis('Concat', axis, g!.type.shape.length);
    let offset = 0;
    return inputs.map((x) => {
      const n = concreteDim('Concat gradient', x.type.shape, ax, 'concatenate');
      const part = ir.slice(g!, ax, offset, offset + n);
      offset += n;
      return part;
    });
  },
});
