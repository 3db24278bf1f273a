/**
 * Small feature tables from the lecture examples: three "e-mail features" with a non-linear spam rule, and XOR
 * as four Gaussian clusters. x is float32 [F], y a class [] int64.
 */
import type { DatasetInfo } from '../dataset';
import { DataError } from '../errors';
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

const sineInfo: DatasetInfo = {
  name: 'noisy-sine',
  title: 'A few noisy samples of a sine',
  description:
    'Points x uniform in [0, 1) with y = sin(2πx) + N(0, σ²), σ = 0.25 (option sigma). Meant for very few training points (e.g. size 150 with 90% held out: 15 to fit, 135 to validate), where a big network overfits the noise.',
  lecture: 'Overfitting, early stopping, weight decay and dropout',
  origin: 'generated',
  task: 'regression',
  defaultSplit: { val: 0.9, test: 0 },
};

/** The overfitting lab's data: a sine with heavy noise, x [1] and y [1] float32. */
export const noisySine = optionedDataset(sineInfo, 150, ['sigma'], (n, rng, options) => {
  const sigma = numberOption('noisy-sine', options, 'sigma', 0.25, { min: 0, max: 10 });
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.next();
    y[i] = Math.sin(2 * Math.PI * x[i]!) + sigma * rng.normal();
  }
  return { inputs: { x: { shape: [1], dtype: 'float32' } }, targets: { y: { shape: [1], dtype: 'float32' } }, arrays: { x, y } };
});

const domainInfo: DatasetInfo = {
  name: 'rotated-moons',
  title: 'Two moons, source and rotated target domain',
  description:
    'Two interlocking half circles (noise σ = 0.1, centred) as a labelled source domain and the same shape rotated by 35° ' +
    '(option angle) as the target domain. Option domain: "both" (default; source and target samples alternate, the ' +
    'target labels are hidden as −100, which CrossEntropyLoss ignores), "source" or "target" (labels shown, e.g. to ' +
    'validate on the target domain). Two targets, each read by the loss node of the same id: label, the moon (0 or 1), ' +
    'and domain [1], 0 for source and 1 for target. The set for domain-adversarial training (DANN).',
  lecture: 'Domain adaptation with a gradient reversal layer (DANN)',
  origin: 'generated',
  task: 'classification',
  classNames: ['upper moon', 'lower moon'],
  defaultSplit: { val: 0, test: 0 },
};

/** Hidden labels: CrossEntropyLoss's default ignore_index. */
const HIDDEN = -100;

export const rotatedMoons = optionedDataset(domainInfo, 2000, ['angle', 'domain'], (n, rng, options) => {
  const angle = numberOption('rotated-moons', options, 'angle', 35, { min: -180, max: 180 });
  const domain = options.domain ?? 'both';
  if (domain !== 'both' && domain !== 'source' && domain !== 'target')
    throw new DataError(`dataset 'rotated-moons': domain must be "both", "source" or "target", not ${JSON.stringify(domain)}`);
  const [c, s] = [Math.cos((angle * Math.PI) / 180), Math.sin((angle * Math.PI) / 180)];
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const target = domain === 'target' || (domain === 'both' && i % 2 === 1);
    const label = rng.int(2);
    const t = rng.uniform(0, Math.PI);
    const px = (label ? 1 - Math.cos(t) : Math.cos(t)) + 0.1 * rng.normal() - 0.5;
    const py = (label ? 0.5 - Math.sin(t) : Math.sin(t)) + 0.1 * rng.normal() - 0.25;
    x[2 * i] = target ? c * px - s * py : px;
    x[2 * i + 1] = target ? s * px + c * py : py;
    y[i] = target && domain === 'both' ? HIDDEN : label;
    d[i] = target ? 1 : 0;
  }
  return {
    inputs: { x: { shape: [2], dtype: 'float32' } },
    targets: { label: { shape: [], dtype: 'int64' }, domain: { shape: [1], dtype: 'float32' } },
    arrays: { x, label: y, domain: d },
  };
});
