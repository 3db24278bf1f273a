/** Offered at start when the previous session left unsaved work behind. */
import { memo } from 'react';
import type { ProjectFiles } from './project-files';
import { useUiState } from './useUiState';
import type { UiState } from './ui-store';

const selectRecovery = (s: UiState) => s.recovery;

export const RecoveryBanner = memo(function RecoveryBanner({ files }: { files: ProjectFiles }) {
  const recovery = useUiState(selectRecovery);
  if (!recovery) return null;
  const { doc, weights } = recovery;
  return (
    <div className="ll-banner" role="alert" data-testid="recovery-banner">
      <span>
        Unsaved work from your last session was found: <b>{doc.name}</b> ({doc.nodes.length} layers
        {weights ? `, with its kept weights: ${weights} tensor${weights === 1 ? '' : 's'}` : ''}). Restore it?
      </span>
      <button type="button" onClick={() => files.restoreRecovery()} data-testid="recovery-restore">
        Restore
      </button>
      <button type="button" onClick={() => void files.discardRecovery()} data-testid="recovery-discard">
        Discard
      </button>
    </div>
  );
});
