/**
 * The template gallery: a grid of cards (thumbnail, number, title, summary, expected result), filtered by
 * lecture topic and by a search over the title, summary, topic and expected result. "Open" replaces the open
 * project with a new, untitled one made from the template and shows its notes beside the canvas.
 */
import { memo, useMemo, useState } from 'react';
import { listTemplates, TOPICS, type Topic } from '../../templates';
import { useApp } from '../app/AppContext';
import { isDirty } from '../store/editor';
import { filterTemplates } from './filter';
import { openTemplate } from './gallery-store';
import './gallery.css';

export const GalleryDialog = memo(function GalleryDialog({ onClose }: { onClose: () => void }) {
  const { editor, ui, host } = useApp();
  const all = useMemo(() => listTemplates(), []);
  const [topic, setTopic] = useState<Topic | 'all'>('all');
  const [query, setQuery] = useState('');
  const shown = useMemo(() => filterTemplates(all, topic, query), [all, topic, query]);
  const topics = useMemo(() => (Object.keys(TOPICS) as Topic[]).filter((t) => all.some((x) => x.topic === t)), [all]);

  const open = (id: string) => {
    const r = openTemplate(editor, id, () => !isDirty(editor.getState()) || window.confirm('Discard the unsaved changes to this project?'));
    if (!r.ok) {
      if (r.message) ui.toast(r.message, 'error');
      return;
    }
    void host.clearRecovery().catch(() => undefined);
    onClose();
    ui.toast(`New project from template ${r.template.meta.number}: ${r.template.meta.title}`);
  };

  return (
    <div className="ll-backdrop ll-gallery-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="ll-dialog ll-gallery" role="dialog" aria-label="Template gallery" data-testid="gallery">
        <header>
          <h2>Lecture templates</h2>
          <input
            type="search"
            className="ll-gallery__search"
            placeholder="Search templates…"
            aria-label="Search templates"
            value={query}
            autoFocus
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') onClose();
            }}
            data-testid="gallery-search"
          />
          <button type="button" onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        <nav className="ll-gallery__topics" aria-label="Lecture topics">
          {(['all', ...topics] as const).map((t) => (
            <button key={t} type="button" className={t === topic ? 'is-active' : ''} aria-pressed={t === topic} onClick={() => setTopic(t)} data-testid={`gallery-topic-${t}`}>
              {t === 'all' ? 'All' : TOPICS[t]}
            </button>
          ))}
        </nav>
        {shown.length === 0 ? (
          <p className="ll-muted" data-testid="gallery-empty">
            No template matches “{query}”{topic !== 'all' ? ` in ${TOPICS[topic]}` : ''}.
          </p>
        ) : (
          <ul className="ll-gallery__grid" data-testid="gallery-grid">
            {shown.map((t) => (
              <li key={t.id} className="ll-card" data-testid={`gallery-card-${t.id}`}>
                {/* The thumbnails are generated from the template's graph by the build, not user content. */}
                <div className="ll-card__thumb" aria-hidden="true" dangerouslySetInnerHTML={{ __html: t.thumbnail }} />
                <div className="ll-card__body">
                  <h3>
                    <span className="ll-card__number">{t.number}</span> {t.title}
                  </h3>
                  <p className="ll-card__topic">{t.topicTitle}</p>
                  <p>{t.summary}</p>
                  <p className="ll-card__expected">
                    <strong>Expected:</strong> {t.expected}
                  </p>
                </div>
                <button type="button" className="is-primary" onClick={() => open(t.id)} data-testid={`gallery-open-${t.id}`}>
                  Open
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
});
