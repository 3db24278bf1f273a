/**
 * Errors for bad data: a wrong file, a broken row, an unreadable image. The message is one line for a
 * person, naming the file and the line, row or entry; callers print it as is, never with a stack trace.
 */

export class DataError extends Error {
  override readonly name = 'DataError';
}

/** Where in a file a problem is: a line, a row, an entry (zip member, image file) or nothing more. */
export type DataLocation = { readonly line: number } | { readonly row: number } | { readonly entry: string };

/** Formats "data.csv, line 7: expected 5 fields, found 4" (or "…, row 3: …", "…, entry a.npy: …", "data.csv: …"). */
export function dataMessage(file: string, where: DataLocation | undefined, problem: string): string {
  if (!where) return `${file}: ${problem}`;
  if ('line' in where) return `${file}, line ${where.line}: ${problem}`;
  if ('row' in where) return `${file}, row ${where.row}: ${problem}`;
  return `${file}, entry ${where.entry}: ${problem}`;
}

/** Builds a DataError with a message from {@link dataMessage}. */
export function dataError(file: string, where: DataLocation | undefined, problem: string): DataError {
  return new DataError(dataMessage(file, where, problem));
}
