import { describe, expect, it } from 'vitest';
import { getOp, IrBuilder, IrError, tensors, type Shape } from '../../../graph-core';
import { checkOp, randTensor } from '../../helpers/op-check';

const t = tensors.fromArray;

/** Conv or ConvTranspose attributes for spatial rank r, from per-dim values. */
interface Case {
  readonly x: number[];
  readonly w: number[];
  readonly bias: boolean;
  readonly strides: number[];
  readonly pads: number[];
  readonly dilations: number[];
  readonly group: number;
  readonly output_padding?: number[];
}

function typeOf(op: string, shapes: readonly Shape[], attrs: Record<string, unknown>): Shape {
  const ir = new IrBuilder();
  const vs = shapes.map((s, i) => ir.input(`in${i}`, { shape: s, dtype: 'float32' }));
  return ir.op(op, vs, attrs).type.shape;
}

describe('Conv agrees with onnxruntime-node', () => {
  it('1-D, hand-computed: an edge filter with padding and bias', async () => {
    const [y] = await checkOp('Conv', [t([1, 1, 5], [1, 2, 3, 4, 5]), t([1, 1, 3], [1, 0, -1]), t([1], [10])], {
      strides: [1],
      pads: [1, 1],
      dilations: [1],
      group: 1,
    });
    // padded input 0 1 2 3 4 5 0; y[o] = p[o] − p[o + 2] + 10
    expect(y!.shape).toEqual([1, 1, 5]);
    expect(Array.from(y!.data)).toEqual([8, 8, 8, 8, 14]);
  });

  it('2-D, hand-computed: plain, dilated and depthwise', async () => {
    const x = t([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const ones = t([1, 1, 2, 2], [1, 1, 1, 1]);
    const [plain] = await checkOp('Conv', [x, ones], { strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 });
    expect(Array.from(plain!.data)).toEqual([12, 16, 24, 28]);
    const [dilated] = await checkOp('Conv', [x, ones], { strides: [1, 1], pads: [0, 0, 0, 0], dilations: [2, 2], group: 1 });
    expect(dilated!.shape).toEqual([1, 1, 1, 1]);
    expect(Array.from(dilated!.data)).toEqual([1 + 3 + 7 + 9]);
    // depthwise (group = channels = 2), 1×1 filters 2 and −1
    const [dw] = await checkOp('Conv', [t([1, 2, 1, 3], [1, 2, 3, 4, 5, 6]), t([2, 1, 1, 1], [2, -1])], {
      strides: [1, 1],
      pads: [0, 0, 0, 0],
      dilations: [1, 1],
      group: 2,
    });
    expect(Array.from(dw!.data)).toEqual([2, 4, 6, -4, -5, -6]);
  });

  it('2-D asymmetric pads: all begins, then all ends', async () => {
    // pads [top 1, left 0, bottom 0, right 2] on a 2×2 input with a 1×1 identity filter
    const [y] = await checkOp('Conv', [t([1, 1, 2, 2], [1, 2, 3, 4]), t([1, 1, 1, 1], [1])], {
      strides: [1, 1],
      pads: [1, 0, 0, 2],
      dilations: [1, 1],
      group: 1,
    });
    expect(y!.shape).toEqual([1, 1, 3, 4]);
    expect(Array.from(y!.data)).toEqual([0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0]);
  });

  const cases: Case[] = [
    // 1-D
    { x: [2, 3, 11], w: [4, 3, 3], bias: true, strides: [1], pads: [0, 0], dilations: [1], group: 1 },
    { x: [2, 4, 12], w: [6, 2, 3], bias: true, strides: [2], pads: [1, 2], dilations: [2], group: 2 },
    { x: [1, 4, 9], w: [4, 1, 5], bias: false, strides: [3], pads: [2, 0], dilations: [1], group: 4 },
    { x: [3, 2, 7], w: [3, 2, 1], bias: true, strides: [2], pads: [0, 1], dilations: [1], group: 1 },
    // 2-D
    { x: [2, 3, 8, 7], w: [5, 3, 3, 3], bias: true, strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1 },
    { x: [2, 4, 9, 8], w: [4, 2, 3, 2], bias: true, strides: [2, 1], pads: [0, 1, 2, 0], dilations: [1, 2], group: 2 },
    { x: [1, 6, 7, 7], w: [6, 1, 3, 3], bias: false, strides: [2, 2], pads: [1, 1, 1, 1], dilations: [2, 2], group: 6 },
    { x: [2, 6, 10, 6], w: [9, 2, 2, 3], bias: true, strides: [3, 2], pads: [2, 0, 1, 2], dilations: [1, 1], group: 3 },
    { x: [1, 2, 5, 5], w: [3, 2, 5, 5], bias: true, strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 },
  ];
  it.each(cases.map((c, i) => [i, c] as const))('random case %i: stride, asymmetric pads, dilation, groups', async (i, c) => {
    const inputs = [randTensor(c.x, 10 * i + 1), randTensor(c.w, 10 * i + 2), ...(c.bias ? [randTensor([c.w[0]!], 10 * i + 3)] : [])];
    const [y] = await checkOp('Conv', inputs, { strides: c.strides, pads: c.pads, dilations: c.dilations, group: c.group });
    expect(y!.shape[1]).toBe(c.w[0]);
    expect(y!.data.some((v) => v !== 0)).toBe(true);
  });

  it('shape rule keeps the batch symbol and rejects misuse', () => {
    const a = { strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1 };
    expect(typeOf('Conv', [['N', 3, 28, 28], [16, 3, 3, 3], [16]], a)).toEqual(['N', 16, 14, 14]);
    expect(typeOf('Conv', [['N', 4, 20], [8, 2, 5]], { strides: [1], pads: [0, 0], dilations: [2], group: 2 })).toEqual(['N', 8, 12]);
    expect(() => typeOf('Conv', [['N', 3, 8, 8], [4, 2, 3, 3]], a)).toThrow(IrError); // channels per group
    expect(() => typeOf('Conv', [['N', 4, 8, 8], [3, 2, 3, 3]], { ...a, group: 2 })).toThrow(IrError); // M % group
    expect(() => typeOf('Conv', [['N', 3, 8, 8], [4, 3, 3, 3], [5]], a)).toThrow(IrError); // bias length
    expect(() => typeOf('Conv', [['N', 3, 8, 8], [4, 3, 3, 3]], { ...a, pads: [1, 1] })).toThrow(IrError); // pads length
    expect(() => typeOf('Conv', [['N', 3, 2, 2], [4, 3, 3, 3]], { ...a, pads: [0, 0, 0, 0] })).toThrow(IrError); // kernel > input
    expect(() => typeOf('Conv', [[1, 'N', 8, 8], [4, 3, 3, 3]], a)).toThrow(IrError); // N only at dim 0
    expect(() => typeOf('Conv', [['N', 3, 8], [4, 3, 3, 3]], a)).toThrow(IrError); // rank mismatch
  });

  it('maps to ONNX Conv with every attribute explicit', () => {
    const m = getOp('Conv')!.toOnnx({ strides: [2, 1], pads: [0, 1, 2, 3], dilations: [1, 2], group: 2 } as never, [
      { shape: ['N', 4, 9, 9], dtype: 'float32' },
      { shape: [6, 2, 3, 2], dtype: 'float32' },
    ]);
    expect(m).toEqual({
      opType: 'Conv',
      attributes: {
        kernel_shape: { type: 'ints', value: [3, 2] },
        strides: { type: 'ints', value: [2, 1] },
        pads: { type: 'ints', value: [0, 1, 2, 3] },
        dilations: { type: 'ints', value: [1, 2] },
        group: { type: 'int', value: 2 },
      },
    });
  });
});

describe('ConvTranspose agrees with onnxruntime-node', () => {
  it('1-D, hand-computed: stride, cropping pads, output_padding, bias', async () => {
    const x = t([1, 1, 2], [1, 2]);
    const w = t([1, 1, 3], [1, 1, 1]);
    const base = { strides: [2], pads: [0, 0], dilations: [1], group: 1, output_padding: [0] };
    // 1 scatters to 0..2, 2 scatters to 2..4
    const [y] = await checkOp('ConvTranspose', [x, w], base);
    expect(Array.from(y!.data)).toEqual([1, 1, 3, 2, 2]);
    const [cropped] = await checkOp('ConvTranspose', [x, w], { ...base, pads: [1, 0] });
    expect(Array.from(cropped!.data)).toEqual([1, 3, 2, 2]);
    const [extra] = await checkOp('ConvTranspose', [x, w, t([1], [1])], { ...base, output_padding: [1] });
    expect(Array.from(extra!.data)).toEqual([2, 2, 4, 3, 3, 1]);
  });

  it('2-D, hand-computed: groups keep channels apart', async () => {
    // two groups, one channel each, 1×1 filters 3 and −1, stride 2: values land on even positions
    const [y] = await checkOp('ConvTranspose', [t([1, 2, 1, 2], [1, 2, 3, 4]), t([2, 1, 1, 1], [3, -1])], {
      strides: [1, 2],
      pads: [0, 0, 0, 0],
      dilations: [1, 1],
      group: 2,
      output_padding: [0, 1],
    });
    expect(y!.shape).toEqual([1, 2, 1, 4]);
    expect(Array.from(y!.data)).toEqual([3, 0, 6, 0, -3, 0, -4, 0]);
  });

  const cases: Case[] = [
    // 1-D
    { x: [2, 3, 6], w: [3, 4, 3], bias: true, strides: [1], pads: [0, 0], dilations: [1], group: 1, output_padding: [0] },
    { x: [2, 4, 5], w: [4, 3, 3], bias: true, strides: [2], pads: [1, 0], dilations: [1], group: 2, output_padding: [1] },
    { x: [1, 4, 7], w: [4, 1, 2], bias: false, strides: [3], pads: [0, 2], dilations: [2], group: 4, output_padding: [2] },
    { x: [2, 2, 4], w: [2, 2, 4], bias: true, strides: [3], pads: [1, 1], dilations: [3], group: 1, output_padding: [2] },
    // 2-D
    { x: [2, 3, 5, 4], w: [3, 2, 3, 3], bias: true, strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1, output_padding: [1, 1] },
    { x: [2, 4, 4, 5], w: [4, 3, 2, 3], bias: true, strides: [2, 2], pads: [0, 1, 1, 0], dilations: [2, 1], group: 2, output_padding: [1, 0] },
    { x: [1, 6, 3, 3], w: [6, 1, 3, 3], bias: false, strides: [3, 2], pads: [2, 0, 0, 1], dilations: [1, 2], group: 6, output_padding: [2, 1] },
    { x: [2, 2, 4, 4], w: [2, 3, 4, 4], bias: true, strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1, output_padding: [0, 0] },
  ];
  it.each(cases.map((c, i) => [i, c] as const))('random case %i: stride, asymmetric pads, dilation, groups, output_padding', async (i, c) => {
    const m = c.w[1]! * c.group;
    const inputs = [randTensor(c.x, 10 * i + 5), randTensor(c.w, 10 * i + 6), ...(c.bias ? [randTensor([m], 10 * i + 7)] : [])];
    const [y] = await checkOp('ConvTranspose', inputs, {
      strides: c.strides,
      pads: c.pads,
      dilations: c.dilations,
      group: c.group,
      output_padding: c.output_padding,
    });
    expect(y!.shape[1]).toBe(m);
    expect(y!.data.some((v) => v !== 0)).toBe(true);
  });

  it('shape rule keeps the batch symbol and rejects misuse', () => {
    const a = { strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], group: 1, output_padding: [1, 1] };
    // (14 − 1)·2 − 2 + 2 + 1 + 1 = 28
    expect(typeOf('ConvTranspose', [['N', 16, 14, 14], [16, 8, 3, 3], [8]], a)).toEqual(['N', 8, 28, 28]);
    expect(typeOf('ConvTranspose', [['N', 4, 10], [4, 3, 4]], { strides: [2], pads: [1, 1], dilations: [1], group: 2, output_padding: [0] })).toEqual([
      'N',
      6,
      20,
    ]);
    expect(() => typeOf('ConvTranspose', [['N', 4, 8, 8], [3, 2, 3, 3]], a)).toThrow(IrError); // W's input channels
    expect(() => typeOf('ConvTranspose', [['N', 4, 8, 8], [4, 2, 3, 3]], { ...a, group: 3 })).toThrow(IrError); // C % group
    expect(() => typeOf('ConvTranspose', [['N', 4, 8, 8], [4, 2, 3, 3]], { ...a, output_padding: [2, 0] })).toThrow(IrError); // ≥ stride
    // PyTorch accepts output_padding < dilation, onnxruntime does not
    expect(() => typeOf('ConvTranspose', [['N', 4, 8, 8], [4, 2, 3, 3]], { ...a, strides: [1, 1], dilations: [2, 2], output_padding: [1, 0] })).toThrow(IrError);
    expect(() => typeOf('ConvTranspose', [['N', 4, 8, 8], [4, 2, 3, 3], [3]], a)).toThrow(IrError); // bias length
    expect(() => typeOf('ConvTranspose', [['N', 4, 1, 1], [4, 2, 1, 1]], { ...a, output_padding: [0, 0] })).toThrow(IrError); // cropped away
  });

  it('maps to ONNX ConvTranspose with kernel_shape and output_padding explicit', () => {
    const m = getOp('ConvTranspose')!.toOnnx({ strides: [2], pads: [1, 0], dilations: [1], group: 1, output_padding: [1] } as never, [
      { shape: ['N', 4, 9], dtype: 'float32' },
      { shape: [4, 2, 3], dtype: 'float32' },
    ]);
    expect(m.attributes).toEqual({
      kernel_shape: { type: 'ints', value: [3] },
      strides: { type: 'ints', value: [2] },
      pads: { type: 'ints', value: [1, 0] },
      dilations: { type: 'ints', value: [1] },
      group: { type: 'int', value: 1 },
      output_padding: { type: 'ints', value: [1] },
    });
  });
});
