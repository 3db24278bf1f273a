/**
 * SynthDigits: digits 0–9 drawn from a 5×7 bitmap font, scaled up, centred or placed at random, with
 * Gaussian pixel noise and optionally a random colour per image. An offline stand-in for MNIST / CIFAR
 * that trains in seconds. x is [C, S, S] float32 in [0, 1], y the digit.
 *
 * Options (the graph's training section: "dataset_options"):
 *   resolution 28 (default), 16 or 32: the image side S;
 *   scale      how many pixels per font pixel (default 3, or 2 at resolution 16);
 *   placement  "random" (default) anywhere the glyph fits, or "centred";
 *   noise      standard deviation of the pixel noise (default 0.1), clamped to [0, 1] afterwards;
 *   color      true: 3 channels, each image tinted by a random colour in [0.3, 1]³ plus N(0, 0.05²) noise per channel.
 */
import type { Rng } from '../../../graph-core';
import type { Dataset, DatasetInfo } from '../dataset';
import { DataError } from '../errors';
import { rngFor, sizeOf } from './generated';
import { checkOptionNames, numberOption } from './options';
import type { BuiltinDataset, BuiltinOptions } from './types';

/** Rows of each glyph, top to bottom; '1' is ink. */
export const FONT_5X7: readonly (readonly string[])[] = [
  ['01110', '10001', '10011', '10101', '11001', '10001', '01110'],
  ['00100', '01100', '00100', '00100', '00100', '00100', '01110'],
  ['01110', '10001', '00001', '00010', '00100', '01000', '11111'],
  ['11111', '00010', '00100', '00010', '00001', '10001', '01110'],
  ['00010', '00110', '01010', '10010', '11111', '00010', '00010'],
  ['11111', '10000', '11110', '00001', '00001', '10001', '01110'],
  ['00110', '01000', '10000', '11110', '10001', '10001', '01110'],
  ['11111', '00001', '00010', '00100', '01000', '01000', '01000'],
  ['01110', '10001', '10001', '01110', '10001', '10001', '01110'],
  ['01110', '10001', '10001', '01111', '00001', '00010', '01100'],
];

export interface SynthDigitsOptions {
  readonly resolution: 16 | 28 | 32;
  readonly scale: number;
  readonly placement: 'random' | 'centred';
  readonly noise: number;
  readonly color: boolean;
}

const NAME = 'synthdigits';
const OPTION_NAMES: readonly string[] = ['resolution', 'scale', 'placement', 'noise', 'color'];

/** The options with their defaults filled in; anything unknown or out of range is a DataError for a person. */
export function synthDigitsOptions(raw: Readonly<Record<string, unknown>> = {}): SynthDigitsOptions {
  const bad = (msg: string) => new DataError(`dataset '${NAME}': ${msg}`);
  checkOptionNames(NAME, raw, OPTION_NAMES);
  const resolution = raw.resolution ?? 28;
  if (resolution !== 16 && resolution !== 28 && resolution !== 32) throw bad(`resolution must be 16, 28 or 32, not ${JSON.stringify(resolution)}`);
  const scale = raw.scale ?? (resolution === 16 ? 2 : 3);
  if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 1 || 7 * scale > resolution)
    throw bad(`scale must be a whole number from 1 to ${Math.floor(resolution / 7)} at resolution ${resolution}, not ${JSON.stringify(scale)}`);
  const placement = raw.placement ?? 'random';
  if (placement !== 'random' && placement !== 'centred') throw bad(`placement must be "random" or "centred", not ${JSON.stringify(placement)}`);
  const noise = numberOption(NAME, raw, 'noise', 0.1, { min: 0, max: 1 });
  const color = raw.color ?? false;
  if (typeof color !== 'boolean') throw bad(`color must be true or false, not ${JSON.stringify(color)}`);
  return { resolution, scale, placement, noise, color };
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Draws n digits; classes are uniform at random (like the reference generator), not balanced by turns. */
export function renderSynthDigits(n: number, o: SynthDigitsOptions, rng: Rng): { x: Float32Array; y: Int32Array } {
  const S = o.resolution;
  const C = o.color ? 3 : 1;
  const h = 7 * o.scale;
  const w = 5 * o.scale;
  const x = new Float32Array(n * C * S * S);
  const y = new Int32Array(n);
  const plane = new Float32Array(S * S);
  for (let i = 0; i < n; i++) {
    const d = rng.int(10);
    y[i] = d;
    plane.fill(0);
    const r0 = o.placement === 'centred' ? (S - h) >> 1 : rng.int(S - h + 1);
    const c0 = o.placement === 'centred' ? (S - w) >> 1 : rng.int(S - w + 1);
    const glyph = FONT_5X7[d]!;
    for (let r = 0; r < h; r++) {
      const row = glyph[Math.floor(r / o.scale)]!;
      for (let c = 0; c < w; c++) if (row[Math.floor(c / o.scale)] === '1') plane[(r0 + r) * S + c0 + c] = 1;
    }
    for (let p = 0; p < S * S; p++) plane[p] = clamp01(plane[p]! + o.noise * rng.normal());
    const base = i * C * S * S;
    if (!o.color) x.set(plane, base);
    else
      for (let ch = 0; ch < 3; ch++) {
        const tint = 0.3 + 0.7 * rng.next();
        for (let p = 0; p < S * S; p++) x[base + ch * S * S + p] = clamp01(plane[p]! * tint + 0.05 * rng.normal());
      }
  }
  return { x, y };
}

const info: DatasetInfo = {
  name: NAME,
  title: 'Synthetic digits (5×7 font)',
  description:
    'Digits 0–9 from a 5×7 bitmap font, scaled ×3 (×2 at 16×16), placed at random (or centred) with Gaussian pixel noise σ = 0.1: x is [1, 28, 28] ' +
    'in [0, 1], y the digit. Options: resolution 28, 16 or 32, scale, placement "random" or "centred", noise, color (3 channels tinted by a random colour). ' +
    'A fast offline stand-in for MNIST and CIFAR.',
  lecture: 'Convolutional networks, ResNets, vision transformers, auto-encoders and GANs',
  origin: 'generated',
  task: 'classification',
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  defaultSplit: { val: 0.2, test: 0 },
};

export const synthDigits: BuiltinDataset = {
  info,
  defaultSize: 3000,
  optionNames: OPTION_NAMES,
  load: async (opts: BuiltinOptions): Promise<Dataset> => {
    const o = synthDigitsOptions(opts.options);
    const size = sizeOf(NAME, opts, 3000);
    const { x, y } = renderSynthDigits(size, o, rngFor(NAME, opts.seed));
    const C = o.color ? 3 : 1;
    return {
      info,
      size,
      inputs: { x: { shape: [C, o.resolution, o.resolution], dtype: 'float32' } },
      targets: { y: { shape: [], dtype: 'int64' } },
      arrays: { x, y },
    };
  },
};
