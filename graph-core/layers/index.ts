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

export const layers = [Conv2d, CrossEntropyLoss, Flatten, Input, Linear, MaxPool2d, ReLU] as const;

export type LayerKind = (typeof layers)[number]['kind'];

export const layerByKind: ReadonlyMap<string, AnyLayerDef> = new Map(
  layers.map((l) => [l.kind, l as unknown as AnyLayerDef]),
);

export function getLayer(kind: string): AnyLayerDef | undefined {
  return layerByKind.get(kind);
}
