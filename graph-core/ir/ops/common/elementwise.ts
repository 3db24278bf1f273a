/** Shared definitions for elementwise primitive ops. */
import { broadcastShapes, type DType, type TensorType } from '../../../shape';
import { defineOp, IrError, type OpDef } from '../../define-op';
import { binary, unary } from '../../tensor';

/** A float32 → float32 unary op with a scalar kernel. */
export function unaryOp<A = Record<string, never>>(name: string, f: (x: number, attrs: A) => number, toOnnx?: OpDef<A>['toOnnx']): OpDef<A> {
  return defineOp<A>({
    name,
    inferShape: ([x]) => [x!],
    evaluate: ([x], a) => [unary(x!, (v) => f(v, a))],
    toOnnx: toOnnx ?? (() => ({ opType: name })),
  });
}

export function broadcastType(op: string, a: TensorType, b: TensorType, dtype?: DType): TensorType {
  const shape = broadcastShapes(a.shape, b.shape);
  if (!shape) throw new IrError(`${op}: [${a.shape.join(', ')}] and [${b.shape.join(', ')}] do not broadcast`);
  if (a.dtype !== b.dtype) throw new IrError(`${op}: dtypes ${a.dtype} and ${b.dtype} differ`);
  return { shape, dtype: dtype ?? a.dtype };
}

/** A broadcasting binary op with a scalar kernel. `resultDtype` fixes the output type (comparisons give bool). */
export function binaryOp(name: string, f: (x: number, y: number) => number, resultDtype?: DType): OpDef {
  return defineOp({
    name,
    inferShape: ([a, b]) => [broadcastType(name, a!, b!, resultDtype)],
    evaluate: ([a, b]) => [binary(a!, b!, f, resultDtype ?? a!.dtype)],
    toOnnx: () => ({ opType: name }),
  });
}
