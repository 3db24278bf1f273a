/**
 * Bilinear resizing of planar float images ([C, H, W]), as Pillow's `Image.resize(size, BILINEAR)` and
 * torchvision's `Resize(antialias=True)` do it: a separable triangle filter whose support widens with the
 * shrink factor, so downscaling averages every source pixel instead of sampling a few (no aliasing), and
 * upscaling is plain bilinear interpolation on pixel centres (align_corners=False). Weights at the border
 * are renormalised over the pixels that exist.
 */

interface Taps {
  /** First source index for each output index. */
  readonly start: Int32Array;
  /** Number of source pixels for each output index. */
  readonly count: Int32Array;
  /** `maxTaps` weights per output index, summing to 1. */
  readonly weights: Float64Array;
  readonly maxTaps: number;
}

function taps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // the triangle filter has radius 1, widened by filterScale
  const maxTaps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * maxTaps);
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(inSize, Math.ceil(center + support));
    let total = 0;
    let n = 0;
    for (let j = lo; j < hi && n < maxTaps; j++, n++) {
      const w = Math.max(0, 1 - Math.abs((j + 0.5 - center) / filterScale));
      weights[i * maxTaps + n] = w;
      total += w;
    }
    if (total > 0) for (let k = 0; k < n; k++) weights[i * maxTaps + k]! /= total;
    start[i] = lo;
    count[i] = n;
  }
  return { start, count, weights, maxTaps };
}

/**
 * Resizes `src` ([channels, inH, inW], planar) to [channels, outH, outW]. Returns `src` itself when the
 * size does not change.
 */
export function resizeBilinear(src: Float32Array, channels: number, inH: number, inW: number, outH: number, outW: number): Float32Array {
  if (inH === outH && inW === outW) return src;
  const tx = taps(inW, outW);
  const ty = taps(inH, outH);
  const tmp = new Float64Array(channels * inH * outW);
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < inH; y++) {
      const row = (c * inH + y) * inW;
      const outRow = (c * inH + y) * outW;
      for (let x = 0; x < outW; x++) {
        let s = 0;
        const s0 = tx.start[x]!;
        const base = x * tx.maxTaps;
        for (let k = 0; k < tx.count[x]!; k++) s += tx.weights[base + k]! * src[row + s0 + k]!;
        tmp[outRow + x] = s;
      }
    }
  const out = new Float32Array(channels * outH * outW);
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < outH; y++) {
      const s0 = ty.start[y]!;
      const base = y * ty.maxTaps;
      const n = ty.count[y]!;
      const outRow = (c * outH + y) * outW;
      for (let x = 0; x < outW; x++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += ty.weights[base + k]! * tmp[(c * inH + s0 + k) * outW + x]!;
        out[outRow + x] = s;
      }
    }
  return out;
}
