/**
 * Adds rows of `updates` into a copy of `data` at the rows named by int64 `indices` (ONNX ScatterND with
 * reduction 'add', restricted to one index per update: indices end in a dim of size 1):
 *   output = data;  output[indices[p, 0], …] += updates[p, …]   for every position p of indices[…, 0]
 * so updates.shape = indices.shape[:-1] + data.shape[1:], and repeated indices accumulate. Negative indices
 * count from the end. The rows of data must be a concrete dim (never the batch N). ONNX: ScatterND with
 * reduction="add" (opset 16 and later).
 *
 * It is the sparse form of the embedding gradient (Gather's rule): M gathered rows go back to their table rows
 * in O(M·row) additions, where the transposed one-hot product costs V·M·row multiply-adds.
 *
 * Gradient: d(data) = g; d(updates) = the rows of g the updates went to, Gather(g, indices[…, 0]); indices get none.
 */
import { fmtShape } from '../../shape';
import { attr, defineOp, IrError } from '../define-op';
import { size, type Tensor } from '../tensor';
import { concreteDim } from './common/3-shaping';

export const ScatterND = defineOp<{ reduction: 'add' }>({
  name: 'ScatterND',
  inferShape: ([data, indices, updates], { reduction }) => {
    if (reduction !== 'add') throw new IrError(`ScatterND: only reduction 'add' is supported, got ${String(reduction)}`);
    if (indices!.dtype !== 'int64') throw new IrError(`ScatterND: indices must be int64, got ${indices!.dtype}`);
    if (data!.dtype !== updates!.dtype) throw new IrError(`ScatterND: updates are ${updates!.dtype}, data ${data!.dtype}`);
    if (data!.shape.length === 0) throw new IrError('ScatterND: data needs rank ≥ 1');
    concreteDim('ScatterND', data!.shape, 0, 'scatter');
    const is = indices!.shape;
    if (is.length === 0 || is[is.length - 1] !== 1) throw new IrError(`ScatterND: indices ${fmtShape(is)} must end in a dim of size 1 (one row index per update)`);
    const expected = [...is.slice(0, -1), ...data!.shape.slice(1)];
    if (expected.length !== updates!.shape.length || expected.some((d, i) => d !== updates!.shape[i]))
      throw new IrError(`ScatterND: updates ${fmtShape(updates!.shape)} must be ${fmtShape(expected)} for indices ${fmtShape(is)} and data ${fmtShape(data!.shape)}`);
    return [{ shape: data!.shape, dtype: data!.dtype }];
  },
  evaluate: ([data, indices, updates]) => {
    const rows = data!.shape[0]!;
    const row = size(data!.shape.slice(1));
    const out: Tensor = { shape: [...data!.shape], dtype: data!.dtype, data: data!.data.slice() };
    for (let k = 0; k < indices!.data.length; k++) {
      const raw = indices!.data[k]!;
      const i = raw < 0 ? raw + rows : raw;
      if (i < 0 || i >= rows) throw new RangeError(`ScatterND: index ${raw} out of range for ${rows} rows`);
      for (let j = 0; j < row; j++) out.data[i * row + j] = out.data[i * row + j]! + updates!.data[k * row + j]!;
    }
    return [out];
  },
  toOnnx: ({ reduction }) => ({ opType: 'ScatterND', attributes: { reduction: attr.string(reduction) } }),
  gradient: ({ ir, inputs: [, indices], grads: [g] }) => {
    if (!g) return [undefined, undefined, undefined];
    const positions = ir.reshape(indices!, indices!.type.shape.slice(0, -1));
    return [g, undefined, ir.gather(g, positions, 0)];
  },
});
