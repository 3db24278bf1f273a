/**
 * Runs a GAN's D and G train-step programs one step at a time in onnxruntime-node, keeping the weights and
 * optimizer state between them as the trainer does; for tests that compare one step with PyTorch.
 */
import * as ort from 'onnxruntime-node';
import { LOSS_OUTPUT, LR_INPUT, STEP_INPUT, type TrainProgram } from '../../graph-core';
import { encodeModel } from '../../exporters/onnx/encode';
import { irToOnnx } from '../../exporters/onnx/from-ir';

export function ganStepRunner(programs: readonly TrainProgram[], init: ReadonlyMap<string, Float32Array>, batch: number, lr: number) {
  const live = new Map<string, Float32Array>(init);
  for (const prog of programs) for (const s of prog.state) live.set(s.name, new Float32Array(s.type.shape.reduce<number>((a, d) => a * (d as number), 1)));
  /** One step of `prog` on noise `z` (and real samples `x` for the D step); returns the loss and the metrics. */
  const runStep = async (prog: TrainProgram, name: string, z: Float32Array, x?: Float32Array) => {
    const session = await ort.InferenceSession.create(encodeModel(irToOnnx(prog.graph, { name, weights: new Map(), paramsAsInputs: true })));
    const feeds: Record<string, ort.Tensor> = { z: new ort.Tensor('float32', z, [batch, 2]) };
    if (x) feeds.x = new ort.Tensor('float32', x, [batch, 2]);
    feeds[LR_INPUT] = new ort.Tensor('float32', Float32Array.of(lr), []);
    feeds[STEP_INPUT] = new ort.Tensor('float32', Float32Array.of(1), []);
    for (const w of prog.weights) feeds[w.name] = new ort.Tensor('float32', live.get(w.name)!, w.type.shape as number[]);
    for (const s of prog.state) feeds[s.name] = new ort.Tensor('float32', live.get(s.name)!, s.type.shape as number[]);
    const out = await session.run(feeds);
    await session.release();
    for (const [o, i] of prog.updates) live.set(i, out[o]!.data as Float32Array);
    const scalars: Record<string, number> = { loss: (out[LOSS_OUTPUT]!.data as Float32Array)[0]! };
    for (const m of prog.metrics) scalars[m] = (out[m]!.data as Float32Array)[0]!;
    return scalars;
  };
  return { live, runStep };
}
