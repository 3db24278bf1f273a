/**
 * The optimizer step graphs exported to ONNX and run in onnxruntime-node (the runtime that trains): three
 * steps, feeding the outputs back, must match the reference evaluator to 1e-6 relative. This covers
 * onnxruntime's own Exp, Log, Where and Sqrt kernels in Adam's bias corrections.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../../graph-core';
import { getOptimizer } from '../../../graph-core/optimizers';
import { encodeModel } from '../../../exporters/onnx/encode';
import { irToOnnx } from '../../../exporters/onnx/from-ir';
import { runInOrt } from '../../helpers/op-check';
import { expectRelClose, optimizerStepGraph, randomValues, runOurSteps, scalarTensor, type OptimizerCase } from './torch-optim';

const SHAPE = [3, 4];

const configs: readonly Pick<OptimizerCase, 'kind' | 'params'>[] = [
  { kind: 'SGD', params: { momentum: 0.9, dampening: 0.3, weight_decay: 0.01 } },
  { kind: 'SGD', params: { momentum: 0.9, nesterov: true } },
  { kind: 'Adam', params: { amsgrad: true, weight_decay: 0.01 } },
  { kind: 'AdamW', params: { beta1: 0 } },
  { kind: 'RMSprop', params: { centered: true, momentum: 0.5 } },
];

const cases: readonly OptimizerCase[] = configs.map(({ kind, params }, k) => ({
  name: `${kind} ${JSON.stringify(params)}`,
  kind,
  params,
  lr: 0.05,
  w: { shape: SHAPE, data: randomValues(12, 100 + k) },
  grads: [1, 0.2, 0.6].map((s, i) => randomValues(12, 200 + 10 * k + i, s)),
}));

describe('optimizer steps in onnxruntime', () => {
  it.each(cases)('$name runs three steps as the reference evaluator does', async (c) => {
    const def = getOptimizer(c.kind)!;
    const { graph, stateNames } = optimizerStepGraph(def, c.params, c.w.shape);
    const bytes = encodeModel(irToOnnx(graph, { name: `${c.kind}-step`, weights: new Map() }));
    const reference = runOurSteps(c, def);
    const tensor = (data: ArrayLike<number>): Tensor => ({ shape: [...SHAPE], dtype: 'float32', data: Float32Array.from(data) });
    let feeds: Record<string, Tensor> = { w: tensor(c.w.data) };
    for (const n of stateNames) feeds[`state:${n}`] = tensor(new Float32Array(12));
    for (let k = 0; k < c.grads.length; k++) {
      const out = await runInOrt(bytes, { ...feeds, g: tensor(c.grads[k]!), lr: scalarTensor(c.lr), t: scalarTensor(k + 1) });
      const ref = reference[k]!;
      expectRelClose(out['new:w']!.data, ref.w, `step ${k + 1}, w`);
      for (const n of stateNames) expectRelClose(out[`new:state:${n}`]!.data, ref.state[n]!, `step ${k + 1}, ${n}`);
      feeds = { w: out['new:w']! };
      for (const n of stateNames) feeds[`state:${n}`] = out[`new:state:${n}`]!;
    }
    expect(Array.from(feeds.w!.data)).not.toEqual(c.w.data);
  });
});
