/**
 * `layerloom data list` and `layerloom data preview NAME|path`: what the built-in datasets are, and a look
 * at one dataset (shapes, class balance, a few samples; digits as ASCII art on a terminal) before training.
 */
import { existsSync } from 'node:fs';
import { numelOf, specOf, type ArraySpec, type Dataset } from '../../runtime/data/dataset';
import { DataError } from '../../runtime/data/errors';
import { arraysText, describeBuiltin, specText, splitText } from '../../runtime/data/builtin/describe';
import { loadDatasetFile } from '../../runtime/data/node/load-file';
import { builtinDatasets, getBuiltin } from '../../runtime/data/registry';
import { shuffledIndices } from '../../runtime/data/split';
import { encodeNpz } from '../../exporters/pytorch/npz';
import { writeFilesAtomically } from '../atomic-write';
import { formatInt, table } from '../format';
import { describeReadError, EXIT, UserError, type CliIO } from '../io';

export const dataHelp = `Usage: layerloom data list [--json]
       layerloom data preview <name | file> [--n 8] [--seed S] [--label COLUMN] [--json]
       layerloom data dump <name | file> --out <file.npz> [--seed S] [--label COLUMN]

list     every built-in dataset: name, task, input and target shapes, default size, lecture
preview  one built-in dataset (by name) or a data file (CSV, image folder, text, .npz): its shapes and
         dtypes, value ranges, class balance and a few samples. On a terminal, images print as ASCII art.
dump     write a dataset as an .npz (numpy's format: one array per input, e.g. x, and per target, e.g. y),
         as the generated PyTorch train.py and np.load read it

  --n N           number of samples to show (default 8)
  --seed S        seed for the generated data and the choice of samples (default 0)
  --label COLUMN  for a CSV file, the column that holds the target
  --out FILE      the .npz file to write (dump)
  --json          print JSON instead of text`;

export interface DataArgs {
  readonly positionals: readonly string[];
  readonly json: boolean;
  readonly n?: string;
  readonly seed?: string;
  readonly label?: string;
  readonly out?: string;
}

export async function dataCommand(io: CliIO, args: DataArgs): Promise<number> {
  const [sub, ...rest] = args.positionals;
  if (sub === 'list') {
    if (rest.length) throw new UserError('data list takes no arguments');
    if (args.n !== undefined || args.seed !== undefined || args.label !== undefined) throw new UserError('data list takes only --json');
    return listCommand(io, args.json);
  }
  if (sub === 'preview') {
    if (rest.length !== 1) throw new UserError('data preview needs one dataset name or file, e.g. layerloom data preview spirals');
    const n = wholeNumber('--n', args.n ?? '8', 1, 1000);
    const seed = wholeNumber('--seed', args.seed ?? '0', 0, 2 ** 32 - 1);
    return previewCommand(io, { target: rest[0]!, n, seed, json: args.json, ...(args.label !== undefined ? { label: args.label } : {}) });
  }
  if (sub === 'dump') {
    if (rest.length !== 1) throw new UserError('data dump needs one dataset name or file, e.g. layerloom data dump spirals --out spirals.npz');
    if (!args.out) throw new UserError('data dump needs --out <file.npz> for the file to write');
    if (args.n !== undefined) throw new UserError('data dump writes every sample; --n is only for preview');
    const seed = wholeNumber('--seed', args.seed ?? '0', 0, 2 ** 32 - 1);
    return dumpCommand(io, { target: rest[0]!, n: 0, seed, json: false, ...(args.label !== undefined ? { label: args.label } : {}) }, args.out);
  }
  if (sub === undefined) throw new UserError('data needs a subcommand: list, preview or dump. Run "layerloom data --help".');
  throw new UserError(`unknown data subcommand "${sub}"; use list, preview or dump`);
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const v = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(v) || v < min || v > max)
    throw new UserError(`${flag} must be a whole number from ${min} to ${formatInt(max)}, not "${text}"`);
  return v;
}

// ── list ─────────────────────────────────────────────────────────────────────────────────────────

async function listCommand(io: CliIO, json: boolean): Promise<number> {
  const all = await Promise.all(builtinDatasets.map(describeBuiltin));
  if (json) {
    io.out(`${JSON.stringify(all)}\n`);
    return EXIT.ok;
  }
  const rows = all.map((d) => [d.name, d.task, arraysText(d.inputs), arraysText(d.targets), formatInt(d.defaultSize), d.lecture ?? '—']);
  io.out(
    `${table(['Name', 'Task', 'Input', 'Target', 'Size', 'Lecture'], rows, ['l', 'l', 'l', 'l', 'r', 'l'])}\n` +
      `${all.length} built-in datasets. Preview one with: layerloom data preview NAME\n`,
  );
  return EXIT.ok;
}

// ── dump ─────────────────────────────────────────────────────────────────────────────────────────

/** Writes every array of the dataset, [size, …per-sample shape], to an .npz file, atomically. */
async function dumpCommand(io: CliIO, args: PreviewArgs, out: string): Promise<number> {
  if (!/\.npz$/i.test(out)) throw new UserError(`--out must name an .npz file, not "${out}"`);
  const ds = await loadTarget(args);
  const names = [...Object.keys(ds.inputs), ...Object.keys(ds.targets)];
  const arrays = names.map((name) => ({ name, shape: [ds.size, ...specOf(ds, name)!.shape], data: ds.arrays[name]! }));
  const bytes = encodeNpz(arrays);
  try {
    await writeFilesAtomically([{ path: out, data: bytes }]);
  } catch (e) {
    throw new UserError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the folder does not exist' : (e as Error).message}`);
  }
  const shapes = arrays.map((a) => `${a.name} [${a.shape.join(', ')}] ${specOf(ds, a.name)!.dtype}`).join(', ');
  io.out(`wrote ${out} (${formatInt(ds.size)} samples of '${ds.info.name}', seed ${args.seed}: ${shapes})\n`);
  return EXIT.ok;
}

// ── preview ──────────────────────────────────────────────────────────────────────────────────────

interface PreviewArgs {
  readonly target: string;
  readonly n: number;
  readonly seed: number;
  readonly json: boolean;
  readonly label?: string;
}

const looksLikePath = (s: string) => /[/\\.]/.test(s);

/** Levenshtein distance, for "did you mean" suggestions of dataset names. */
function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

async function loadTarget(args: PreviewArgs): Promise<Dataset> {
  const builtin = getBuiltin(args.target);
  try {
    if (builtin) {
      if (args.label !== undefined) throw new UserError('--label is only for data files');
      return await builtin.load({ seed: args.seed });
    }
    if (!existsSync(args.target) && !looksLikePath(args.target)) {
      const best = builtinDatasets.map((b) => b.info.name).sort((a, b) => distance(args.target, a) - distance(args.target, b))[0];
      const hint = best && distance(args.target, best) <= 2 ? ` Did you mean "${best}"?` : '';
      throw new UserError(`there is no built-in dataset called "${args.target}" and no such file.${hint} Run "layerloom data list" to see them.`);
    }
    return await loadDatasetFile(args.target, args.label !== undefined ? { label: args.label } : {});
  } catch (e) {
    if (e instanceof UserError) throw e;
    if (e instanceof DataError) throw new UserError(e.message.split('\n')[0]!);
    if (typeof (e as { code?: unknown }).code === 'string') throw new UserError(describeReadError(args.target, e));
    throw e;
  }
}

interface ArrayStats {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly std: number;
}

function statsOf(data: ArrayLike<number>): ArrayStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const mean = data.length ? sum / data.length : 0;
  let sq = 0;
  for (let i = 0; i < data.length; i++) sq += (data[i]! - mean) ** 2;
  return { min: data.length ? min : 0, max: data.length ? max : 0, mean, std: data.length ? Math.sqrt(sq / data.length) : 0 };
}

interface BalanceRow {
  readonly value: number;
  readonly label: string;
  readonly count: number;
}

/** What the values of an int64 array mean: class names for targets (else tokens), tokens for inputs. */
function labelsOf(ds: Dataset, name: string): readonly string[] | undefined {
  return ds.targets[name] ? (ds.info.classNames ?? ds.info.vocab) : ds.info.vocab;
}

/** The first int64 target: class labels per sample, or tokens per position. */
function balanceOf(ds: Dataset): { name: string; perPosition: boolean; rows: BalanceRow[] } | undefined {
  const entry = Object.entries(ds.targets).find(([, s]) => s.dtype === 'int64');
  if (!entry) return undefined;
  const [name, spec] = entry;
  const data = ds.arrays[name]!;
  const counts = new Map<number, number>();
  for (const v of data) counts.set(v, (counts.get(v) ?? 0) + 1);
  if (ds.info.classNames && spec.shape.length === 0) for (let c = 0; c < ds.info.classNames.length; c++) if (!counts.has(c)) counts.set(c, 0);
  const names = labelsOf(ds, name);
  const labelOf = (v: number) => names?.[v] ?? String(v);
  const rows = [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([value, count]) => ({ value, label: labelOf(value), count }));
  return { name, perPosition: spec.shape.length > 0, rows };
}

/** Whether one sample of this array is best shown as a picture: [H, W] or [C, H, W] with C of 1 or 3. */
function isImage(spec: ArraySpec): boolean {
  const s = spec.shape;
  if (spec.dtype !== 'float32') return false;
  if (s.length === 2) return s[0]! >= 8 && s[1]! >= 8;
  return s.length === 3 && (s[0] === 1 || s[0] === 3) && s[1]! >= 8 && s[2]! >= 8;
}

const RAMP = ' .:-=+*#%@';

/** An image sample as text, one character per pixel and one line per two pixel rows (so it is not stretched). */
export function asciiArt(values: ArrayLike<number>, shape: readonly number[]): string[] {
  const [c, h, w] = shape.length === 2 ? [1, shape[0]!, shape[1]!] : [shape[0]!, shape[1]!, shape[2]!];
  const gray = new Float32Array(h * w);
  for (let k = 0; k < c; k++) for (let p = 0; p < h * w; p++) gray[p]! += values[k * h * w + p]! / c;
  const { min, max } = statsOf(gray);
  const span = max - min || 1;
  const lines: string[] = [];
  for (let r = 0; r < h; r += 2) {
    let line = '';
    for (let col = 0; col < w; col++) {
      const a = gray[r * w + col]!;
      const b = r + 1 < h ? gray[(r + 1) * w + col]! : a;
      const v = ((a + b) / 2 - min) / span;
      line += RAMP[Math.min(RAMP.length - 1, Math.floor(v * RAMP.length))];
    }
    lines.push(line);
  }
  return lines;
}

const num = (v: number) => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : v.toFixed(3));

/** A sample of one array as a short line: decoded tokens, a class name, or the first values. */
function sampleText(ds: Dataset, name: string, values: ArrayLike<number>): string {
  const spec = specOf(ds, name)!;
  const list = Array.from(values);
  const labels = spec.dtype === 'int64' ? labelsOf(ds, name) : undefined;
  if (labels && list.every((v) => labels[v] !== undefined)) {
    if (spec.shape.length === 0) return `${list[0]} (${labels[list[0]!]})`;
    const toks = list.map((v) => labels[v]!);
    while (toks.length && toks[toks.length - 1] === '<pad>') toks.pop();
    const joined = toks.every((t) => t.length === 1) ? toks.join('') : toks.join(' ');
    return `${JSON.stringify(joined)}  (ids ${list.slice(0, 16).join(' ')}${list.length > 16 ? ' …' : ''})`;
  }
  if (spec.shape.length === 0) return num(list[0]!);
  return `[${list.slice(0, 8).map(num).join(', ')}${list.length > 8 ? `, … ${list.length - 8} more` : ''}]`;
}

/** Warnings an importer attached to the dataset (skipped files, dropped rows); none for built-ins. */
function warningsOf(ds: Dataset): readonly string[] {
  const w = (ds as { warnings?: unknown }).warnings;
  return Array.isArray(w) ? w.filter((x): x is string => typeof x === 'string') : [];
}

async function previewCommand(io: CliIO, args: PreviewArgs): Promise<number> {
  const ds = await loadTarget(args);
  const names = [...Object.keys(ds.inputs), ...Object.keys(ds.targets)];
  const stats: Record<string, ArrayStats> = {};
  for (const name of names) stats[name] = statsOf(ds.arrays[name]!);
  const balance = balanceOf(ds);
  const picked = Array.from(shuffledIndices(ds.size, args.seed).subarray(0, Math.min(args.n, ds.size)));
  const valuesOf = (name: string, i: number) => {
    const k = numelOf(specOf(ds, name)!);
    return ds.arrays[name]!.subarray(i * k, (i + 1) * k);
  };

  if (args.json) {
    const info = ds.info;
    io.out(
      `${JSON.stringify({
        name: info.name,
        title: info.title,
        task: info.task,
        description: info.description,
        ...(info.lecture ? { lecture: info.lecture } : {}),
        origin: info.origin,
        size: ds.size,
        seed: args.seed,
        defaultSplit: info.defaultSplit,
        inputs: ds.inputs,
        targets: ds.targets,
        ...(info.classNames ? { classNames: info.classNames } : {}),
        ...(info.vocab ? { vocabSize: info.vocab.length } : {}),
        warnings: warningsOf(ds),
        stats,
        ...(balance ? { balance: { array: balance.name, perPosition: balance.perPosition, counts: balance.rows } } : {}),
        samples: picked.map((i) => ({ index: i, ...Object.fromEntries(names.map((nm) => [nm, Array.from(valuesOf(nm, i))])) })),
      })}\n`,
    );
    return EXIT.ok;
  }

  const info = ds.info;
  const lines: string[] = [`${info.name}: ${info.title} (${info.task})`, info.description];
  if (info.lecture) lines.push(`Lecture: ${info.lecture}`);
  lines.push(`Origin: ${info.origin}`);
  lines.push(`Samples: ${formatInt(ds.size)}; default split ${splitText(info.defaultSplit)} % (train / val / test)`);
  if (info.vocab) lines.push(`Vocabulary: ${formatInt(info.vocab.length)} tokens`);
  for (const w of warningsOf(ds)) lines.push(`Warning: ${w}`);
  lines.push('');
  const rows = names.map((name) => {
    const s = stats[name]!;
    const spec = specOf(ds, name)!;
    return [name, ds.inputs[name] ? 'input' : 'target', specText(spec), num(s.min), num(s.max), spec.dtype === 'float32' ? num(s.mean) : '—', spec.dtype === 'float32' ? num(s.std) : '—'];
  });
  lines.push(table(['Array', 'Role', 'Shape per sample', 'Min', 'Max', 'Mean', 'Std'], rows, ['l', 'l', 'l', 'r', 'r', 'r', 'r']));

  if (balance) {
    const total = balance.rows.reduce((a, r) => a + r.count, 0);
    const shown = balance.rows.length > 20 ? [...balance.rows].sort((a, b) => b.count - a.count).slice(0, 20) : balance.rows;
    lines.push('', balance.perPosition ? `Token counts of ${balance.name} (every position):` : `Class balance of ${balance.name}:`);
    const labelWidth = Math.max(...shown.map((r) => `${r.value} ${r.label}`.length));
    const countWidth = Math.max(...shown.map((r) => formatInt(r.count).length));
    for (const r of shown) {
      const share = total ? r.count / total : 0;
      lines.push(
        `  ${`${r.value} ${r.label}`.padEnd(labelWidth)}  ${formatInt(r.count).padStart(countWidth)}  ${(100 * share).toFixed(1).padStart(5)}%  ${'█'.repeat(Math.round(share * 40))}`.trimEnd(),
      );
    }
    if (shown.length < balance.rows.length) lines.push(`  … ${balance.rows.length - shown.length} more values`);
  }

  lines.push('', `${picked.length} sample${picked.length === 1 ? '' : 's'} (seed ${args.seed}):`);
  const images = names.filter((nm) => isImage(specOf(ds, nm)!));
  const indexWidth = Math.max(...picked.map((i) => `#${i}`.length));
  for (const i of picked) {
    const parts = names.filter((nm) => !(images.includes(nm) && io.isTTY)).map((nm) => {
      if (images.includes(nm)) {
        const s = statsOf(valuesOf(nm, i));
        return `${nm} = image ${specText(specOf(ds, nm)!)}, values ${num(s.min)} to ${num(s.max)}`;
      }
      return `${nm} = ${sampleText(ds, nm, valuesOf(nm, i))}`;
    });
    lines.push(`  ${`#${i}`.padEnd(indexWidth)}  ${parts.join('  ')}`);
    if (io.isTTY) for (const nm of images) for (const l of asciiArt(valuesOf(nm, i), specOf(ds, nm)!.shape)) lines.push(`      ${l}`);
  }
  io.out(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
