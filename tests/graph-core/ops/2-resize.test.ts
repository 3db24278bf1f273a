import { describe, expect, it } from 'vitest';
import { getOp, IrBuilder, IrError, tensors, type Shape } from '../../../graph-core';
import { resizeScale } from '../../../graph-core/ir/ops/resize';
import { checkOp, randTensor } from '../../helpers/op-check';

const t = tensors.fromArray;

function typeOf(shape: Shape, attrs: Record<string, unknown>): Shape {
  const ir = new IrBuilder();
  return ir.resize(ir.input('x', { shape, dtype: 'float32' }), attrs as never).type.shape;
}

const ramp = (shape: number[]) => t(shape, Array.from({ length: tensors.size(shape) }, (_, i) => i));

describe('Resize agrees with onnxruntime-node', () => {
  it('nearest, hand-computed: up and down in 1-D, src = ⌊x·in/out⌋', async () => {
    const [up] = await checkOp('Resize', [t([1, 1, 3], [1, 2, 3])], { sizes: [6], mode: 'nearest', align_corners: false });
    expect(Array.from(up!.data)).toEqual([1, 1, 2, 2, 3, 3]);
    const [up3] = await checkOp('Resize', [t([1, 1, 2], [1, 2])], { sizes: [5], mode: 'nearest', align_corners: false });
    expect(Array.from(up3!.data)).toEqual([1, 1, 1, 2, 2]); // 0, 0.4, 0.8, 1.2, 1.6
    const [down] = await checkOp('Resize', [ramp([1, 1, 8])], { sizes: [3], mode: 'nearest', align_corners: false });
    expect(Array.from(down!.data)).toEqual([0, 2, 5]); // 0, 2.67, 5.33
  });

  it('nearest, hand-computed: 2-D', async () => {
    const [y] = await checkOp('Resize', [t([1, 1, 2, 2], [1, 2, 3, 4])], { sizes: [3, 4], mode: 'nearest', align_corners: false });
    expect(Array.from(y!.data)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('nearest reference uses the exact source index where float32 scales slip', () => {
    // 20 → 12: x = 9 maps to exactly 15; onnxruntime's float32 9 / 0.6000000238 rounds to 14.999999 and picks 14
    const [y] = getOp('Resize')!.evaluate([ramp([1, 1, 20])], { sizes: [12], mode: 'nearest', align_corners: false } as never);
    expect(Array.from(y!.data)).toEqual([0, 1, 3, 5, 6, 8, 10, 11, 13, 15, 16, 18]);
  });

  it('linear, hand-computed: half_pixel (PyTorch align_corners=False)', async () => {
    // src = max(0, (x + 0.5)/2 − 0.5): 0, 0.25, 0.75, 1 (clamped)
    const [y] = await checkOp('Resize', [t([1, 1, 2], [0, 10])], { sizes: [4], mode: 'linear', align_corners: false });
    expect(Array.from(y!.data)).toEqual([0, 2.5, 7.5, 10]);
    const [down] = await checkOp('Resize', [t([1, 1, 4], [0, 4, 8, 12])], { sizes: [2], mode: 'linear', align_corners: false });
    expect(Array.from(down!.data)).toEqual([2, 10]); // src 0.5 and 2.5
  });

  it('linear, hand-computed: an output of length 1 samples the centre (half_pixel, not pytorch_half_pixel)', async () => {
    const [y] = await checkOp('Resize', [t([1, 1, 4], [1, 2, 3, 4])], { sizes: [1], mode: 'linear', align_corners: false });
    expect(Array.from(y!.data)).toEqual([2.5]); // pytorch_half_pixel would give 1
    const [y2] = await checkOp('Resize', [t([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9])], { sizes: [1, 1], mode: 'linear', align_corners: false });
    expect(Array.from(y2!.data)).toEqual([5]);
    const [corner] = await checkOp('Resize', [t([1, 1, 4], [1, 2, 3, 4])], { sizes: [1], mode: 'linear', align_corners: true });
    expect(Array.from(corner!.data)).toEqual([1]);
  });

  it('linear, hand-computed: align_corners', async () => {
    const [y] = await checkOp('Resize', [t([1, 1, 2], [0, 10])], { sizes: [5], mode: 'linear', align_corners: true });
    expect(Array.from(y!.data)).toEqual([0, 2.5, 5, 7.5, 10]);
    const [y2] = await checkOp('Resize', [t([1, 1, 2, 2], [0, 1, 2, 3])], { sizes: [3, 3], mode: 'linear', align_corners: true });
    expect(Array.from(y2!.data)).toEqual([0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3]);
  });

  // Nearest sizes chosen where float32 coordinates are exact in onnxruntime (integer and dyadic ratios, coprime sizes).
  const nearest: [number[], number[]][] = [
    [[2, 3, 5], [10]],
    [[2, 3, 5], [15]],
    [[1, 2, 4], [6]],
    [[2, 2, 8], [4]],
    [[1, 2, 8], [2]],
    [[1, 2, 5], [3]],
    [[1, 2, 6], [4]],
    [[1, 2, 3], [7]],
    [[1, 2, 7], [3]],
    [[1, 1, 5], [1]],
    [[2, 3, 4, 6], [8, 12]],
    [[1, 2, 4, 6], [8, 9]],
    [[1, 2, 8, 8], [4, 2]],
    [[1, 2, 5, 7], [3, 2]],
    [[1, 1, 1, 3], [4, 7]],
  ];
  it.each(nearest)('nearest %j → %j', async (shape, sizes) => {
    const x = randTensor(shape, shape.reduce((a, b) => a * 7 + b, sizes[0]!));
    const [y] = await checkOp('Resize', [x], { sizes, mode: 'nearest', align_corners: false }, 0);
    expect(y!.shape).toEqual([...shape.slice(0, 2), ...sizes]);
  });

  const linear: [number[], number[]][] = [
    [[2, 3, 5], [10]],
    [[2, 3, 5], [13]],
    [[1, 2, 9], [4]],
    [[1, 2, 7], [1]],
    [[1, 2, 1], [5]],
    [[2, 2, 6], [6]],
    [[2, 3, 4, 6], [8, 12]],
    [[1, 2, 5, 7], [11, 3]],
    [[1, 2, 9, 8], [4, 5]],
    [[1, 2, 3, 3], [1, 7]],
    [[1, 1, 1, 4], [3, 2]],
  ];
  it.each(linear.flatMap(([shape, sizes]) => [false, true].map((ac) => [shape, sizes, ac] as const)))(
    'linear %j → %j (align_corners %s)',
    async (shape, sizes, ac) => {
      const x = randTensor(shape, shape.reduce((a, b) => a * 5 + b, sizes[0]!));
      const [y] = await checkOp('Resize', [x], { sizes, mode: 'linear', align_corners: ac });
      expect(y!.shape).toEqual([...shape.slice(0, 2), ...sizes]);
    },
  );

  it('scales reproduce the sizes in float32 (onnxruntime) and float64 (ONNX shape inference)', () => {
    for (let input = 1; input <= 64; input++)
      for (let output = 1; output <= 128; output++) {
        const s = resizeScale(input, output);
        expect(Math.fround(s)).toBe(s);
        expect(Math.trunc(Math.fround(s * input))).toBe(output);
        expect(Math.floor(s * input)).toBe(output);
      }
  });

  it('maps to ONNX Resize with an empty roi, float scales and explicit conventions', () => {
    const x = [{ shape: ['N', 3, 4, 6] as Shape, dtype: 'float32' as const }];
    const nearest = getOp('Resize')!.toOnnx({ sizes: [8, 9], mode: 'nearest', align_corners: false } as never, x);
    expect(nearest).toEqual({
      opType: 'Resize',
      attributes: {
        mode: { type: 'string', value: 'nearest' },
        coordinate_transformation_mode: { type: 'string', value: 'asymmetric' },
        nearest_mode: { type: 'string', value: 'floor' },
      },
      constInputs: [null, { dtype: 'float32', dims: [4], values: [1, 1, 2, 1.5] }],
    });
    const linear = getOp('Resize')!.toOnnx({ sizes: [8, 9], mode: 'linear', align_corners: false } as never, x);
    expect(linear.attributes).toEqual({ mode: { type: 'string', value: 'linear' }, coordinate_transformation_mode: { type: 'string', value: 'half_pixel' } });
    const corners = getOp('Resize')!.toOnnx({ sizes: [8, 9], mode: 'linear', align_corners: true } as never, x);
    expect(corners.attributes!.coordinate_transformation_mode).toEqual({ type: 'string', value: 'align_corners' });
  });

  it('shape rule keeps the batch symbol and rejects misuse', () => {
    expect(typeOf(['N', 3, 14, 14], { sizes: [28, 28], mode: 'nearest', align_corners: false })).toEqual(['N', 3, 28, 28]);
    expect(typeOf(['N', 8, 100], { sizes: [33], mode: 'linear', align_corners: true })).toEqual(['N', 8, 33]);
    expect(() => typeOf(['N', 3, 14, 14], { sizes: [28], mode: 'nearest', align_corners: false })).toThrow(IrError);
    expect(() => typeOf(['N', 3, 14, 14], { sizes: [28, 0], mode: 'nearest', align_corners: false })).toThrow(IrError);
    expect(() => typeOf(['N', 3, 14, 14], { sizes: [28, 28], mode: 'cubic', align_corners: false })).toThrow(IrError);
    expect(() => typeOf(['N', 3, 14, 14], { sizes: [28, 28], mode: 'nearest', align_corners: true })).toThrow(IrError);
    expect(() => typeOf(['N', 3, 14], { sizes: [28], mode: 'linear' })).toThrow(IrError);
  });
});
