/**
 * Picks slices of `data` along one axis by int64 indices of any rank (a scalar index drops the axis):
 *   output.shape = data.shape[:axis] + indices.shape + data.shape[axis + 1:]
 * Negative indices count from the end. ONNX: Gather with the `axis` attribute (normalised).
 *
 * Batch rules: gathering along the batch dim N of `data` throws IrError (its size is unknown), and so does
 * any result that would put N anywhere but dim 0 (e.g. indices with N gathered along an axis > 0). The usual
 * embedding lookup, weight [V, D] with indices [N, T] along axis 0, gives [N, T, D].
 *
 * Gradient (data only; indices get none): every gathered slice of g is added back to the row it came from,
 * repeated indices accumulating. With M = size(indices), V = data.shape[axis] and the indices made
 * non-negative (i < 0 → i + V), the dims before the axis (size P) become a MatMul batch: the transposed
 * one-hot [V, M] = Cast(Equal(Reshape(indices, [1, M]), iota[V, 1])) times g as [P, M, rest] gives
 * [P, V, rest], which is data's shape once reshaped (`addRowsByIndex`). Shapes must be concrete (IrError on N).
 * Not ScatterND with reduction add, although it costs M·rest additions instead of V·M·rest multiply-adds:
 * onnxruntime-node's CPU kernel adds repeated indices from several threads without synchronisation and loses
 * rows on 2 or 3 threads (see docs/DECISIONS.md).
 */
import { fmtShape, type Dim } from '../../shape';
import { attr, defineOp, IrError } from '../define-op';
import { size, zeros } from '../tensor';
import { concreteDim, expectBatchFirst, normAxis } from './common/3-shaping';
import type { IrBuilder, V } from '../builder';
import { concreteShape } from './slice';

export const Gather = defineOp<{ axis: number }>({
  name: 'Gather',
  inferShape: ([data, indices], { axis }) => {
    if (indices!.dtype !== 'int64') throw new IrError(`Gather: indices must be int64, got ${indices!.dtype}`);
    const ax = normAxis('Gather', axis, data!.shape.length);
    concreteDim('Gather', data!.shape, ax, 'gather');
    const shape: Dim[] = [...data!.shape.slice(0, ax), ...indices!.shape, ...data!.shape.slice(ax + 1)];
    if (shape.filter((d) => d === 'N').length > 1) throw new IrError(`Gather: result ${fmtShape(shape)} would have two batch dims`);
    return [{ shape: expectBatchFirst('Gather', shape), dtype: data!.dtype }];
  },
  evaluate: ([data, indices], { axis }) => {
    const ax = normAxis('Gather', axis, data!.shape.length);
    const dim = data!.shape[ax]!;
    const outer = size(data!.shape.slice(0, ax));
    const inner = size(data!.shape.slice(ax + 1));
    const n = indices!.data.length;
    const out = zeros([...data!.shape.slice(0, ax), ...indices!.shape, ...data!.shape.slice(ax + 1)], data!.dtype);
    for (let k = 0; k < n; k++) {
      const raw = indices!.data[k]!;
      const i = raw < 0 ? raw + dim : raw;
      if (i < 0 || i >= dim) throw new RangeError(`Gather: index ${raw} out of range for dim ${dim}`);
      for (let o = 0; o < outer; o++) {
        const src = (o * dim + i) * inner;
        out.data.set(data!.data.subarray(src, src + inner), (o * n + k) * inner);
      }
    }
    return [out];
  },
  toOnnx: ({ axis }, [data]) => ({ opType: 'Gather', attributes: { axis: attr.int(normAxis('Gather', axis, data!.shape.length)) } }),
  gradient: ({ ir, inputs: [data, indices], attrs: { axis }, grads: [g] }) => {
    if (data!.type.dtype !== 'float32') return [undefined, undefined];
    const ds = concreteShape('Gather gradient', data!.type.shape);
    const m = size(concreteShape('Gather gradient', indices!.type.shape));
    const ax = normAxis('Gather', axis, ds.length);
    const v = ds[ax]!;
    const before = size(ds.slice(0, ax));
    const rest = size(ds.slice(ax + 1));
    const zero = ir.scalar(0, 'int64');
    const wrapped = ir.where(ir.less(indices!, zero), ir.add(indices!, ir.scalar(v, 'int64')), indices!);
    return [ir.reshape(addRowsByIndex(ir, wrapped, v, ir.reshape(g!, [before, m, rest])), ds), undefined];
  },
});

/**
 * Σ over p of rows[…, p, :] into row index[p] of a [V, rest] table (batched over leading dims of `rows`), as
 * the transposed one-hot product: Cast(Equal(Reshape(index, [1, M]), iota[V, 1])) · rows. `index` holds M
 * non-negative int64 row numbers below V; `rows` is [..., M, rest]; the result is [..., V, rest].
 */
export function addRowsByIndex(ir: IrBuilder, index: V, v: number, rows: V): V {
  const m = size(concreteShape('Gather gradient', index.type.shape));
  const iota = ir.tensor([v, 1], Array.from({ length: v }, (_, i) => i), 'int64');
  const oneHotT = ir.cast(ir.equal(ir.reshape(index, [1, m]), iota), 'float32');
  return ir.matmul(oneHotT, rows);
}
