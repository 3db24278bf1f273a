/**
 * The notes of the template the open project came from, beside the canvas: the expected result and what to
 * look at, the notes (Markdown with KaTeX formulas), and the experiments to try with what they should show.
 * Presenter mode enlarges the notes and the training panel, hides the palette and the inspector, and offers
 * one-click "Train now" with the template's view open.
 */
import 'katex/dist/katex.min.css';
import { memo, useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { loadTemplate } from '../../templates';
import { useApp } from '../app/AppContext';
import { useEditorState } from '../app/useEditorState';
import type { EditorState } from '../store/editor';
import { activeTemplate, closeNotes, galleryStore } from './gallery-store';
import { renderInline, renderNotes } from './markdown';
import { trainNow } from './train-now';
import './gallery.css';

const selectGeneration = (s: EditorState) => s.generation;
const selectDocTemplate = (s: EditorState) => s.doc.template;

export const NotesPanel = memo(function NotesPanel() {
  const { editor, ui } = useApp();
  const store = galleryStore(editor);
  const gallery = useSyncExternalStore(store.subscribe, store.getState);
  const generation = useEditorState(selectGeneration);
  const docTemplate = useEditorState(selectDocTemplate);
  const id = activeTemplate(gallery, generation, docTemplate);
  const template = useMemo(() => (id ? loadTemplate(id) : undefined), [id]);
  const html = useMemo(() => (template ? renderNotes(template.notes) : ''), [template]);
  const presenter = gallery.presenter && gallery.generation === generation && template !== undefined;
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    const root = document.documentElement;
    if (presenter) root.dataset.presenter = 'on';
    else delete root.dataset.presenter;
    return () => {
      delete root.dataset.presenter;
    };
  }, [presenter]);

  const setPresenter = useCallback((on: boolean) => store.setState({ template: id, generation, presenter: on }), [store, id, generation]);
  const close = useCallback(() => closeNotes(editor), [editor]);

  if (!template) return null;
  const { meta } = template;

  const train = () => {
    setStarting(true);
    void trainNow(meta.view)
      .then((problem) => problem && ui.toast(problem, 'error'))
      .finally(() => setStarting(false));
  };

  return (
    <aside className="ll-notes" aria-label={`Notes: ${meta.title}`} data-testid="notes-panel" data-template={meta.id}>
      <header className="ll-notes__head">
        <div>
          <span className="ll-card__number">{meta.number}</span> <span className="ll-card__topic">{meta.lectures.join(' · ')}</span>
        </div>
        <div className="ll-notes__actions">
          {presenter && (
            <button type="button" className="is-primary" onClick={train} disabled={starting} data-testid="notes-train-now">
              ▶ Train now
            </button>
          )}
          <button type="button" aria-pressed={presenter} onClick={() => setPresenter(!presenter)} data-testid="notes-presenter" title="Large fonts, one-click training">
            {presenter ? 'Leave presenter mode' : 'Presenter mode'}
          </button>
          <button type="button" onClick={close} aria-label="Close the notes" data-testid="notes-close">
            ×
          </button>
        </div>
      </header>
      <div className="ll-notes__body">
        <section className="ll-notes__expected" data-testid="notes-expected">
          <h3>Expected result</h3>
          <p>
            <strong>{meta.expected.summary}</strong>
          </p>
          <p dangerouslySetInnerHTML={{ __html: renderInline(meta.expected.look) }} />
        </section>
        {/* Notes ship with the app (templates/<id>/notes.md); raw HTML in them is escaped by renderNotes. */}
        <article className="ll-notes__md" data-testid="notes-text" dangerouslySetInnerHTML={{ __html: html }} />
        <section className="ll-notes__try" data-testid="notes-try">
          <h3>What to try</h3>
          <ol>
            {meta.try.map((t, i) => (
              <li key={i}>
                <span dangerouslySetInnerHTML={{ __html: renderInline(t.prompt) }} />
                <details>
                  <summary>What should happen</summary>
                  <span dangerouslySetInnerHTML={{ __html: renderInline(t.expected) }} />
                </details>
              </li>
            ))}
          </ol>
        </section>
        <p className="ll-muted ll-notes__verified">Verified: {meta.expected.verified}</p>
      </div>
    </aside>
  );
});
