/**
 * Blocks: a node of kind `Block` holds a nested graph whose `BlockInput` and `BlockOutput` nodes are its
 * ports. Blocks are structure, not layers: they are not in the layer catalogue, and `inlineBlocks`
 * (passes/inline-blocks.ts) replaces each one by copies of its body before validation, shape inference and
 * lowering. This file holds what the document, the commands, the exporters and the editor share about them.
 *
 * Weight names: the node `ff1` in copy k of block `enc` is compiled as `enc.<k>.ff1`, so its weights are
 * `enc.<k>.ff1.weight`, exactly the state_dict names of `self.enc = nn.ModuleList([...])` whose items hold
 * `ff1` (see docs/graph-format.md, "Blocks").
 */
import { ok, type AnyLayerDef, type InputPortSpec, type OutputPortSpec } from '../define-layer';
import type { BlockBody, BlockDefinition, GraphDoc, GraphNode } from '../document/types';
import { p } from '../params';

export const BLOCK = 'Block';
export const BLOCK_INPUT = 'BlockInput';
export const BLOCK_OUTPUT = 'BlockOutput';

export const isBlockKind = (kind: string): boolean => kind === BLOCK || kind === BLOCK_INPUT || kind === BLOCK_OUTPUT;

/** The parameters of a Block node. */
export const blockParams = {
  repeat: p.int({
    default: 1,
    min: 1,
    max: 1000,
    doc: 'How many copies run one after the other; copy k’s outputs feed copy k+1’s inputs (like nn.ModuleList in a loop).',
  }),
} as const;

/** Port specs of the port-marking nodes, for editors that show them inside a block. */
export const blockInputPorts: { inputs: Readonly<Record<string, InputPortSpec>>; outputs: Readonly<Record<string, OutputPortSpec>> } = {
  inputs: {},
  outputs: { out: { doc: 'The tensor that arrives at this input of the block.' } },
};
export const blockOutputPorts: { inputs: Readonly<Record<string, InputPortSpec>>; outputs: Readonly<Record<string, OutputPortSpec>> } = {
  inputs: { in: { doc: 'The tensor this output of the block gives.', dtype: 'any' } },
  outputs: {},
};

/** A Block node's body: its own (unlinked) or its definition's (linked); undefined when neither resolves. */
export function blockBody(doc: Pick<GraphDoc, 'blocks'>, node: GraphNode): BlockBody | undefined {
  if (node.ref) return doc.blocks?.[node.ref.block]?.body;
  return node.body;
}

/** The block's display name: its label, its linked definition's name, or its id. */
export function blockName(doc: Pick<GraphDoc, 'blocks'>, node: GraphNode): string {
  return node.label ?? (node.ref ? doc.blocks?.[node.ref.block]?.name : undefined) ?? node.id;
}

/** The `repeat` of a Block node as written (1 when absent; validation reports bad values). */
export function blockRepeat(node: GraphNode): number {
  const r = node.params.repeat;
  return typeof r === 'number' && Number.isInteger(r) && r >= 1 ? r : 1;
}

/** The block's ports, in document order: BlockInput ids are its inputs, BlockOutput ids its outputs. */
export function blockPorts(body: BlockBody): { inputs: string[]; outputs: string[] } {
  return {
    inputs: body.nodes.filter((n) => n.kind === BLOCK_INPUT).map((n) => n.id),
    outputs: body.nodes.filter((n) => n.kind === BLOCK_OUTPUT).map((n) => n.id),
  };
}

/** One block use found by `walkBlocks`. */
export interface BlockUse {
  /** Ids from the top level down to this block, e.g. `['enc', 'ff']`. */
  readonly path: readonly string[];
  readonly node: GraphNode;
  readonly body: BlockBody;
  readonly repeat: number;
  /** The linked definition's id, when linked. */
  readonly definition?: string;
  /**
   * The compiled-name prefix of copy k's inner nodes, given the copy of each enclosing block:
   * `weightPrefix([0], 2)` of `enc/ff` is `enc.0.ff.2.`.
   */
  readonly weightPrefix: (outerCopies: readonly number[], k: number) => string;
}

/**
 * Visits every Block node, outer before inner (depth first, document order). `visit` returning false skips
 * the block's insides. Recursive definitions are visited once. For exporters that write the structure
 * (a PyTorch exporter writes each use as an nn.ModuleList of `repeat` modules).
 */
export function walkBlocks(doc: Pick<GraphDoc, 'nodes' | 'blocks'>, visit: (use: BlockUse) => boolean | void): void {
  const walk = (nodes: readonly GraphNode[], path: readonly string[], open: ReadonlySet<string>) => {
    for (const node of nodes) {
      if (node.kind !== BLOCK) continue;
      const body = blockBody(doc, node);
      if (!body) continue;
      const definition = node.ref?.block;
      if (definition !== undefined && open.has(definition)) continue;
      const here = [...path, node.id];
      const use: BlockUse = {
        path: here,
        node,
        body,
        repeat: blockRepeat(node),
        ...(definition !== undefined ? { definition } : {}),
        weightPrefix: (outer, k) => `${here.map((id, i) => (i < here.length - 1 ? `${id}.${outer[i] ?? 0}` : `${id}.${k}`)).join('.')}.`,
      };
      if (visit(use) === false) continue;
      walk(body.nodes, here, definition !== undefined ? new Set([...open, definition]) : open);
    }
  };
  walk(doc.nodes, [], new Set());
}

/** True when the document (or any block definition) holds a Block node. */
export function hasBlocks(doc: Pick<GraphDoc, 'nodes'>): boolean {
  return doc.nodes.some((n) => n.kind === BLOCK || n.kind === BLOCK_INPUT || n.kind === BLOCK_OUTPUT);
}

/**
 * A content hash of a block body (FNV-1a, 64-bit, hex) over its canonical JSON: object keys sorted, so the
 * same content always gives the same hash. The library uses it to tell whether a linked definition differs
 * from the library version it came from.
 */
export function blockHash(body: BlockBody | BlockDefinition['body']): string {
  const text = canonicalJson(body);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/**
 * A layer-like description of a block-structure node's ports, for code that asks a node for its ports
 * (connection checks, the editor's node view): a Block's ports come from its body, BlockInput has the output
 * `out`, BlockOutput the input `in`. Undefined for other kinds and for a Block whose body does not resolve.
 */
export function blockPortDef(doc: Pick<GraphDoc, 'blocks'>, node: GraphNode): AnyLayerDef | undefined {
  const base = { category: 'io' as const, params: {}, inferShape: () => ok({}) };
  if (node.kind === BLOCK_INPUT) return { ...base, kind: BLOCK_INPUT, doc: { summary: 'An input port of the block.' }, ...blockInputPorts };
  if (node.kind === BLOCK_OUTPUT) return { ...base, kind: BLOCK_OUTPUT, doc: { summary: 'An output port of the block.' }, ...blockOutputPorts };
  if (node.kind !== BLOCK) return undefined;
  const body = blockBody(doc, node);
  if (!body) return undefined;
  const ports = blockPorts(body);
  return {
    ...base,
    kind: BLOCK,
    category: 'dense',
    doc: { summary: 'A block: a group of layers with its own nested graph, run `repeat` times in sequence.' },
    params: blockParams,
    inputs: Object.fromEntries(ports.inputs.map((p) => [p, { doc: `Block input "${p}".`, dtype: 'any' as const }])),
    outputs: Object.fromEntries(ports.outputs.map((p) => [p, { doc: `Block output "${p}".` }])),
  };
}
