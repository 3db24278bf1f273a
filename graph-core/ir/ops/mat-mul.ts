/**
 * Batched matrix product with NumPy broadcasting over the leading dims. ONNX: MatMul.
 * Rank-1 operands are promoted as NumPy does (a vector on the left is a row, on the right a column).
 */
import { broadcastShapes, type Dim } from '../../shape';
import { defineOp, IrError } from '../define-op';
import { broadcastConcrete, broadcastIndex, size, zeros, type Tensor } from '../tensor';

function matmulShape(a: readonly Dim[], b: readonly Dim[]): Dim[] {
  const a2 = a.length === 1 ? [1, a[0]!] : a;
  const b2 = b.length === 1 ? [b[0]!, 1] : b;
  if (a2[a2.length - 1] !== b2[b2.length - 2]) throw new IrError(`MatMul: inner dims of [${a}] and [${b}] differ`);
  const batch = broadcastShapes(a2.slice(0, -2), b2.slice(0, -2));
  if (!batch) throw new IrError(`MatMul: batch dims of [${a}] and [${b}] do not broadcast`);
  const out: Dim[] = [...batch, ...(a.length === 1 ? [] : [a2[a2.length - 2]!]), ...(b.length === 1 ? [] : [b2[b2.length - 1]!])];
  return out;
}

function matmul(a: Tensor, b: Tensor): Tensor {
  const as = a.shape.length === 1 ? [1, a.shape[0]!] : a.shape;
  const bs = b.shape.length === 1 ? [b.shape[0]!, 1] : b.shape;
  const m = as[as.length - 2]!;
  const k = as[as.length - 1]!;
  const n = bs[bs.length - 1]!;
  const batch = broadcastConcrete(as.slice(0, -2), bs.slice(0, -2));
  const ia = broadcastIndex(as.slice(0, -2), batch);
  const ib = broadcastIndex(bs.slice(0, -2), batch);
  const outShape = [...batch, m, n];
  const out = zeros(outShape);
  const nb = size(batch);
  for (let t = 0; t < nb; t++) {
    const ao = ia[t]! * m * k;
    const bo = ib[t]! * k * n;
    const oo = t * m * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a.data[ao + i * k + p]! * b.data[bo + p * n + j]!;
        out.data[oo + i * n + j] = s;
      }
  }
  const finalShape = [...batch, ...(a.shape.length === 1 ? [] : [m]), ...(b.shape.length === 1 ? [] : [n])];
  return { ...out, shape: finalShape };
}

export const MatMul = defineOp({
  name: 'MatMul',
  inferShape: ([a, b]) => [{ shape: matmulShape(a!.shape, b!.shape), dtype: 'float32' }],
  evaluate: ([a, b]) => [matmul(a!, b!)],
  toOnnx: () => ({ opType: 'MatMul' }),
  // dL/dA = g·Bᵀ and dL/dB = Aᵀ·g, each summed over the batch dims it was broadcast along.
  gradient: ({ ir, inputs: [a, b], grads: [g] }) => {
    if (a!.type.shape.length < 2 || b!.type.shape.length < 2) throw new IrError('MatMul gradient: vector operands are not supported');
    const swap = (v: typeof a) => {
      const r = v!.type.shape.length;
      return ir.transpose(v!, [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]);
    };
    const as = a!.type.shape;
    const bs = b!.type.shape;
    // A weight [F, O] applied to activations [N, T, F]: fold the leading dims into one product
    // [F, N·T]·[N·T, O] instead of a batched product followed by a sum over N.
    if (bs.length === 2 && as.length > 2 && as.every((d) => typeof d === 'number')) {
      const rows = (as as number[]).slice(0, -1).reduce((x, y) => x * y, 1);
      const a2 = ir.reshape(a!, [rows, as[as.length - 1]!]);
      const g2 = ir.reshape(g!, [rows, bs[1]!]);
      return [ir.matmul(g!, swap(b)), ir.matmul(ir.transpose(a2, [1, 0]), g2)];
    }
    return [ir.sumTo(ir.matmul(g!, swap(b)), as), ir.sumTo(ir.matmul(swap(a), g!), bs)];
  },
});
