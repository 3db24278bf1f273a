/**
 * The graph document: what is saved to disk, what templates ship, and what the canvas projects.
 * Shapes, diagnostics and parameter counts are derived from it and never stored in it.
 * See docs/graph-format.md.
 */
import type { RawParamValue } from '../params';

export const GRAPH_FORMAT = 'layerloom.graph';
/** The newest document format version this build reads and writes. */
export const GRAPH_VERSION = 1;

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
  /** Training settings; interpreted by the trainer. Kept verbatim by graph-core. */
  readonly training?: Readonly<Record<string, unknown>>;
}
