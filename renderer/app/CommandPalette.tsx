/**
 * The command palette (Ctrl/Cmd+K, or double-click on the canvas): type to find a layer and press Enter
 * to add it, wired to the selected node when there is one. Actions are listed too, with their shortcuts.
 */
import { memo, useMemo, useState, type KeyboardEvent } from 'react';
import type { XY } from '../../graph-core';
import { searchLayers } from '../store/catalogue';
import { ACTIONS, GRID, keyLabel, type Action, type ActionContext } from './actions';
import type { Overlay } from './ui-store';

type PaletteOverlay = Extract<Overlay, { kind: 'palette' }>;

type Item =
  | { readonly type: 'layer'; readonly key: string; readonly title: string; readonly detail: string }
  | { readonly type: 'action'; readonly key: string; readonly title: string; readonly detail: string; readonly action: Action };

/** Vertical gap between a node and a layer added below it. */
const BELOW_GAP = 60;

export interface CommandPaletteProps {
  readonly overlay: PaletteOverlay;
  readonly ctx: ActionContext;
}

export const CommandPalette = memo(function CommandPalette({ overlay, ctx }: CommandPaletteProps) {
  const { editor, ui } = ctx;
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const wireNode = overlay.wireFrom === undefined ? undefined : editor.getState().doc.nodes.find((n) => n.id === overlay.wireFrom);

  const items = useMemo((): Item[] => {
    const q = query.trim().toLowerCase();
    const layers: Item[] = searchLayers(query, q ? 10 : 60).map((l) => ({
      type: 'layer',
      key: `layer-${l.kind}`,
      title: l.kind,
      detail: l.doc.summary,
    }));
    const actions: Item[] = q
      ? ACTIONS.filter((a) => a.id !== 'commandPalette' && a.title.toLowerCase().includes(q))
          .slice(0, 6)
          .map((a) => ({ type: 'action', key: `action-${a.id}`, title: a.title, detail: keyLabel(a.keys[0]!), action: a }))
      : [];
    return [...layers, ...actions];
  }, [query]);

  const placeBelow = (): XY | undefined => {
    if (!wireNode) return undefined;
    const height = ctx.nodeSizes().get(wireNode.id)?.height ?? 90;
    const y = wireNode.position.y + height + BELOW_GAP;
    return { x: wireNode.position.x, y: Math.round(y / GRID) * GRID };
  };

  const run = (item: Item | undefined) => {
    if (!item) return;
    ui.open(null);
    if (item.type === 'action') {
      item.action.run(ctx);
      return;
    }
    const c = ctx.viewCenter();
    const position = overlay.at ?? placeBelow() ?? { x: Math.round(c.x - 100), y: Math.round(c.y - 30) };
    editor.addLayer(item.title, { position, ...(overlay.wireFrom !== undefined ? { wireFrom: overlay.wireFrom } : {}) });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') setActive((i) => Math.min(i + 1, items.length - 1));
    else if (e.key === 'ArrowUp') setActive((i) => Math.max(i - 1, 0));
    else if (e.key === 'Enter') run(items[active]);
    else if (e.key === 'Escape') ui.open(null);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div className="ll-backdrop" onMouseDown={(e) => e.target === e.currentTarget && ui.open(null)}>
      <div className="ll-palette-dialog" role="dialog" aria-label="Command palette" data-testid="command-palette">
        <input
          autoFocus
          className="ll-search"
          placeholder={wireNode ? `Add a layer after ${wireNode.label ?? wireNode.id}…` : 'Add a layer, or run a command…'}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          data-testid="command-palette-input"
          aria-label="Search layers and commands"
        />
        <ul className="ll-palette-dialog__list" role="listbox">
          {items.map((item, i) => (
            <li
              key={item.key}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'is-active' : undefined}
              onMouseEnter={() => setActive(i)}
              onClick={() => run(item)}
              data-testid={item.type === 'layer' ? `command-item-${item.title}` : `command-${item.key}`}
            >
              <span className="ll-palette-dialog__title">{item.title}</span>
              <span className="ll-muted">{item.detail}</span>
            </li>
          ))}
          {items.length === 0 && <li className="ll-muted">Nothing matches “{query}”.</li>}
        </ul>
      </div>
    </div>
  );
});
