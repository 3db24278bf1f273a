/** Every built-in dataset, by name. */
import { builtins_a } from './builtin/index-a';
import { builtins_b } from './builtin/index-b';
import type { BuiltinDataset } from './builtin/types';

export const builtinDatasets: readonly BuiltinDataset[] = [...builtins_a, ...builtins_b];

export function getBuiltin(name: string): BuiltinDataset | undefined {
  return builtinDatasets.find((d) => d.info.name === name);
}
