/**
 * Gradient rules of group 2's primitive ops (Conv, ConvTranspose, MaxPool, AveragePool, GlobalAveragePool,
 * Resize), NCL and NCHW: central differences for every attribute that changes the computation, MaxPool's
 * tie rule against a transcription of PyTorch's CPU kernel, the ops the backward graphs use, and the
 * backward graphs running in onnxruntime-node.
 */
import { describe, expect, it } from 'vitest';
import { autodiff, evaluateIr, getOp, IrBuilder, Rng, tensors, type Tensor } from '../../../graph-core';
import { encodeModel } from '../../../exporters/onnx/encode';
import { irToOnnx } from '../../../exporters/onnx/from-ir';
import { transposeConvTo } from '../../../graph-core/ir/ops/conv';
import { gradCheck } from '../../helpers/grad-check';
import { expectClose, randTensor, runInOrt } from '../../helpers/op-check';

const f32 = (shape: readonly number[], values: readonly number[]): Tensor => tensors.fromArray(shape, values);

/** Distinct values 0.1 apart in a seeded shuffled order: no near-ties, so finite differences keep each arg-max. */
function distinct(shape: readonly number[], seed: number): Tensor {
  const n = tensors.size(shape);
  const v = Array.from({ length: n }, (_, k) => 0.1 * (k + 1) - 0.05 * n);
  const rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform(0, 1) * (i + 1)) % (i + 1);
    [v[i], v[j]] = [v[j]!, v[i]!];
  }
  return f32(shape, v);
}

/** Small integers in [lo, hi]: many exact ties inside every window. */
function ties(shape: readonly number[], seed: number, lo = 0, hi = 2): Tensor {
  const rng = new Rng(seed);
  return f32(
    shape,
    Array.from({ length: tensors.size(shape) }, () => lo + (Math.floor(rng.uniform(0, 1) * (hi - lo + 1)) % (hi - lo + 1))),
  );
}

/**
 * Builds y = op(inputs), loss = Σ y ⊙ upstream, and returns d(loss)/d(inputs[i]) for i in `wrt` (reference
 * kernels) and the op types of the backward pass.
 */
function gradients(op: string, inputs: readonly Tensor[], attrs: Record<string, unknown>, wrt: readonly number[], upstream: Tensor) {
  const ir = new IrBuilder();
  const vs = inputs.map((t, i) => ir.input(`in${i}`, { shape: t.shape, dtype: t.dtype }));
  const y = ir.op(op, vs, attrs);
  const loss = ir.reduceSum(ir.mul(y, ir.constant(upstream)), y.type.shape.map((_, i) => i), false);
  const forward = ir.nodeList.length;
  const grads = autodiff(ir, loss, wrt.map((i) => vs[i]!));
  const ops = ir.nodeList.slice(forward).map((n) => n.op);
  wrt.forEach((i) => ir.output(`grad${i}`, grads.get(vs[i]!.id)!));
  const out = evaluateIr(ir.build(), Object.fromEntries(inputs.map((t, i) => [`in${i}`, t])), {});
  return { grads: wrt.map((i) => out[`grad${i}`]!), ops, y };
}

const outShape = (op: string, inputs: readonly Tensor[], attrs: Record<string, unknown>): number[] =>
  getOp(op)!.evaluate(inputs as never, attrs as never)[0]!.shape as number[];

describe('Conv gradient', () => {
  const conv = (strides: number[], pads: number[], dilations: number[], group: number) => ({ strides, pads, dilations, group });
  it('2-D, with and without bias', () => {
    gradCheck('Conv', [randTensor([2, 3, 5, 6], 1), randTensor([4, 3, 2, 3], 2), randTensor([4], 3)], conv([1, 1], [0, 0, 0, 0], [1, 1], 1));
    gradCheck('Conv', [randTensor([1, 2, 4, 4], 4), randTensor([3, 2, 3, 3], 5)], conv([1, 1], [1, 1, 1, 1], [1, 1], 1));
  });
  it('2-D strides, asymmetric pads, dilations and groups', () => {
    gradCheck('Conv', [randTensor([2, 4, 7, 8], 6), randTensor([6, 2, 2, 3], 7), randTensor([6], 8)], conv([2, 3], [1, 0, 2, 1], [2, 1], 2));
    // Depthwise (group = C), with channel multiplier 2.
    gradCheck('Conv', [randTensor([2, 3, 5, 5], 9), randTensor([6, 1, 3, 2], 10), randTensor([6], 11)], conv([2, 1], [1, 0, 1, 1], [1, 2], 3));
  });
  it('2-D where the stride leaves input rows no window reads (dX needs output_padding)', () => {
    // H = 9, k = 2, s = 3: windows cover rows 0..7 only; W = 10, k = 3, s = 4, pad begin 1: the last row is unread.
    const attrs = conv([3, 4], [0, 1, 0, 0], [1, 1], 1);
    expect(outShape('Conv', [randTensor([1, 2, 9, 10], 0), randTensor([2, 2, 2, 3], 0)], attrs)).toEqual([1, 2, 3, 3]);
    gradCheck('Conv', [randTensor([1, 2, 9, 10], 12), randTensor([2, 2, 2, 3], 13), randTensor([2], 14)], attrs);
  });
  it('1-D (NCL) with strides, pads, dilations and groups', () => {
    gradCheck('Conv', [randTensor([2, 2, 9], 15), randTensor([2, 2, 3], 16)], conv([2], [1, 2], [2], 1));
    gradCheck('Conv', [randTensor([2, 4, 11], 17), randTensor([6, 2, 2], 18), randTensor([6], 19)], conv([3], [0, 1], [3], 2));
  });
  it('one input channel per group: dW as one group per sample (no Transpose), summed over the batch', () => {
    // LeNet's first layer: a grey image, 5×5 kernel, pad 2; and a 1-D depthwise case with strides and dilations.
    gradCheck('Conv', [randTensor([3, 1, 6, 6], 23), randTensor([2, 1, 5, 5], 24), randTensor([2], 25)], conv([1, 1], [2, 2, 2, 2], [1, 1], 1));
    gradCheck('Conv', [randTensor([2, 2, 10], 26), randTensor([4, 1, 3], 27)], conv([2], [1, 0], [2], 2));
    const { ops } = gradients('Conv', [randTensor([3, 1, 6, 6], 23), randTensor([2, 1, 5, 5], 24)], conv([1, 1], [2, 2, 2, 2], [1, 1], 1), [1], randTensor([3, 2, 6, 6], 28));
    expect(ops.filter((o) => o === 'Transpose')).toEqual(['Transpose']); // only R [C, M, k…] → dW [M, C, k…]
  });
  it('dB is g summed over the batch and the positions', () => {
    const up = f32([2, 1, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    const { grads } = gradients('Conv', [randTensor([2, 1, 3, 3], 20), randTensor([1, 1, 2, 2], 21), randTensor([1], 22)], conv([1, 1], [0, 0, 0, 0], [1, 1], 1), [2], up);
    expect(Array.from(grads[0]!.data)).toEqual([36]);
  });
});

describe('ConvTranspose gradient', () => {
  const ct = (strides: number[], pads: number[], dilations: number[], group: number, output_padding: number[]) => ({ strides, pads, dilations, group, output_padding });
  it('2-D with bias, stride 1', () =>
    gradCheck('ConvTranspose', [randTensor([2, 3, 3, 4], 1), randTensor([3, 2, 2, 3], 2), randTensor([2], 3)], ct([1, 1], [0, 0, 0, 0], [1, 1], 1, [0, 0])));
  it('2-D strides, asymmetric pads, dilations, groups and output_padding', () => {
    gradCheck('ConvTranspose', [randTensor([2, 4, 3, 4], 4), randTensor([4, 3, 2, 3], 5), randTensor([6], 6)], ct([2, 3], [1, 0, 0, 2], [2, 1], 2, [1, 2]));
    gradCheck('ConvTranspose', [randTensor([1, 3, 3, 3], 7), randTensor([3, 1, 3, 3], 8)], ct([2, 2], [1, 1, 1, 1], [1, 1], 3, [1, 0]));
  });
  it('1-D (NCL)', () => {
    gradCheck('ConvTranspose', [randTensor([2, 2, 4], 9), randTensor([2, 3, 3], 10), randTensor([3], 11)], ct([2], [1, 0], [1], 1, [1]));
    gradCheck('ConvTranspose', [randTensor([2, 4, 3], 12), randTensor([4, 1, 2], 13)], ct([3], [0, 2], [2], 2, [2]));
  });
});

describe('transposeConvTo (dX of a strided window)', () => {
  it('reaches any target length: end pad, output_padding, or zeros appended past the stride', () => {
    const g = randTensor([1, 1, 3], 30);
    const w = randTensor([1, 1, 2], 31);
    // Uncropped length from −pad_begin: (3 − 1)·2 + 2 = 6, minus pad_begin 1 = 5.
    const run = (target: number) => {
      const ir = new IrBuilder();
      const gv = ir.input('g', { shape: g.shape, dtype: 'float32' });
      const wv = ir.input('w', { shape: w.shape, dtype: 'float32' });
      const y = transposeConvTo(ir, gv, wv, { strides: [2], padsBegin: [1], dilations: [1], group: 1 }, [target]);
      ir.output('y', y);
      const ops = ir.nodeList.map((n) => n.op);
      return { y: evaluateIr(ir.build(), { g, w }, {})['y']!, ops, attrs: ir.nodeList[0]!.attrs };
    };
    // Position p of the full scatter: Σ_{o, j: 2o − 1 + j = p} g[o]·w[j].
    const full = (len: number) =>
      Array.from({ length: len }, (_, p) => {
        let s = 0;
        for (let o = 0; o < 3; o++) for (let j = 0; j < 2; j++) if (2 * o - 1 + j === p) s += g.data[o]! * w.data[j]!;
        return s;
      });
    for (const target of [4, 5, 6, 8]) {
      const { y, ops, attrs } = run(target);
      expect(y.shape).toEqual([1, 1, target]);
      full(target).forEach((v, p) => expect(y.data[p]).toBeCloseTo(v, 6));
      if (target === 4) expect(attrs).toMatchObject({ pads: [1, 1], output_padding: [0] });
      if (target === 6) expect(attrs).toMatchObject({ pads: [1, 0], output_padding: [1] });
      if (target === 8) expect(ops).toEqual(['ConvTranspose', 'Expand', 'Concat']);
    }
  });
});

/** PyTorch's CPU max-pool backward: each window's g goes to its first maximum in row-major scan order. */
function maxPoolGradRef(x: Tensor, g: Tensor, a: { kernel_shape: number[]; strides: number[]; pads: number[]; dilations: number[] }): number[] {
  const r = x.shape.length - 2;
  const lift = (v: number[], fill: number): [number, number] => (r === 1 ? [fill, v[0]!] : [v[0]!, v[1]!]);
  const [n, c] = x.shape as [number, number];
  const [h, w] = r === 1 ? [1, x.shape[2]!] : [x.shape[2]!, x.shape[3]!];
  const [oh, ow] = r === 1 ? [1, g.shape[2]!] : [g.shape[2]!, g.shape[3]!];
  const [kh, kw] = lift(a.kernel_shape, 1);
  const [sh, sw] = lift(a.strides, 1);
  const [dh, dw] = lift(a.dilations, 1);
  const [pt, pl] = lift(a.pads.slice(0, r), 0);
  const dx = new Array<number>(x.data.length).fill(0);
  for (let p = 0; p < n * c; p++)
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++) {
        let best = -Infinity;
        let at = -1;
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++) {
            const iy = y * sh - pt + i * dh;
            const ix = xo * sw - pl + j * dw;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            const v = x.data[(p * h + iy) * w + ix]!;
            if (v > best || Number.isNaN(v)) [best, at] = [v, (p * h + iy) * w + ix];
          }
        if (at >= 0) dx[at]! += g.data[(p * oh + y) * ow + xo]!;
      }
  return dx;
}

describe('MaxPool gradient', () => {
  const mp = (kernel_shape: number[], strides: number[], pads: number[], dilations: number[], ceil_mode = false) => ({ kernel_shape, strides, pads, dilations, ceil_mode });
  const configs: [string, number[], ReturnType<typeof mp>][] = [
    ['2×2 stride 2 (tiling)', [2, 3, 6, 6], mp([2, 2], [2, 2], [0, 0, 0, 0], [1, 1])],
    ['2×2 stride 2, wide rows (tiling, tap codes by Conv)', [1, 2, 4, 34], mp([2, 2], [2, 2], [0, 0, 0, 0], [1, 1])],
    ['3×3 stride 2 pad 1 (overlapping)', [2, 2, 7, 6], mp([3, 3], [2, 2], [1, 1, 1, 1], [1, 1])],
    ['3×3 stride 1 (heavy overlap)', [1, 2, 5, 5], mp([3, 3], [1, 1], [0, 0, 0, 0], [1, 1])],
    ['2×3 dilated, asymmetric pads', [1, 2, 7, 8], mp([2, 3], [2, 1], [1, 0, 0, 2], [2, 2])],
    ['ceil_mode with an overhanging last window', [1, 2, 5, 7], mp([2, 3], [2, 2], [0, 1, 0, 0], [1, 1], true)],
    ['stride larger than the kernel (skipped cells)', [1, 1, 7, 7], mp([2, 2], [3, 3], [0, 0, 0, 0], [1, 1])],
    ['1-D 2 stride 2', [2, 3, 8], mp([2], [2], [0, 0], [1])],
    ['3×3 stride 3 (tiling, 9 taps)', [1, 2, 6, 9], mp([3, 3], [3, 3], [0, 0, 0, 0], [1, 1])],
    ['2×2 stride 2 with an uncovered last row and column (tiling)', [2, 2, 7, 5], mp([2, 2], [2, 2], [0, 0, 0, 0], [1, 1])],
    ['1-D 3 stride 3 with an uncovered end (tiling)', [2, 2, 10], mp([3], [3], [0, 0], [1])],
    ['1-D 3 stride 2 pads, dilation, ceil_mode', [2, 2, 11], mp([3], [2], [1, 2], [2], true)],
  ];
  for (const [name, shape, attrs] of configs) {
    it(`${name}: matches finite differences`, () => gradCheck('MaxPool', [distinct(shape, shape.length + shape[2]!)], attrs));
    it(`${name}: ties go to the first maximum, as in PyTorch`, () => {
      for (const [seed, lo, hi] of [
        [1, 0, 2],
        [2, -2, 0],
        [3, 0, 0],
      ] as const) {
        const x = ties(shape, seed, lo, hi);
        const up = randTensor(outShape('MaxPool', [x], attrs), seed + 10);
        const { grads } = gradients('MaxPool', [x], attrs, [0], up);
        const want = maxPoolGradRef(x, up, attrs);
        grads[0]!.data.forEach((v, i) => expect(v, `${name} seed ${seed} at ${i}`).toBeCloseTo(want[i]!, 5));
      }
    });
  }
  it('hand-computed: a tie and a zero maximum next to the (never winning) padding', () => {
    // Windows of 2 with stride 1 and pads 1 / 1 over [0, −1, 3, 3]: [pad 0] [0 −1] [−1 3] [3 3] [3 pad].
    const x = f32([1, 1, 4], [0, -1, 3, 3]);
    const up = f32([1, 1, 5], [1, 10, 100, 1000, 10000]);
    const { grads } = gradients('MaxPool', [x], mp([2], [1], [1, 1], [1]), [0], up);
    expect(Array.from(grads[0]!.data)).toEqual([11, 0, 1100, 10000]);
  });
  it('builds the arg-max mask from Slice, Equal and exact arithmetic only', () => {
    const { ops } = gradients('MaxPool', [distinct([1, 2, 5, 5], 1)], mp([2, 2], [1, 2], [0, 0, 0, 0], [1, 1]), [0], randTensor([1, 2, 4, 2], 2));
    const allowed = new Set(['Slice', 'Equal', 'Cast', 'Mul', 'Sub', 'Add', 'Unsqueeze', 'Concat', 'Reshape', 'Expand', 'ReduceSum']);
    expect(ops.filter((o) => !allowed.has(o))).toEqual([]);
    expect(ops.filter((o) => o === 'Equal')).toHaveLength(4);
  });
  it('tiling windows take the short path: one Equal, one MatMul or Conv for the tap codes, three nearest Resizes', () => {
    const count = (ops: readonly string[]) =>
      Object.fromEntries(['Resize', 'Equal', 'MatMul', 'Conv', 'Less', 'Slice', 'Concat'].map((o) => [o, ops.filter((p) => p === o).length]));
    for (const [shape, attrs, uncovered, codes] of [
      [[1, 2, 4, 4], mp([2, 2], [2, 2], [0, 0, 0, 0], [1, 1]), 0, 'MatMul'],
      [[1, 2, 7, 5], mp([2, 2], [2, 2], [0, 0, 0, 0], [1, 1]), 2, 'MatMul'],
      [[1, 2, 10], mp([3], [3], [0, 0], [1]), 1, 'MatMul'],
      // 20 windows of 4 taps per row: 80 products per code in the MatMul form, so the grouped Conv.
      [[1, 2, 4, 41], mp([2, 2], [2, 2], [0, 0, 0, 0], [1, 1]), 1, 'Conv'],
    ] as const) {
      const up = randTensor(outShape('MaxPool', [distinct(shape, 1)], attrs), 2);
      const { ops } = gradients('MaxPool', [distinct(shape, 1)], attrs, [0], up);
      // The cells past the last window: X sliced to the covered cells, dX padded back with zeros.
      expect(count(ops)).toEqual({ Resize: 3, Equal: 1, MatMul: codes === 'MatMul' ? 1 : 0, Conv: codes === 'Conv' ? 1 : 0, Less: 1, Slice: uncovered, Concat: uncovered });
    }
    // 5 × 5 = 25 taps would need codes up to 2^25, which float32 cannot hold exactly: the general path.
    const { ops } = gradients('MaxPool', [distinct([1, 1, 5, 5], 1)], mp([5, 5], [5, 5], [0, 0, 0, 0], [1, 1]), [0], randTensor([1, 1, 1, 1], 2));
    expect(ops).not.toContain('Conv');
    expect(ops.filter((o) => o === 'Equal')).toHaveLength(25);
  });
  it('a window whose maximum is NaN passes no gradient', () => {
    for (const attrs of [mp([2, 2], [2, 2], [0, 0, 0, 0], [1, 1]), mp([2, 2], [1, 2], [0, 0, 0, 0], [1, 1])]) {
      const x = f32([1, 1, 2, 4], [1, NaN, 5, 2, 3, 4, 6, 6]);
      const up = randTensor(outShape('MaxPool', [x], attrs), 3);
      const { grads } = gradients('MaxPool', [x], attrs, [0], up);
      const want = maxPoolGradRef(x, up, attrs);
      const dx = Array.from(grads[0]!.data, (v) => v + 0); // −0 → 0
      // The right-hand window has no NaN: its first 6 wins; the NaN window passes nothing (PyTorch: to the NaN).
      expect([dx[0], dx[1], dx[2], dx[3], dx[7]]).toEqual([0, 0, 0, 0, 0]);
      expect(dx[6]).toBeCloseTo(want[6]!, 6);
      expect(want[6]).not.toBe(0);
    }
  });
});

describe('AveragePool gradient', () => {
  const ap = (kernel_shape: number[], strides: number[], pads: number[], ceil_mode: boolean, count_include_pad: boolean) => ({ kernel_shape, strides, pads, ceil_mode, count_include_pad });
  it('2-D plain windows', () => gradCheck('AveragePool', [randTensor([2, 3, 6, 6], 1)], ap([2, 2], [2, 2], [0, 0, 0, 0], false, false)));
  it('2-D pads with and without count_include_pad', () => {
    gradCheck('AveragePool', [randTensor([2, 2, 5, 6], 2)], ap([3, 3], [2, 2], [1, 1, 1, 1], false, true));
    gradCheck('AveragePool', [randTensor([2, 2, 5, 6], 3)], ap([3, 3], [2, 2], [1, 1, 1, 1], false, false));
    gradCheck('AveragePool', [randTensor([1, 2, 6, 5], 4)], ap([3, 2], [1, 2], [2, 0, 0, 1], false, true));
    gradCheck('AveragePool', [randTensor([1, 2, 6, 5], 4)], ap([3, 2], [1, 2], [2, 0, 0, 1], false, false));
  });
  it('2-D ceil_mode, the last window running past the padded input', () => {
    gradCheck('AveragePool', [randTensor([1, 2, 5, 6], 5)], ap([2, 3], [2, 2], [0, 1, 0, 0], true, true));
    gradCheck('AveragePool', [randTensor([1, 2, 5, 6], 6)], ap([2, 3], [2, 2], [0, 1, 0, 1], true, false));
  });
  it('2-D stride larger than the kernel (cells no window reads get 0)', () =>
    gradCheck('AveragePool', [randTensor([1, 1, 7, 8], 7)], ap([2, 2], [3, 3], [0, 0, 0, 0], false, true)));
  it('1-D (NCL)', () => {
    gradCheck('AveragePool', [randTensor([2, 3, 9], 8)], ap([3], [2], [1, 1], false, true));
    gradCheck('AveragePool', [randTensor([2, 3, 10], 9)], ap([3], [2], [1, 1], true, false));
    gradCheck('AveragePool', [randTensor([2, 3, 9], 10)], ap([2], [2], [0, 0], true, true));
  });
  it('hand-computed divisors (count_include_pad off, pad 1)', () => {
    // Windows of 3, stride 2 over 4 cells with pads 1 / 1: [pad 0 1] → /2, [1 2 3] → /3.
    const { grads } = gradients('AveragePool', [randTensor([1, 1, 4], 11)], ap([3], [2], [1, 1], false, false), [0], f32([1, 1, 2], [6, 12]));
    expect(Array.from(grads[0]!.data, (v) => Math.round(v * 1e5) / 1e5)).toEqual([3, 7, 4, 4]);
  });
});

describe('GlobalAveragePool gradient', () => {
  it('2-D and 1-D', () => {
    gradCheck('GlobalAveragePool', [randTensor([2, 3, 4, 5], 1)]);
    gradCheck('GlobalAveragePool', [randTensor([2, 3, 7], 2)]);
  });
  it('spreads g / (H·W) over each plane', () => {
    const { grads } = gradients('GlobalAveragePool', [randTensor([1, 2, 2, 2], 3)], {}, [0], f32([1, 2, 1, 1], [4, 8]));
    expect(Array.from(grads[0]!.data)).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
  });
});

describe('Resize gradient', () => {
  const rs = (sizes: number[], mode: 'nearest' | 'linear', align_corners = false) => ({ sizes, mode, align_corners });
  it('nearest, integer up-scales (block sums)', () => {
    gradCheck('Resize', [randTensor([2, 2, 3, 4], 1)], rs([6, 12], 'nearest'));
    gradCheck('Resize', [randTensor([2, 2, 5], 2)], rs([10], 'nearest'));
    const { ops } = gradients('Resize', [randTensor([1, 1, 2, 2], 3)], rs([4, 6], 'nearest'), [0], randTensor([1, 1, 4, 6], 4));
    expect(ops.filter((o) => o === 'MatMul')).toEqual([]);
  });
  it('nearest, down-scales and fractional scales, one axis unchanged', () => {
    gradCheck('Resize', [randTensor([2, 2, 6, 5], 5)], rs([4, 8], 'nearest'));
    gradCheck('Resize', [randTensor([1, 2, 7, 5], 6)], rs([3, 5], 'nearest'));
    gradCheck('Resize', [randTensor([2, 2, 7], 7)], rs([3], 'nearest'));
  });
  it('linear, half_pixel: up, down, to length 1', () => {
    gradCheck('Resize', [randTensor([2, 2, 3, 4], 8)], rs([7, 6], 'linear'));
    gradCheck('Resize', [randTensor([1, 2, 6, 5], 9)], rs([4, 1], 'linear'));
    gradCheck('Resize', [randTensor([2, 2, 4], 10)], rs([9], 'linear'));
  });
  it('linear, align_corners', () => {
    gradCheck('Resize', [randTensor([2, 2, 3, 4], 11)], rs([5, 7], 'linear', true));
    gradCheck('Resize', [randTensor([1, 2, 6, 5], 12)], rs([1, 3], 'linear', true));
    gradCheck('Resize', [randTensor([2, 1, 5], 13)], rs([2], 'linear', true));
  });
  it('hand-computed: nearest 2× sums pairs, linear 2 → 3 with align_corners splits the middle', () => {
    const near = gradients('Resize', [randTensor([1, 1, 2], 14)], rs([4], 'nearest'), [0], f32([1, 1, 4], [1, 2, 3, 4]));
    expect(Array.from(near.grads[0]!.data)).toEqual([3, 7]);
    const lin = gradients('Resize', [randTensor([1, 1, 2], 15)], rs([3], 'linear', true), [0], f32([1, 1, 3], [1, 2, 4]));
    expect(Array.from(lin.grads[0]!.data)).toEqual([2, 5]);
  });
});

describe('backward graphs run in onnxruntime-node and match the reference kernels', () => {
  const cases: [string, string, Tensor[], Record<string, unknown>][] = [
    ['Conv 2-D grouped', 'Conv', [randTensor([2, 4, 7, 8], 1), randTensor([6, 2, 2, 3], 2), randTensor([6], 3)], { strides: [2, 3], pads: [1, 0, 2, 1], dilations: [2, 1], group: 2 }],
    ['Conv 2-D output_padding', 'Conv', [randTensor([1, 2, 9, 10], 4), randTensor([2, 2, 2, 3], 5), randTensor([2], 6)], { strides: [3, 4], pads: [0, 1, 0, 0], dilations: [1, 1], group: 1 }],
    ['Conv 1-D', 'Conv', [randTensor([2, 2, 9], 7), randTensor([2, 2, 3], 8)], { strides: [2], pads: [1, 2], dilations: [2], group: 1 }],
    ['Conv 2-D one input channel', 'Conv', [randTensor([3, 1, 8, 7], 28), randTensor([4, 1, 5, 5], 29), randTensor([4], 30)], { strides: [1, 1], pads: [2, 2, 2, 2], dilations: [1, 1], group: 1 }],
    ['Conv 2-D depthwise, strided', 'Conv', [randTensor([2, 3, 7, 7], 31), randTensor([6, 1, 3, 3], 32)], { strides: [2, 2], pads: [1, 0, 1, 1], dilations: [1, 1], group: 3 }],
    ['ConvTranspose 2-D', 'ConvTranspose', [randTensor([2, 4, 3, 4], 9), randTensor([4, 3, 2, 3], 10), randTensor([6], 11)], { strides: [2, 3], pads: [1, 0, 0, 2], dilations: [2, 1], group: 2, output_padding: [1, 2] }],
    ['ConvTranspose 1-D', 'ConvTranspose', [randTensor([2, 2, 4], 12), randTensor([2, 3, 3], 13), randTensor([3], 14)], { strides: [2], pads: [1, 0], dilations: [1], group: 1, output_padding: [1] }],
    ['MaxPool 2×2 ties', 'MaxPool', [ties([2, 3, 6, 6], 15)], { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1], ceil_mode: false }],
    ['MaxPool 3×3 pad ceil ties', 'MaxPool', [ties([1, 2, 7, 6], 16, -2, 0)], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], ceil_mode: true }],
    ['MaxPool 1-D dilated', 'MaxPool', [distinct([2, 2, 10], 17)], { kernel_shape: [3], strides: [2], pads: [1, 2], dilations: [2], ceil_mode: false }],
    ['MaxPool 3×3 tiling with uncovered cells, ties', 'MaxPool', [ties([2, 2, 7, 8], 25)], { kernel_shape: [3, 3], strides: [3, 3], pads: [0, 0, 0, 0], dilations: [1, 1], ceil_mode: false }],
    ['MaxPool 1-D tiling', 'MaxPool', [ties([2, 3, 9], 26)], { kernel_shape: [3], strides: [3], pads: [0, 0], dilations: [1], ceil_mode: false }],
    // 16 channels: onnxruntime runs the MaxPool, the repeat of Y and (wide rows) the tap-code Conv in its blocked NCHWc layout.
    ['MaxPool 2×2 tiling, 16 channels, ties', 'MaxPool', [ties([2, 16, 6, 4], 27)], { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1], ceil_mode: false }],
    ['MaxPool 2×2 tiling, wide rows (Conv tap codes), 16 channels, ties', 'MaxPool', [ties([2, 16, 4, 37], 33)], { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1], ceil_mode: false }],
    ['MaxPool 2×3 tiling, wide rows (Conv tap codes), ties', 'MaxPool', [ties([2, 3, 5, 33], 34)], { kernel_shape: [2, 3], strides: [2, 3], pads: [0, 0, 0, 0], dilations: [1, 1], ceil_mode: false }],
    ['AveragePool 2-D', 'AveragePool', [randTensor([2, 2, 5, 6], 18)], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: true, count_include_pad: false }],
    ['AveragePool 1-D', 'AveragePool', [randTensor([2, 3, 9], 19)], { kernel_shape: [3], strides: [2], pads: [1, 1], ceil_mode: false, count_include_pad: true }],
    ['GlobalAveragePool', 'GlobalAveragePool', [randTensor([2, 3, 4, 5], 20)], {}],
    ['Resize nearest 2×', 'Resize', [randTensor([2, 2, 3, 4], 21)], { sizes: [6, 8], mode: 'nearest', align_corners: false }],
    ['Resize nearest 7 → 3', 'Resize', [randTensor([2, 2, 7, 5], 22)], { sizes: [3, 5], mode: 'nearest', align_corners: false }],
    ['Resize linear', 'Resize', [randTensor([2, 2, 3, 4], 23)], { sizes: [7, 6], mode: 'linear', align_corners: false }],
    ['Resize linear align_corners 1-D', 'Resize', [randTensor([2, 2, 4], 24)], { sizes: [9], mode: 'linear', align_corners: true }],
  ];
  for (const [name, op, inputs, attrs] of cases)
    it(name, async () => {
      const ir = new IrBuilder();
      const vs = inputs.map((t, i) => ir.input(`in${i}`, { shape: t.shape, dtype: t.dtype }));
      const y = ir.op(op, vs, attrs);
      const loss = ir.reduceSum(ir.mul(y, ir.constant(randTensor(y.type.shape as number[], 99))), y.type.shape.map((_, i) => i), false);
      const grads = autodiff(ir, loss, vs);
      vs.forEach((v, k) => ir.output(`grad${k}`, grads.get(v.id)!));
      const g = ir.build();
      const feeds = Object.fromEntries(inputs.map((t, i) => [`in${i}`, t]));
      const ref = evaluateIr(g, feeds, {});
      const got = await runInOrt(encodeModel(irToOnnx(g, { name: `${op}-grad`, weights: new Map() })), feeds);
      vs.forEach((_, k) => expectClose(got[`grad${k}`]!, ref[`grad${k}`]!, 1e-4, `${name} grad ${k}`));
    });
});

describe('the ceil_mode cases above really add an overhanging window', () => {
  it('MaxPool and AveragePool', () => {
    const floorAndCeil = (op: string, shape: number[], attrs: Record<string, unknown>) =>
      [false, true].map((ceil_mode) => outShape(op, [randTensor(shape, 0)], { ...attrs, ceil_mode }));
    expect(floorAndCeil('MaxPool', [1, 2, 5, 7], { kernel_shape: [2, 3], strides: [2, 2], pads: [0, 1, 0, 0], dilations: [1, 1] })).toEqual([
      [1, 2, 2, 3],
      [1, 2, 3, 4],
    ]);
    expect(floorAndCeil('MaxPool', [2, 2, 11], { kernel_shape: [3], strides: [2], pads: [1, 2], dilations: [2] })).toEqual([
      [2, 2, 5],
      [2, 2, 6],
    ]);
    expect(floorAndCeil('AveragePool', [2, 3, 10], { kernel_shape: [3], strides: [2], pads: [1, 1], count_include_pad: false })).toEqual([
      [2, 3, 5],
      [2, 3, 6],
    ]);
    expect(floorAndCeil('AveragePool', [1, 2, 5, 6], { kernel_shape: [2, 3], strides: [2, 2], pads: [0, 1, 0, 0], count_include_pad: true })).toEqual([
      [1, 2, 2, 3],
      [1, 2, 3, 3],
    ]);
  });
});
