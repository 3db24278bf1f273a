/**
 * Max pooling over the spatial dims of an NCL or NCHW input, per channel. The padding is −∞ (it never wins):
 *
 *   Y[n, c, o] = max_j X[n, c, o·s − pad_begin + j·d]     (j = 0…k−1, taps outside the input skipped)
 *   out = ⌊(in + pad_begin + pad_end − d·(k − 1) − 1) / s⌋ + 1
 *
 * ceil_mode rounds up instead, exactly as PyTorch does: the extra last window may run past the padded input
 * (its missing taps are skipped), but a window that would start in the end padding is dropped. Pads must be
 * smaller than the kernel (onnxruntime requires it).
 * ONNX: MaxPool with kernel_shape, strides, pads (all begins, then all ends), dilations and ceil_mode written
 * explicitly, and only the first output (the Indices output fails on the WebGPU EP). onnxruntime's kernel drops
 * a ceil_mode window that starts in the end padding, like PyTorch, but the opset 17 text and onnx's shape
 * inference keep it. So ceil_mode is written as 1 only when it adds a window on some axis (else the windows
 * equal floor mode's and 0 is written, which every consumer reads alike); see onnxCeilMode.
 *
 * Gradient: each window passes g to its arg-max, and an input cell sums what it gets from every window it
 * wins (windows may overlap). On ties the FIRST maximum in the window's row-major scan order wins, as in
 * PyTorch's CPU kernel (`if (val > maxval || isnan(val))`, so a later equal value does not replace it). A
 * window whose maximum is NaN passes no gradient here (PyTorch routes it to the last NaN; the value is NaN
 * anyway). There is no Indices output, so the arg-max is rebuilt from the windows, exactly (no float
 * product or sum that could round).
 *
 * Tiling windows (stride = kernel on every axis, no pads, no dilation, no ceil_mode overhang: LeNet's 2×2),
 * with T = Π kernel ≤ 24 taps, take a short path of about ten whole-tensor ops (tilingGradient):
 * 1. U(v) repeats every window value over its window (Resize, nearest, integer scale: a plain copy). On the
 *    cells the windows cover: hit = (X == U(Y)).
 * 2. code = Σ_t hit_t · 2^(T−1−t) per window, the first tap in scan order weighing most: one small MatMul
 *    against a constant 0/power-of-two matrix, or a grouped Conv for wide rows (tapCodes). Exact in float32.
 * 3. The cell of tap t is its window's first maximum iff it is a hit and no earlier tap is (all earlier taps
 *    weigh more than every later tap together): iff U(code) < hit · 2^(T−t), one Less against a constant map.
 * 4. dX = U(g) · pick on the covered cells, zeros on the cells past the last window.
 * Every other geometry takes the general path, with Slice, Equal and exact arithmetic:
 * 1. X is padded with zeros up to the extent the windows cover (pads and ceil_mode's overhang).
 * 2. For each kernel offset (one per tap, k_h·k_w of them) a strided Slice per spatial axis gives the tap's
 *    value T for every window, [N, C, out…]; hit = (T == Y) · valid, where the constant 0/1 map `valid`
 *    drops taps that fall in the padding (only built where some tap does).
 * 3. In scan order, taken = Σ earlier picks, pick = hit · (1 − taken): exactly one tap per window is picked.
 * 4. g · pick goes back to the tap's input positions o·s + j·d, one axis at a time (the last axis per kernel
 *    row, then the first): the offsets are grouped by phase (j·d mod s), shifted with zero blocks, summed and
 *    interleaved with Unsqueeze/Concat/Reshape (see scatterTaps; for stride = kernel without dilation, the
 *    windows tile the input and this is one Concat and one Reshape). The padding is cropped.
 */
import type { IrBuilder, V } from '../builder';
import { attr, defineOp, IrError } from '../define-op';
import type { Tensor } from '../tensor';
import { activation, dims4, expectInputs, flag, intList, lift, liftPads, onnxCeilMode, unlift, windowOut } from './common/2-window';
import { concreteShape, padWithZeros, zerosBlock } from './slice';

export interface MaxPoolAttrs {
  readonly kernel_shape: readonly number[];
  readonly strides: readonly number[];
  readonly pads: readonly number[];
  readonly dilations: readonly number[];
  readonly ceil_mode: boolean;
}

function checkAttrs(a: MaxPoolAttrs, r: number): MaxPoolAttrs {
  const checked = {
    kernel_shape: intList('MaxPool', 'kernel_shape', a.kernel_shape, r, 1),
    strides: intList('MaxPool', 'strides', a.strides, r, 1),
    pads: intList('MaxPool', 'pads', a.pads, 2 * r, 0),
    dilations: intList('MaxPool', 'dilations', a.dilations, r, 1),
    ceil_mode: flag('MaxPool', 'ceil_mode', a.ceil_mode),
  };
  checked.pads.forEach((p, i) => {
    if (p >= checked.kernel_shape[i % r]!) throw new IrError(`MaxPool: pad ${p} must be smaller than the kernel (${checked.kernel_shape[i % r]})`);
  });
  return checked;
}

function maxPool(x: Tensor, a: MaxPoolAttrs): Tensor {
  const r = x.shape.length - 2;
  const [n, c, h, w] = dims4(x.shape);
  const [kh, kw] = lift(a.kernel_shape, 1);
  const [sh, sw] = lift(a.strides, 1);
  const [dh, dw] = lift(a.dilations, 1);
  const [[pt, pl], [pb, pr]] = liftPads(a.pads);
  const oh = windowOut('MaxPool', h, kh, sh, pt, pb, dh, a.ceil_mode);
  const ow = windowOut('MaxPool', w, kw, sw, pl, pr, dw, a.ceil_mode);
  const out = new Float32Array(n * c * oh * ow);
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w;
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++) {
        let best = -Infinity;
        for (let i = 0; i < kh; i++) {
          const iy = y * sh - pt + i * dh;
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < kw; j++) {
            const ix = xo * sw - pl + j * dw;
            if (ix < 0 || ix >= w) continue;
            const v = x.data[base + iy * w + ix]!;
            if (v > best || Number.isNaN(v)) best = v;
          }
        }
        out[(plane * oh + y) * ow + xo] = best;
      }
  }
  return { shape: unlift(r, n, c, oh, ow), dtype: 'float32', data: out };
}

/**
 * Places `parts[j]` ([…, out, …] along `axis`) at positions j·d + o·s of an axis of length `length` (zeros
 * elsewhere) and sums them: the adjoint of taking tap j of every window with a strided Slice. Position
 * p = q·s + ρ is handled by phase: tap j lands in phase ρ = (j·d) mod s, shifted by ⌊j·d / s⌋ along q, so each
 * phase is a sum of zero-padded parts of length Q = ⌈length / s⌉, and the s phases are interleaved with
 * Unsqueeze, Concat and Reshape ([… Q, s …] → [… Q·s …]), then cropped to `length`. Only data movement and
 * additions: no value is rounded.
 */
function scatterTaps(ir: IrBuilder, parts: readonly V[], axis: number, stride: number, dilation: number, length: number): V {
  const op = 'MaxPool gradient';
  const shape = concreteShape(op, parts[0]!.type.shape);
  const out = shape[axis]!;
  const q = Math.ceil(length / stride);
  const phases = Array.from({ length: stride }, (_, rho) => {
    let sum: V | undefined;
    parts.forEach((part, j) => {
      if ((j * dilation) % stride !== rho) return;
      const shift = Math.floor((j * dilation) / stride);
      const placed = padWithZeros(ir, part, axis, shift, q - shift - out, op);
      sum = sum ? ir.add(sum, placed) : placed;
    });
    return sum ?? zerosBlock(ir, shape.map((d, i) => (i === axis ? q : d)), op);
  });
  if (stride === 1) return phases[0]!;
  const interleaved = ir.reshape(
    ir.concat(
      phases.map((v) => ir.unsqueeze(v, [axis + 1])),
      axis + 1,
    ),
    shape.map((d, i) => (i === axis ? q * stride : d)),
  );
  return q * stride > length ? ir.slice(interleaved, axis, 0, length) : interleaved;
}

/** Taps per window up to which the tiling path's codes (sums of distinct powers of two) stay exact in float32. */
const MAX_TILING_TAPS = 24;

/** Largest products per window code for which the MatMul form of tapCodes is used (2-D: taps · windows per row). */
const MAX_CODE_MATMUL_WORK = 64;

/**
 * code = Σ_t hit_t · 2^(T−1−t) per window, tap t in the window's row-major scan order, for 0/1 hits on cells the
 * windows tile exactly ([N, C, covered…]). In 1-D the windows are runs of k cells: [N·C·o, k] · [k, 1]. In 2-D
 * a row of windows spans k_h whole rows of cells: [N·C·o_h, k_h·W] · M [k_h·W, o_w], M holding each cell's
 * weight in its window's column, as long as that row product stays small (MAX_CODE_MATMUL_WORK); beyond it, a
 * Conv with one [1, k…] kernel of the weights per channel (group = C) and stride = kernel. Every product is 0
 * or a power of two and every sum an integer below 2^24, so float32 computes them exactly in any order.
 */
function tapCodes(ir: IrBuilder, hit: V, k: readonly number[], covered: readonly number[], n: number, channels: number): V {
  const taps = k.reduce((p, v) => p * v, 1);
  const weights = Array.from({ length: taps }, (_, t) => 2 ** (taps - 1 - t));
  const out = covered.map((len, i) => len / k[i]!);
  if (k.length === 1) return ir.reshape(ir.matmul(ir.reshape(hit, [n * channels * out[0]!, taps]), ir.tensor([taps, 1], weights)), [n, channels, out[0]!]);
  if (k.length === 2 && taps * out[1]! <= MAX_CODE_MATMUL_WORK) {
    const [kh, kw, oh, ow, w] = [k[0]!, k[1]!, out[0]!, out[1]!, covered[1]!];
    const m = new Array<number>(kh * w * ow).fill(0);
    for (let a = 0; a < kh; a++) for (let x = 0; x < w; x++) m[(a * w + x) * ow + Math.floor(x / kw)] = weights[a * kw + (x % kw)]!;
    return ir.reshape(ir.matmul(ir.reshape(hit, [n * channels * oh, kh * w]), ir.tensor([kh * w, ow], m)), [n, channels, oh, ow]);
  }
  return ir.conv(hit, ir.tensor([channels, 1, ...k], Array.from({ length: channels }, () => weights).flat()), undefined, {
    strides: [...k],
    pads: new Array<number>(2 * k.length).fill(0),
    dilations: new Array<number>(k.length).fill(1),
    group: channels,
  });
}

/**
 * dX for windows that tile the input (stride = kernel, no pads, no dilation, no overhang), or undefined for any
 * other geometry: see the op's doc, steps 1–4 of the tiling path.
 */
function tilingGradient(ir: IrBuilder, x: V, y: V, g: V, a: MaxPoolAttrs, xs: readonly number[], ys: readonly number[]): V | undefined {
  const op = 'MaxPool gradient';
  const r = xs.length - 2;
  const k = a.kernel_shape;
  const taps = k.reduce((p, v) => p * v, 1);
  const tiles = k.every((kk, i) => a.strides[i] === kk && a.dilations[i] === 1 && a.pads[i] === 0 && a.pads[i + r] === 0 && ys[i + 2]! * kk <= xs[i + 2]!);
  if (!tiles || taps > MAX_TILING_TAPS) return undefined;
  const covered = k.map((kk, i) => ys[i + 2]! * kk);
  const channels = xs[1]!;
  const up = (v: V): V => ir.resize(v, { sizes: covered, mode: 'nearest', align_corners: false });
  let xc = x;
  covered.forEach((len, i) => {
    if (len < xs[i + 2]!) xc = ir.slice(xc, i + 2, 0, len);
  });
  const hit = ir.cast(ir.equal(xc, up(y)), 'float32');
  const code = tapCodes(ir, hit, k, covered, xs[0]!, channels);
  // 2^(T−t) at every covered cell, t being the cell's tap in its window.
  const bound = new Array<number>(covered.reduce((p, v) => p * v, 1));
  for (let cell = 0; cell < bound.length; cell++) {
    let rest = cell;
    let tap = 0;
    let place = 1;
    for (let i = r - 1; i >= 0; i--) {
      const at = rest % covered[i]!;
      rest = Math.floor(rest / covered[i]!);
      tap += (at % k[i]!) * place;
      place *= k[i]!;
    }
    bound[cell] = 2 ** (taps - tap);
  }
  const pick = ir.less(up(code), ir.mul(hit, ir.tensor([1, 1, ...covered], bound)));
  let dx = ir.mul(up(g), ir.cast(pick, 'float32'));
  covered.forEach((len, i) => {
    dx = padWithZeros(ir, dx, i + 2, 0, xs[i + 2]! - len, op);
  });
  return dx;
}

export const MaxPool = defineOp<MaxPoolAttrs>({
  name: 'MaxPool',
  inferShape: (inputs, attrs) => {
    expectInputs('MaxPool', inputs, 1);
    const x = activation('MaxPool', inputs[0]);
    const r = x.spatial.length;
    const a = checkAttrs(attrs, r);
    const out = x.spatial.map((len, i) =>
      windowOut('MaxPool', len, a.kernel_shape[i]!, a.strides[i]!, a.pads[i]!, a.pads[i + r]!, a.dilations[i]!, a.ceil_mode),
    );
    return [{ shape: [x.batch, x.channels, ...out], dtype: 'float32' }];
  },
  evaluate: ([x], attrs) => [maxPool(x!, checkAttrs(attrs, x!.shape.length - 2))],
  toOnnx: (attrs, inputs) => {
    const spatial = inputs[0]!.shape.slice(2) as number[];
    const a = checkAttrs(attrs, spatial.length);
    const ceil = onnxCeilMode(spatial, a.kernel_shape, a.strides, a.pads, a.dilations, a.ceil_mode);
    return {
      opType: 'MaxPool',
      attributes: {
        kernel_shape: attr.ints(a.kernel_shape),
        strides: attr.ints(a.strides),
        pads: attr.ints(a.pads),
        dilations: attr.ints(a.dilations),
        ceil_mode: attr.int(ceil ? 1 : 0),
      },
    };
  },
  gradient: ({ ir, inputs: [x], outputs: [y], attrs, grads: [g] }) => {
    const op = 'MaxPool gradient';
    const xs = concreteShape(op, x!.type.shape);
    const ys = concreteShape(op, y!.type.shape);
    const r = xs.length - 2;
    const a = checkAttrs(attrs, r);
    const tiled = tilingGradient(ir, x!, y!, g!, a, xs, ys);
    if (tiled) return [tiled];
    const axes = Array.from({ length: r }, (_, i) => i + 2);
    const geom = axes.map((ax, i) => {
      const [len, out, k, s, d, pb] = [xs[ax]!, ys[ax]!, a.kernel_shape[i]!, a.strides[i]!, a.dilations[i]!, a.pads[i]!];
      // The padded extent the windows read: [−pb, (out − 1)·s + d·(k − 1) + 1 − pb), and at least the input.
      const padEnd = Math.max(0, (out - 1) * s + d * (k - 1) + 1 - pb - len);
      const valid = Array.from({ length: k }, (_, j) =>
        Array.from({ length: out }, (_, o): number => {
          const at = o * s - pb + j * d;
          return at >= 0 && at < len ? 1 : 0;
        }),
      );
      return { ax, len, out, k, s, d, pb, padEnd, padded: pb + len + padEnd, valid };
    });
    let xp = x!;
    for (const { ax, pb, padEnd } of geom) xp = padWithZeros(ir, xp, ax, pb, padEnd, op);

    // Every tap (one index per spatial axis), in the kernel's row-major scan order.
    let taps: number[][] = [[]];
    for (const { k } of geom) taps = taps.flatMap((t) => Array.from({ length: k }, (_, j) => [...t, j]));

    // The tap's value in every window: one strided Slice per axis, shared by the taps with the same leading offsets.
    const windows = new Map<string, V>([['', xp]]);
    const windowOf = (tap: readonly number[]): V => {
      const key = tap.join(',');
      const known = windows.get(key);
      if (known) return known;
      const i = tap.length - 1;
      const { ax, out, s, d, padded } = geom[i]!;
      const start = tap[i]! * d;
      const prev = windowOf(tap.slice(0, i));
      const v = start !== 0 || s !== 1 || out !== padded ? ir.slice(prev, ax, start, start + (out - 1) * s + 1, s) : prev;
      windows.set(key, v);
      return v;
    };

    let taken: V | undefined;
    const contributions = taps.map((tap, t) => {
      const window = windowOf(tap);
      let hit = ir.cast(ir.equal(window, y!), 'float32');
      const valid = geom.map(({ valid: v }, i) => v[tap[i]!]!);
      if (valid.some((v) => v.includes(0))) {
        // Outer product of the per-axis 0/1 lists: [out_0, out_1…], broadcast over N and C.
        let mask = valid[0]!;
        let shape = [mask.length];
        for (const v of valid.slice(1)) {
          mask = mask.flatMap((m) => v.map((u) => m * u));
          shape = [...shape, v.length];
        }
        hit = ir.mul(hit, ir.tensor(shape, mask));
      }
      const pick = taken ? ir.mul(hit, ir.sub(ir.scalar(1), taken)) : hit;
      if (t < taps.length - 1) taken = taken ? ir.add(taken, pick) : pick;
      return ir.mul(g!, pick);
    });

    // Scatter back, innermost axis first: contributions grouped by their leading tap indices.
    let level: V[] = contributions;
    for (let i = r - 1; i >= 0; i--) {
      const { ax, k, s, d, padded } = geom[i]!;
      const next: V[] = [];
      for (let p = 0; p < level.length; p += k) next.push(scatterTaps(ir, level.slice(p, p + k), ax, s, d, padded));
      level = next;
    }
    let dx = level[0]!;
    for (const { ax, pb, len, padded } of geom) if (pb > 0 || padded > len) dx = ir.slice(dx, ax, pb, pb + len);
    return [dx];
  },
});
