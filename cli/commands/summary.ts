/** `layerloom summary graph.json [--json]`: a torchinfo-style table of shapes, parameters and FLOPs. */
import { fmtShape, hasErrors, inferShapes, summarize } from '../../graph-core';
import { formatCompact, formatInt, table } from '../format';
import { EXIT, UserError, type CliIO } from '../io';
import { loadGraphFile } from '../load-graph';

export const summaryHelp = `Usage: layerloom summary <graph.json> [--json]

Prints every layer's output shape(s), parameter count and FLOPs per sample, the totals, then any
problems found. A block is one row (\`Block ×N\`: totals over its N copies) followed by its layers,
indented and named by path (\`enc/ff1\`, counted once). Exit status: 0 when there is no error, 1 when
the graph has errors, 2 when the file cannot be read.

  --json   print {"nodes":[…],"total_params":…,"diagnostics":[…]} instead of a table`;

const shapeText = (s: readonly (number | 'N')[]) => (s.length === 0 ? 'scalar' : fmtShape(s));

export async function summaryCommand(io: CliIO, args: { file?: string; json: boolean }): Promise<number> {
  if (!args.file) throw new UserError('summary needs a graph file, e.g. layerloom summary model.json');
  const doc = await loadGraphFile(io, args.file);
  const shaped = inferShapes(doc);
  const s = summarize(shaped);
  if (args.json) {
    io.out(`${JSON.stringify(s)}\n`);
  } else {
    const rows = s.nodes.map((n) => {
      const ports = Object.entries(n.outputs);
      const shapes =
        ports.length === 0 ? '—' : ports.length === 1 ? shapeText(ports[0]![1]) : ports.map(([p, sh]) => `${p}: ${shapeText(sh)}`).join('\n');
      // Layers inside a block are indented under its row; a repeated block reads `Block ×6`, its totals over the copies.
      const name = `${'  '.repeat(n.depth ?? 0)}${n.label ? `${n.id} (${n.label})` : n.id}`;
      const kind = n.repeat !== undefined && n.repeat > 1 ? `${n.kind} ×${n.repeat}` : n.kind;
      return [name, kind, shapes, n.params ? formatInt(n.params) : '—', n.flops ? formatCompact(n.flops) : '—'];
    });
    const lines = [
      `${s.name}`,
      table(['Layer', 'Kind', 'Output shape', 'Params', 'FLOPs'], rows, ['l', 'l', 'l', 'r', 'r']),
      `Total params: ${formatInt(s.total_params)}`,
      `FLOPs per sample: ${formatCompact(s.total_flops)} (a multiply-add counts 2)`,
      `N is the batch size.`,
    ];
    const errors = s.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = s.diagnostics.length - errors;
    if (s.diagnostics.length) {
      lines.push('', `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}:`);
      for (const d of s.diagnostics) {
        const where = d.node ? `${d.node}${d.port ? `.${d.port}` : ''}: ` : '';
        lines.push(`  ${d.severity} ${d.code} ${where}${d.message}${d.fix ? ` Fix: ${d.fix.title}.` : ''}`);
      }
    } else lines.push('', 'No problems found.');
    io.out(`${lines.join('\n')}\n`);
  }
  return hasErrors(shaped.diagnostics) ? EXIT.diagnostics : EXIT.ok;
}
