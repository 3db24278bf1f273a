/**
 * Document-format migrations. Each entry lifts a raw JSON document from version `to − 1` to `to`.
 * Layer-parameter migrations live in each layer file and run after these (see load.ts).
 */
export interface DocumentMigration {
  readonly to: number;
  readonly describe: string;
  readonly up: (doc: Record<string, unknown>) => Record<string, unknown>;
}

/** Version 1 is the first released format, so nothing needs lifting yet. */
export const documentMigrations: readonly DocumentMigration[] = [];

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
