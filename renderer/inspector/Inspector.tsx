/**
 * The inspector: for one selected layer, its name, parameters (forms generated from the param specs),
 * ports with their live shapes, problems with fixes, and the layer's documentation and formula. With
 * nothing selected it shows the model: its name and every problem in it.
 */
import { memo, useCallback, useEffect, useState } from 'react';
import { getLayer, type Diagnostic, type GraphNode } from '../../graph-core';
import { levelDoc, portDefOf } from '../blocks/level';
import { useApp } from '../app/AppContext';
import { formatCount } from '../app/format';
import { useAnalysis } from '../app/useAnalysis';
import { useEditorState } from '../app/useEditorState';
import type { Analysis, NodeView } from '../store/analysis';
import { CATEGORY_TITLES } from '../store/catalogue';
import type { EditorState } from '../store/editor';
import { ParamField } from './ParamField';

const selectSelection = (s: EditorState) => s.selection;
const selectNodes = (s: EditorState) => levelDoc(s.doc, s.blockPath).nodes;

export interface InspectorProps {
  /** Selects a node and brings it into view. */
  readonly reveal: (id: string) => void;
}

export const Inspector = memo(function Inspector({ reveal }: InspectorProps) {
  const selection = useEditorState(selectSelection);
  const nodes = useEditorState(selectNodes);
  const count = selection.nodes.size + selection.edges.size + selection.comments.size;
  const node = selection.nodes.size === 1 ? nodes.find((n) => selection.nodes.has(n.id)) : undefined;

  return (
    <aside className="ll-inspector" aria-label="Inspector" data-testid="inspector">
      {node ? (
        <NodeInspector node={node} />
      ) : count > 0 ? (
        <MultiInspector count={count} />
      ) : (
        <ModelInspector reveal={reveal} />
      )}
    </aside>
  );
});

const EMPTY_VIEW: NodeView = { paramCount: null, inputs: {}, outputs: {}, diagnostics: [], portErrors: {} };

const NodeInspector = memo(function NodeInspector({ node }: { node: GraphNode }) {
  const { editor } = useApp();
  const def = getLayer(node.kind) ?? portDefOf(editor.view(), node);
  const view = useAnalysis(useCallback((a: Analysis) => a.nodes.get(node.id) ?? EMPTY_VIEW, [node.id]));
  const [label, setLabel] = useState(node.label ?? '');
  useEffect(() => setLabel(node.label ?? ''), [node.label, node.id]);

  const commitLabel = () => {
    const next = label.trim();
    if (next !== (node.label ?? '')) editor.dispatch({ type: 'setLabel', id: node.id, label: next === '' ? undefined : next });
  };

  return (
    <div className="ll-inspector__body">
      <label className="ll-inspector__label">
        <span className="ll-muted">Name</span>
        <input
          id="ll-node-label"
          type="text"
          value={label}
          placeholder={node.id}
          onChange={(e) => setLabel(e.target.value)}
          onBlur={commitLabel}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commitLabel();
            if (e.key === 'Escape') {
              e.preventDefault();
              setLabel(node.label ?? '');
            }
          }}
          data-testid="inspector-label"
        />
      </label>
      <h2 className="ll-inspector__kind">
        {node.kind} <span className="ll-muted">{def ? CATEGORY_TITLES[def.category] : 'unknown layer'}</span>
      </h2>
      <p className="ll-muted">
        id <code>{node.id}</code>
        {view.paramCount !== null && <> · {formatCount(view.paramCount)} parameters</>}
      </p>

      <Problems diagnostics={view.diagnostics} />

      {def && Object.keys(def.params).length > 0 && (
        <section>
          <h3>Parameters</h3>
          {Object.entries(def.params).map(([name, spec]) => (
            <ParamField key={name} nodeId={node.id} name={name} spec={spec} raw={node.params[name]} />
          ))}
        </section>
      )}

      {def && (
        <section>
          <h3>Ports</h3>
          <table className="ll-ports">
            <tbody>
              {Object.entries(def.inputs).map(([name, spec]) => (
                <tr key={`in-${name}`} className={view.portErrors[name] ? 'has-error' : undefined}>
                  <td>in</td>
                  <td>
                    <code>{name}</code>
                  </td>
                  <td>{view.inputs[name] ?? <span className="ll-muted">{spec.layout ?? spec.doc}</span>}</td>
                </tr>
              ))}
              {Object.entries(def.outputs).map(([name, spec]) => (
                <tr key={`out-${name}`}>
                  <td>out</td>
                  <td>
                    <code>{name}</code>
                  </td>
                  <td>{view.outputs[name] ?? <span className="ll-muted">{spec.doc}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      {def && (
        <section className="ll-doc" data-testid="layer-doc">
          <h3>About {node.kind}</h3>
          <p>{def.doc.summary}</p>
          {def.doc.formula && <pre className="ll-formula" data-testid="layer-formula">{def.doc.formula}</pre>}
          <dl>
            {def.doc.torch && (
              <>
                <dt>PyTorch</dt>
                <dd>
                  <code>{def.doc.torch}</code>
                </dd>
              </>
            )}
            {def.doc.onnx && (
              <>
                <dt>ONNX</dt>
                <dd>{def.doc.onnx}</dd>
              </>
            )}
            {def.doc.lecture && (
              <>
                <dt>Lecture</dt>
                <dd>{def.doc.lecture}</dd>
              </>
            )}
          </dl>
        </section>
      )}
    </div>
  );
});

function Problems({ diagnostics, reveal }: { diagnostics: readonly Diagnostic[]; reveal?: (id: string) => void }) {
  const { editor } = useApp();
  if (diagnostics.length === 0) return null;
  return (
    <section>
      <h3>Problems</h3>
      <ul className="ll-problems" data-testid="problems">
        {diagnostics.map((d, i) => (
          <li key={`${d.code}-${d.node ?? ''}-${i}`} className={`is-${d.severity}`}>
            {reveal && d.node !== undefined ? (
              <button type="button" className="ll-link" onClick={() => reveal(d.node!)}>
                {d.node}
              </button>
            ) : null}{' '}
            {d.message}
            {d.fix && (
              <button type="button" className="ll-fix" onClick={() => editor.applyFix(d.fix!)} data-testid="inspector-fix">
                {d.fix.title}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function MultiInspector({ count }: { count: number }) {
  const { editor } = useApp();
  return (
    <div className="ll-inspector__body">
      <h2>{count} items selected</h2>
      <div className="ll-row">
        <button type="button" onClick={() => editor.duplicateSelection()}>
          Duplicate
        </button>
        <button type="button" onClick={() => editor.deleteSelection()}>
          Delete
        </button>
      </div>
    </div>
  );
}

const ModelInspector = memo(function ModelInspector({ reveal }: InspectorProps) {
  const { editor } = useApp();
  const name = useEditorState(useCallback((s: EditorState) => s.doc.name, []));
  const analysis = useAnalysis();
  const [text, setText] = useState(name);
  useEffect(() => setText(name), [name]);
  const commit = () => {
    const next = text.trim();
    if (next !== '' && next !== name) editor.dispatch({ type: 'rename', name: next });
    else setText(name);
  };
  return (
    <div className="ll-inspector__body">
      <label className="ll-inspector__label">
        <span className="ll-muted">Model</span>
        <input
          type="text"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => e.key === 'Enter' && commit()}
          data-testid="model-name"
        />
      </label>
      <p className="ll-muted">
        {formatCount(analysis.summary.total_params)} parameters · {analysis.errorCount} errors · {analysis.warningCount} warnings
      </p>
      <Problems diagnostics={analysis.shaped.diagnostics} reveal={reveal} />
      <p className="ll-muted">Select a layer to edit it. Drag layers in from the palette, or press Ctrl+K.</p>
    </div>
  );
});
