/** The bottom line: problems, the parameter total, the project's kept weights, and when the recovery copy was last written. */
import { memo, useCallback } from 'react';
import type { Analysis } from '../store/analysis';
import { formatCount } from './format';
import { useAnalysis } from './useAnalysis';
import { useKeptWeights } from './useKeptWeights';
import { useUiState } from './useUiState';
import type { UiState } from './ui-store';

const selectAutosaved = (s: UiState) => s.autosavedAt;
// A long line (which tensors no longer fit) takes the free space and ends in an ellipsis; the full text is its tooltip.
const WEIGHTS_STYLE = { flex: '1 1 0', minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' } as const;

export const StatusBar = memo(function StatusBar() {
  const errors = useAnalysis(useCallback((a: Analysis) => a.errorCount, []));
  const warnings = useAnalysis(useCallback((a: Analysis) => a.warningCount, []));
  const params = useAnalysis(useCallback((a: Analysis) => a.summary.total_params, []));
  const autosavedAt = useUiState(selectAutosaved);
  const kept = useKeptWeights();
  return (
    <footer className="ll-status" data-testid="status">
      <span className={errors ? 'is-error' : 'is-ok'} data-testid="status-errors">
        {errors === 0 ? '✓ no errors' : `${errors} error${errors === 1 ? '' : 's'}`}
      </span>
      {warnings > 0 && <span className="is-warning">{`${warnings} warning${warnings === 1 ? '' : 's'}`}</span>}
      <span data-testid="status-params">{formatCount(params)} parameters</span>
      {kept && (
        <span className={kept.fit.ok ? 'll-muted' : 'is-warning'} style={WEIGHTS_STYLE} title={kept.text} data-testid="status-weights" data-fits={kept.fit.ok}>
          {kept.text}
        </span>
      )}
      <span className="ll-spacer" />
      {autosavedAt !== null && (
        <span className="ll-muted" data-testid="autosave-status">
          Recovery copy saved {new Date(autosavedAt).toLocaleTimeString()}
        </span>
      )}
      <span className="ll-muted">Press ? for shortcuts</span>
    </footer>
  );
});
