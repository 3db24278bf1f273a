/**
 * The layer catalogue: one import per file, in alphabetical order. Everything the product knows about
 * a layer kind is in its file; this list is the only registration step.
 */
import type { AnyLayerDef } from '../define-layer';
import { Conv2d } from './conv2d';
import { CrossEntropyLoss } from './cross-entropy-loss';
import { Flatten } from './flatten';
import { Input } from './input';
import { Linear } from './linear';
import { MaxPool2d } from './max-pool2d';
import { ReLU } from './relu';
import { staging_a } from './_staging-a';
import { staging_b } from './_staging-b';
import { staging_c } from './_staging-c';
import { staging_d } from './_staging-d';
import { staging_e } from './_staging-e';

export const layers = [Conv2d, CrossEntropyLoss, Flatten, Input, Linear, MaxPool2d, ReLU] as const;

export type LayerKind = (typeof layers)[number]['kind'];

const staged: readonly AnyLayerDef[] = [...staging_a, ...staging_b, ...staging_c, ...staging_d, ...staging_e];

export const layerByKind: ReadonlyMap<string, AnyLayerDef> = new Map([
  ...layers.map((l) => [l.kind, l as unknown as AnyLayerDef] as const),
  ...staged.map((l) => [l.kind, l] as const),
]);

/** Every layer definition, in catalogue order. */
export const allLayers: readonly AnyLayerDef[] = [...layerByKind.values()];

export function getLayer(kind: string): AnyLayerDef | undefined {
  return layerByKind.get(kind);
}
