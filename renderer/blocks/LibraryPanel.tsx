/**
 * The block library panel: the user's saved blocks (kept by the Host across projects), with insert as a
 * linked use (editing one edits all) or as an independent copy, delete, and "save the selected block". For a
 * selected Block it also offers link / unlink.
 */
import { useCallback, useEffect, useState } from 'react';
import type { XY } from '../../graph-core';
import { useApp } from '../app/AppContext';
import { useEditorState } from '../app/useEditorState';
import type { LibraryBlock } from '../host/host';
import type { EditorState } from '../store/editor';
import { insertEntryCommand, libraryEntryFor, linkCommand, unlinkCommand } from './library';
import { levelDoc } from './level';

const selectSelection = (s: EditorState) => s.selection;
const selectDoc = (s: EditorState) => s.doc;
const selectPath = (s: EditorState) => s.blockPath;

export function LibraryPanel({ viewCenter }: { viewCenter: () => XY }) {
  const { editor, host, ui } = useApp();
  const [open, setOpen] = useState(false);
  const [entries, setEntries] = useState<readonly LibraryBlock[]>([]);
  const selection = useEditorState(selectSelection);
  const doc = useEditorState(selectDoc);
  const path = useEditorState(selectPath);
  const level = levelDoc(doc, path);
  const selected = level.nodes.filter((n) => n.kind === 'Block' && selection.nodes.has(n.id));
  const one = selected.length === 1 ? selected[0] : undefined;

  const refresh = useCallback(async () => {
    try {
      setEntries(await host.listBlocks());
    } catch (e) {
      ui.toast(`Could not read the block library: ${(e as Error).message}`, 'error');
    }
  }, [host, ui]);
  useEffect(() => {
    if (open) void refresh();
  }, [open, refresh]);

  const save = async () => {
    if (!one) return;
    const entry = libraryEntryFor(level, one, new Date());
    if (!entry) return;
    try {
      await host.saveBlock(entry);
      ui.toast(`Saved “${entry.name}” to the block library.`);
      await refresh();
    } catch (e) {
      ui.toast(`Could not save to the block library: ${(e as Error).message}`, 'error');
    }
  };
  const insert = (entry: LibraryBlock, linked: boolean) => {
    const r = insertEntryCommand(editor.view(), entry, { linked, at: viewCenter() });
    if ('error' in r) return ui.toast(`Cannot insert: ${r.error}.`, 'error');
    editor.dispatch(r.command);
    editor.selectNodes([r.id]);
  };
  const remove = async (entry: LibraryBlock) => {
    try {
      await host.deleteBlock(entry.id);
      await refresh();
    } catch (e) {
      ui.toast(`Could not delete from the block library: ${(e as Error).message}`, 'error');
    }
  };
  const link = async () => {
    if (!one) return;
    const entry = libraryEntryFor(level, one, new Date());
    const cmd = entry && linkCommand(level, one, entry);
    if (!entry || !cmd) return;
    await host.saveBlock(entry).catch((e: unknown) => ui.toast(`Could not save to the block library: ${(e as Error).message}`, 'error'));
    editor.dispatch(cmd);
    await refresh();
  };
  const unlink = () => {
    const cmd = one && unlinkCommand(level, one);
    if (cmd) editor.dispatch(cmd);
  };

  return (
    <div className={`ll-library${open ? ' is-open' : ''}`} data-testid="block-library">
      <button type="button" className="ll-library__toggle" data-testid="block-library-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
        Block library
      </button>
      {open && (
        <div className="ll-library__body">
          <div className="ll-library__actions">
            <button type="button" disabled={!one} onClick={() => void save()} data-testid="library-save" title="Select a block to save it">
              Save selected block
            </button>
            {one && !one.ref && (
              <button type="button" onClick={() => void link()} data-testid="library-link" title="Save it and make this use linked">
                Link
              </button>
            )}
            {one?.ref && (
              <button type="button" onClick={unlink} data-testid="library-unlink" title="Give this use its own copy">
                Unlink
              </button>
            )}
          </div>
          {entries.length === 0 ? (
            <p className="ll-library__empty">No saved blocks yet. Select a block (Ctrl+G makes one) and save it here.</p>
          ) : (
            <ul className="ll-library__list">
              {entries.map((e) => (
                <li key={e.id} data-testid={`library-entry-${e.id}`}>
                  <span className="ll-library__name" title={`saved ${e.savedAt}`}>
                    {e.name}
                  </span>
                  <button type="button" onClick={() => insert(e, true)} title="Insert a linked use: editing one edits all">
                    Insert linked
                  </button>
                  <button type="button" onClick={() => insert(e, false)} title="Insert an independent copy">
                    Insert copy
                  </button>
                  <button type="button" onClick={() => void remove(e)} title="Remove from the library" aria-label={`Delete ${e.name}`}>
                    ✕
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
