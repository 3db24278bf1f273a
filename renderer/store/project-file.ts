/**
 * Project files: the graph document (with its training settings and comments) as readable, diff-friendly
 * JSON. Each node, edge and comment sits on one line, so a change to one layer is a one-line diff.
 */
import { GRAPH_FORMAT, GRAPH_VERSION, parseDocument, type Diagnostic } from '../../graph-core';
import { readComments, withComments, type EditorDoc } from './editor-doc';

export type ProjectParse =
  | { readonly ok: true; readonly doc: EditorDoc; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Reads a project file. Never throws: a broken file yields graph-core's diagnostics. */
export function parseProject(text: string): ProjectParse {
  const r = parseDocument(text);
  if (!r.doc) return { ok: false, diagnostics: r.diagnostics };
  // graph-core keeps unknown top-level fields, so the comments arrive as raw JSON.
  const { comments, dropped } = readComments(Reflect.get(r.doc, 'comments'));
  const one = dropped === 1;
  const warnings = dropped > 0 ? [`${dropped} comment${one ? '' : 's'} could not be read and ${one ? 'was' : 'were'} left out.`] : [];
  return { ok: true, doc: withComments(r.doc, comments), warnings };
}

/** A new, empty project. */
export function emptyProject(name = 'Untitled'): EditorDoc {
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, name, nodes: [], edges: [] };
}

const TOP_ORDER = ['format', 'version', 'name', 'template', 'nodes', 'edges', 'comments', 'training'];
const ONE_PER_LINE = new Set(['nodes', 'edges', 'comments']);

/** The file text for `doc`: stable key order, one node/edge/comment per line, trailing newline. */
export function serializeProject(doc: EditorDoc): string {
  const record = doc as unknown as Readonly<Record<string, unknown>>;
  const keys = [...TOP_ORDER.filter((k) => k in record), ...Object.keys(record).filter((k) => !TOP_ORDER.includes(k))];
  const lines = keys
    .filter((k) => record[k] !== undefined)
    .map((k) => {
      const value = record[k];
      if (ONE_PER_LINE.has(k) && Array.isArray(value)) {
        if (value.length === 0) return `  ${JSON.stringify(k)}: []`;
        return `  ${JSON.stringify(k)}: [\n${value.map((v) => `    ${inline(v)}`).join(',\n')}\n  ]`;
      }
      return `  ${JSON.stringify(k)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}`;
    });
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** JSON on one line with a space after each colon and comma: `{ "id": "c1", "position": { "x": 0, "y": 100 } }`. */
function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A file name for a model name: `LeNet-5` → `LeNet-5.json`. */
export function projectFileName(name: string): string {
  const base = name.trim().replace(/[\\/:*?"<>|]+/g, '-') || 'Untitled';
  return base.toLowerCase().endsWith('.json') ? base : `${base}.json`;
}
