/**
 * The layer catalogue as the palette and the command palette see it: grouped by category and searchable.
 * Everything comes from graph-core's layer definitions; no layer is listed by hand.
 */
import { allLayers, type AnyLayerDef, type LayerCategory } from '../../graph-core';

export const CATEGORY_TITLES: Readonly<Record<LayerCategory, string>> = {
  io: 'Inputs',
  dense: 'Dense',
  convolution: 'Convolution',
  pooling: 'Pooling',
  activation: 'Activations',
  normalization: 'Normalisation and regularisation',
  shaping: 'Shaping and arithmetic',
  sequence: 'Sequence',
  attention: 'Attention',
  transformer: 'Transformer',
  vision: 'Vision',
  generative: 'Generative',
  loss: 'Losses',
};

export interface PaletteGroup {
  readonly category: LayerCategory;
  readonly title: string;
  readonly layers: readonly AnyLayerDef[];
}

/** How well `query` matches a layer; higher is better, null for no match. Case-insensitive. */
export function matchScore(query: string, layer: AnyLayerDef): number | null {
  const q = query.trim().toLowerCase();
  if (q === '') return 0;
  const kind = layer.kind.toLowerCase();
  if (kind === q) return 100;
  if (kind.startsWith(q)) return 80 - kind.length / 100;
  if (kind.includes(q)) return 60 - kind.indexOf(q);
  if (isSubsequence(q, kind)) return 40;
  const text = [layer.doc.summary, layer.doc.torch ?? '', layer.doc.lecture ?? '', CATEGORY_TITLES[layer.category]].join(' ').toLowerCase();
  if (q.split(/\s+/).every((word) => text.includes(word))) return 20;
  return null;
}

function isSubsequence(q: string, s: string): boolean {
  let i = 0;
  for (const ch of s) if (ch === q[i]) i++;
  return i === q.length;
}

/** Layers matching `query`, best first (catalogue order among equals). */
export function searchLayers(query: string, limit = Infinity): AnyLayerDef[] {
  return allLayers
    .map((layer, order) => ({ layer, order, score: matchScore(query, layer) }))
    .filter((r): r is { layer: AnyLayerDef; order: number; score: number } => r.score !== null)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, limit)
    .map((r) => r.layer);
}

/** The palette: categories in a fixed teaching order, layers alphabetical, filtered by `query`. */
export function paletteGroups(query = ''): PaletteGroup[] {
  const groups: PaletteGroup[] = [];
  for (const [category, title] of Object.entries(CATEGORY_TITLES) as [LayerCategory, string][]) {
    const layers = allLayers
      .filter((l) => l.category === category && matchScore(query, l) !== null)
      .sort((a, b) => a.kind.localeCompare(b.kind));
    if (layers.length > 0) groups.push({ category, title, layers });
  }
  return groups;
}
