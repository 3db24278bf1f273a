/**
 * The graph document: what is saved to disk, what templates ship, and what the canvas projects.
 * Shapes, diagnostics and parameter counts are derived from it and never stored in it.
 * See docs/graph-format.md.
 */
import type { RawParamValue } from '../params';

export const GRAPH_FORMAT = 'layerloom.graph';
/** The newest document format version this build reads and writes. */
export const GRAPH_VERSION = 2;

export type NodeId = string;
export type EdgeId = string;

export interface XY {
  readonly x: number;
  readonly y: number;
}

export interface GraphNode {
  readonly id: NodeId;
  /** Layer kind: a torch.nn class name where one exists. */
  readonly kind: string;
  readonly params: Readonly<Record<string, RawParamValue>>;
  readonly position: XY;
  readonly label?: string;
  /** Parameter-format version of the layer kind, when above 1. */
  readonly v?: number;
  /** Kind `Block`, unlinked: the block's own nested graph. */
  readonly body?: BlockBody;
  /** Kind `Block`, linked: the shared definition it uses (`doc.blocks[ref.block]`). Editing one edits all. */
  readonly ref?: BlockRef;
}

/**
 * A block's nested graph. Its `BlockInput` and `BlockOutput` nodes are the block's ports, named by their ids,
 * in document order.
 */
export interface BlockBody {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

export interface BlockRef {
  /** A key of the document's `blocks`. */
  readonly block: string;
}

/** A block definition shared by the linked uses of one document (`doc.blocks`). */
export interface BlockDefinition {
  /** Display name; also the ONNX function's name with --onnx-functions. */
  readonly name: string;
  readonly body: BlockBody;
  /**
   * Where it came from in the user's block library: the entry id and the content hash of the library
   * version it was last copied from (see blockHash). Absent for a definition made in this document.
   */
  readonly library?: { readonly id: string; readonly hash: string };
}

export interface PortRef {
  readonly node: NodeId;
  /** May be omitted when the node has one port on that side (or one named `in`/`out`). */
  readonly port?: string;
}

export interface GraphEdge {
  readonly id: EdgeId;
  readonly from: PortRef;
  readonly to: PortRef;
}

export interface GraphDoc {
  readonly format: typeof GRAPH_FORMAT;
  readonly version: number;
  readonly name: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** Definitions of linked blocks, by id. Every linked Block node names one. */
  readonly blocks?: Readonly<Record<string, BlockDefinition>>;
  /** Training settings; interpreted by the trainer. Kept verbatim by graph-core. */
  readonly training?: Readonly<Record<string, unknown>>;
  /** The gallery template this project was made from (its id, e.g. "G6"); the editor shows that template's notes. */
  readonly template?: string;
}
