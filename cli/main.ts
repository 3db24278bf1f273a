/** The `layerloom` command line: argument parsing and dispatch. Every failure is one line, never a stack trace. */
import { parseArgs } from 'node:util';
import { summaryCommand, summaryHelp } from './commands/summary';
import { EXIT, processIO, UserError, type CliIO } from './io';

const HELP = `Layerloom: build neural networks from layers, see every shape, export ONNX.

Usage: layerloom <command> [options]

Commands:
  summary <graph.json> [--json]   shapes, parameters and FLOPs of every layer, with problems found

Run "layerloom <command> --help" for a command's options.`;

const COMMANDS: Record<string, string> = { summary: summaryHelp };

export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.out(`${HELP}\n`);
      return command ? EXIT.ok : EXIT.badInput;
    }
    if (!(command in COMMANDS)) throw new UserError(`unknown command "${command}". Run "layerloom --help" to see the commands.`);
    let parsed;
    try {
      parsed = parseArgs({
        args: [...rest],
        allowPositionals: true,
        options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
      });
    } catch (e) {
      throw new UserError(`${command}: ${(e as Error).message.split('\n')[0]}`);
    }
    if (parsed.values.help) {
      io.out(`${COMMANDS[command]}\n`);
      return EXIT.ok;
    }
    switch (command) {
      case 'summary':
        if (parsed.positionals.length > 1) throw new UserError('summary takes one graph file');
        return await summaryCommand(io, { file: parsed.positionals[0], json: Boolean(parsed.values.json) });
    }
    return EXIT.internal;
  } catch (e) {
    if (e instanceof UserError) {
      for (const line of e.message.split('\n')) io.err(`layerloom: ${line}\n`);
      return e.exitCode;
    }
    io.err(`layerloom: internal error: ${e instanceof Error ? e.message : String(e)} (please report this)\n`);
    return EXIT.internal;
  }
}
