/**
 * A minimal external store: state, immer updates and subscribers. React reads it through
 * useSyncExternalStore with selectors; plain code (and the Node unit tests) use it directly.
 */
import { enableMapSet, produce, type Draft } from 'immer';

// Selections are Sets; immer needs its Map/Set support to draft or freeze them.
enableMapSet();

export interface Store<S> {
  getState(): S;
  /** Replaces the state and notifies subscribers (no-op when `next` is the current state). */
  setState(next: S): void;
  /** Updates the state with an immer recipe. */
  update(recipe: (draft: Draft<S>) => void): void;
  subscribe(listener: () => void): () => void;
}

export function createStore<S>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<() => void>();
  const setState = (next: S) => {
    if (Object.is(next, state)) return;
    state = next;
    for (const l of [...listeners]) l();
  };
  return {
    getState: () => state,
    setState,
    update: (recipe) => setState(produce(state, recipe)),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
