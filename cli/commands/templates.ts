/** `layerloom templates [--json]`: the lecture template gallery, one line per template. */
import { listTemplates } from '../../templates';
import { table } from '../format';
import { EXIT, UserError, type CliIO } from '../io';

export const templatesHelp = `Usage: layerloom templates [--json]

Lists the lecture templates: ready-made graphs with their dataset, tested training settings, notes and the
result a student should see. Start one with "layerloom new <id> model.json" or train it directly with
"layerloom train <id>" (add --quick for a short run).

  --json   print [{"id","title","topic","expected"}, …] instead of a table`;

export async function templatesCommand(io: CliIO, args: { positionals: readonly string[]; json: boolean }): Promise<number> {
  if (args.positionals.length) throw new UserError(`templates takes no arguments, got ${args.positionals.join(' ')}`);
  const all = listTemplates();
  if (args.json) {
    io.out(`${JSON.stringify(all.map((t) => ({ id: t.id, title: t.title, topic: t.topic, expected: t.expected })))}\n`);
    return EXIT.ok;
  }
  io.out(`${table(['id', 'lecture template', 'topic', 'expected result'], all.map((t) => [t.id, `${t.number} ${t.title}`, t.topicTitle, t.expected]), ['l', 'l', 'l', 'l'])}\n`);
  io.out(`\n${all.length} templates. "layerloom new <id> model.json" copies one; "layerloom train <id>" trains it.\n`);
  return EXIT.ok;
}
