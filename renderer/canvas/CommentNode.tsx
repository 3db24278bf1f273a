/** A sticky note: double-click to edit its text, drag its corner to resize. Stored in the document. */
import { NodeResizer, type NodeProps } from '@xyflow/react';
import { memo, useEffect, useRef, useState } from 'react';
import { useApp } from '../app/AppContext';
import type { CommentFlowNode } from './flow-types';

export const CommentNode = memo(function CommentNode({ data, selected }: NodeProps<CommentFlowNode>) {
  const { editor } = useApp();
  const { note } = data;
  const [editing, setEditing] = useState(note.text === '');
  const [text, setText] = useState(note.text);
  const area = useRef<HTMLTextAreaElement>(null);

  useEffect(() => setText(note.text), [note.text]);
  useEffect(() => {
    if (editing) area.current?.focus();
  }, [editing]);

  const finish = () => {
    setEditing(false);
    if (text !== note.text) editor.updateComment(note.id, { text });
  };

  return (
    <div className={`ll-note${selected ? ' is-selected' : ''}`} data-testid={`comment-${note.id}`} onDoubleClick={() => setEditing(true)}>
      <NodeResizer
        isVisible={selected}
        minWidth={120}
        minHeight={60}
        onResize={(_, p) =>
          editor.preview({
            type: 'setComment',
            id: note.id,
            comment: { ...note, position: { x: Math.round(p.x), y: Math.round(p.y) }, width: Math.round(p.width), height: Math.round(p.height) },
          })
        }
        onResizeEnd={() => editor.commitPreview()}
      />
      {editing ? (
        <textarea
          ref={area}
          className="ll-note__text nodrag nowheel"
          value={text}
          placeholder="Write a note…"
          aria-label="Comment text"
          onChange={(e) => setText(e.target.value)}
          onBlur={finish}
          onKeyDown={(e) => {
            if (e.key === 'Escape' || (e.key === 'Enter' && (e.ctrlKey || e.metaKey))) {
              e.stopPropagation();
              finish();
            }
          }}
        />
      ) : (
        <div className="ll-note__text">{note.text || <span className="ll-muted">Double-click to write</span>}</div>
      )}
    </div>
  );
});
