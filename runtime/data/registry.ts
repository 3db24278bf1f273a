/** Every built-in dataset, by name. */
import { builtins_a } from './builtin/index-a';
import { builtins_b } from './builtin/index-b';
import { builtins_c } from './builtin/index-c';
import type { BuiltinDataset } from './builtin/types';

export const builtinDatasets: readonly BuiltinDataset[] = [...builtins_a, ...builtins_b, ...builtins_c];

export function getBuiltin(name: string): BuiltinDataset | undefined {
  return builtinDatasets.find((d) => d.info.name === name);
}
