/**
 * Presenter mode's one-click "train now": opens the training panel (through the toolbar's Train action, as
 * a person would), opens the tab that shows the template's view, and presses Start. The training panel
 * keeps its tab and its run to itself, so they are reached through its controls.
 */
import { TABS_FOR_VIEW, type TemplateView } from './views';

const PANEL = '[data-testid="training-panel"]';

function waitFor<T>(find: () => T | null, ms: number): Promise<T | null> {
  return new Promise((resolve) => {
    const until = performance.now() + ms;
    const poll = () => {
      const found = find();
      if (found || performance.now() > until) resolve(found);
      else requestAnimationFrame(poll);
    };
    poll();
  });
}

/** Starts training the open model with the view open; resolves to null, or why it could not start (one line). */
export async function trainNow(view: TemplateView, root: ParentNode = document): Promise<string | null> {
  let panel = root.querySelector<HTMLElement>(PANEL);
  if (!panel) {
    const open = root.querySelector<HTMLButtonElement>('[data-testid="tb-toggleTraining"]');
    if (!open) return 'This build has no training panel.';
    open.click();
    panel = await waitFor(() => root.querySelector<HTMLElement>(PANEL), 3000);
    if (!panel) return 'The training panel did not open.';
  }
  const tab = TABS_FOR_VIEW[view].map((t) => panel.querySelector<HTMLButtonElement>(`[data-testid="train-tab-${t}"]`)).find((b) => b);
  const start = panel.querySelector<HTMLButtonElement>('[data-testid="train-start"]');
  if (!start) return 'A run is already in progress: stop it first.';
  if (start.disabled) return start.title || 'The training settings have a problem.';
  tab?.click();
  start.click();
  return null;
}
