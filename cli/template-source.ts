/**
 * What `layerloom train` and `layerloom new` accept besides a graph file: a template id (`spam-mlp`) or a
 * template folder (`templates/spam-mlp`, or a copy of one), whose graph.json and template.json are read.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphDoc } from '../graph-core';
import { loadTemplate, templateIds, templateMetaSchema, type MetricCheck, type TemplateMeta } from '../templates';
import { describeReadError, UserError, type CliIO } from './io';
import { loadGraphFile } from './load-graph';

export interface GraphSource {
  readonly doc: GraphDoc;
  /** The template the graph comes from, if any. */
  readonly template?: TemplateMeta;
}

/** A graph file, a template folder or a template id. */
export async function openGraphOrTemplate(io: CliIO, spec: string): Promise<GraphSource> {
  if (existsSync(spec) && statSync(spec).isDirectory()) {
    const graphPath = join(spec, 'graph.json');
    if (!existsSync(graphPath)) throw new UserError(`${spec} is a folder without a graph.json; give a graph file or a template folder`);
    const doc = await loadGraphFile(io, graphPath);
    const metaPath = join(spec, 'template.json');
    if (!existsSync(metaPath)) return { doc };
    let raw: unknown;
    try {
      raw = JSON.parse(await io.readText(metaPath));
    } catch (e) {
      throw new UserError(e instanceof SyntaxError ? `cannot read ${metaPath}: it is not valid JSON` : describeReadError(metaPath, e));
    }
    const m = templateMetaSchema.safeParse(raw);
    if (!m.success) {
      const issue = m.error.issues[0]!;
      throw new UserError(`cannot read ${metaPath}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
    }
    return { doc, template: m.data };
  }
  if (!existsSync(spec) && /^[a-z0-9-]+$/.test(spec)) {
    const t = loadTemplate(spec);
    if (t) return { doc: t.graph, template: t.meta };
    if (!spec.endsWith('json')) throw new UserError(`"${spec}" is neither a file nor a template (templates: ${templateIds().join(', ')})`);
  }
  return { doc: await loadGraphFile(io, spec) };
}

/** "validation accuracy 0.9900 > 0.95: reached" for a check against the final metrics. */
export function describeCheck(check: MetricCheck, value: number | undefined): string {
  if (value === undefined) return `${check.metric} was not reported, so the expected ${check.metric} ${check.op} ${check.value} cannot be checked`;
  const ok = check.op === '>' ? value > check.value : value < check.value;
  return `${check.metric} ${value.toFixed(4)} ${ok ? check.op : check.op === '>' ? '≤' : '≥'} ${check.value}: ${ok ? 'expected result reached' : 'expected result NOT reached'}`;
}
