/** Small helpers for the layers' `torch` mappings (see TorchCode in define-layer.ts). */
import type { TorchArg } from '../../define-layer';

/** A PyTorch int-or-pair argument: `3` when both entries agree, else the tuple `(3, 5)`. */
export function pair(v: readonly number[]): TorchArg {
  return v[0] === v[1] ? v[0]! : { tuple: [...v] };
}

/**
 * Keyword arguments whose value differs from PyTorch's default, so generated code reads like hand-written code:
 * `changed({ stride: [2, 1], bias: [true, true] })` gives `{ stride: 2 }`.
 */
export function changed(entries: Readonly<Record<string, readonly [TorchArg, TorchArg]>>): Record<string, TorchArg> {
  const out: Record<string, TorchArg> = {};
  for (const [name, [value, fallback]] of Object.entries(entries)) if (JSON.stringify(value) !== JSON.stringify(fallback)) out[name] = value;
  return out;
}
