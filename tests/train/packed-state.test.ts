/**
 * Packed train-step inputs (what the Trainer builds): the optimizer state as one flat input per slot
 * (TrainStepConfig.packState, every backend) and the updated weights as one flat input (packWeights, CPU
 * backends) instead of one per weight and slot. The train step must compute exactly what the per-weight step
 * computes: each runs 3 steps in onnxruntime-node from the same weights and batches, and the weights, buffers
 * and optimizer state (cut back per weight) agree bit for bit. Also: saved values go to their offsets, and a
 * saved tensor of the wrong size is refused in one line; the Trainer trains the same with every packing.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  buildTrainStep,
  inferShapes,
  initWeights,
  PACKED_WEIGHTS,
  packedStateName,
  packInputs,
  parseDocument,
  Rng,
  TrainConfigError,
  unpackInputs,
  type OptimizerChoice,
  type TrainProgram,
} from '../../graph-core';
import { encodeModel } from '../../exporters/onnx/encode';
import { irToOnnx } from '../../exporters/onnx/from-ir';

const model = (file: string) => inferShapes(parseDocument(readFileSync(new URL(`../../bench/models/${file}`, import.meta.url), 'utf8')).doc!);

/** Runs `steps` train steps; returns every weight and the optimizer state by `state:<weight>:<slot>`. */
async function train(p: TrainProgram, init: Map<string, Float32Array>, batch: (step: number) => Record<string, ort.Tensor>, steps: number) {
  const session = await ort.InferenceSession.create(encodeModel(irToOnnx(p.graph, { name: 'step', weights: new Map(), paramsAsInputs: true })), { intraOpNumThreads: 1 });
  const live = new Map<string, ort.Tensor>();
  for (const { input, data } of [...packInputs(p.weightInputs, (name) => init.get(name), 'weight'), ...packInputs(p.stateInputs, () => undefined)])
    live.set(input.name, new ort.Tensor('float32', data, input.type.shape as number[]));
  for (let step = 1; step <= steps; step++) {
    const out = await session.run({ ...batch(step), lr: new ort.Tensor('float32', Float32Array.of(0.01), []), t: new ort.Tensor('float32', Float32Array.of(step), []), ...Object.fromEntries(live) });
    for (const [o, i] of p.updates) live.set(i, out[o]!);
  }
  const read = (name: string) => live.get(name)!.data as Float32Array;
  return { weights: unpackInputs(p.weightInputs, read), state: unpackInputs(p.stateInputs, read) };
}

describe('packed optimizer state', () => {
  const cases: [string, string, number, OptimizerChoice, (rng: Rng, n: number) => Record<string, ort.Tensor>][] = [
    ['Embedding + LSTM classifier, Adam', 'lstm-classifier.json', 8, { kind: 'Adam', params: { lr: 0.01 } }, (rng, n) => ({
      x: new ort.Tensor('int64', BigInt64Array.from({ length: n * 32 }, () => BigInt(rng.int(64))), [n, 32]),
      'loss.target': new ort.Tensor('int64', BigInt64Array.from({ length: n }, () => BigInt(rng.int(4))), [n]),
    })],
    ['LeNet-5, RMSprop centred with momentum', 'lenet5.json', 4, { kind: 'RMSprop', params: { lr: 0.01, momentum: 0.9, centered: true } }, (rng, n) => ({
      x: new ort.Tensor('float32', Float32Array.from({ length: n * 784 }, () => rng.next()), [n, 1, 28, 28]),
      'loss.target': new ort.Tensor('int64', BigInt64Array.from({ length: n }, () => BigInt(rng.int(10))), [n]),
    })],
  ];
  it.each(cases)('%s: the same weights and state, bit for bit, as one state input per weight', { timeout: 60_000 }, async (_, file, n, optimizer, data) => {
    const shaped = model(file);
    const per = buildTrainStep(shaped, { batch: n, optimizer });
    const packed = buildTrainStep(shaped, { batch: n, optimizer, packState: true });
    // As the Trainer builds it on the CPU backends: packed weights too, and Splits of any width.
    const both = buildTrainStep(shaped, { batch: n, optimizer, packWeights: true, splitFanOut: Infinity });
    const slots = [...new Set(per.state.map((s) => s.slot))];
    expect(slots.length).toBeGreaterThanOrEqual(2);
    // One state input per slot, holding every weight's state, in place of one per weight and slot.
    expect(packed.stateInputs.map((s) => s.name)).toEqual(slots.map(packedStateName));
    expect(per.stateInputs.map((s) => s.name)).toEqual(per.state.map((s) => s.name));
    expect(packed.graph.inputs.length).toBe(per.graph.inputs.length - per.state.length + slots.length);
    expect(packed.state).toEqual(per.state);
    // Packed weights: one input for every updated weight, the rest (BatchNorm's running statistics) by name.
    const updated = new Set(per.state.map((s) => s.weight));
    expect(both.weights).toEqual(per.weights);
    expect(both.weightInputs.map((w) => w.name).sort()).toEqual([PACKED_WEIGHTS, ...per.weights.filter((w) => !updated.has(w.name)).map((w) => w.name)].sort());
    expect(both.weightInputs.find((w) => w.name === PACKED_WEIGHTS)!.parts.map((x) => x.name)).toEqual(per.weights.filter((w) => updated.has(w.name)).map((w) => w.name));
    expect(both.graph.params.length).toBe(packed.graph.params.length - updated.size);
    expect(both.graph.inputs.length).toBe(packed.graph.inputs.length + 1);
    const widest = (p: TrainProgram) => Math.max(...p.graph.nodes.filter((x) => x.op === 'Split').map((x) => x.outputs.length));
    if (file.startsWith('lstm')) expect([widest(packed), widest(both)]).toEqual([7, 32]); // the 32 time steps: a tree of Splits, or one
    const init = initWeights(shaped, 5);
    const batches = (seed: number) => (step: number) => data(new Rng(seed + step), n);
    const a = await train(per, init, batches(1), 3);
    for (const b of [await train(packed, init, batches(1), 3), await train(both, init, batches(1), 3)]) {
      expect([...b.state.keys()].sort()).toEqual(per.state.map((s) => s.name).sort());
      expect([...b.weights.keys()].sort()).toEqual(per.weights.map((w) => w.name).sort());
      for (const [name, w] of a.weights) {
        expect(Array.from(b.weights.get(name)!), name).toEqual(Array.from(w));
        if (updated.has(name)) expect(w, name).not.toEqual(init.get(name)); // every weight trained
      }
      for (const [name, s] of a.state) {
        expect(Array.from(b.state.get(name)!), name).toEqual(Array.from(s));
        expect(s.some((x) => x !== 0), name).toBe(true);
      }
    }
  });

  it('puts saved state at its offsets, and refuses saved state of the wrong size in one line', () => {
    const p = buildTrainStep(model('lstm-classifier.json'), { batch: 4, optimizer: { kind: 'Adam' }, packState: true });
    const saved = new Map(p.state.map((s, k) => [s.name, Float32Array.from({ length: s.type.shape.reduce<number>((x, d) => x * (d as number), 1) }, (_, i) => k + i / 1e4)]));
    const first = packInputs(p.stateInputs, (name) => saved.get(name));
    expect(first.map((x) => x.data.length)).toEqual(p.stateInputs.map((s) => s.type.shape[0]));
    const back = unpackInputs(p.stateInputs, (name) => first.find((x) => x.input.name === name)!.data);
    expect(back).toEqual(saved);
    // Missing state starts at zero.
    const partial = packInputs(p.stateInputs, (name) => (name === p.state[0]!.name ? saved.get(name) : undefined));
    expect(Array.from(unpackInputs(p.stateInputs, (name) => partial.find((x) => x.input.name === name)!.data).get(p.state[1]!.name)!).every((x) => x === 0)).toBe(true);
    const name = p.state[2]!.name;
    expect(() => packInputs(p.stateInputs, (n) => (n === name ? new Float32Array(3) : undefined))).toThrow(TrainConfigError);
    expect(() => packInputs(p.stateInputs, (n) => (n === name ? new Float32Array(3) : undefined))).toThrow(new RegExp(`^the saved optimizer state ${name.replace(/[.*]/g, '\\$&')} has 3 values; this graph's has \\d+$`));
  });
});
