/**
 * Where the canvas is: "Model › Encoder ×6 › …" while a block is entered. Each crumb leads back out to that
 * level; the last one names the block being edited (and says when it is linked, so edits reach every use).
 */
import { useCallback } from 'react';
import { blockName, blockRepeat } from '../../graph-core';
import { useApp } from '../app/AppContext';
import { useEditorState } from '../app/useEditorState';
import type { EditorState } from '../store/editor';
import { blockTrail } from './level';

const selectDoc = (s: EditorState) => s.doc;
const selectPath = (s: EditorState) => s.blockPath;

export function Breadcrumbs() {
  const { editor } = useApp();
  const doc = useEditorState(selectDoc);
  const path = useEditorState(selectPath);
  const exit = useCallback((depth: number) => editor.exitBlock(depth), [editor]);
  if (path.length === 0) return null;
  const trail = blockTrail(doc, path);
  const last = trail[trail.length - 1];
  return (
    <nav className="ll-breadcrumbs" data-testid="breadcrumbs" aria-label="Block path">
      <button type="button" className="ll-breadcrumbs__crumb" data-testid="crumb-0" onClick={() => exit(0)}>
        {doc.name || 'Model'}
      </button>
      {trail.map((n, i) => {
        const repeat = blockRepeat(n);
        const text = `${blockName(doc, n)}${repeat > 1 ? ` ×${repeat}` : ''}`;
        return (
          <span key={n.id} className="ll-breadcrumbs__step">
            <span aria-hidden="true"> › </span>
            {i === trail.length - 1 ? (
              <span className="ll-breadcrumbs__here" data-testid="crumb-here" aria-current="location">
                {text}
              </span>
            ) : (
              <button type="button" className="ll-breadcrumbs__crumb" data-testid={`crumb-${i + 1}`} onClick={() => exit(i + 1)}>
                {text}
              </button>
            )}
          </span>
        );
      })}
      {last?.ref && <span className="ll-breadcrumbs__note">linked: edits here change every use of “{blockName(doc, last)}”</span>}
      <button type="button" className="ll-breadcrumbs__exit" data-testid="exit-block" onClick={() => exit(path.length - 1)} title="Back out of this block">
        Exit block
      </button>
    </nav>
  );
}
