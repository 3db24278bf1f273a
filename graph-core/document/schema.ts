/** The structural schema of a graph document (zod). Semantic checks live in passes/validate.ts. */
import { z } from 'zod';
import { GRAPH_FORMAT, type BlockBody, type GraphNode } from './types';

const id = z.string().min(1, 'an id must not be empty');
const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const paramValueSchema = z.union([z.number(), z.boolean(), z.string(), z.null(), z.array(z.number())]);

const portRef = z.strictObject({ node: id, port: z.string().min(1).optional() });

export const edgeSchema = z.strictObject({ id, from: portRef, to: portRef });

/** A node; a Block node's `body` nests nodes of the same schema. */
export const nodeSchema: z.ZodType<GraphNode> = z.lazy(() =>
  z.strictObject({
    id,
    kind: z.string().min(1, 'a node needs a kind'),
    params: z.record(z.string(), paramValueSchema).default({}),
    position: z.strictObject({ x: finite, y: finite }).default({ x: 0, y: 0 }),
    label: z.string().optional(),
    v: z.number().int().min(1).optional(),
    body: blockBodySchema.optional(),
    ref: z.strictObject({ block: id }).optional(),
  }),
) as unknown as z.ZodType<GraphNode>;

export const blockBodySchema: z.ZodType<BlockBody> = z.lazy(() =>
  z.strictObject({ nodes: z.array(nodeSchema).default([]), edges: z.array(edgeSchema).default([]) }),
) as unknown as z.ZodType<BlockBody>;

export const blockDefinitionSchema = z.strictObject({
  name: z.string().min(1, 'a block definition needs a name'),
  body: blockBodySchema,
  library: z.strictObject({ id, hash: z.string().min(1) }).optional(),
});

export const documentSchema = z.looseObject({
  format: z.literal(GRAPH_FORMAT),
  version: z.number().int().min(1),
  name: z.string().default('Untitled'),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema).default([]),
  blocks: z.record(z.string(), blockDefinitionSchema).optional(),
  training: z.record(z.string(), z.unknown()).optional(),
  template: z.string().min(1, 'a template id must not be empty').optional(),
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
