/**
 * Permutes the dims of a tensor: output dim i is input dim perm[i]. ONNX: Transpose with an explicit `perm`
 * attribute (never left to ONNX's reverse-the-dims default).
 *
 * Layers keep the batch N at dim 0. Only gradients move it: the weight gradient of x·W is xᵀ·g, which
 * contracts over the batch, so Transpose lets N go anywhere.
 */
import { attr, defineOp, IrError } from '../define-op';
import { transpose } from '../tensor';

function checkPerm(perm: readonly number[], rank: number): void {
  const seen = new Set<number>();
  for (const p of perm) {
    if (!Number.isInteger(p) || p < 0 || p >= rank || seen.has(p)) break;
    seen.add(p);
  }
  if (perm.length !== rank || seen.size !== rank) throw new IrError(`Transpose: perm [${perm.join(', ')}] is not a permutation of 0..${rank - 1}`);
}

export const Transpose = defineOp<{ perm: readonly number[] }>({
  name: 'Transpose',
  inferShape: ([x], { perm }) => {
    checkPerm(perm, x!.shape.length);
    return [{ shape: perm.map((p) => x!.shape[p]!), dtype: x!.dtype }];
  },
  evaluate: ([x], { perm }) => [transpose(x!, perm)],
  toOnnx: ({ perm }) => ({ opType: 'Transpose', attributes: { perm: attr.ints(perm) } }),
  gradient: ({ ir, attrs: { perm }, grads: [g] }) => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return [ir.transpose(g!, inverse)];
  },
});
