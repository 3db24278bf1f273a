/**
 * Checks one primitive op: builds a one-op IR graph, runs it with the reference kernel, exports it to ONNX
 * with our writer, runs that in onnxruntime-node, and compares every output.
 */
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { evaluateIr, IrBuilder, Rng, tensors, type DType, type Tensor } from '../../graph-core';
import { encodeModel } from '../../exporters/onnx/encode';
import { irToOnnx } from '../../exporters/onnx/from-ir';

export function toOrt(t: Tensor): ort.Tensor {
  if (t.dtype === 'int64') return new ort.Tensor('int64', BigInt64Array.from(Array.from(t.data, (v) => BigInt(v))), [...t.shape]);
  if (t.dtype === 'bool') return new ort.Tensor('bool', Uint8Array.from(t.data), [...t.shape]);
  return new ort.Tensor('float32', Float32Array.from(t.data), [...t.shape]);
}

export function fromOrt(t: ort.Tensor): Tensor {
  const shape = [...t.dims];
  if (t.type === 'int64') return { shape, dtype: 'int64', data: Int32Array.from(t.data as BigInt64Array, (v) => Number(v)) };
  if (t.type === 'bool') return { shape, dtype: 'bool', data: Int32Array.from(t.data as Uint8Array) };
  return { shape, dtype: 'float32', data: Float32Array.from(t.data as Float32Array) };
}

/** A random float tensor (uniform in [lo, hi)) from a seed. */
export function randTensor(shape: readonly number[], seed: number, lo = -1, hi = 1): Tensor {
  const rng = new Rng(seed);
  const n = tensors.size(shape);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.uniform(lo, hi);
  return { shape: [...shape], dtype: 'float32', data };
}

export function intTensor(shape: readonly number[], values: ArrayLike<number>, dtype: DType = 'int64'): Tensor {
  return tensors.fromArray(shape, values, dtype);
}

export async function runInOrt(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = toOrt(v);
  const out = await session.run(ortFeeds);
  const result: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(out)) result[k] = fromOrt(v);
  await session.release();
  return result;
}

export function expectClose(actual: Tensor, expected: Tensor, tol = 1e-5, label = ''): void {
  expect(actual.shape, `${label} shape`).toEqual(expected.shape);
  expect(actual.dtype, `${label} dtype`).toBe(expected.dtype);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i]!;
    const a = actual.data[i]!;
    const err = Math.abs(a - e) / Math.max(1, Math.abs(e));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${label} worst relative error at flat index ${at}: ${actual.data[at]} vs ${expected.data[at]}`).toBeLessThanOrEqual(tol);
}

/**
 * Runs `op` on `inputs` with the reference kernel and in onnxruntime-node, and asserts they agree.
 * Returns the reference outputs so tests can also assert exact values.
 */
export async function checkOp(op: string, inputs: readonly Tensor[], attrs: Record<string, unknown> = {}, tol = 1e-5): Promise<Tensor[]> {
  const ir = new IrBuilder();
  const vs = inputs.map((t, i) => ir.input(`in${i}`, { shape: t.shape, dtype: t.dtype }));
  const outs = ir.opN(op, vs, attrs);
  outs.forEach((o, k) => ir.output(`out${k}`, o));
  const g = ir.build();
  const feeds: Record<string, Tensor> = {};
  inputs.forEach((t, i) => (feeds[`in${i}`] = t));
  const ref = evaluateIr(g, feeds, {});
  const bytes = encodeModel(irToOnnx(g, { name: op, weights: new Map() }));
  const got = await runInOrt(bytes, feeds);
  const result: Tensor[] = [];
  outs.forEach((o, k) => {
    expect(ref[`out${k}`]!.shape, `${op} reference output ${k} shape vs its shape rule`).toEqual(o.type.shape);
    expectClose(got[`out${k}`]!, ref[`out${k}`]!, tol, `${op} output ${k}`);
    result.push(ref[`out${k}`]!);
  });
  return result;
}
