/**
 * Two-dimensional point clouds for classification and GANs: x is a point [2] float32, y its class []
 * int64. Classes take turns (sample i has class i mod K), so every dataset is balanced.
 */
import type { Rng } from '../../../graph-core';
import type { DatasetInfo } from '../dataset';
import { generatedDataset } from './generated';
import type { BuiltinDataset } from './types';

const SPLIT = { val: 0.15, test: 0.15 } as const;

/** A 2-D dataset whose sample of class `c` is drawn by `point(c, rng)`. */
function points2d(info: DatasetInfo & { classNames: readonly string[] }, defaultSize: number, point: (c: number, rng: Rng) => [number, number]): BuiltinDataset {
  const k = info.classNames.length;
  return generatedDataset(info, defaultSize, (n, rng) => {
    const x = new Float32Array(n * 2);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % k;
      const [a, b] = point(c, rng);
      x[2 * i] = a;
      x[2 * i + 1] = b;
      y[i] = c;
    }
    return { inputs: { x: { shape: [2], dtype: 'float32' } }, targets: { y: { shape: [], dtype: 'int64' } }, arrays: { x, y } };
  });
}

/** Three interleaved arms, as in CS231n: radius r ∈ [0, 1), angle 4c + 4r plus N(0, 0.2²) noise. */
export const spirals = points2d(
  {
    name: 'spirals',
    title: 'Spirals',
    description: 'Three interleaved spiral arms in the unit disc (the CS231n / TensorFlow Playground spiral). No straight line separates them.',
    lecture: 'Multi-layer perceptrons: non-linear decision boundaries',
    origin: 'generated',
    task: 'classification',
    classNames: ['arm 0', 'arm 1', 'arm 2'],
    defaultSplit: SPLIT,
  },
  3000,
  (c, rng) => {
    const r = rng.next();
    const t = 4 * c + 4 * r + 0.2 * rng.normal();
    return [r * Math.sin(t), r * Math.cos(t)];
  },
);

/** Points in [−1, 1]², kept 0.05 away from the axes; class 1 when the two coordinates differ in sign. */
export const xor = points2d(
  {
    name: 'xor',
    title: 'XOR',
    description: 'Points in the four quadrants of [−1, 1]²: class 1 when x₁ and x₂ have different signs. The classic problem a single neuron cannot solve.',
    lecture: 'The perceptron and why hidden layers are needed',
    origin: 'generated',
    task: 'classification',
    classNames: ['same sign', 'different signs'],
    defaultSplit: SPLIT,
  },
  2000,
  (c, rng) => {
    const s1 = rng.next() < 0.5 ? -1 : 1;
    const s2 = c === 0 ? s1 : -s1;
    return [s1 * rng.uniform(0.05, 1), s2 * rng.uniform(0.05, 1)];
  },
);

/** scikit-learn's make_moons with noise 0.1: an upper half circle and a lower one shifted by (1, −0.5). */
export const moons = points2d(
  {
    name: 'moons',
    title: 'Two moons',
    description: 'Two interlocking half circles with Gaussian noise (σ = 0.1), like scikit-learn\'s make_moons.',
    lecture: 'Non-linear classification and overfitting',
    origin: 'generated',
    task: 'classification',
    classNames: ['upper moon', 'lower moon'],
    defaultSplit: SPLIT,
  },
  2000,
  (c, rng) => {
    const t = rng.uniform(0, Math.PI);
    const [a, b] = c === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    return [a + 0.1 * rng.normal(), b + 0.1 * rng.normal()];
  },
);

/** A ring of radius 1 around a ring of radius 0.5, with N(0, 0.08²) noise on each coordinate. */
export const circles = points2d(
  {
    name: 'circles',
    title: 'Circles',
    description: 'A noisy ring of radius 1 (class 0) around a noisy ring of radius 0.5 (class 1). Separable by the distance from the centre, not by a line.',
    lecture: 'Feature transformations and hidden layers',
    origin: 'generated',
    task: 'classification',
    classNames: ['outer ring', 'inner ring'],
    defaultSplit: SPLIT,
  },
  2000,
  (c, rng) => {
    const t = rng.uniform(0, 2 * Math.PI);
    const r = c === 0 ? 1 : 0.5;
    return [r * Math.cos(t) + 0.08 * rng.normal(), r * Math.sin(t) + 0.08 * rng.normal()];
  },
);

/** Three round Gaussian blobs (σ = 0.5) centred on a circle of radius 1.5 at 90°, 210° and 330°. */
export const blobs = points2d(
  {
    name: 'blobs',
    title: 'Gaussian blobs',
    description: 'Three round Gaussian clusters (σ = 0.5) whose centres lie 2.6 apart, so they overlap a little. Linearly separable up to the overlap.',
    lecture: 'Softmax classification and decision regions',
    origin: 'generated',
    task: 'classification',
    classNames: ['blob 0', 'blob 1', 'blob 2'],
    defaultSplit: SPLIT,
  },
  1500,
  (c, rng) => {
    const a = Math.PI / 2 + (c * 2 * Math.PI) / 3;
    return [1.5 * Math.cos(a) + 0.5 * rng.normal(), 1.5 * Math.sin(a) + 0.5 * rng.normal()];
  },
);

/** Eight Gaussians (σ = 0.02) centred on a circle of radius 2 at multiples of 45°; y is the mode. */
export const gaussians8 = points2d(
  {
    name: 'gaussians8',
    title: 'Ring of 8 Gaussians',
    description: 'A mixture of 8 narrow Gaussians (σ = 0.02) on a ring of radius 2, the standard test of GAN mode collapse. y is the mode each point was drawn from.',
    lecture: 'Generative adversarial networks and mode collapse',
    origin: 'generated',
    task: 'generative',
    classNames: Array.from({ length: 8 }, (_, k) => `mode ${k} (${k * 45}°)`),
    defaultSplit: { val: 0, test: 0 },
  },
  4000,
  (c, rng) => {
    const a = (c * Math.PI) / 4;
    return [2 * Math.cos(a) + 0.02 * rng.normal(), 2 * Math.sin(a) + 0.02 * rng.normal()];
  },
);

export const toy2d: readonly BuiltinDataset[] = [spirals, xor, moons, circles, blobs, gaussians8];
