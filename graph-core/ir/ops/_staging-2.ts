/** Temporary registration list for ops being added in parallel; folded into index.ts afterwards. */
import type { AnyOpDef } from '../define-op';
import { AveragePool } from './average-pool';
import { Conv } from './conv';
import { ConvTranspose } from './conv-transpose';
import { GlobalAveragePool } from './global-average-pool';
import { MaxPool } from './max-pool';
import { Resize } from './resize';

export const ops_2: readonly AnyOpDef[] = [AveragePool, Conv, ConvTranspose, GlobalAveragePool, MaxPool, Resize].map((o) => o as unknown as AnyOpDef);
