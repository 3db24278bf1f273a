/**
 * Cuts a tensor along one axis into consecutive parts of the given sizes (they must add up to the dim).
 * Returns one output per entry of `split`, so the number of outputs comes from the attributes (OpDef.outputs
 * is left unset: it cannot be a single number here).
 *
 * ONNX: Split (opset 13+) with the `axis` attribute (normalised) and the sizes as its second, int64 input.
 * Splitting along the batch dim N throws IrError.
 *
 * Gradient: Concat of the parts' gradients along the axis, with a block of zeros for each part whose gradient
 * is undefined (it does not reach the loss).
 */
import { fmtShape } from '../../shape';
import { attr, defineOp, int64, IrError } from '../define-op';
import { size, zeros, type Tensor } from '../tensor';
import { concreteDim, expectPositiveInts, normAxis } from './common/3-shaping';
import { zerosBlock } from './slice';

export const Split = defineOp<{ axis: number; split: readonly number[] }>({
  name: 'Split',
  inferShape: ([x], { axis, split }) => {
    const ax = normAxis('Split', axis, x!.shape.length);
    const dim = concreteDim('Split', x!.shape, ax, 'split');
    if (split.length === 0) throw new IrError('Split: no parts');
    expectPositiveInts('Split', 'sizes', split);
    const total = split.reduce((s, p) => s + p, 0);
    if (total !== dim) throw new IrError(`Split: sizes [${split.join(', ')}] add up to ${total}, not dim ${ax} of ${fmtShape(x!.shape)}`);
    return split.map((p) => ({ shape: x!.shape.map((d, i) => (i === ax ? p : d)), dtype: x!.dtype }));
  },
  evaluate: ([x], { axis, split }) => {
    const ax = normAxis('Split', axis, x!.shape.length);
    const dim = x!.shape[ax]!;
    const outer = size(x!.shape.slice(0, ax));
    const inner = size(x!.shape.slice(ax + 1));
    const outs: Tensor[] = [];
    let offset = 0;
    for (const p of split) {
      const out = zeros(
        x!.shape.map((d, i) => (i === ax ? p : d)),
        x!.dtype,
      );
      for (let o = 0; o < outer; o++) {
        const src = (o * dim + offset) * inner;
        out.data.set(x!.data.subarray(src, src + p * inner), o * p * inner);
      }
      outs.push(out);
      offset += p;
    }
    return outs;
  },
  toOnnx: ({ axis, split }, [x]) => ({
    opType: 'Split',
    attributes: { axis: attr.int(normAxis('Split', axis, x!.shape.length)) },
    constInputs: [int64(split)],
  }),
  gradient: ({ ir, inputs: [x], outputs, attrs: { axis, split }, grads }) => {
    const ax = normAxis('Split', axis, x!.type.shape.length);
    const parts = split.map((_, k) => grads[k] ?? zerosBlock(ir, outputs[k]!.type.shape, 'Split gradient'));
    return [parts.length === 1 ? parts[0]! : ir.concat(parts, ax)];
  },
});
