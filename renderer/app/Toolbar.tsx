/** The top bar: file, edit and view actions, each labelled with its shortcut. */
import { memo, useCallback } from 'react';
import { canRedo, canUndo } from '../store/history';
import { isDirty, type EditorState } from '../store/editor';
import { getAction, keyLabel, type ActionContext, type ActionId } from './actions';
import { useEditorState } from './useEditorState';
import { useUiState } from './useUiState';
import type { UiState } from './ui-store';

const GROUPS: readonly (readonly ActionId[])[] = [
  ['new', 'gallery', 'open', 'recent', 'save', 'saveAs'],
  ['undo', 'redo'],
  ['commandPalette', 'addComment', 'autoLayout', 'fitView'],
  ['toggleSummary', 'toggleTraining', 'toggleTheme', 'help'],
];

const LABELS: Partial<Record<ActionId, string>> = {
  new: 'New',
  gallery: 'Templates',
  open: 'Open',
  recent: 'Recent',
  save: 'Save',
  saveAs: 'Save as',
  undo: '↶ Undo',
  redo: '↷ Redo',
  commandPalette: '+ Layer',
  addComment: 'Comment',
  autoLayout: 'Layout',
  fitView: 'Fit',
  toggleSummary: 'Summary',
  toggleTraining: 'Train',
  help: '?',
};

const selectTheme = (s: UiState) => s.prefs.theme;

export const Toolbar = memo(function Toolbar({ ctx }: { ctx: ActionContext }) {
  const undoable = useEditorState(useCallback((s: EditorState) => canUndo(s.history), []));
  const redoable = useEditorState(useCallback((s: EditorState) => canRedo(s.history), []));
  const fileName = useEditorState(useCallback((s: EditorState) => s.file.name, []));
  const dirty = useEditorState(isDirty);
  const theme = useUiState(selectTheme);
  const disabled: Partial<Record<ActionId, boolean>> = { undo: !undoable, redo: !redoable };

  return (
    <header className="ll-toolbar" data-testid="toolbar">
      <span className="ll-brand">Layerloom</span>
      <span className="ll-file" data-testid="file-name" title={fileName}>
        {fileName}
        {dirty && (
          <span className="ll-dirty" data-testid="dirty-marker" title="Unsaved changes">
            {' '}•
          </span>
        )}
      </span>
      {GROUPS.map((group, i) => (
        <div key={i} className="ll-toolbar__group">
          {group.map((id) => {
            const action = getAction(id);
            const label = id === 'toggleTheme' ? (theme === 'dark' ? '☀ Light' : '☾ Dark') : (LABELS[id] ?? action.title);
            return (
              <button
                key={id}
                type="button"
                disabled={disabled[id] ?? false}
                onClick={() => action.run(ctx)}
                title={`${action.title} (${keyLabel(action.keys[0]!)})`}
                data-testid={`tb-${id}`}
              >
                {label}
              </button>
            );
          })}
        </div>
      ))}
    </header>
  );
});
