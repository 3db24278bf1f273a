/**
 * The layer palette: every layer kind, grouped by category, with search. Drag an entry onto the canvas,
 * or press Enter (or click) to add it at the centre of the view.
 */
import { memo, useDeferredValue, useMemo, useState, type DragEvent, type KeyboardEvent } from 'react';
import type { AnyLayerDef, LayerCategory, XY } from '../../graph-core';
import { useApp } from '../app/AppContext';
import { LAYER_MIME } from '../canvas/flow-types';
import { paletteGroups } from '../store/catalogue';

export interface PaletteProps {
  /** Where a clicked (not dragged) layer goes. */
  readonly viewCenter: () => XY;
}

/** Advanced categories start folded, so the basics fit on screen. */
const INITIALLY_CLOSED: readonly LayerCategory[] = ['sequence', 'attention', 'transformer', 'vision', 'generative'];

const onDragStart = (e: DragEvent<HTMLElement>, kind: string) => {
  e.dataTransfer.setData(LAYER_MIME, kind);
  e.dataTransfer.effectAllowed = 'copy';
};

export const Palette = memo(function Palette({ viewCenter }: PaletteProps) {
  const { editor } = useApp();
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query);
  const groups = useMemo(() => paletteGroups(deferred), [deferred]);
  const searching = deferred.trim() !== '';
  const [closed, setClosed] = useState<ReadonlySet<LayerCategory>>(() => new Set(INITIALLY_CLOSED));
  const toggle = (c: LayerCategory) =>
    setClosed((old) => {
      const next = new Set(old);
      if (!next.delete(c)) next.add(c);
      return next;
    });

  const add = (layer: AnyLayerDef) => {
    const c = viewCenter();
    editor.addLayer(layer.kind, { position: { x: Math.round(c.x - 100), y: Math.round(c.y - 30) } });
  };
  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    const first = groups[0]?.layers[0];
    if (e.key === 'Enter' && first) add(first);
    if (e.key === 'Escape') {
      e.preventDefault();
      setQuery('');
      e.currentTarget.blur();
    }
  };

  return (
    <aside className="ll-palette" aria-label="Layer palette" data-testid="palette">
      <input
        id="ll-layer-search"
        className="ll-search"
        type="search"
        placeholder="Search layers  /"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onSearchKey}
        data-testid="palette-search"
        aria-label="Search layers"
      />
      <div className="ll-palette__groups">
        {groups.map((g) => {
          const isOpen = searching || !closed.has(g.category);
          return (
            <section key={g.category} className="ll-palette__group">
              <button type="button" className="ll-palette__heading" aria-expanded={isOpen} onClick={() => toggle(g.category)}>
                <span className="ll-caret">{isOpen ? '▾' : '▸'}</span> {g.title} <span className="ll-muted">{g.layers.length}</span>
              </button>
              {isOpen && (
                <ul>
                  {g.layers.map((l) => (
                    <li key={l.kind}>
                      <button
                        type="button"
                        className="ll-palette__item"
                        draggable
                        onDragStart={(e) => onDragStart(e, l.kind)}
                        onClick={() => add(l)}
                        title={`${l.doc.summary}${l.doc.torch ? `\n${l.doc.torch}` : ''}\nDrag onto the canvas, or click to add.`}
                        data-testid={`palette-item-${l.kind}`}
                      >
                        {l.kind}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          );
        })}
        {groups.length === 0 && <p className="ll-muted">No layer matches “{query}”.</p>}
      </div>
    </aside>
  );
});
