/** The modal overlays: command palette, shortcuts, a file that could not be opened, recent projects, the template gallery. */
import { memo, useCallback } from 'react';
import type { ActionContext } from './actions';
import { GalleryDialog } from '../gallery/GalleryDialog';
import { CommandPalette } from './CommandPalette';
import { HelpOverlay } from './HelpOverlay';
import type { ProjectFiles } from './project-files';
import { useUiState } from './useUiState';
import type { UiState } from './ui-store';

const selectOverlay = (s: UiState) => s.overlay;
const selectRecent = (s: UiState) => s.recent;

export const Overlays = memo(function Overlays({ ctx, files }: { ctx: ActionContext; files: ProjectFiles }) {
  const overlay = useUiState(selectOverlay);
  const recent = useUiState(selectRecent);
  const close = useCallback(() => ctx.ui.open(null), [ctx.ui]);
  if (!overlay) return null;
  switch (overlay.kind) {
    case 'palette':
      return <CommandPalette overlay={overlay} ctx={ctx} />;
    case 'help':
      return <HelpOverlay onClose={close} />;
    case 'gallery':
      return <GalleryDialog onClose={close} />;
    case 'openError':
      return (
        <div className="ll-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
          <div className="ll-dialog" role="alertdialog" aria-label={overlay.title} data-testid="open-error">
            <header>
              <h2>{overlay.title}</h2>
            </header>
            <p>The open project was left as it was.</p>
            <ul className="ll-problems">
              {overlay.messages.map((m, i) => (
                <li key={i} className="is-error">
                  {m}
                </li>
              ))}
            </ul>
            <div className="ll-row">
              <button type="button" autoFocus onClick={close} data-testid="open-error-close">
                OK
              </button>
            </div>
          </div>
        </div>
      );
    case 'recent':
      return (
        <div className="ll-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
          <div className="ll-dialog" role="dialog" aria-label="Recent projects" data-testid="recent-dialog">
            <header>
              <h2>Recent projects</h2>
              <button type="button" onClick={close} aria-label="Close">
                ×
              </button>
            </header>
            {recent.length === 0 ? (
              <p className="ll-muted">No recent projects yet. Projects you open or save appear here.</p>
            ) : (
              <ul className="ll-recent">
                {recent.map((r) => (
                  <li key={r.location}>
                    <button
                      type="button"
                      onClick={() => {
                        close();
                        void files.openRecent(r.location);
                      }}
                      data-testid={`recent-${r.name}`}
                    >
                      {r.name}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      );
  }
});
