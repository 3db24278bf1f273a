/**
 * The training dock under the canvas: owns the training client (and so the worker) for the app's
 * lifetime, shows the training panel when it is open, and guards the model during a run: an edit that
 * changes the graph while training asks whether to stop the run first, and is undone otherwise.
 */
import { useEffect, useMemo } from 'react';
import { useApp } from '../app/AppContext';
import { useUiState } from '../app/useUiState';
import type { UiState } from '../app/ui-store';
import { sameStructure } from '../store/analysis';
import { hasErrors, type GraphDoc } from '../../graph-core';
import { getBuiltin } from '../../runtime/data/registry';
import { createTrainingClient, type RunStatus, type WorkerPort } from './client';
import { openNativeChannel } from './native-channel';
import { encodeKeptWeights, keptFor, loadProjectWeights, weightShape, weightsFit } from './kept-weights';
import { readSettings } from './settings';
import { TrainingContext } from './TrainingContext';
import { TrainingPanel } from './TrainingPanel';
import './train.css';

const selectShow = (s: UiState) => s.prefs.showTraining;

export const STOP_QUESTION = 'A training run is in progress. Stop it to change the model?\n\nOK stops the run and keeps your edit; Cancel undoes the edit and training continues.';

export function TrainingDock() {
  const { editor, host, ui, kept } = useApp();
  const show = useUiState(selectShow);
  const client = useMemo(
    () =>
      createTrainingClient(
        () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'layerloom-training' }) as unknown as WorkerPort,
        new URL('./', document.baseURI).href,
        // The desktop app trains on the CPU with native onnxruntime in its own process.
        host.nativeTraining ? () => openNativeChannel(host.nativeTraining!, window) : undefined,
      ),
    [host],
  );
  useEffect(() => () => client.dispose(), [client]);

  // Editing the graph during a run: ask first (the edit is already on screen; Cancel takes it back).
  useEffect(() => {
    let last = editor.getState();
    let reverting = false;
    return editor.subscribe(() => {
      const now = editor.getState();
      const before = last;
      last = now;
      if (reverting) return;
      if (now.generation !== before.generation) {
        // Another project was opened: its runs are not this one's.
        client.resetRuns();
        return;
      }
      if (!client.isActive() || sameStructure(before.doc, now.doc)) return;
      if (window.confirm(STOP_QUESTION)) {
        client.stop();
        return;
      }
      // Taking the edit back is itself a change of the graph: not one to ask about.
      reverting = true;
      try {
        if (now.history.pending !== null) editor.cancelPreview();
        else editor.undo();
      } finally {
        reverting = false;
        last = editor.getState();
      }
    });
  }, [editor, client]);

  // The project's kept weights (kept-weights.ts): a finished or stopped run's weights become them (written
  // beside a saved project at once, else at its first save); opening a saved project loads its weights file;
  // and whenever they fit the model and a built-in dataset is chosen, the worker takes them as the trained
  // weights, so that the views and the playground use them. Weights that no longer fit are never applied.
  useEffect(() => {
    let status: RunStatus = client.state.getState().status;
    /** The weights the worker holds as trained weights, and the model and dataset it holds them for. */
    let inWorker: { weights: ReadonlyMap<string, Float32Array>; doc: GraphDoc; dataset: string } | null = null;
    const keepRun = async () => {
      const { generation, file, doc } = editor.getState();
      const weights = await client.weights();
      if (!weights || generation !== editor.getState().generation) return;
      inWorker = { weights, doc, dataset: readSettings(doc.training).dataset };
      kept.setState({ generation, weights, source: 'trained' });
      const location = file.location;
      if (location === undefined) return;
      const shaped = editor.analysis().shaped;
      await host.writeWeights(location, encodeKeptWeights(weights, (name) => weightShape(shaped, name)));
      if (kept.getState().weights === weights) kept.setState({ ...kept.getState(), savedAt: location });
    };
    const unsubscribeRun = client.state.subscribe(() => {
      const before = status;
      status = client.state.getState().status;
      const ran = before === 'running' || before === 'paused' || before === 'stopping';
      if (ran && (status === 'finished' || status === 'stopped'))
        keepRun().catch((e: unknown) => ui.toast(`The trained weights could not be kept with the project: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, 'error'));
    });
    let loaded = -1;
    const load = async () => {
      const { generation, file } = editor.getState();
      if (generation === loaded) return;
      loaded = generation;
      inWorker = null;
      await loadProjectWeights(kept, (location) => host.readWeights(location), { generation, file }, () => editor.getState().generation);
    };
    const sync = () => {
      const { generation, doc } = editor.getState();
      const k = keptFor(kept, generation);
      if (!k?.weights || client.isActive()) return;
      const settings = readSettings(doc.training);
      if (inWorker && inWorker.weights === k.weights && inWorker.dataset === settings.dataset && sameStructure(inWorker.doc, doc)) return;
      // Views need the model's data; without a built-in dataset the weights wait for Export and the next run.
      if (!getBuiltin(settings.dataset)) return;
      const shaped = editor.analysis().shaped;
      if (hasErrors(shaped.diagnostics) || !weightsFit(shaped, k.weights).ok) return;
      inWorker = { weights: k.weights, doc, dataset: settings.dataset };
      client.restore(doc, settings, { builtin: settings.dataset }, new Map(k.weights), k.source === 'imported');
    };
    const onChange = () => {
      load().then(sync, (e: unknown) => ui.toast(e instanceof Error ? e.message.split('\n')[0]! : String(e), 'error'));
    };
    onChange();
    const unsubscribeEditor = editor.subscribe(onChange);
    const unsubscribeKept = kept.subscribe(sync);
    return () => {
      unsubscribeRun();
      unsubscribeEditor();
      unsubscribeKept();
    };
  }, [editor, client, host, ui, kept]);

  return <TrainingContext.Provider value={client}>{show && <TrainingPanel />}</TrainingContext.Provider>;
}
