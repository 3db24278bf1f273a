/**
 * The training panel: dataset and hyperparameters (stored in the document's training section, each change
 * one undo step), the backend (Auto / GPU / CPU), where a run starts from (the project's kept weights, or a
 * fresh initialisation), Start / Pause / Resume / Stop with progress and ETA, the live plots, the teaching
 * views, and the export of the trained (or kept, e.g. imported) model.
 */
import { memo, useCallback, useMemo, useState } from 'react';
import type { GraphDoc } from '../../graph-core';
import { exportGraph } from '../../exporters/export-graph';
import { getBuiltin } from '../../runtime/data/registry';
import { useApp } from '../app/AppContext';
import { useEditorState } from '../app/useEditorState';
import { useKeptWeights } from '../app/useKeptWeights';
import type { EditorState } from '../store/editor';
import { ActivationView } from '../views/ActivationView';
import { AttentionView } from '../views/AttentionView';
import { BoundaryView } from '../views/BoundaryView';
import { ConfusionView } from '../views/ConfusionView';
import { EmbeddingView } from '../views/EmbeddingView';
import { GanSamples } from '../views/GanSamples';
import { GradNormView } from '../views/GradNormView';
import { HistogramView } from '../views/HistogramView';
import { Playground, type PlaygroundInput } from '../views/Playground';
import { SampleGrid } from '../views/SampleGrid';
import type { DeviceChoice } from './auto-backend';
import type { RunState } from './client';
import { DatasetPicker, importFile, type Imported } from './DatasetPicker';
import { download, fileSafe } from './download';
import { Plot } from './Plot';
import type { PlotData, PlotSeries } from './plot-export';
import type { DataSource } from './protocol';
import { checkSettings, OPTIMIZERS, readSettings, SCHEDULES, writeSettings, type TrainSettings } from './settings';
import { useRunState, useTraining } from './TrainingContext';

const DEVICE_KEY = 'layerloom.trainDevice';
const selectDoc = (s: EditorState) => s.doc;
const selectSelected = (s: EditorState) => [...s.selection.nodes][0] ?? null;
const selectGeneration = (s: EditorState) => s.generation;
const selectRun = (s: RunState) => s;

const COLORS = { train: '#3867d6', epoch: '#2f855a', val: '#e15759', lr: '#b7791f', speed: '#805ad5' };
const OVERLAY = ['#9aa9c9', '#c9b49a', '#a9c99a', '#c99ab9'];

function fmtEta(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '–';
  if (s < 60) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

type Tab = 'plots' | 'confusion' | 'samples' | 'activation' | 'attention' | 'embedding' | 'boundary' | 'weights' | 'gradients' | 'gan' | 'playground';

/** Which views fit the model (and its dataset). */
function viewsFor(doc: GraphDoc, kinds: ReadonlyMap<string, string>): { tabs: Tab[]; attention: string[]; embedding: string[] } {
  const ids = (k: string) => doc.nodes.filter((n) => kinds.get(n.id) === k).map((n) => n.id);
  const classifier = doc.nodes.some((n) => n.kind === 'CrossEntropyLoss');
  const gan = doc.nodes.some((n) => n.kind === 'Discriminator');
  const input = doc.nodes.filter((n) => n.kind === 'Input');
  const twoD = input.length === 1 && JSON.stringify((input[0]!.params as { shape?: unknown }).shape) === '[2]';
  const attention = ids('MultiheadAttention');
  const embedding = ids('Embedding');
  const tabs: Tab[] = ['plots'];
  if (classifier) tabs.push('confusion', 'samples');
  tabs.push('activation');
  if (attention.length) tabs.push('attention');
  if (embedding.length) tabs.push('embedding');
  if (classifier && twoD) tabs.push('boundary');
  tabs.push('weights');
  // A GAN has no per-step norms, but its gradient histograms show both players.
  tabs.push('gradients');
  if (gan) tabs.push('gan');
  if (classifier) tabs.push('playground');
  return { tabs, attention, embedding };
}

const TAB_LABELS: Record<Tab, string> = {
  plots: 'Plots',
  confusion: 'Confusion matrix',
  samples: 'Samples',
  activation: 'Activations',
  attention: 'Attention',
  embedding: 'Embeddings',
  boundary: 'Decision boundary',
  weights: 'Weights',
  gradients: 'Gradients',
  gan: 'GAN samples',
  playground: 'Playground',
};

export const TrainingPanel = memo(function TrainingPanel() {
  const { editor, ui } = useApp();
  const client = useTraining();
  const doc = useEditorState(selectDoc);
  const selected = useEditorState(selectSelected);
  const run = useRunState(selectRun);
  const settings = useMemo(() => readSettings(doc.training), [doc.training]);
  const [device, setDevice] = useState<DeviceChoice>(() => (localStorage.getItem(DEVICE_KEY) as DeviceChoice | null) ?? 'auto');
  const [imported, setImported] = useState<Imported[]>([]);
  const [tab, setTab] = useState<Tab>('plots');
  const [sample, setSample] = useState(0);
  const generation = useEditorState(selectGeneration);
  // The model of this project's last run started here (another project's run does not count).
  const [trained, setTrained] = useState<{ readonly doc: GraphDoc; readonly generation: number } | null>(null);
  const trainedDoc = trained?.generation === generation ? trained.doc : null;
  const kept = useKeptWeights();
  // Start from the kept weights: by default for an imported model (fine-tuning), fresh for a project's own runs.
  const [startChoice, setStartChoice] = useState<{ readonly generation: number; readonly from: 'kept' | 'fresh' } | null>(null);
  const startFrom: 'kept' | 'fresh' = !kept?.fit.ok ? 'fresh' : startChoice?.generation === generation ? startChoice.from : kept.state.source === 'imported' ? 'kept' : 'fresh';
  const active = ['choosing', 'starting', 'running', 'paused', 'stopping'].includes(run.status);
  const problems = checkSettings(settings);

  const kinds = useMemo(() => new Map(doc.nodes.map((n) => [n.id as string, n.kind])), [doc.nodes]);
  const views = useMemo(() => viewsFor(trainedDoc ?? doc, kinds), [trainedDoc, doc, kinds]);
  const current = views.tabs.includes(tab) ? tab : 'plots';

  const set = useCallback(
    (change: Partial<TrainSettings>) => {
      const next = { ...readSettings(editor.getState().doc.training), ...change };
      editor.dispatch({ type: 'setTraining', training: writeSettings(editor.getState().doc.training, next) });
    },
    [editor],
  );
  const num = (field: keyof TrainSettings, int = false) => (e: React.ChangeEvent<HTMLInputElement>) => {
    const v = Number(e.target.value);
    if (e.target.value.trim() !== '' && Number.isFinite(v)) set({ [field]: int ? Math.round(v) : v });
  };

  const start = () => {
    const own = imported.find((d) => d.name === settings.dataset);
    const data: DataSource = own ? { dataset: own.dataset } : { builtin: settings.dataset };
    const { doc: snapshot, generation: at } = editor.getState();
    setTrained({ doc: snapshot, generation: at });
    void client.start(snapshot, settings, data, device, startFrom === 'kept' && kept?.fit.ok ? kept.weights : undefined);
  };

  const exportModel = async () => {
    let weights = trainedDoc ? await client.weights() : null;
    let source = trainedDoc ?? doc;
    if (!weights) {
      // No run of this model here: the project's kept weights (imported, or restored from its weights file).
      if (!kept) {
        ui.toast('Train the model first: there are no trained weights to export.', 'error');
        return;
      }
      if (!kept.fit.ok) {
        ui.toast(kept.fit.message!, 'error');
        return;
      }
      weights = new Map(kept.weights);
      source = editor.getState().doc;
    }
    const r = exportGraph(source, { seed: settings.seed, weights });
    if (!r.ok) {
      ui.toast('The trained model could not be exported: the graph has errors.', 'error');
      return;
    }
    const name = fileSafe(source.name);
    download(`${name}.onnx`, r.onnx);
    download(`${name}.safetensors`, r.safetensors);
  };

  const plots = useMemo(() => {
    const aligned = (values: readonly (number | null)[], length: number) => Array.from({ length }, (_, i) => values[i] ?? null);
    const make = (title: string, pick: (s: NonNullable<ReturnType<typeof client.series>>) => PlotSeries[], overlay?: (s: NonNullable<ReturnType<typeof client.series>>) => readonly (number | null)[]) => (): PlotData => {
      const s = client.series();
      const prev = overlay ? client.previousRuns() : [];
      const n = Math.max(s?.step.length ?? 0, ...prev.map((p) => p.step.length));
      const series = s ? pick(s).map((x) => (x.values.length === n ? x : { ...x, values: aligned(x.values, n) })) : [];
      prev.forEach((p, i) => series.push({ label: `${p.label} ${title.toLowerCase()}`, color: OVERLAY[i % OVERLAY.length]!, values: aligned(overlay!(p), n) }));
      return { title, xLabel: 'step', x: Array.from({ length: n }, (_, i) => i + 1), series };
    };
    const metricPlots = () => {
      const s = client.series();
      return Object.keys(s?.metrics ?? {}).map((k) =>
        make(
          k,
          (r) => [
            { label: `train ${k}`, color: COLORS.train, values: r.metrics[k] ?? [] },
            ...(r.valMetrics[k] ? [{ label: `val ${k}`, color: COLORS.val, values: r.valMetrics[k]! }] : []),
          ],
          (r) => r.metrics[k] ?? [],
        ),
      );
    };
    return {
      loss: make(
        'Loss',
        (r) => [
          { label: 'train loss', color: COLORS.train, values: r.loss },
          { label: 'epoch mean', color: COLORS.epoch, values: r.epochLoss },
          { label: 'val loss', color: COLORS.val, values: r.valLoss },
        ],
        (r) => r.loss,
      ),
      lr: make('Learning rate', (r) => [{ label: 'lr', color: COLORS.lr, values: r.lr }]),
      speed: make('Throughput (samples/s)', (r) => [{ label: 'samples/s', color: COLORS.speed, values: r.throughput }]),
      metricPlots,
    };
  }, [client]);
  const metricKeys = Object.keys(client.series()?.metrics ?? {}).join('|');
  const metricBuilders = useMemo(() => (metricKeys ? plots.metricPlots() : []), [plots, metricKeys]);

  const progress = run.info ? Math.min(1, run.step / Math.max(1, run.info.totalSteps)) : 0;
  const inputNode = doc.nodes.filter((n) => n.kind === 'Input');
  const playgroundInput: PlaygroundInput | null = useMemo(() => {
    if (inputNode.length !== 1) return null;
    const p = inputNode[0]!.params as { shape?: number[]; dtype?: 'float32' | 'int64' };
    const own = imported.find((d) => d.name === settings.dataset);
    const vocab = own?.dataset.info.vocab ?? getBuiltin(settings.dataset)?.info.vocab;
    return p.shape ? { shape: p.shape, dtype: p.dtype ?? 'float32', ...(vocab ? { vocab } : {}) } : null;
  }, [inputNode, imported, settings.dataset]);

  return (
    <section className="ll-train" data-testid="training-panel" data-status={run.status}>
      <div className="ll-train__setup">
        <DatasetPicker
          value={settings.dataset}
          seed={settings.seed}
          options={doc.training?.dataset === settings.dataset ? doc.training?.dataset_options : undefined}
          imported={imported}
          disabled={active}
          onChange={(dataset) => set({ dataset })}
          onImport={(file) =>
            void importFile(file).then(
              (d) => {
                setImported((list) => [...list.filter((x) => x.name !== d.name), d]);
                set({ dataset: d.name });
              },
              (e: unknown) => ui.toast(e instanceof Error ? e.message.split('\n')[0]! : String(e), 'error'),
            )
          }
        />
        <div className="ll-train__grid">
          <label>
            Epochs <input type="number" min={1} value={settings.epochs} onChange={num('epochs', true)} disabled={active} data-testid="train-epochs" />
          </label>
          <label>
            Batch <input type="number" min={1} value={settings.batchSize} onChange={num('batchSize', true)} disabled={active} data-testid="train-batch" />
          </label>
          <label>
            Optimizer
            <select value={settings.optimizer} onChange={(e) => set({ optimizer: e.target.value as TrainSettings['optimizer'] })} disabled={active} data-testid="train-optimizer">
              {OPTIMIZERS.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          </label>
          <label>
            LR <input type="number" step="any" min={0} value={settings.lr} onChange={num('lr')} disabled={active} data-testid="train-lr" />
          </label>
          <label>
            Schedule
            <select value={settings.schedule} onChange={(e) => set({ schedule: e.target.value as TrainSettings['schedule'] })} disabled={active} data-testid="train-schedule">
              {SCHEDULES.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          </label>
          {settings.schedule === 'step' && (
            <>
              <label>
                every <input type="number" min={1} value={settings.stepSize} onChange={num('stepSize', true)} disabled={active} />
              </label>
              <label>
                × <input type="number" step="any" value={settings.gamma} onChange={num('gamma')} disabled={active} />
              </label>
            </>
          )}
          <label>
            Seed <input type="number" min={0} value={settings.seed} onChange={num('seed', true)} disabled={active} data-testid="train-seed" />
          </label>
          <label>
            Val split <input type="number" step="0.05" min={0} max={0.9} value={settings.valSplit} onChange={num('valSplit')} disabled={active} data-testid="train-val" />
          </label>
          {kept && (
            <label title={kept.fit.message ?? 'Fine-tune the kept weights, or train from a fresh initialisation'}>
              Start from
              <select
                value={startFrom}
                disabled={active}
                data-testid="train-start-from"
                onChange={(e) => setStartChoice({ generation, from: e.target.value as 'kept' | 'fresh' })}
              >
                <option value="kept" disabled={!kept.fit.ok}>
                  kept weights
                </option>
                <option value="fresh">fresh initialisation</option>
              </select>
            </label>
          )}
          <label>
            Backend
            <select
              value={device}
              disabled={active}
              data-testid="train-device"
              onChange={(e) => {
                const d = e.target.value as DeviceChoice;
                setDevice(d);
                localStorage.setItem(DEVICE_KEY, d);
              }}
            >
              <option value="auto">Auto</option>
              <option value="gpu">GPU (WebGPU)</option>
              <option value="cpu">{client.cpuLabel}</option>
            </select>
          </label>
        </div>
        {typeof doc.training?.steps === 'number' && (
          <p className="ll-train__note" data-testid="train-steps-note">
            Trains for {doc.training.steps} steps (the project&apos;s &quot;steps&quot;) instead of epochs; setting the epochs here switches to epochs.
          </p>
        )}
        <div className="ll-train__controls">
          {!active && (
            <button type="button" className="is-primary" onClick={start} disabled={problems.length > 0} title={problems.join(' ')} data-testid="train-start">
              ▶ Start
            </button>
          )}
          {run.status === 'running' && (
            <button type="button" onClick={() => client.pause()} data-testid="train-pause">
              ❚❚ Pause
            </button>
          )}
          {run.status === 'paused' && (
            <button type="button" onClick={() => client.resume()} data-testid="train-resume">
              ▶ Resume
            </button>
          )}
          {active && (
            <button type="button" onClick={() => client.stop()} disabled={run.status === 'stopping'} data-testid="train-stop">
              ■ Stop
            </button>
          )}
          <button
            type="button"
            onClick={() => void exportModel()}
            disabled={active || (!run.info && !kept)}
            data-testid="train-export"
            title="Export the trained model (or the project's kept weights) as ONNX and its weights as safetensors"
          >
            Export trained…
          </button>
        </div>
        {problems.length > 0 && !active && <p className="ll-muted">{problems[0]}</p>}
        {kept && !active && (
          <p className={kept.fit.ok ? 'll-muted' : 'll-view__error'} data-testid="train-kept">
            {kept.text}
          </p>
        )}
        <div className="ll-progress" data-testid="train-progress" data-step={run.step} data-total={run.info?.totalSteps ?? 0}>
          <div className="ll-progress__bar" style={{ width: `${(progress * 100).toFixed(1)}%` }} />
        </div>
        <p className="ll-train__status" data-testid="train-status">
          {run.status === 'choosing' && 'Auto: timing the backends…'}
          {run.info && (
            <>
              Epoch {run.epoch} · step {run.step}/{run.info.totalSteps} · loss {run.loss?.toFixed(4) ?? '–'} · {Math.round(run.samplesPerSec).toLocaleString()} samples/s · ETA {fmtEta(run.etaSec)}
            </>
          )}
        </p>
        {run.backend && (
          <p className="ll-muted" data-testid="train-backend">
            {run.backend.label}: {run.backend.why}
          </p>
        )}
        {run.message && (
          <p className={run.status === 'error' || run.status === 'diverged' ? 'll-view__error' : 'll-muted'} data-testid="train-message">
            {run.message}
          </p>
        )}
      </div>
      <div className="ll-train__views">
        <nav className="ll-tabs">
          {views.tabs.map((t) => (
            <button key={t} type="button" className={t === current ? 'is-active' : ''} onClick={() => setTab(t)} data-testid={`train-tab-${t}`}>
              {TAB_LABELS[t]}
            </button>
          ))}
          {['activation', 'attention', 'playground'].includes(current) && current !== 'playground' && (
            <label className="ll-tabs__sample">
              sample <input type="number" min={0} value={sample} onChange={(e) => setSample(Math.max(0, Math.floor(Number(e.target.value) || 0)))} data-testid="view-sample" />
            </label>
          )}
        </nav>
        <div className="ll-train__body">
          {!run.info && current !== 'plots' ? (
            <p className="ll-muted">Start a run: the views show the model being trained.</p>
          ) : (
            <>
              {current === 'plots' && (
                <div className="ll-plots">
                  <Plot id="loss" build={plots.loss} version={run.version} logToggle />
                  {metricBuilders.map((b, i) => (
                    <Plot key={i} id={`metric-${i}`} build={b} version={run.version} />
                  ))}
                  <Plot id="lr" build={plots.lr} version={run.version} logToggle />
                  <Plot id="speed" build={plots.speed} version={run.version} />
                </div>
              )}
              {current === 'confusion' && <ConfusionView />}
              {current === 'samples' && <SampleGrid />}
              {current === 'activation' && <ActivationView node={selected && (trainedDoc ?? doc).nodes.some((n) => n.id === selected) ? selected : null} sample={sample} />}
              {current === 'attention' && views.attention.map((n) => <AttentionView key={n} node={n} sample={sample} />)}
              {current === 'embedding' && views.embedding.map((n) => <EmbeddingView key={n} node={n} />)}
              {current === 'boundary' && <BoundaryView />}
              {current === 'weights' && <HistogramView />}
              {current === 'gradients' && <GradNormView />}
              {current === 'gan' && <GanSamples />}
              {current === 'playground' && <Playground input={playgroundInput} attention={views.attention} />}
            </>
          )}
        </div>
      </div>
    </section>
  );
});
