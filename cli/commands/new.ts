/** `layerloom new <template-id> out.json [--force]`: writes a template's graph as a new graph file. */
import { existsSync, statSync } from 'node:fs';
import { loadTemplate, templateIds } from '../../templates';
import { writeFilesAtomically } from '../atomic-write';
import { EXIT, UserError, type CliIO } from '../io';

export const newHelp = `Usage: layerloom new <template-id> <out.json> [--force]

Writes the template's graph, with its training section (dataset, options, seed and tested settings), to a
new graph file that you can edit, summarise, export or train. See the templates with "layerloom templates".

  --force   overwrite out.json if it exists`;

export async function newCommand(io: CliIO, args: { positionals: readonly string[]; force: boolean }): Promise<number> {
  const [id, out, ...extra] = args.positionals;
  if (!id || !out) throw new UserError('new needs a template id and an output file, e.g. layerloom new spam-mlp model.json');
  if (extra.length) throw new UserError(`new takes a template id and one output file, got also ${extra.join(' ')}`);
  const t = loadTemplate(id);
  if (!t) throw new UserError(`there is no template "${id}" (templates: ${templateIds().join(', ')})`);
  if (existsSync(out)) {
    if (statSync(out).isDirectory()) throw new UserError(`${out} is a folder; give the name of the graph file to write, e.g. ${out}/model.json`);
    if (!args.force) throw new UserError(`${out} exists; choose another name or add --force to overwrite it`);
  }
  const graph = { ...t.graph, name: t.graph.name ?? t.meta.title, template: t.meta.id };
  try {
    await writeFilesAtomically([{ path: out, data: `${JSON.stringify(graph, null, 2)}\n` }]);
  } catch (e) {
    throw new UserError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'its folder does not exist' : (e as Error).message}`);
  }
  io.out(`wrote ${out}: ${t.meta.number} ${t.meta.title} (${t.graph.nodes.length} layers). Train it with: layerloom train ${out}\n`);
  return EXIT.ok;
}
