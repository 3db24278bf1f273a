/**
 * Gradient norm per layer over the steps of the run (log scale by default): vanishing gradients show as a
 * layer whose line sinks decades below the others, exploding ones as a line climbing away. The table gives
 * each layer's latest norm and its distance from the largest, in decades.
 *
 * The norms come with every step (one scalar per layer; the step keeps its gradients inside onnxruntime, on the
 * GPU with WebGPU). Below them, the gradient histograms (GradHistogramView) are computed on demand, only
 * while this tab is open, by a separate forward and backward pass on the CPU.
 */
import { useMemo } from 'react';
import { gradNormPlot, gradNormSummary } from '../train/grad-plot';
import { Plot } from '../train/Plot';
import { useRunState, useTraining } from '../train/TrainingContext';
import type { RunState } from '../train/client';
import { GradHistogramView } from './GradHistogramView';

const selectVersion = (s: RunState) => s.version;

export function GradNormView() {
  const client = useTraining();
  const version = useRunState(selectVersion);
  const build = useMemo(() => () => gradNormPlot(client.series()), [client]);
  const summary = gradNormSummary(client.series());
  if (!summary.length)
    return (
      <>
        <p className="ll-muted" data-testid="view-gradients-empty">
          The run reports gradient norms from its first step on (GAN runs report none; their histograms below show each player&apos;s gradients).
        </p>
        <GradHistogramView />
      </>
    );
  return (
    <div className="ll-view" data-testid="view-gradients" data-layers={summary.length}>
      <Plot id="gradnorm" build={build} version={version} height={220} logToggle defaultLog />
      <table className="ll-hist">
        <thead>
          <tr>
            <th>layer</th>
            <th>latest ‖∂L/∂W‖₂</th>
            <th>vs. largest</th>
          </tr>
        </thead>
        <tbody>
          {summary.map((r) => (
            <tr key={r.node} className={r.decadesBelowMax < -3 ? 'll-view__error' : ''}>
              <td>{r.node}</td>
              <td>{r.last.toPrecision(4)}</td>
              <td>{Number.isFinite(r.decadesBelowMax) ? `${r.decadesBelowMax.toFixed(1)} decades` : 'zero'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <GradHistogramView />
    </div>
  );
}
