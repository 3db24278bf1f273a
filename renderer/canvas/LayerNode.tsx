/**
 * The one node component for every layer kind. Ports, titles and docs come from the layer definition;
 * shapes, the parameter badge and diagnostics come from the analysis. No layer has UI code of its own.
 */
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, useCallback, useEffect, useState, type CSSProperties } from 'react';
import { blockRepeat, getLayer, type AnyLayerDef, type InputPortSpec } from '../../graph-core';
import { portDefOf } from '../blocks/level';
import { useApp } from '../app/AppContext';
import { formatCompact, formatCount, formatValue } from '../app/format';
import { useAnalysis } from '../app/useAnalysis';
import type { Analysis, NodeView } from '../store/analysis';
import type { LayerFlowNode } from './flow-types';
import { useDetailed } from './useDetailed';
import { useLiteNodes } from './lite-nodes';

const EMPTY: NodeView = { paramCount: null, inputs: {}, outputs: {}, diagnostics: [], portErrors: {} };

interface Port {
  readonly name: string;
  readonly doc: string;
  readonly dtype: string;
  readonly optional: boolean;
}

/** Where a port's handle sits along the node's edge, in percent. */
const spread = (i: number, n: number): CSSProperties => ({ left: `${((i + 1) / (n + 1)) * 100}%` });

function portsOf(def: AnyLayerDef | undefined): { inputs: Port[]; outputs: Port[] } {
  // An unknown kind still gets the conventional ports, so that its edges stay visible.
  if (!def) {
    return {
      inputs: [{ name: 'in', doc: '', dtype: 'any', optional: false }],
      outputs: [{ name: 'out', doc: '', dtype: 'out', optional: false }],
    };
  }
  const input = ([name, spec]: [string, InputPortSpec]): Port => ({
    name,
    doc: [spec.layout ?? spec.doc, spec.optional ? '(optional)' : ''].filter(Boolean).join(' '),
    dtype: spec.dtype ?? 'float32',
    optional: spec.optional ?? false,
  });
  return {
    inputs: Object.entries(def.inputs).map(input),
    // Outputs declare no dtype: it follows from the inputs and shows in the analysis.
    outputs: Object.entries(def.outputs).map(([name, spec]) => ({ name, doc: spec.doc, dtype: 'out', optional: false })),
  };
}

/**
 * A layer. Mounted while a wheel gesture moves the view, it first draws a light body (lite-nodes.ts) and
 * becomes the full layer once the wheel rests.
 */
export const LayerNode = memo(function LayerNode(props: NodeProps<LayerFlowNode>) {
  const lite = useLiteNodes();
  const [light, setLight] = useState(lite.moving);
  const { id, height } = props;
  // A light body mounted before React Flow ever measured the layer (height 0) has no handles on record.
  const [remeasure] = useState(!height);
  useEffect(() => (light ? lite.upgrade(id, () => setLight(false), remeasure) : undefined), [light, lite, id, remeasure]);
  return light ? <LightLayer {...props} /> : <FullLayer {...props} />;
});

/** A box of the layer's last measured size in its category colour: no handles, text or analysis. */
function LightLayer({ id, data, selected, height }: NodeProps<LayerFlowNode>) {
  const { node } = data;
  const category = node.kind === 'Block' ? null : (getLayer(node.kind)?.category ?? 'unknown');
  const style: CSSProperties = {
    height: height || LIGHT_HEIGHT,
    borderTopColor: category === null ? 'var(--accent)' : `var(--cat-${category}, var(--cat-shaping))`,
  };
  return (
    <div
      className={`ll-node is-light${selected ? ' is-selected' : ''}`}
      data-testid={`node-${id}`}
      data-kind={node.kind}
      data-category={category ?? 'unknown'}
      style={style}
    />
  );
}

/** The height of a compact layer, for a light body of a layer never measured. */
const LIGHT_HEIGHT = 48;

function FullLayer({ id, data, selected }: NodeProps<LayerFlowNode>) {
  const { editor } = useApp();
  const detailed = useDetailed();
  // Zoomed out, a node shows only its name, badge and error state, so it subscribes to just those.
  const view = useAnalysis(useCallback((a: Analysis) => (detailed ? (a.nodes.get(id) ?? EMPTY) : EMPTY), [id, detailed]));
  const paramCount = useAnalysis(useCallback((a: Analysis) => a.nodes.get(id)?.paramCount ?? null, [id]));
  const hasError = useAnalysis(useCallback((a: Analysis) => a.nodes.get(id)?.diagnostics.some((d) => d.severity === 'error') ?? false, [id]));
  const { node } = data;
  // A block's ports come from its body (renderer/blocks/level.ts).
  const def = getLayer(node.kind) ?? portDefOf(editor.view(), node);
  const { inputs, outputs } = portsOf(def);
  const repeat = node.kind === 'Block' ? blockRepeat(node) : 1;
  const errors = view.diagnostics.filter((d) => d.severity === 'error');
  const warnings = view.diagnostics.filter((d) => d.severity !== 'error');
  const setParams = Object.entries(node.params);
  const showInNames = detailed && inputs.length > 1;
  const showOutNames = detailed && outputs.length > 1;
  const outputText = outputs
    .filter((p) => view.outputs[p.name] !== undefined)
    .map((p) => (outputs.length > 1 ? `${p.name} ${view.outputs[p.name]}` : view.outputs[p.name]))
    .join('  ·  ');

  return (
    <div
      className={`ll-node${selected ? ' is-selected' : ''}${hasError ? ' has-error' : ''}${detailed ? '' : ' is-compact'}`}
      data-testid={`node-${id}`}
      data-kind={node.kind}
      data-category={def?.category ?? 'unknown'}
    >
      {inputs.map((p, i) => (
        <Handle
          key={p.name}
          id={p.name}
          type="target"
          position={Position.Top}
          style={spread(i, inputs.length)}
          className={`ll-handle ll-handle--${p.dtype}${p.optional ? ' is-optional' : ''}${view.portErrors[p.name] ? ' has-error' : ''}`}
          data-testid={`handle-${id}-in-${p.name}`}
          title={[`${p.name}: ${p.doc}`, view.inputs[p.name], view.portErrors[p.name]].filter(Boolean).join('\n')}
        />
      ))}
      {showInNames && (
        <div className="ll-node__portnames ll-node__portnames--in">
          {inputs.map((p, i) => (
            <span key={p.name} style={spread(i, inputs.length)} className={view.portErrors[p.name] ? 'has-error' : undefined}>
              {p.name}
            </span>
          ))}
        </div>
      )}

      <div className="ll-node__header">
        <span className="ll-node__title" title={node.label ? `${node.label} (${id})` : id}>
          {node.label ?? id}
        </span>
        {paramCount !== null && paramCount > 0 && (
          <span className="ll-node__badge" data-testid={`param-badge-${id}`} title={`${formatCount(paramCount)} trainable parameters`}>
            {formatCompact(paramCount)}
          </span>
        )}
        {repeat > 1 && (
          <span className="ll-node__badge ll-node__repeat" data-testid={`repeat-badge-${id}`} title={`${repeat} copies in sequence`}>
            ×{repeat}
          </span>
        )}
      </div>
      <div className="ll-node__kind" title={def?.doc.summary}>
        {node.kind}
      </div>
      {detailed && (
        <>
          {setParams.length > 0 && (
            <div className="ll-node__params">
              {setParams.map(([k, v]) => (
                <span key={k}>
                  {k} <b>{formatValue(v)}</b>
                </span>
              ))}
            </div>
          )}
          {errors.map((d, i) => (
            <div
              key={`${d.code}-${i}`}
              className={`ll-node__problem${d.code === 'UNCONNECTED_INPUT' ? ' is-hint' : ''}`}
              data-testid={`node-error-${id}`}
              data-code={d.code}
            >
              <span>{d.message}</span>
              {d.fix && (
                <button type="button" className="ll-fix nodrag" data-testid={`fix-${id}`} onClick={() => editor.applyFix(d.fix!)}>
                  {d.fix.title}
                </button>
              )}
            </div>
          ))}
          {warnings.map((d, i) => (
            <div key={`${d.code}-w${i}`} className="ll-node__problem is-warning" data-testid={`node-warning-${id}`} data-code={d.code}>
              {d.message}
            </div>
          ))}
          {outputText !== '' && (
            <div className="ll-node__out" data-testid={`node-out-${id}`}>
              {outputText}
            </div>
          )}
        </>
      )}

      {showOutNames && (
        <div className="ll-node__portnames ll-node__portnames--out">
          {outputs.map((p, i) => (
            <span key={p.name} style={spread(i, outputs.length)}>
              {p.name}
            </span>
          ))}
        </div>
      )}
      {outputs.map((p, i) => (
        <Handle
          key={p.name}
          id={p.name}
          type="source"
          position={Position.Bottom}
          style={spread(i, outputs.length)}
          className={`ll-handle ll-handle--${p.dtype}`}
          data-testid={`handle-${id}-out-${p.name}`}
          title={[`${p.name}: ${p.doc}`, view.outputs[p.name]].filter(Boolean).join('\n')}
        />
      ))}
    </div>
  );
}
