/**
 * React Flow's view of the document. Node data holds the document's own node (or comment) and nothing
 * derived: shapes, counts and diagnostics are read from the analysis by the components themselves.
 */
import type { Edge, Node } from '@xyflow/react';
import type { GraphNode } from '../../graph-core';
import type { StickyNote } from '../store/editor-doc';

export type LayerNodeData = { readonly node: GraphNode };
export type LayerFlowNode = Node<LayerNodeData, 'layer'>;

export type CommentNodeData = { readonly note: StickyNote };
export type CommentFlowNode = Node<CommentNodeData, 'comment'>;

export type FlowNode = LayerFlowNode | CommentFlowNode;
export type FlowEdge = Edge<Record<string, never>, 'shape'>;

/** The drag-and-drop type the palette uses to carry a layer kind onto the canvas. */
export const LAYER_MIME = 'application/x-layerloom-layer';

/** Comments share React Flow's id space with layers, so their ids carry a prefix. */
export const COMMENT_PREFIX = 'comment:';
export const commentFlowId = (id: string) => `${COMMENT_PREFIX}${id}`;
export const commentIdOf = (flowId: string): string | null =>
  flowId.startsWith(COMMENT_PREFIX) ? flowId.slice(COMMENT_PREFIX.length) : null;
