/**
 * Loading a document: JSON text → structural check (zod, errors name the JSON path) → document
 * migrations → per-layer parameter migrations. Never throws on user input.
 */
import { diag, type Diagnostic } from '../diagnostics';
import { getLayer } from '../layers';
import { documentMigrations, migrateDocument, type DocumentMigration } from './migrations';
import { documentSchema, formatPath } from './schema';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDoc, type GraphNode } from './types';

export interface LoadResult {
  /** The document, migrated to the current version; null when it could not be read at all. */
  readonly doc: GraphDoc | null;
  readonly diagnostics: readonly Diagnostic[];
}

const bad = (path: string, problem: string): LoadResult => ({
  doc: null,
  diagnostics: [diag('BAD_DOCUMENT', { path, problem }, { path })],
});

/** Parses JSON text. A syntax error is reported with its line and column. */
export function parseDocument(text: string): LoadResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /position (\d+)/.exec(msg);
    if (pos) {
      const upto = text.slice(0, Number(pos[1]));
      const line = upto.split('\n').length;
      const col = Number(pos[1]) - upto.lastIndexOf('\n');
      return bad(`line ${line}, column ${col}`, 'the JSON is malformed');
    }
    return bad('(root)', text.trim() === '' ? 'the file is empty' : 'the JSON is malformed');
  }
  return loadDocument(json);
}

export function loadDocument(json: unknown, migrations: readonly DocumentMigration[] = documentMigrations): LoadResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return bad('(root)', 'expected a JSON object');
  const raw = json as Record<string, unknown>;
  if (raw.format !== GRAPH_FORMAT) return bad('format', `expected "${GRAPH_FORMAT}"`);
  const version = raw.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return bad('version', 'expected a positive whole number');
  if (version > GRAPH_VERSION)
    return { doc: null, diagnostics: [diag('UNSUPPORTED_VERSION', { version, newest: GRAPH_VERSION }, { path: 'version' })] };

  const migrated = migrateDocument(raw, version, migrations);
  const parsed = documentSchema.safeParse(migrated);
  if (!parsed.success) {
    return {
      doc: null,
      diagnostics: parsed.error.issues.slice(0, 20).map((issue) => {
        const path = formatPath(issue.path);
        return diag('BAD_DOCUMENT', { path, problem: issue.message.replace(/^Invalid input: /, '').replace(/^./, (c) => c.toLowerCase()) }, { path });
      }),
    };
  }
  const doc = { ...parsed.data, version: GRAPH_VERSION } as GraphDoc;
  return { doc: migrateLayers(doc), diagnostics: [] };
}

/** Runs each layer kind's own parameter migrations for nodes saved with an older `v`. */
export function migrateLayers(doc: GraphDoc): GraphDoc {
  let changed = false;
  const nodes = doc.nodes.map((n): GraphNode => {
    const def = getLayer(n.kind);
    const target = def?.version ?? 1;
    const from = n.v ?? 1;
    if (!def || from >= target) return n;
    let params: Record<string, unknown> = { ...n.params };
    for (const m of [...(def.migrations ?? [])].sort((a, b) => a.to - b.to)) if (m.to > from && m.to <= target) params = m.up(params);
    changed = true;
    const { v: _old, ...rest } = n;
    return { ...rest, params: params as GraphNode['params'], ...(target > 1 ? { v: target } : {}) };
  });
  return changed ? { ...doc, nodes } : doc;
}
