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
import { createTrainingClient, type WorkerPort } from './client';
import { TrainingContext } from './TrainingContext';
import { TrainingPanel } from './TrainingPanel';
import './train.css';

const selectShow = (s: UiState) => s.prefs.showTraining;

export const STOP_QUESTION = 'A training run is in progress. Stop it to change the model?\n\nOK stops the run and keeps your edit; Cancel undoes the edit and training continues.';

export function TrainingDock() {
  const { editor } = useApp();
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

  return <TrainingContext.Provider value={client}>{show && <TrainingPanel />}</TrainingContext.Provider>;
}
