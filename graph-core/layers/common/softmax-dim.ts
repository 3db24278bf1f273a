/** Shape rule shared by Softmax and LogSoftmax: the normalised dimension must exist and must not be the batch. */
import { fail, ok, type ShapeResult } from '../../define-layer';
import { normDim, type Shape } from '../../shape';

/** Same shape as `x`, or BAD_DIM when `dim` is out of range or names the batch dimension 0. */
export function softmaxShape(x: Shape, dim: number): ShapeResult {
  const d = normDim(dim, x.length);
  if (d < 0) return fail('BAD_DIM', { param: 'dim', dim, shape: x, why: `it must lie between ${-x.length} and ${x.length - 1}` }, { port: 'in' });
  if (d === 0)
    return fail('BAD_DIM', { param: 'dim', dim, shape: x, why: 'normalising over the batch would mix different samples; pick a feature dimension' }, { port: 'in' });
  return ok({ out: x });
}
