/** The structural schema of a graph document (zod). Semantic checks live in passes/validate.ts. */
import { z } from 'zod';
import { GRAPH_FORMAT } from './types';

const id = z.string().min(1, 'an id must not be empty');
const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const paramValueSchema = z.union([z.number(), z.boolean(), z.string(), z.null(), z.array(z.number())]);

export const nodeSchema = z.strictObject({
  id,
  kind: z.string().min(1, 'a node needs a kind'),
  params: z.record(z.string(), paramValueSchema).default({}),
  position: z.strictObject({ x: finite, y: finite }).default({ x: 0, y: 0 }),
  label: z.string().optional(),
  v: z.number().int().min(1).optional(),
});

const portRef = z.strictObject({ node: id, port: z.string().min(1).optional() });

export const edgeSchema = z.strictObject({ id, from: portRef, to: portRef });

export const documentSchema = z.looseObject({
  format: z.literal(GRAPH_FORMAT),
  version: z.number().int().min(1),
  name: z.string().default('Untitled'),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema).default([]),
  training: z.record(z.string(), z.unknown()).optional(),
});

/** `['nodes', 2, 'params']` → `nodes[2].params` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || '(root)';
}
