/**
 * The lecture template gallery: every template's graph, notes, thumbnail and metadata, validated.
 *
 * The files of templates/<id>/ (graph.json, notes.md, template.json, thumbnail.svg) are bundled into
 * catalog.generated.ts by `npm run templates:build`, so this module works the same in the browser, in Electron,
 * in the CLI (tsx) and in tests, with no file system access. A test fails when the bundle is stale.
 */
import { z } from 'zod';
import { hasErrors, loadDocument, type GraphDoc } from '../graph-core';
import { CATALOG } from './catalog.generated';

/** Lecture topics, in gallery order, with their display names. */
export const TOPICS = {
  mlp: 'Perceptrons and MLPs',
  optimisation: 'Optimisation and regularisation',
  cnn: 'Convolutional networks',
  rnn: 'Recurrent networks',
  embeddings: 'Word embeddings',
  attention: 'Attention and Transformers',
  generative: 'Generative models',
  robustness: 'Robustness and domain adaptation',
} as const;
export type Topic = keyof typeof TOPICS;

const metricCheck = z
  .object({
    /** A key of the last epoch's metrics as `layerloom train --json` prints them, e.g. "val_loss.accuracy". */
    metric: z.string().min(1),
    op: z.enum(['>', '<']),
    value: z.number(),
  })
  .strict();

const datasetSchema = z
  .object({
    /** A built-in dataset (runtime/data registry). */
    name: z.string().min(1),
    /** Generator options; `size` is the number of samples. */
    options: z.record(z.string(), z.unknown()).default({}),
    seed: z.number().int().min(0),
  })
  .strict();

export const templateMetaSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'ids are lower-case words joined by hyphens'),
    /** The number in the lecture gallery plan, e.g. "G1". */
    number: z.string().regex(/^G\d+$/),
    title: z.string().min(1),
    topic: z.enum(Object.keys(TOPICS) as [Topic, ...Topic[]]),
    /** One or two sentences for the gallery card. */
    summary: z.string().min(1),
    /** Where the lectures teach it, e.g. "003 §2 (spam example)". */
    lectures: z.array(z.string().min(1)).min(1),
    dataset: datasetSchema,
    expected: metricCheck.extend({
      /** The check in words, for the card and `layerloom templates`, e.g. "validation accuracy > 95%". */
      summary: z.string().min(1),
      /** What to look at while it trains. */
      look: z.string().min(1),
      /** The reference measurement behind the threshold. */
      verified: z.string().min(1),
    }),
    /** Experiments for the student, each with what should happen. */
    try: z.array(z.object({ prompt: z.string().min(1), expected: z.string().min(1) }).strict()).min(1),
    /** A shorter run that still proves learning: overrides of the graph's training section and its own check. */
    quick: z
      .object({
        training: z.record(z.string(), z.unknown()),
        expected: metricCheck,
      })
      .strict(),
    /** The view presenter mode opens: loss curves, decision regions, attention weights, samples… */
    view: z.enum(['loss', 'decision-regions', 'confusion', 'attention', 'embeddings', 'samples', 'feature-maps', 'gates']),
  })
  .strict();

export type TemplateMeta = z.infer<typeof templateMetaSchema>;
export type MetricCheck = z.infer<typeof metricCheck>;

export interface Template {
  readonly meta: TemplateMeta;
  /** A fresh copy each call: editing it does not change the template. */
  readonly graph: GraphDoc;
  /** Markdown with KaTeX formulas ($…$ inline, $$…$$ display). */
  readonly notes: string;
  /** An SVG miniature of the graph. */
  readonly thumbnail: string;
}

export interface TemplateSummary {
  readonly id: string;
  readonly number: string;
  readonly title: string;
  readonly topic: Topic;
  readonly topicTitle: string;
  readonly summary: string;
  /** The expected result in words. */
  readonly expected: string;
  readonly thumbnail: string;
}

/** Why a template is broken (a bug in the product, caught by the tests). */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** Checks one bundled template: its metadata, its graph (no errors), and that the two agree on the data. */
export function checkTemplate(id: string, raw: { meta: unknown; graph: unknown; notes: string; thumbnail: string }): Template {
  const m = templateMetaSchema.safeParse(raw.meta);
  if (!m.success) {
    const issue = m.error.issues[0]!;
    throw new TemplateError(`template ${id}: template.json ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  const meta = m.data;
  if (meta.id !== id) throw new TemplateError(`template ${id}: template.json has id "${meta.id}", not the folder's name`);
  const { doc, diagnostics } = loadDocument(raw.graph);
  if (!doc || hasErrors(diagnostics)) throw new TemplateError(`template ${id}: graph.json: ${diagnostics.find((d) => d.severity === 'error')?.message ?? 'not a graph'}`);
  const t = (doc.training ?? {}) as Record<string, unknown>;
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
  if (t.dataset !== meta.dataset.name || t.seed !== meta.dataset.seed || !same(t.dataset_options, meta.dataset.options))
    throw new TemplateError(`template ${id}: the graph's training section and template.json name different data (dataset, dataset_options and seed must agree)`);
  if (!raw.notes.trim()) throw new TemplateError(`template ${id}: notes.md is empty`);
  return { meta, graph: doc, notes: raw.notes, thumbnail: raw.thumbnail };
}

let checked: Map<string, Template> | undefined;
function all(): Map<string, Template> {
  checked ??= new Map(Object.entries(CATALOG).map(([id, raw]) => [id, checkTemplate(id, raw)]));
  return checked;
}

/** Every template, in gallery order (by number). */
export function listTemplates(): TemplateSummary[] {
  return [...all().values()]
    .sort((a, b) => Number(a.meta.number.slice(1)) - Number(b.meta.number.slice(1)))
    .map(({ meta, thumbnail }) => ({
      id: meta.id,
      number: meta.number,
      title: meta.title,
      topic: meta.topic,
      topicTitle: TOPICS[meta.topic],
      summary: meta.summary,
      expected: meta.expected.summary,
      thumbnail,
    }));
}

/** One template by id, with a fresh copy of its graph; undefined when there is none. */
export function loadTemplate(id: string): Template | undefined {
  const t = all().get(id);
  return t && { ...t, graph: JSON.parse(JSON.stringify(t.graph)) as GraphDoc };
}

export const templateIds = (): string[] => listTemplates().map((t) => t.id);

/** Whether a run's final metrics pass a check; `undefined` when the metric was not reported. */
export function passes(check: MetricCheck, metrics: Readonly<Record<string, number>>): boolean | undefined {
  const v = metrics[check.metric];
  if (v === undefined || !Number.isFinite(v)) return undefined;
  return check.op === '>' ? v > check.value : v < check.value;
}
