/** Regression datasets: a noisy sine curve, and short noisy series whose next value is to be forecast. */
import { generatedDataset } from './generated';
import type { BuiltinDataset } from './types';

/** x uniform in [−π, π), y = sin x + N(0, 0.1²). */
export const sine = generatedDataset(
  {
    name: 'sine',
    title: 'Noisy sine wave',
    description: 'One period of y = sin(x) for x in [−π, π), with Gaussian noise (σ = 0.1) on y. Fit a curve with a small MLP.',
    lecture: 'Regression and loss functions',
    origin: 'generated',
    task: 'regression',
    defaultSplit: { val: 0.15, test: 0.15 },
  },
  2000,
  (n, rng) => {
    const x = new Float32Array(n);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = rng.uniform(-Math.PI, Math.PI);
      y[i] = Math.sin(x[i]!) + 0.1 * rng.normal();
    }
    return { inputs: { x: { shape: [1], dtype: 'float32' } }, targets: { y: { shape: [1], dtype: 'float32' } }, arrays: { x, y } };
  },
);

/** Length of the history window of `timeseries`. */
export const HISTORY = 20;

/**
 * Each sample is its own series s(t) = A·sin(2πt/P + φ) + b·t + N(0, 0.05²), with amplitude A ∈ [0.5, 1.5),
 * period P ∈ [8, 24) steps, phase φ ∈ [0, 2π) and trend b ∈ [−0.02, 0.02). x holds s(0 … 19), y is s(20).
 */
export const timeseries = generatedDataset(
  {
    name: 'timeseries',
    title: 'Noisy time series',
    description: `Windows of ${HISTORY} steps of a noisy sinusoid with a slight trend (each sample with its own amplitude, period and phase); predict the next value.`,
    lecture: 'Recurrent networks for forecasting',
    origin: 'generated',
    task: 'regression',
    defaultSplit: { val: 0.15, test: 0.15 },
  },
  3000,
  (n, rng) => {
    const x = new Float32Array(n * HISTORY);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const amp = rng.uniform(0.5, 1.5);
      const omega = (2 * Math.PI) / rng.uniform(8, 24);
      const phase = rng.uniform(0, 2 * Math.PI);
      const trend = rng.uniform(-0.02, 0.02);
      const at = (t: number) => amp * Math.sin(omega * t + phase) + trend * t + 0.05 * rng.normal();
      for (let t = 0; t < HISTORY; t++) x[i * HISTORY + t] = at(t);
      y[i] = at(HISTORY);
    }
    return {
      inputs: { x: { shape: [HISTORY, 1], dtype: 'float32' } },
      targets: { y: { shape: [1], dtype: 'float32' } },
      arrays: { x, y },
    };
  },
);

export const regression: readonly BuiltinDataset[] = [sine, timeseries];
