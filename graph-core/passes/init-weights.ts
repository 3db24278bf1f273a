/**
 * initWeights: seeded initial values for every parameter and buffer, following each weight's declared
 * PyTorch initialisation. Each tensor draws from its own generator derived from (seed, name), so adding a
 * layer never changes the others' weights, and the same seed gives the same weights in every command.
 */
import { Rng } from '../random';
import { numel } from '../shape';
import type { ShapedGraph } from './infer-shapes';
import type { Init } from '../define-layer';

export function initTensor(name: string, shape: readonly number[], init: Init, seed: number): Float32Array {
  const data = new Float32Array(numel(shape));
  if ('constant' in init) {
    data.fill(init.constant);
    return data;
  }
  const rng = new Rng(seed).fork(name);
  if ('uniform' in init) {
    for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-init.uniform, init.uniform);
    if (init.add) for (let i = init.add.from; i < Math.min(init.add.to, data.length); i++) data[i]! += init.add.value;
  }
  else if ('normal' in init) for (let i = 0; i < data.length; i++) data[i] = rng.normal() * init.normal;
  else throw new Error(`weight ${name}: custom init "${init.custom}" has no generator`);
  return data;
}

export function initWeights(g: ShapedGraph, seed: number): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const id of g.order) {
    const info = g.info.get(id);
    if (!info) continue;
    for (const [name, spec] of Object.entries(info.weights)) {
      const data = initTensor(`${id}.${name}`, spec.shape, spec.init, seed);
      const row = numel(spec.shape.slice(1));
      for (const r of spec.frozenRows ?? []) data.fill(0, r * row, (r + 1) * row);
      out.set(`${id}.${name}`, data);
    }
  }
  return out;
}
