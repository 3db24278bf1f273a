/** The views a template can ask presenter mode to open, and the training panel's tabs that show them. */
import type { TemplateMeta } from '../../templates';

export type TemplateView = TemplateMeta['view'];

/** The training panel's tabs that show each view, best first. */
export const TABS_FOR_VIEW: Readonly<Record<TemplateView, readonly string[]>> = {
  loss: ['plots'],
  'decision-regions': ['boundary', 'plots'],
  confusion: ['confusion', 'plots'],
  attention: ['attention', 'plots'],
  embeddings: ['embedding', 'plots'],
  samples: ['gan', 'samples', 'plots'],
  'feature-maps': ['activation', 'plots'],
  gates: ['activation', 'plots'],
};
