/**
 * The code views under the canvas: PyTorch code, the graph JSON, the ONNX text and a diff. A strip of tabs
 * stays visible; choosing one opens the panel and loads Monaco on first use (it is large, so the editor
 * starts without it).
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import { useApp } from '../app/AppContext';
import type { UiState } from '../app/ui-store';
import { useUiState } from '../app/useUiState';
import { trackSavedDoc, type SavedDoc } from './saved-doc';
import './code.css';

export type CodeTab = 'pytorch' | 'json' | 'onnx' | 'diff';

export const CODE_TABS: readonly { readonly id: CodeTab; readonly title: string; readonly hint: string }[] = [
  { id: 'pytorch', title: 'PyTorch', hint: 'The model as PyTorch code (read-only, follows every edit)' },
  { id: 'json', title: 'Graph JSON', hint: 'The project file; valid edits update the canvas' },
  { id: 'onnx', title: 'ONNX text', hint: 'The exported ONNX model in ONNX text syntax' },
  { id: 'diff', title: 'Diff', hint: 'Compare the model with the saved file or a template' },
];

const CodeViews = lazy(() => import('./CodeViews'));
const selectCodeTab = (s: UiState) => s.codeTab;

export function CodeDock() {
  const { editor, ui } = useApp();
  const tab = useUiState(selectCodeTab);
  const setTab = (next: CodeTab | null) =>
    ui.update((d) => {
      d.codeTab = next;
    });
  // Follows the editor from the start (the diff needs the file as opened); made in an effect, so that React's
  // development double mount disposes of the first one cleanly.
  const [saved, setSaved] = useState<SavedDoc | null>(null);
  useEffect(() => {
    const tracker = trackSavedDoc(editor);
    setSaved(tracker);
    return () => tracker.dispose();
  }, [editor]);

  return (
    <section className={`ll-code${tab ? ' ll-code--open' : ''}`} data-testid="code-dock">
      <div className="ll-code__tabs" role="tablist" aria-label="Code views">
        <span className="ll-code__label">Code</span>
        {CODE_TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={tab === t.id ? 'll-code__tab ll-code__tab--on' : 'll-code__tab'}
            title={t.hint}
            data-testid={`code-tab-${t.id}`}
            onClick={() => setTab(tab === t.id ? null : t.id)}
          >
            {t.title}
          </button>
        ))}
        {tab && (
          <button type="button" className="ll-code__close" title="Close the code panel" data-testid="code-close" onClick={() => setTab(null)}>
            ×
          </button>
        )}
      </div>
      {tab && (
        <div className="ll-code__body">
          <Suspense fallback={<div className="ll-code__loading">Loading the code editor…</div>}>
            <CodeViews tab={tab} saved={saved} />
          </Suspense>
        </div>
      )}
    </section>
  );
}
