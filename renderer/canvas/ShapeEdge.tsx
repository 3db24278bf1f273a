/** An edge labelled with the shape of the tensor it carries; red when it feeds a port with an error. */
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { memo, useCallback } from 'react';
import { useAnalysis } from '../app/useAnalysis';
import type { Analysis } from '../store/analysis';
import type { FlowEdge } from './flow-types';
import { useDetailed } from './useDetailed';

export const ShapeEdge = memo(function ShapeEdge(props: EdgeProps<FlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected } = props;
  const detailed = useDetailed();
  // Zoomed out, the label is hidden, so a shape change need not re-render the edge.
  const shape = useAnalysis(useCallback((a: Analysis) => (detailed ? a.edgeShapes.get(id) : undefined), [id, detailed]));
  const isError = useAnalysis(useCallback((a: Analysis) => a.edgeErrors.has(id), [id]));
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const tone = isError ? ' is-error' : selected ? ' is-selected' : '';
  return (
    <>
      <BaseEdge id={id} path={path} className={`ll-edge${tone}`} interactionWidth={16} />
      {shape !== undefined && (
        <EdgeLabelRenderer>
          <div
            className={`ll-edge-label${tone}`}
            data-testid={`edge-label-${id}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            {shape}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
