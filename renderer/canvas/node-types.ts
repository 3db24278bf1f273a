/** Node and edge component maps, defined once at module level so React Flow never sees new objects. */
import type { EdgeTypes, NodeTypes } from '@xyflow/react';
import { CommentNode } from './CommentNode';
import { LayerNode } from './LayerNode';
import { ShapeEdge } from './ShapeEdge';

export const nodeTypes: NodeTypes = { layer: LayerNode, comment: CommentNode };
export const edgeTypes: EdgeTypes = { shape: ShapeEdge };
