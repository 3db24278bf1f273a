/**
 * Document-format migrations. Each entry lifts a raw JSON document from version `to − 1` to `to`.
 * Layer-parameter migrations live in each layer file and run after these (see load.ts).
 */
export interface DocumentMigration {
  readonly to: number;
  readonly describe: string;
  readonly up: (doc: Record<string, unknown>) => Record<string, unknown>;
}

/**
 * Version 2 added blocks: Block nodes with a nested `body` or a `ref` to a definition in the new top-level
 * `blocks`. A version-1 document has neither, and its nodes and edges mean exactly what they meant, so the
 * migration only states that. A version-1 node that happened to be called `Block`, `BlockInput` or
 * `BlockOutput` was an unknown kind then; it is left as it is and reported by validation now.
 */
export const documentMigrations: readonly DocumentMigration[] = [
  { to: 2, describe: 'blocks: nested graphs, repeat and the blocks section (nothing to change in version 1)', up: (doc) => ({ ...doc }) },
];

/** Applies every migration above `from`, in order. Never mutates its input. */
export function migrateDocument(
  raw: Record<string, unknown>,
  from: number,
  migrations: readonly DocumentMigration[] = documentMigrations,
): Record<string, unknown> {
  let doc = raw;
  for (const m of [...migrations].sort((a, b) => a.to - b.to)) if (m.to > from) doc = { ...m.up(doc), version: m.to };
  return doc;
}
