import { describe, expect, it } from 'vitest';
import { getOp, IrBuilder, IrError, tensors, type Shape } from '../../../graph-core';
import { checkOp, randTensor } from '../../helpers/op-check';

const t = tensors.fromArray;

function typeOf(op: string, shape: Shape, attrs: Record<string, unknown>): Shape {
  const ir = new IrBuilder();
  return ir.op(op, [ir.input('x', { shape, dtype: 'float32' })], attrs).type.shape;
}

interface PoolCase {
  readonly x: number[];
  readonly k: number[];
  readonly s: number[];
  readonly pads: number[];
  readonly d?: number[];
}

/** Shapes and windows shared by MaxPool and AveragePool: 1-D and 2-D, strides, symmetric and asymmetric pads. */
const windows: PoolCase[] = [
  { x: [2, 3, 10], k: [2], s: [2], pads: [0, 0], d: [1] },
  { x: [2, 3, 11], k: [3], s: [2], pads: [1, 1], d: [2] },
  { x: [1, 2, 9], k: [4], s: [3], pads: [2, 1], d: [1] },
  { x: [2, 2, 7], k: [3], s: [1], pads: [0, 2], d: [3] },
  { x: [2, 3, 8, 8], k: [2, 2], s: [2, 2], pads: [0, 0, 0, 0], d: [1, 1] },
  { x: [2, 3, 9, 7], k: [3, 3], s: [2, 2], pads: [1, 1, 1, 1], d: [1, 2] },
  { x: [1, 4, 10, 9], k: [3, 2], s: [3, 2], pads: [1, 0, 2, 1], d: [2, 1] },
  { x: [2, 2, 7, 11], k: [4, 3], s: [2, 3], pads: [0, 2, 3, 1], d: [1, 1] },
  { x: [1, 2, 6, 6], k: [5, 5], s: [1, 1], pads: [2, 2, 2, 2], d: [1, 1] },
];

describe('MaxPool agrees with onnxruntime-node', () => {
  const base = { strides: [2], pads: [0, 0], dilations: [1], ceil_mode: false };
  const x = t([1, 1, 5], [1, 3, 2, 5, 4]);

  it('1-D, hand-computed: floor and ceil modes', async () => {
    const [floor] = await checkOp('MaxPool', [x], { ...base, kernel_shape: [2] });
    expect(Array.from(floor!.data)).toEqual([3, 5]);
    // the ceil window [4, 6) runs past the input; its missing tap is skipped
    const [ceil] = await checkOp('MaxPool', [x], { ...base, kernel_shape: [2], ceil_mode: true });
    expect(Array.from(ceil!.data)).toEqual([3, 5, 4]);
  });

  it('1-D, hand-computed: −∞ padding, and a ceil window starting in the end padding is dropped', async () => {
    const neg = t([1, 1, 5], [-1, -3, -2, -5, -4]);
    // windows [−1, 1), [1, 3), [3, 5); ⌈(5 + 2 − 2)/2⌉ + 1 = 4, but window 4 would start at 5 = in + pad_begin
    const [y] = await checkOp('MaxPool', [neg], { ...base, kernel_shape: [2], pads: [1, 1], ceil_mode: true });
    expect(y!.shape).toEqual([1, 1, 3]);
    expect(Array.from(y!.data)).toEqual([-1, -2, -4]);
  });

  it('writes ceil_mode 1 only where it adds a window, so ONNX shape inference agrees with onnxruntime', () => {
    const map = (shape: Shape, a: Record<string, unknown>) => getOp('MaxPool')!.toOnnx(a as never, [{ shape, dtype: 'float32' }]).attributes!.ceil_mode;
    const a = { kernel_shape: [2], strides: [2], pads: [0, 0], dilations: [1], ceil_mode: true };
    expect(map(['N', 1, 5], a)).toEqual({ type: 'int', value: 1 }); // 3 windows against floor mode's 2
    expect(map(['N', 1, 6], a)).toEqual({ type: 'int', value: 0 }); // no extra window
    expect(map(['N', 1, 5], { ...a, pads: [1, 1] })).toEqual({ type: 'int', value: 0 }); // the extra window is dropped
    expect(map(['N', 1, 5, 5], { ...a, kernel_shape: [2, 2], strides: [2, 2], pads: [1, 0, 1, 0], dilations: [1, 1] })).toEqual({ type: 'int', value: 1 });
  });

  it('2-D, ceil_mode with one axis gaining a window and the other dropping one', async () => {
    // H: 5 + 1 + 1 padded, windows start at −1, 1, 3 (the 4th would start in the end padding); W: 0, 2, 4
    const [y] = await checkOp('MaxPool', [randTensor([1, 2, 5, 5], 7)], {
      kernel_shape: [2, 2],
      strides: [2, 2],
      pads: [1, 0, 1, 0],
      dilations: [1, 1],
      ceil_mode: true,
    });
    expect(y!.shape).toEqual([1, 2, 3, 3]);
  });

  it('1-D and 2-D, hand-computed: dilation', async () => {
    const [y] = await checkOp('MaxPool', [x], { kernel_shape: [2], strides: [1], pads: [0, 0], dilations: [2], ceil_mode: false });
    expect(Array.from(y!.data)).toEqual([2, 5, 4]);
    const img = t([1, 1, 3, 3], [9, 1, 2, 1, 1, 1, 3, 1, 4]);
    const [corners] = await checkOp('MaxPool', [img], { kernel_shape: [2, 2], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [2, 2], ceil_mode: false });
    expect(Array.from(corners!.data)).toEqual([9]);
  });

  it.each(windows.flatMap((c, i) => [false, true].map((ceil) => [i, ceil, c] as const)))('random case %i (ceil_mode %s)', async (i, ceil, c) => {
    const [y] = await checkOp('MaxPool', [randTensor(c.x, 100 + i)], { kernel_shape: c.k, strides: c.s, pads: c.pads, dilations: c.d, ceil_mode: ceil });
    expect(y!.data.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('shape rule keeps the batch symbol and rejects misuse', () => {
    const a = { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], dilations: [1, 1], ceil_mode: false };
    expect(typeOf('MaxPool', ['N', 6, 7, 7], a)).toEqual(['N', 6, 3, 3]);
    expect(typeOf('MaxPool', ['N', 6, 7, 7], { ...a, ceil_mode: true })).toEqual(['N', 6, 4, 4]);
    expect(typeOf('MaxPool', ['N', 4, 9], { kernel_shape: [3], strides: [2], pads: [1, 1], dilations: [2], ceil_mode: false })).toEqual(['N', 4, 4]);
    expect(() => typeOf('MaxPool', ['N', 6, 7, 7], { ...a, pads: [2, 0, 0, 0] })).toThrow(IrError); // pad ≥ kernel
    expect(() => typeOf('MaxPool', ['N', 6, 7, 7], { ...a, ceil_mode: 1 })).toThrow(IrError); // ceil_mode is a boolean
    expect(() => typeOf('MaxPool', ['N', 6, 7, 7], { ...a, kernel_shape: [2] })).toThrow(IrError);
    expect(() => typeOf('MaxPool', ['N', 6, 1, 1], a)).toThrow(IrError); // no window fits
    expect(() => typeOf('MaxPool', ['N', 6], a)).toThrow(IrError);
  });

  it('maps to ONNX MaxPool with explicit attributes and ceil_mode as an int', () => {
    const m = getOp('MaxPool')!.toOnnx({ kernel_shape: [3], strides: [2], pads: [1, 0], dilations: [2], ceil_mode: true } as never, [
      { shape: ['N', 4, 9], dtype: 'float32' },
    ]);
    expect(m).toEqual({
      opType: 'MaxPool',
      attributes: {
        kernel_shape: { type: 'ints', value: [3] },
        strides: { type: 'ints', value: [2] },
        pads: { type: 'ints', value: [1, 0] },
        dilations: { type: 'ints', value: [2] },
        ceil_mode: { type: 'int', value: 1 },
      },
    });
  });
});

describe('AveragePool agrees with onnxruntime-node', () => {
  const x = t([1, 1, 6], [1, 2, 3, 4, 5, 6]);
  const base = { kernel_shape: [3], strides: [2], pads: [1, 1], ceil_mode: false, count_include_pad: true };

  it('1-D, hand-computed: count_include_pad counts the zero padding', async () => {
    // windows [−1, 2), [1, 4), [3, 6)
    const [incl] = await checkOp('AveragePool', [x], base);
    expect(Array.from(incl!.data)).toEqual([1, 3, 5]);
    const [excl] = await checkOp('AveragePool', [x], { ...base, count_include_pad: false });
    expect(Array.from(excl!.data)).toEqual([1.5, 3, 5]);
  });

  it('1-D, hand-computed: a ceil_mode window past the padded input divides by its clipped size (as PyTorch)', async () => {
    // extra window [5, 8) is clipped to the padded input [−1, 7): 6 + one pad zero over 2 cells, not 3
    const [incl] = await checkOp('AveragePool', [x], { ...base, ceil_mode: true });
    expect(Array.from(incl!.data)).toEqual([1, 3, 5, 3]);
    const [excl] = await checkOp('AveragePool', [x], { ...base, ceil_mode: true, count_include_pad: false });
    expect(Array.from(excl!.data)).toEqual([1.5, 3, 5, 6]);
    // no padding: the extra window [4, 7) holds 5 and 6 only
    const [bare] = await checkOp('AveragePool', [x], { ...base, pads: [0, 0], ceil_mode: true });
    expect(Array.from(bare!.data)).toEqual([2, 4, 5.5]);
  });

  it('2-D, hand-computed: asymmetric pads bound the counted window by pad_end', async () => {
    // 2×2 input of ones, 2×2 kernel, pads top 1 / left 1 / bottom 0 / right 0, stride 1:
    // window (0, 0) holds 1 real cell of 4; every window lies inside the padded input
    const ones = t([1, 1, 2, 2], [1, 1, 1, 1]);
    const a = { kernel_shape: [2, 2], strides: [1, 1], pads: [1, 1, 0, 0], ceil_mode: false };
    const [incl] = await checkOp('AveragePool', [ones], { ...a, count_include_pad: true });
    expect(Array.from(incl!.data)).toEqual([0.25, 0.5, 0.5, 1]);
    const [excl] = await checkOp('AveragePool', [ones], { ...a, count_include_pad: false });
    expect(Array.from(excl!.data)).toEqual([1, 1, 1, 1]);
  });

  it.each(windows.flatMap((c, i) => [false, true].flatMap((ceil) => [false, true].map((cip) => [i, ceil, cip, c] as const))))(
    'random case %i (ceil_mode %s, count_include_pad %s)',
    async (i, ceil, cip, c) => {
      const [y] = await checkOp('AveragePool', [randTensor(c.x, 200 + i)], {
        kernel_shape: c.k,
        strides: c.s,
        pads: c.pads,
        ceil_mode: ceil,
        count_include_pad: cip,
      });
      expect(y!.data.every((v) => Number.isFinite(v))).toBe(true);
    },
  );

  it('shape rule keeps the batch symbol and rejects misuse', () => {
    const a = { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: false, count_include_pad: true };
    expect(typeOf('AveragePool', ['N', 8, 8, 8], a)).toEqual(['N', 8, 4, 4]);
    expect(typeOf('AveragePool', ['N', 8, 8, 8], { ...a, ceil_mode: true })).toEqual(['N', 8, 5, 5]);
    expect(typeOf('AveragePool', ['N', 2, 10], { kernel_shape: [4], strides: [3], pads: [0, 2], ceil_mode: true, count_include_pad: false })).toEqual([
      'N',
      2,
      4,
    ]);
    expect(() => typeOf('AveragePool', ['N', 8, 8, 8], { ...a, pads: [3, 1, 1, 1] })).toThrow(IrError); // pad ≥ kernel
    expect(() => typeOf('AveragePool', ['N', 8, 8, 8], { ...a, count_include_pad: undefined })).toThrow(IrError);
    expect(() => typeOf('AveragePool', ['N', 8, 8, 'N' as never], a)).toThrow(IrError);
  });

  it('maps to ONNX AveragePool with explicit attributes (no dilations in opset 17)', () => {
    const m = getOp('AveragePool')!.toOnnx({ kernel_shape: [2, 3], strides: [1, 2], pads: [0, 1, 1, 0], ceil_mode: false, count_include_pad: true } as never, [
      { shape: ['N', 4, 9, 9], dtype: 'float32' },
    ]);
    expect(m).toEqual({
      opType: 'AveragePool',
      attributes: {
        kernel_shape: { type: 'ints', value: [2, 3] },
        strides: { type: 'ints', value: [1, 2] },
        pads: { type: 'ints', value: [0, 1, 1, 0] },
        ceil_mode: { type: 'int', value: 0 },
        count_include_pad: { type: 'int', value: 1 },
      },
    });
  });
});

describe('GlobalAveragePool agrees with onnxruntime-node', () => {
  it('hand-computed, 1-D and 2-D', async () => {
    const [y2] = await checkOp('GlobalAveragePool', [t([1, 2, 2, 2], [1, 2, 3, 4, -1, -1, -1, 3])]);
    expect(y2!.shape).toEqual([1, 2, 1, 1]);
    expect(Array.from(y2!.data)).toEqual([2.5, 0]);
    const [y1] = await checkOp('GlobalAveragePool', [t([2, 1, 3], [1, 2, 6, 0, 0, 3])]);
    expect(y1!.shape).toEqual([2, 1, 1]);
    expect(Array.from(y1!.data)).toEqual([3, 1]);
  });

  it('random tensors', async () => {
    const [a] = await checkOp('GlobalAveragePool', [randTensor([3, 5, 7, 9], 300)]);
    expect(a!.shape).toEqual([3, 5, 1, 1]);
    const [b] = await checkOp('GlobalAveragePool', [randTensor([2, 4, 33], 301)]);
    expect(b!.shape).toEqual([2, 4, 1]);
  });

  it('shape rule keeps the batch symbol', () => {
    expect(typeOf('GlobalAveragePool', ['N', 64, 7, 7], {})).toEqual(['N', 64, 1, 1]);
    expect(typeOf('GlobalAveragePool', ['N', 16, 50], {})).toEqual(['N', 16, 1]);
    expect(() => typeOf('GlobalAveragePool', ['N', 16], {})).toThrow(IrError);
  });
});
