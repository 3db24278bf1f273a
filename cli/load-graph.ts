/** Reads and loads a graph document for a command, turning every failure into a one-line UserError. */
import { parseDocument, type GraphDoc } from '../graph-core';
import { describeReadError, UserError, type CliIO } from './io';

export async function loadGraphFile(io: CliIO, path: string): Promise<GraphDoc> {
  let text: string;
  try {
    text = await io.readText(path);
  } catch (e) {
    throw new UserError(describeReadError(path, e));
  }
  const { doc, diagnostics } = parseDocument(text);
  if (!doc) throw new UserError(diagnostics.map((d) => `cannot read ${path}: ${d.message}`).join('\n'));
  return doc;
}
