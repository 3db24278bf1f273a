/**
 * Indexes `data` along one axis element by element: for every position p of `indices` (same rank as data),
 *   output[p] = data[p with p[axis] replaced by indices[p]]
 * so the output has the shape of `indices`. Off the axis, indices dims must equal data's (or, when concrete,
 * be no larger). Negative indices count from the end. ONNX: GatherElements with the `axis` attribute
 * (normalised). Gathering along the batch dim N throws IrError.
 *
 * Gradient (data only; indices get none): each g[p] is added to the data element it was read from. With
 * D = data.shape[axis] and the indices made non-negative (i < 0 → i + D), a one-hot along a new dim after the
 * axis, Cast(Equal(Unsqueeze(indices, axis + 1), iota[D] placed at axis + 1)), times Unsqueeze(g, axis + 1), is
 * summed over the indices' extent along the axis (ReduceSum, dims dropped), which leaves D in the axis' place.
 * Off the axis, where the indices are smaller than data, the rest is padded with zeros. Shapes must be concrete.
 */
import { fmtShape } from '../../shape';
import { attr, defineOp, IrError } from '../define-op';
import { strides, zeros } from '../tensor';
import { concreteDim, normAxis } from './common/3-shaping';
import { concreteShape, padWithZeros } from './slice';

export const GatherElements = defineOp<{ axis: number }>({
  name: 'GatherElements',
  inferShape: ([data, indices], { axis }) => {
    if (indices!.dtype !== 'int64') throw new IrError(`GatherElements: indices must be int64, got ${indices!.dtype}`);
    const rank = data!.shape.length;
    if (rank === 0 || indices!.shape.length !== rank)
      throw new IrError(`GatherElements: indices ${fmtShape(indices!.shape)} and data ${fmtShape(data!.shape)} need the same rank ≥ 1`);
    const ax = normAxis('GatherElements', axis, rank);
    concreteDim('GatherElements', data!.shape, ax, 'gather');
    indices!.shape.forEach((d, i) => {
      const dd = data!.shape[i]!;
      const ok = i === ax ? d !== 'N' : d === dd || (typeof d === 'number' && typeof dd === 'number' && d <= dd);
      if (!ok) throw new IrError(`GatherElements: indices ${fmtShape(indices!.shape)} do not fit data ${fmtShape(data!.shape)} at dim ${i}`);
    });
    return [{ shape: indices!.shape, dtype: data!.dtype }];
  },
  evaluate: ([data, indices], { axis }) => {
    const rank = data!.shape.length;
    const ax = normAxis('GatherElements', axis, rank);
    const dim = data!.shape[ax]!;
    const dStr = strides(data!.shape);
    const out = zeros(indices!.shape, data!.dtype);
    const counter = new Array<number>(rank).fill(0);
    for (let k = 0; k < out.data.length; k++) {
      const raw = indices!.data[k]!;
      const i = raw < 0 ? raw + dim : raw;
      if (i < 0 || i >= dim) throw new RangeError(`GatherElements: index ${raw} out of range for dim ${dim}`);
      let src = 0;
      for (let d = 0; d < rank; d++) src += (d === ax ? i : counter[d]!) * dStr[d]!;
      out.data[k] = data!.data[src]!;
      for (let d = rank - 1; d >= 0; d--) {
        counter[d]!++;
        if (counter[d]! < indices!.shape[d]!) break;
        counter[d] = 0;
      }
    }
    return [out];
  },
  toOnnx: ({ axis }, [data]) => ({ opType: 'GatherElements', attributes: { axis: attr.int(normAxis('GatherElements', axis, data!.shape.length)) } }),
  gradient: ({ ir, inputs: [data, indices], attrs: { axis }, grads: [g] }) => {
    if (data!.type.dtype !== 'float32') return [undefined, undefined];
    const op = 'GatherElements gradient';
    const ds = concreteShape(op, data!.type.shape);
    const is = concreteShape(op, indices!.type.shape);
    const rank = ds.length;
    const ax = normAxis('GatherElements', axis, rank);
    const d = ds[ax]!;
    const wrapped = ir.where(ir.less(indices!, ir.scalar(0, 'int64')), ir.add(indices!, ir.scalar(d, 'int64')), indices!);
    const iotaShape = Array.from({ length: rank + 1 }, (_, i) => (i === ax + 1 ? d : 1));
    const iota = ir.tensor(iotaShape, Array.from({ length: d }, (_, i) => i), 'int64');
    const oneHot = ir.cast(ir.equal(ir.unsqueeze(wrapped, [ax + 1]), iota), 'float32');
    let dData = ir.reduceSum(ir.mul(oneHot, ir.unsqueeze(g!, [ax + 1])), [ax], false);
    for (let i = 0; i < rank; i++) if (i !== ax && is[i]! < ds[i]!) dData = padWithZeros(ir, dData, i, 0, ds[i]! - is[i]!, op);
    return [dData, undefined];
  },
});
