/**
 * Small feature tables from the lecture examples: three "e-mail features" with a non-linear spam rule, and XOR
 * as four Gaussian clusters. x is float32 [F], y a class [] int64.
 */
import type { DatasetInfo } from '../dataset';
import { numberOption, optionedDataset } from './options';

const SPLIT = { val: 1 / 3, test: 0 } as const;

const spamInfo: DatasetInfo = {
  name: 'spam-features',
  title: 'Spam filter features',
  description:
    'Three standard-normal "e-mail features" x₁, x₂, x₃; spam (1) when x₁ + 0.5·x₂² − x₃ > 0.5, else ham (0). The x₂² term makes the rule non-linear, so a small hidden layer helps. About half the e-mails are spam.',
  lecture: 'Forward propagation through a small MLP (the spam-filter example)',
  origin: 'generated',
  task: 'classification',
  classNames: ['ham', 'spam'],
  defaultSplit: SPLIT,
};

/** The spam rule of the lecture example: features N(0, 1)³, label from a quadratic threshold. */
export const spamFeatures = optionedDataset(spamInfo, 1500, [], (n, rng) => {
  const x = new Float32Array(n * 3);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.normal();
    const c = rng.normal();
    x.set([a, b, c], 3 * i);
    y[i] = a + 0.5 * b * b - c > 0.5 ? 1 : 0;
  }
  return { inputs: { x: { shape: [3], dtype: 'float32' } }, targets: { y: { shape: [], dtype: 'int64' } }, arrays: { x, y } };
});

const xorInfo: DatasetInfo = {
  name: 'xor-clusters',
  title: 'XOR clusters',
  description:
    'Four Gaussian clusters centred at (±1, ±1) with σ = 0.3 (option sigma): class 1 when the centre\'s coordinates have the same sign, class 0 otherwise. No straight line separates the classes.',
  lecture: 'Limits of logistic regression; why hidden layers are needed',
  origin: 'generated',
  task: 'classification',
  classNames: ['different signs', 'same sign'],
  defaultSplit: { val: 0.5, test: 0 },
};

/** XOR as clusters: a random corner c ∈ {−1, 1}², x = c + σ·N(0, I), y = [c₁c₂ > 0]. */
export const xorClusters = optionedDataset(xorInfo, 800, ['sigma'], (n, rng, options) => {
  const sigma = numberOption('xor-clusters', options, 'sigma', 0.3, { min: 0, max: 5 });
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c1 = rng.next() < 0.5 ? -1 : 1;
    const c2 = rng.next() < 0.5 ? -1 : 1;
    x[2 * i] = c1 + sigma * rng.normal();
    x[2 * i + 1] = c2 + sigma * rng.normal();
    y[i] = c1 * c2 > 0 ? 1 : 0;
  }
  return { inputs: { x: { shape: [2], dtype: 'float32' } }, targets: { y: { shape: [], dtype: 'int64' } }, arrays: { x, y } };
});
