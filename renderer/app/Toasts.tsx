/** Short messages: refused connections, saves, errors. They fade after a few seconds. */
import { memo } from 'react';
import { useApp } from './AppContext';
import { useUiState } from './useUiState';
import type { UiState } from './ui-store';

const selectToasts = (s: UiState) => s.toasts;

export const Toasts = memo(function Toasts() {
  const { ui } = useApp();
  const toasts = useUiState(selectToasts);
  return (
    <div className="ll-toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`ll-toast is-${t.tone}`} role={t.tone === 'error' ? 'alert' : 'status'} data-testid="toast">
          <span>{t.text}</span>
          <button type="button" onClick={() => ui.dismissToast(t.id)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
});
