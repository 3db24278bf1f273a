/** The CLI's view of the outside world, so commands can be run in-process by tests. */
import { readFile } from 'node:fs/promises';

export interface CliIO {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly readText: (path: string) => Promise<string>;
  readonly isTTY: boolean;
}

export const processIO: CliIO = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  readText: (p) => readFile(p, 'utf8'),
  isTTY: Boolean(process.stdout.isTTY),
};

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, diagnostics: 1, badInput: 2, internal: 3 } as const;

/** Thrown by commands for a problem with what the user gave us; printed as one line. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.badInput,
  ) {
    super(message);
  }
}

/** Explains a failed read in words, without a stack trace. */
export function describeReadError(path: string, e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return `cannot read ${path}: no such file`;
  if (code === 'EISDIR') return `cannot read ${path}: it is a folder, not a file`;
  if (code === 'EACCES') return `cannot read ${path}: permission denied`;
  return `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`;
}
