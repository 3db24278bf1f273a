/** The right-click menu: actions on the selection, or on the canvas point that was clicked. */
import { memo, useCallback } from 'react';
import { getAction, keyLabel, type ActionContext, type ActionId } from './actions';
import { useUiState } from './useUiState';
import type { UiState } from './ui-store';

const ON_SELECTION: readonly ActionId[] = ['cut', 'copy', 'duplicate', 'delete', 'rename', 'createBlock', 'unpackBlock'];
const ON_CANVAS: readonly ActionId[] = ['commandPalette', 'paste', 'addComment', 'selectAll', 'autoLayout', 'fitView'];

/** How canvas actions read when they act on the clicked point. */
const AT_POINT: Partial<Record<ActionId, string>> = {
  commandPalette: 'Add a layer here…',
  paste: 'Paste here',
  addComment: 'Add a comment here',
};

const selectMenu = (s: UiState) => s.contextMenu;

export const ContextMenu = memo(function ContextMenu({ ctx }: { ctx: ActionContext }) {
  const menu = useUiState(selectMenu);
  const close = useCallback(() => ctx.ui.open(null), [ctx.ui]);
  if (!menu) return null;
  const ids = menu.onSelection ? ON_SELECTION : ON_CANVAS;
  return (
    <div className="ll-backdrop is-clear" onMouseDown={(e) => e.target === e.currentTarget && close()} onContextMenu={(e) => e.preventDefault()}>
      <ul className="ll-menu" role="menu" style={{ left: menu.x, top: menu.y }} data-testid="context-menu">
        {ids.map((id) => {
          const action = getAction(id);
          return (
            <li key={id} role="menuitem">
              <button
                type="button"
                onClick={() => {
                  close();
                  action.run(ctx, menu.onSelection ? undefined : menu.flow);
                }}
                data-testid={`context-${id}`}
              >
                <span>{menu.onSelection ? action.title : (AT_POINT[id] ?? action.title)}</span>
                <kbd>{keyLabel(action.keys[0]!)}</kbd>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
});
