/**
 * The model summary, as torchinfo prints it: each layer's output shape, parameters and FLOPs, with totals.
 * Built from graph-core's summarize(); clicking a row selects that layer and brings it into view.
 *
 * Rows are grid rows rather than a <table>, so that rows scrolled out of sight skip layout and paint
 * (content-visibility); a 500-layer summary then costs about what a 10-layer one does.
 */
import { memo, useCallback } from 'react';
import { fmtShape } from '../../graph-core';
import { formatCompact, formatCount } from '../app/format';
import { useAnalysis } from '../app/useAnalysis';
import { useEditorState } from '../app/useEditorState';
import type { Analysis } from '../store/analysis';
import type { EditorState } from '../store/editor';

const selectSummary = (a: Analysis) => a.summary;
const selectNodeViews = (a: Analysis) => a.nodes;

export interface SummaryPanelProps {
  readonly reveal: (id: string) => void;
}

interface RowProps {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly shape: string;
  readonly params: number;
  readonly flops: number;
  readonly isSelected: boolean;
  readonly hasError: boolean;
  readonly reveal: (id: string) => void;
}

/** One layer's row; plain props, so an edit re-renders only the rows whose figures changed. */
const Row = memo(function Row({ id, name, kind, shape, params, flops, isSelected, hasError, reveal }: RowProps) {
  return (
    <div
      role="row"
      className={`ll-summary__row${isSelected ? ' is-selected' : ''}${hasError ? ' has-error' : ''}`}
      onClick={() => reveal(id)}
      data-testid={`summary-row-${id}`}
    >
      <span role="cell">{name}</span>
      <span role="cell">{kind}</span>
      <span role="cell" className="ll-mono">
        {shape}
      </span>
      <span role="cell" className="ll-num">
        {formatCount(params)}
      </span>
      <span role="cell" className="ll-num">
        {flops ? formatCompact(flops) : '—'}
      </span>
    </div>
  );
});

export const SummaryPanel = memo(function SummaryPanel({ reveal }: SummaryPanelProps) {
  const summary = useAnalysis(selectSummary);
  const views = useAnalysis(selectNodeViews);
  const selected = useEditorState(useCallback((s: EditorState) => s.selection.nodes, []));
  // A row inside a block reveals the block.
  const revealTop = useCallback((id: string) => reveal(id.split(/[/[]/)[0]!), [reveal]);

  return (
    <section className="ll-summary" role="table" aria-label="Model summary" data-testid="summary">
      <div role="row" className="ll-summary__row ll-summary__head">
        <span role="columnheader">Layer</span>
        <span role="columnheader">Kind</span>
        <span role="columnheader">Output shape</span>
        <span role="columnheader" className="ll-num">
          Param #
        </span>
        <span role="columnheader" className="ll-num">
          FLOPs
        </span>
      </div>
      {summary.nodes.map((row) => {
        const shapes = Object.entries(row.outputs);
        return (
          <Row
            key={row.id}
            id={row.id}
            // A block's layers are indented under its `Block ×N` row and named by path (`enc/ff1`).
            name={`${'\u00a0\u00a0'.repeat(row.depth ?? 0)}${row.label ? `${row.label} (${row.id})` : row.id}`}
            kind={row.repeat !== undefined && row.repeat > 1 ? `${row.kind} ×${row.repeat}` : row.kind}
            shape={
              shapes.length === 0
                ? '—'
                : shapes.length === 1
                  ? fmtShape(shapes[0]![1])
                  : shapes.map(([port, s]) => `${port} ${fmtShape(s)}`).join(', ')
            }
            params={row.params}
            flops={row.flops}
            isSelected={selected.has(row.id)}
            hasError={views.get(row.id)?.diagnostics.some((d) => d.severity === 'error') ?? false}
            reveal={revealTop}
          />
        );
      })}
      <div role="row" className="ll-summary__row ll-summary__foot">
        <span role="cell">Total ({summary.nodes.length} layers)</span>
        <span role="cell" />
        <span role="cell" />
        <span role="cell" className="ll-num" data-testid="summary-total-params">
          {formatCount(summary.total_params)}
        </span>
        <span role="cell" className="ll-num" data-testid="summary-total-flops" title={`${formatCount(summary.total_flops)} FLOPs per sample`}>
          {formatCompact(summary.total_flops)}
        </span>
      </div>
    </section>
  );
});
