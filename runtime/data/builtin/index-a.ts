/** Built-in datasets of group a; merged into the registry by ../registry.ts. */
import { regression } from './regression';
import { sequenceTasks } from './sequence-tasks';
import { toy2d } from './toy2d';
import type { BuiltinDataset } from './types';

/** 2-D classification (and the GAN ring), regression, then the algorithmic sequence tasks. */
export const builtins_a: readonly BuiltinDataset[] = [...toy2d, ...regression, ...sequenceTasks];
