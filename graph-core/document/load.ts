/**
 * Loading a document: JSON text → structural check (zod, errors name the JSON path) → document
 * migrations → per-layer parameter migrations. Never throws on user input.
 */
import { parse as parseJson, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { AnyLayerDef } from '../define-layer';
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
  if (text.trim() === '') return bad('(root)', 'the file is empty');
  const errors: ParseError[] = [];
  const json: unknown = parseJson(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0) {
    const { error, offset } = errors[0]!;
    const upto = text.slice(0, offset);
    const line = upto.split('\n').length;
    const column = offset - upto.lastIndexOf('\n');
    return bad(`line ${line}, column ${column}`, `the JSON is malformed (${describeJsonError(error)})`);
  }
  return loadDocument(json);
}

function describeJsonError(code: number): string {
  const name = printParseErrorCode(code as Parameters<typeof printParseErrorCode>[0]);
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
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
export function migrateLayers(doc: GraphDoc, lookup: (kind: string) => AnyLayerDef | undefined = getLayer): GraphDoc {
  let changed = false;
  const nodes = doc.nodes.map((n): GraphNode => {
    const def = lookup(n.kind);
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
