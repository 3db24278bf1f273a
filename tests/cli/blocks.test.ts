/** `layerloom summary` and `layerloom export --onnx-functions` on a graph with a repeated block. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import { decodeModel } from '../../exporters/onnx/decode';
import { checkOnnx } from '../helpers/onnx-checker';
import { encoderDoc } from '../graph-core/blocks/fixtures';

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    readText: async (p) => (await import('node:fs/promises')).readFile(p, 'utf8'),
    isTTY: false,
  };
  const code = await main(argv, io);
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'layerloom-blocks-cli-'));
const file = join(dir, 'encoder.json');
writeFileSync(file, JSON.stringify(encoderDoc({ repeat: 6, d: 16, t: 5, nhead: 2, ff: 32 })));

describe('blocks on the command line', () => {
  it('summary shows a block as one row with ×N and its totals, its layers indented by path', async () => {
    const r = await run('summary', file);
    expect(r.code).toBe(0);
    const per = 4 * 256 + 2 * 16 * 32 + 9 * 16 + 32;
    expect(r.out).toMatch(new RegExp(`\\nenc \\(Encoder\\)\\s+Block ×6\\s+\\[N, 5, 16\\]\\s+${(6 * per).toLocaleString('en-US')}\\s`));
    expect(r.out).toMatch(new RegExp(`\\n  enc/tel\\s+TransformerEncoderLayer\\s+\\[N, 5, 16\\]\\s+${per.toLocaleString('en-US')}\\s`));
    expect(r.out).toContain(`Total params: ${(6 * per).toLocaleString('en-US')}`);
    const json = JSON.parse((await run('summary', file, '--json')).out) as { nodes: { id: string; repeat?: number; depth?: number }[] };
    expect(json.nodes.map((x) => [x.id, x.repeat, x.depth])).toEqual([
      ['x', undefined, undefined],
      ['enc', 6, 0],
      ['enc/tel', undefined, 1],
    ]);
  });

  it('summary names a problem inside a block by its path and exits with 1', async () => {
    const d = encoderDoc();
    const body = d.nodes[1]!.body!;
    const bad = { ...d, nodes: [d.nodes[0]!, { ...d.nodes[1]!, body: { ...body, nodes: body.nodes.map((x) => (x.id === 'tel' ? { ...x, params: { ...x.params, nhead: 3 } } : x)) } }] };
    const f = join(dir, 'bad.json');
    writeFileSync(f, JSON.stringify(bad));
    const r = await run('summary', f);
    expect(r.code).toBe(1);
    expect(r.out).toContain('error EMBED_DIM_NOT_DIVISIBLE_BY_HEADS enc/tel.in:');
  });

  it('export --onnx-functions writes one function called six times; the file passes the checker', async () => {
    const out = join(dir, 'enc.onnx');
    const r = await run('export', file, '--onnx', out, '--onnx-functions');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('blocks enc ×6 as ONNX functions');
    const bytes = readFileSync(out);
    checkOnnx(bytes);
    const m = decodeModel(bytes);
    expect(m.functions!.map((f) => f.name)).toEqual(['Encoder']);
    expect(m.graph.nodes.map((x) => x.name)).toEqual([0, 1, 2, 3, 4, 5].map((k) => `enc/${k}`));
  });
});
