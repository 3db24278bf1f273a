/**
 * Gradient histograms per weight tensor, beside the gradient-norm plot: the distribution of ∂L/∂W over one
 * fixed training batch with the model's current weights. The training step keeps its gradients inside
 * onnxruntime; these come from a separate forward and backward pass on the CPU (the step without its update),
 * run only while this view is open (every 1.5 s while training, once when paused or after the run).
 */
import { useState } from 'react';
import type { GradHistogramsResult, GradTensor } from '../train/protocol';
import { useView } from '../train/TrainingContext';

const W = 5;
const H = 40;

/** Bars of one histogram (log₁₀(1 + count) when `log`), with the position of zero marked. */
function Hist({ t, log }: { t: GradTensor; log: boolean }) {
  const scale = (c: number) => (log ? Math.log10(1 + c) : c);
  const max = Math.max(1e-9, ...Array.from(t.counts, scale));
  const lo = t.edges[0]!;
  const hi = t.edges[t.edges.length - 1]!;
  const width = t.counts.length * W;
  const zero = lo < 0 && hi > 0 ? ((0 - lo) / (hi - lo)) * width : null;
  return (
    <svg width={width} height={H} data-testid="grad-hist-bars">
      {Array.from(t.counts, (c, i) => {
        const h = (scale(c) / max) * H;
        return <rect key={i} x={i * W} width={W - 1} y={H - h} height={h} fill="#e15759" />;
      })}
      {zero !== null && <line x1={zero} x2={zero} y1={0} y2={H} stroke="#555" strokeDasharray="2,2" />}
    </svg>
  );
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(3) : String(v));

function Table({ r, log }: { r: GradHistogramsResult; log: boolean }) {
  const several = r.objectives.length > 1;
  const largest = Math.max(...r.layers.map((l) => l.norm).filter(Number.isFinite), 0);
  return (
    <table className="ll-hist">
      <thead>
        <tr>
          {several && <th>objective</th>}
          <th>tensor</th>
          <th>∂L/∂W values</th>
          <th>range</th>
          <th>‖∂L/∂W‖₂</th>
          <th>layer ‖∂L/∂W‖₂</th>
        </tr>
      </thead>
      <tbody>
        {r.layers.flatMap((l) =>
          l.tensors.map((t, k) => {
            const decades = l.norm > 0 && largest > 0 ? Math.log10(l.norm / largest) : -Infinity;
            return (
              <tr
                key={`${l.objective}/${t.name}`}
                data-testid="grad-hist-row"
                data-tensor={t.name}
                data-count={t.counts.reduce((a, c) => a + c, 0)}
                className={t.nonFinite > 0 || decades < -3 ? 'll-view__error' : ''}
              >
                {several && <td className="ll-muted">{k === 0 ? l.objective : ''}</td>}
                <td>{t.name}</td>
                <td>
                  <Hist t={t} log={log} />
                </td>
                <td className="ll-muted">
                  {fmt(t.min)} … {fmt(t.max)}
                  {t.nonFinite > 0 ? ` (${t.nonFinite} NaN/∞)` : ''}
                </td>
                <td>{t.norm.toPrecision(4)}</td>
                <td>{k === 0 ? `${l.norm.toPrecision(4)}${Number.isFinite(decades) && decades < -0.05 ? ` (${decades.toFixed(1)} decades)` : ''}` : ''}</td>
              </tr>
            );
          }),
        )}
      </tbody>
    </table>
  );
}

export function GradHistogramView() {
  const { result: r, error } = useView({ kind: 'gradHistograms', bins: 30 }, 1500);
  const [log, setLog] = useState(false);
  if (error) return <p className="ll-view__error" data-testid="view-grad-histograms-error">{error}</p>;
  if (!r) return <p className="ll-muted">Computing gradient histograms…</p>;
  return (
    <div className="ll-view" data-testid="view-grad-histograms" data-step={r.step} data-tensors={r.layers.reduce((a, l) => a + l.tensors.length, 0)}>
      <p className="ll-muted">
        Gradient of {r.objectives.map((o) => `the ${o.name} (${fmt(o.loss)})`).join(' and ')} for each weight, on the first {r.batch} training samples with the
        weights of step {r.step}, before clipping. Vanishing gradients: a layer's histogram squeezed into a spike at 0 (dashed line), its norm
        decades below the others'. Exploding: ranges and norms growing from one refresh to the next, or NaN/∞ values.
      </p>
      <label className="ll-muted">
        <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} data-testid="grad-hist-log" /> log counts
      </label>
      <Table r={r} log={log} />
    </div>
  );
}
