/**
 * Shared definition of the Reduce* ops: reduce a float32 tensor over a non-empty list of distinct axes
 * (negative allowed, the batch is axis 0), keeping them as 1s or dropping them. Reducing over the batch
 * removes N from the shape.
 */
import type { Dim } from '../../../shape';
import type { IrBuilder, V } from '../../builder';
import { attr, defineOp, int64, IrError, type OnnxMapping, type OpDef } from '../../define-op';
import type { Tensor } from '../../tensor';
import { expectArity, expectBool, expectFloat, normAxes } from './1-checks';

export interface ReduceAttrs {
  readonly axes: readonly number[];
  readonly keepdims: boolean;
}

/**
 * `axesAs` says how ONNX opset 17 takes the axes: ReduceSum as an int64 input (since opset 13), the others as
 * an `axes` attribute (until opset 18). keepdims is always an explicit int attribute.
 */
export function reduceOp(
  name: string,
  axesAs: 'input' | 'attribute',
  kernel: (x: Tensor, axes: readonly number[], keepdims: boolean) => Tensor,
  gradient?: OpDef<ReduceAttrs>['gradient'],
): OpDef<ReduceAttrs> {
  return defineOp<ReduceAttrs>({
    ...(gradient ? { gradient } : {}),
    name,
    inferShape: (inputs, { axes, keepdims }) => {
      expectArity(name, inputs, 1);
      expectFloat(name, inputs);
      const x = inputs[0]!;
      const ax = new Set(normAxes(name, axes, x.shape.length));
      const keep = expectBool(name, 'keepdims', keepdims);
      const shape: Dim[] = [];
      x.shape.forEach((d, i) => {
        if (!ax.has(i)) shape.push(d);
        else if (keep) shape.push(1);
      });
      return [{ shape, dtype: 'float32' }];
    },
    evaluate: ([x], { axes, keepdims }) => [kernel(x!, normAxes(name, axes, x!.shape.length), keepdims)],
    toOnnx: ({ axes, keepdims }, [x]): OnnxMapping => {
      if (!x) throw new IrError(`${name}: no input type`);
      const ax = normAxes(name, axes, x.shape.length);
      const kd = attr.int(keepdims ? 1 : 0);
      return axesAs === 'input'
        ? { opType: name, attributes: { keepdims: kd }, constInputs: [int64(ax)] }
        : { opType: name, attributes: { axes: attr.ints(ax), keepdims: kd } };
    },
  });
}

/**
 * The gradient of a reduction, brought back to the input's shape: re-insert the reduced axes (when they
 * were dropped) and broadcast over them. Shapes are concrete in train-step graphs (fixed batch size).
 */
export function spreadBack(ir: IrBuilder, g: V, x: V, axes: readonly number[], keepdims: boolean): V {
  const ax = normAxes('reduce gradient', axes, x.type.shape.length);
  const kept = keepdims ? g : ir.unsqueeze(g, ax);
  return ir.expand(kept, x.type.shape);
}
