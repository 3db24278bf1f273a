/** The editor, the view state, the host and the open project's kept weights, provided once at the root and read by every panel. */
import { createContext, useContext } from 'react';
import type { Host } from '../host/host';
import type { Editor } from '../store/editor';
import type { KeptWeights } from '../train/kept-weights';
import type { Ui } from './ui-store';

export interface AppServices {
  readonly editor: Editor;
  readonly ui: Ui;
  readonly host: Host;
  /** The weights kept with the open project (imported with an ONNX model, or from its last run). */
  readonly kept: KeptWeights;
}

export const AppContext = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp must be used inside <AppContext.Provider>');
  return services;
}
