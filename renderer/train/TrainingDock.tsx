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
import { inferShapes } from '../../graph-core';
import { getBuiltin } from '../../runtime/data/registry';
import { createTrainingClient, type RunStatus, type WorkerPort } from './client';
import { decodeKeptWeights, encodeKeptWeights } from './kept-weights';
import { readSettings } from './settings';
import { TrainingContext } from './TrainingContext';
import { TrainingPanel } from './TrainingPanel';
import './train.css';

const selectShow = (s: UiState) => s.prefs.showTraining;

export const STOP_QUESTION = 'A training run is in progress. Stop it to change the model?\n\nOK stops the run and keeps your edit; Cancel undoes the edit and training continues.';

export function TrainingDock() {
  const { editor, host, ui } = useApp();
  const show = useUiState(selectShow);
  const client = useMemo(
    () =>
      createTrainingClient(
        () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'layerloom-training' }) as unknown as WorkerPort,
        new URL('./', document.baseURI).href,
      ),
    [],
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

  // The project keeps its last trained weights: written when a run ends, loaded when the project opens.
  useEffect(() => {
    let status: RunStatus = client.state.getState().status;
    const save = async () => {
      const location = editor.getState().file.location;
      const weights = location !== undefined ? await client.weights() : null;
      if (location === undefined || !weights) return;
      let shaped: ReturnType<typeof inferShapes> | null = null;
      try {
        shaped = inferShapes(editor.getState().doc);
      } catch {
        shaped = null;
      }
      const shapeOf = (name: string) => {
        const dot = name.indexOf('.');
        return shaped?.info.get(name.slice(0, dot))?.weights[name.slice(dot + 1)]?.shape as readonly number[] | undefined;
      };
      await host.writeWeights(location, encodeKeptWeights(weights, shapeOf));
    };
    const unsubscribe = client.state.subscribe(() => {
      const before = status;
      status = client.state.getState().status;
      const ran = before === 'running' || before === 'paused' || before === 'stopping';
      if (ran && (status === 'finished' || status === 'stopped'))
        save().catch((e: unknown) => ui.toast(`The trained weights could not be kept with the project: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, 'error'));
    });
    let generation = -1;
    const restore = async () => {
      const state = editor.getState();
      if (state.generation === generation) return;
      generation = state.generation;
      const location = state.file.location;
      if (location === undefined || client.isActive()) return;
      const bytes = await host.readWeights(location);
      if (!bytes || generation !== editor.getState().generation) return;
      const settings = readSettings(state.doc.training);
      // Views need the model's data; without a built-in dataset the weights wait for the next run.
      if (!getBuiltin(settings.dataset)) return;
      client.restore(state.doc, settings, { builtin: settings.dataset }, decodeKeptWeights(bytes, `${state.file.name} weights`));
    };
    const tryRestore = () => void restore().catch((e: unknown) => ui.toast(e instanceof Error ? e.message.split('\n')[0]! : String(e), 'error'));
    tryRestore();
    const unsubscribeEditor = editor.subscribe(tryRestore);
    return () => {
      unsubscribe();
      unsubscribeEditor();
    };
  }, [editor, client, host, ui]);

  return <TrainingContext.Provider value={client}>{show && <TrainingPanel />}</TrainingContext.Provider>;
}
