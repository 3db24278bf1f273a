/**
 * The optimizer registry: explicit and static, one import per file. `OptimizerKind` is derived from it.
 */
import { Adam } from './adam';
import { AdamW } from './adamw';
import type { AnyOptimizerDef } from './define-optimizer';
import { RMSprop } from './rmsprop';
import { SGD } from './sgd';

export * from './define-optimizer';
export { oneMinusPow } from './one-minus-pow';
export { clipByGlobalNorm, globalNorm } from './clip';
export * from './schedules';
export { Adam, AdamW, RMSprop, SGD };

/** The optimizer definitions, in menu order (the `as const` tuple that `OptimizerKind` is derived from). */
export const optimizers = [SGD, Adam, AdamW, RMSprop] as const;

/** 'SGD' | 'Adam' | 'AdamW' | 'RMSprop': the torch.optim class names. */
export type OptimizerKind = (typeof optimizers)[number]['kind'];

/** Every optimizer definition, in menu order. */
export const allOptimizers: readonly AnyOptimizerDef[] = optimizers;

/** Optimizer definitions by exact kind. */
export const optimizerByKind: ReadonlyMap<string, AnyOptimizerDef> = new Map(allOptimizers.map((o) => [o.kind, o]));

/** The optimizer with this exact kind (the torch.optim class name, e.g. `AdamW`). */
export function getOptimizer(kind: string): AnyOptimizerDef | undefined {
  return optimizerByKind.get(kind);
}

/** The CLI's names for the optimizers: the kinds in lower case (sgd, adam, adamw, rmsprop). */
export const optimizerCliNames: readonly string[] = allOptimizers.map((o) => o.kind.toLowerCase());

/** Case-insensitive lookup, for the CLI's `--optimizer sgd|adam|adamw|rmsprop` and hand-written configs. */
export function findOptimizer(name: string): AnyOptimizerDef | undefined {
  const key = name.trim().toLowerCase();
  return allOptimizers.find((o) => o.kind.toLowerCase() === key);
}
