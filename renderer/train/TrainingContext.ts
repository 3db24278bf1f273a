/** The training client, provided by the training dock to the panel, the plots and the views. */
import { createContext, useCallback, useContext, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { TrainingClient, RunState } from './client';
import type { ViewRequest, ViewResult } from './protocol';

export const TrainingContext = createContext<TrainingClient | null>(null);

export function useTraining(): TrainingClient {
  const c = useContext(TrainingContext);
  if (!c) throw new Error('useTraining must be used inside <TrainingContext.Provider>');
  return c;
}

/** Subscribes to one slice of the run state. */
export function useRunState<T>(select: (s: RunState) => T): T {
  const client = useTraining();
  const snapshot = useCallback(() => select(client.state.getState()), [client, select]);
  return useSyncExternalStore(client.state.subscribe, snapshot);
}

const selectStatus = (s: RunState) => s.status;

/**
 * Asks the worker for a view and keeps the latest answer. `request` null asks nothing. While a run is going
 * the view is asked again every `liveMs` (0: only when the request changes or `refresh` is called); one
 * request is in flight at a time, so a slow view never piles up work in the worker.
 */
export function useView<K extends ViewResult['kind']>(request: (ViewRequest & { kind: K }) | null, liveMs = 0): {
  result: Extract<ViewResult, { kind: K }> | null;
  error: string | null;
  refresh: () => void;
} {
  const client = useTraining();
  const status = useRunState(selectStatus);
  const [result, setResult] = useState<Extract<ViewResult, { kind: K }> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const busy = useRef(false);
  const key = request ? JSON.stringify(request, (_, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v)) : '';
  const refresh = useCallback(() => setTick((t) => t + 1), []);
  const live = liveMs > 0 && status === 'running';

  // A request made while one is in flight is remembered and sent when that one returns.
  const again = useRef(false);
  useEffect(() => {
    if (!request) return;
    if (busy.current) {
      again.current = true;
      return;
    }
    busy.current = true;
    client
      .view(request)
      .then((r) => {
        setResult(r as Extract<ViewResult, { kind: K }>);
        setError(null);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => {
        busy.current = false;
        if (again.current) {
          again.current = false;
          setTick((t) => t + 1);
        }
      });
    // `key` stands for the request's contents; `status` re-asks when a run starts, pauses or ends.
  }, [client, key, tick, status]);

  useEffect(() => {
    if (!live) return;
    const t = setInterval(() => setTick((x) => x + 1), liveMs);
    return () => clearInterval(t);
  }, [live, liveMs]);

  return { result, error, refresh };
}
