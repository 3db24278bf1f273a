/** The open project's kept weights as the status bar and the training panel show them, checked against the model. */
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import type { Analysis } from '../store/analysis';
import type { EditorState } from '../store/editor';
import { keptStatus, weightsFit, type KeptWeightsState, type WeightsFit } from '../train/kept-weights';
import { useAnalysis } from './useAnalysis';
import { useApp } from './AppContext';
import { useEditorState } from './useEditorState';

export interface KeptNow {
  readonly state: KeptWeightsState;
  readonly weights: ReadonlyMap<string, Float32Array>;
  /** Whether they fit the model as it is now, and which tensors do not. */
  readonly fit: WeightsFit;
  /** The status line: "Imported weights kept (…)", or which tensors no longer fit. */
  readonly text: string;
}

const selectGeneration = (s: EditorState) => s.generation;

/** The open project's kept weights checked against the current model; null when it keeps none. */
export function useKeptWeights(): KeptNow | null {
  const { kept } = useApp();
  const state = useSyncExternalStore(kept.subscribe, kept.getState);
  const generation = useEditorState(selectGeneration);
  const shaped = useAnalysis(useCallback((a: Analysis) => a.shaped, []));
  return useMemo(() => {
    if (state.generation !== generation || !state.weights) return null;
    return { state, weights: state.weights, fit: weightsFit(shaped, state.weights, state.source === 'imported' ? 'The imported weights' : 'The kept weights'), text: keptStatus(state, shaped).text };
  }, [state, generation, shaped]);
}
