/** Shape rules shared by convolutions and pooling over 1 or 2 spatial dimensions. */
import { fail, type ShapeResult } from '../../define-layer';
import { convOutSize, fmtShape, type Shape } from '../../shape';

export interface WindowGeometry {
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  readonly ceilMode?: boolean;
}

/**
 * Output spatial sizes of a sliding window over the trailing `kernel.length` dims of `x`,
 * or a KERNEL_LARGER_THAN_INPUT failure when a window does not fit.
 */
export function windowOut(x: Shape, g: WindowGeometry): number[] | ShapeResult {
  const nd = g.kernel.length;
  const spatial = x.slice(x.length - nd) as number[];
  const out = spatial.map((s, i) => convOutSize(s, g.kernel[i]!, g.stride[i]!, g.padding[i]!, g.dilation[i]!, g.ceilMode));
  if (out.some((o) => o < 1)) {
    const eff = g.kernel.map((k, i) => g.dilation[i]! * (k - 1) + 1);
    const padded = spatial.map((s, i) => s + 2 * g.padding[i]!);
    return fail(
      'KERNEL_LARGER_THAN_INPUT',
      {
        input: `${padded.join('×')}${g.padding.some((q) => q > 0) ? ' (padded)' : ''} ${fmtShape(x)}`,
        kernel: `${eff.join('×')}${g.dilation.some((d) => d > 1) ? ' (dilated)' : ''}`,
      },
      { port: 'in' },
    );
  }
  return out;
}

export const isFailure = (r: number[] | ShapeResult): r is ShapeResult => !Array.isArray(r);
