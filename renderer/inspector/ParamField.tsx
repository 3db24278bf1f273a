/**
 * One parameter's form field, generated from its spec: a number box (plus a slider when the range is
 * bounded), a checkbox, a choice list, or a list of integers. Values are checked with graph-core's
 * checkParam; a value that fails is shown with its message and not applied.
 */
import { memo, useEffect, useState } from 'react';
import { checkParam, describeParamRange, describeParamType, type ParamSpec, type RawParamValue } from '../../graph-core';
import { useApp } from '../app/AppContext';
import { formatValue } from '../app/format';

export interface ParamFieldProps {
  readonly nodeId: string;
  readonly name: string;
  readonly spec: ParamSpec;
  /** The value in the document; undefined when the default applies. */
  readonly raw: RawParamValue | undefined;
}

/** A number when the text is one, else the text itself (so that checkParam explains what is wrong). */
function parseNumber(text: string): number | string {
  const t = text.trim();
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? Number(t) : t;
}

function parseList(text: string): (number | string)[] {
  return text
    .replace(/[[\]()]/g, ' ')
    .split(/[\s,×x]+/)
    .filter((t) => t !== '')
    .map(parseNumber);
}

/** Text typed into a field → the document value to check (unparseable input is passed on for its message). */
export function parseParamText(spec: ParamSpec, text: string): unknown {
  const blank = text.trim() === '';
  switch (spec.type) {
    case 'int':
      return blank && spec.nullable ? null : parseNumber(text);
    case 'float':
      return parseNumber(text);
    case 'ints':
      return parseList(text);
    case 'pair': {
      if (blank && spec.nullable) return null;
      const list = parseList(text);
      return list.length === 1 ? list[0] : list;
    }
    case 'bool':
      return text === 'true';
    case 'enum':
    case 'text':
      return text;
  }
}

function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export const ParamField = memo(function ParamField({ nodeId, name, spec, raw }: ParamFieldProps) {
  const { editor } = useApp();
  const current = raw === undefined ? spec.default : raw;
  const currentText = toText(current);
  const [text, setText] = useState(currentText);
  const [error, setError] = useState<string | null>(null);
  // Bumped by every commit: the field then shows the document's value, also when the edit did not stay
  // (taken back at once, e.g. by the training guard), where the value before and after are the same.
  const [committed, setCommitted] = useState(0);
  useEffect(() => {
    setText(currentText);
    setError(null);
  }, [currentText, nodeId, committed]);

  const stored = checkParam(spec, current);
  const shownError = error ?? (stored.ok ? null : stored.message);
  const inputId = `param-${nodeId}-${name}`;

  const commit = (value: unknown) => {
    const r = checkParam(spec, value);
    if (!r.ok) {
      setError(r.message);
      return;
    }
    setError(null);
    if (!same(value, current)) editor.dispatch({ type: 'setParam', id: nodeId, name, value: value as RawParamValue });
    setCommitted((n) => n + 1);
  };
  const reset = () => editor.dispatch({ type: 'setParam', id: nodeId, name, value: undefined });

  const range = describeParamRange(spec);
  const bounded = (spec.type === 'int' || spec.type === 'float') && spec.min !== undefined && spec.max !== undefined ? spec : null;

  let control;
  if (spec.type === 'bool') {
    control = (
      <input id={inputId} type="checkbox" checked={current === true} onChange={(e) => commit(e.target.checked)} data-testid={`param-${name}`} />
    );
  } else if (spec.type === 'enum') {
    control = (
      <select id={inputId} value={String(current)} onChange={(e) => commit(e.target.value)} data-testid={`param-${name}`}>
        {spec.choices.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </select>
    );
  } else {
    control = (
      <input
        id={inputId}
        type="text"
        inputMode={spec.type === 'float' ? 'decimal' : spec.type === 'text' ? 'text' : 'numeric'}
        value={text}
        placeholder={'nullable' in spec && spec.nullable ? 'auto' : undefined}
        aria-invalid={shownError !== null}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => commit(parseParamText(spec, text))}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit(parseParamText(spec, text));
          // Undo/redo in a field with nothing typed is the document's (the field then shows its value);
          // with typed text it is the browser's, on that text.
          const mod = e.ctrlKey || e.metaKey;
          const key = e.key.toLowerCase();
          if (mod && !e.altKey && text === currentText && (key === 'z' || key === 'y')) {
            e.preventDefault();
            if (key === 'y' || e.shiftKey) editor.redo();
            else editor.undo();
          }
          if (e.key === 'Escape') {
            // Reverts the field only; the selection stays.
            e.preventDefault();
            setText(currentText);
            setError(null);
          }
        }}
        data-testid={`param-${name}`}
      />
    );
  }

  return (
    <div className={`ll-field${shownError ? ' has-error' : ''}`}>
      <div className="ll-field__head">
        <label htmlFor={inputId} title={spec.doc}>
          {name}
        </label>
        <span className="ll-muted" title={`default ${formatValue(spec.default)}`}>
          {describeParamType(spec).replace(/\\\|/g, '|')}
          {range ? ` · ${range}` : ''}
        </span>
        {raw !== undefined && (
          <button
            type="button"
            className="ll-link"
            onClick={reset}
            title={`Reset to the default, ${formatValue(spec.default)}`}
            data-testid={`param-reset-${name}`}
          >
            reset
          </button>
        )}
      </div>
      <div className="ll-field__control">
        {control}
        {bounded && typeof current === 'number' && (
          <input
            type="range"
            aria-label={`${name} slider`}
            min={bounded.min}
            max={bounded.max}
            step={bounded.type === 'int' ? 1 : (bounded.max! - bounded.min!) / 100}
            value={current}
            onChange={(e) => editor.preview({ type: 'setParam', id: nodeId, name, value: Number(e.target.value) })}
            onPointerUp={() => editor.commitPreview()}
            onKeyUp={() => editor.commitPreview()}
            onBlur={() => editor.commitPreview()}
            data-testid={`param-slider-${name}`}
          />
        )}
      </div>
      {shownError && (
        <div className="ll-field__error" role="alert" data-testid={`param-error-${name}`}>
          {name} {shownError}
        </div>
      )}
      <div className="ll-field__doc">{spec.doc}</div>
    </div>
  );
});
