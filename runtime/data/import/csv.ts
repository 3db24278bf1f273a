/**
 * CSV import: a table with one sample per row, feature columns and one label column.
 *
 * - Parsing is PapaParse's (quotes, escaped quotes, the delimiter guessed among , ; tab and |). Line endings
 *   are normalised first, so every message can name the line a row starts on.
 * - The first row is a header when none of its fields is a number and either some column below it holds
 *   numbers or none of its values appears again in its column (`header` overrides the guess).
 * - A column is numeric when most of its values are numbers; a word in a numeric column is then an error
 *   naming the line. Other columns are categorical. Missing values (empty, NA, NaN, null, ?) are errors.
 * - Features: every column except the label, in file order; a numeric column gives one feature, a
 *   categorical one gives one one-hot feature per category (categories sorted). x is [F] float32.
 * - The label (option `label`: a column name or a 1-based column number; default the last column):
 *   a categorical label becomes class indices, classes sorted by name; a numeric label whose values are
 *   whole numbers from 0 to 31 is read as class indices (class names '0', '1', …); any other numeric label
 *   is a regression target y [1] float32. `task` forces either reading.
 * - Standardisation is not done here, because its statistics must come from the training split only, which
 *   is chosen later: {@link standardizeCsv} takes the training indices and standardises the numeric
 *   features, leaving the one-hot ones at 0/1. The raw values are kept in the dataset.
 */
import Papa from 'papaparse';
import type { Dataset } from '../dataset';
import { DataError } from '../errors';
import { applyNormStats, computeNormStats, type NormStats } from '../normalize';
import { baseName, compareStrings, textOf, type ImportedDataset } from './common';

export interface CsvOptions {
  /** The label column: a header name, or a column number counted from 1. Default: the last column. */
  readonly label?: string;
  /** Whether the first row is a header. Default: guessed. */
  readonly header?: boolean;
  /** Forces the reading of a numeric label. Default: guessed (see the module comment). */
  readonly task?: 'classification' | 'regression';
  /** Columns (names or 1-based numbers) to treat as categorical even when they hold numbers. */
  readonly categorical?: readonly string[];
  /** Files larger than this are refused. Default 512 MiB. */
  readonly maxBytes?: number;
}

/** One slot of the feature vector x. */
export interface CsvFeature {
  /** `age`, or `color=red` for a one-hot slot. */
  readonly name: string;
  /** The CSV column it comes from. */
  readonly column: string;
  readonly kind: 'numeric' | 'one-hot';
  /** The category a one-hot slot stands for. */
  readonly category?: string;
}

export interface CsvDataset extends ImportedDataset {
  /** What each of the F values of x is. */
  readonly features: readonly CsvFeature[];
  /** The label column's name. */
  readonly label: string;
  /** Whether the first row was read as a header. */
  readonly header: boolean;
}

/** A numeric label with whole values 0 … this − 1 is read as class indices. */
const AUTO_CLASS_LIMIT = 32;
/** A categorical feature with more categories than this gets a warning (it is probably an identifier). */
const MANY_CATEGORIES = 50;
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

interface Row {
  readonly fields: readonly string[];
  readonly line: number;
}

function isMissing(v: string): boolean {
  return MISSING.has(v.toLowerCase());
}

function isNumber(v: string): boolean {
  return NUMBER.test(v);
}

function quoted(v: string): string {
  const short = v.length > 40 ? `${v.slice(0, 40)}…` : v;
  return JSON.stringify(short);
}

/** Parses the text into rows of trimmed fields, each with the line it starts on; blank lines are skipped. */
function parseRows(file: string, text: string): Row[] {
  const src = text.replace(/\r\n?/g, '\n');
  const rows: Row[] = [];
  let failure: string | undefined;
  let start = 0;
  let line = 1;
  Papa.parse(src, {
    newline: '\n',
    header: false,
    dynamicTyping: false,
    skipEmptyLines: false,
    delimitersToGuess: [',', ';', '\t', '|'],
    step: (r, parser) => {
      const quote = r.errors.find((e) => e.type === 'Quotes');
      if (quote) {
        failure =
          quote.code === 'MissingQuotes'
            ? `${file}, line ${line}: a quoted field is never closed (a " is missing)`
            : `${file}, line ${line}: a quote inside a field; put the whole field in quotes and write an inner quote as ""`;
        parser.abort();
        return;
      }
      const end = r.meta.cursor;
      const fields = r.data.map((f) => f.trim());
      if (!(fields.length === 1 && fields[0] === '')) rows.push({ fields, line });
      for (let i = start; i < end; i++) if (src.charCodeAt(i) === 10) line++;
      start = end;
    },
  });
  if (failure) throw new DataError(failure);
  return rows;
}

/** Guesses whether the first row names the columns. */
function detectHeader(rows: readonly Row[]): boolean {
  const first = rows[0]!.fields;
  if (first.some((f) => isNumber(f) || f === '')) return false;
  const rest = rows.slice(1);
  if (rest.length === 0) return true;
  for (let c = 0; c < first.length; c++) {
    let numbers = 0;
    let words = 0;
    for (const r of rest) {
      const v = r.fields[c] ?? '';
      if (isNumber(v)) numbers++;
      else if (!isMissing(v)) words++;
    }
    if (numbers > words) return true;
  }
  return first.every((f, c) => !rest.some((r) => r.fields[c] === f));
}

/** The index of the column named by `ref` (a name, or a number counted from 1), or undefined. */
function findColumn(names: readonly string[], ref: string): number | undefined {
  const byName = names.indexOf(ref.trim());
  if (byName >= 0) return byName;
  if (/^\d+$/.test(ref.trim())) {
    const n = Number(ref.trim());
    if (n >= 1 && n <= names.length) return n - 1;
  }
  return undefined;
}

function noSuchColumn(file: string, what: string, ref: string, names: readonly string[], header: boolean): DataError {
  const list = header ? `the columns are ${names.map((n) => JSON.stringify(n)).join(', ')}` : `the file has no header row, so name a column by its number (1 to ${names.length})`;
  return new DataError(`${file}: ${what} column ${JSON.stringify(ref)} does not exist; ${list}`);
}

/**
 * Reads a CSV file (its bytes, or its text) into a dataset: x [F] float32 features, y the label.
 * `file` names the file in messages and gives the dataset its name.
 */
export function importCsv(file: string, content: Uint8Array | string, opts: CsvOptions = {}): CsvDataset {
  const text = textOf(file, content, opts.maxBytes);
  if (text.trim() === '') throw new DataError(`${file}: the file is empty`);
  const all = parseRows(file, text);
  if (all.length === 0) throw new DataError(`${file}: the file is empty`);

  const width = all[0]!.fields.length;
  for (const r of all)
    if (r.fields.length !== width) throw new DataError(`${file}, line ${r.line}: expected ${width} fields, found ${r.fields.length}`);
  if (width < 2)
    throw new DataError(`${file}: found one column; a CSV needs feature columns and a label column, separated by commas (or ; tab |)`);

  const header = opts.header ?? detectHeader(all);
  const rows = header ? all.slice(1) : all;
  const names = header ? all[0]!.fields.map((f, i) => f || `column ${i + 1}`) : all[0]!.fields.map((_, i) => `column ${i + 1}`);
  if (header) {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) throw new DataError(`${file}, line ${all[0]!.line}: two columns are named ${JSON.stringify(n)}`);
      seen.add(n);
    }
  }
  if (rows.length === 0) throw new DataError(`${file}: the file has a header row but no data rows`);

  const labelCol = opts.label === undefined ? width - 1 : findColumn(names, opts.label);
  if (labelCol === undefined) throw noSuchColumn(file, 'the label', opts.label!, names, header);
  const forced = new Set<number>();
  for (const ref of opts.categorical ?? []) {
    const c = findColumn(names, ref);
    if (c === undefined) throw noSuchColumn(file, 'the categorical', ref, names, header);
    forced.add(c);
  }

  // Column kinds, then the first bad value in file order.
  const numeric: boolean[] = [];
  for (let c = 0; c < width; c++) {
    let numbers = 0;
    let words = 0;
    for (const r of rows) {
      const v = r.fields[c]!;
      if (isNumber(v)) numbers++;
      else if (!isMissing(v)) words++;
    }
    numeric.push(!forced.has(c) && numbers > words);
  }
  for (const r of rows)
    for (let c = 0; c < width; c++) {
      const v = r.fields[c]!;
      if (isMissing(v))
        throw new DataError(`${file}, line ${r.line}: column ${JSON.stringify(names[c])} has no value${v ? ` (${quoted(v)})` : ''}; fill it in or remove the row`);
      if (numeric[c] && !isNumber(v))
        throw new DataError(`${file}, line ${r.line}: ${quoted(v)} in column ${JSON.stringify(names[c])} is not a number (the column holds numbers)`);
    }

  const warnings: string[] = [];
  const features: CsvFeature[] = [];
  const categoriesOf = (c: number): string[] => [...new Set(rows.map((r) => r.fields[c]!))].sort(compareStrings);
  /** For each feature column: its first slot in x and, for categorical columns, category → offset. */
  const plan: { col: number; slot: number; cats?: Map<string, number> }[] = [];
  for (let c = 0; c < width; c++) {
    if (c === labelCol) continue;
    const column = names[c]!;
    if (numeric[c]) {
      plan.push({ col: c, slot: features.length });
      features.push({ name: column, column, kind: 'numeric' });
    } else {
      const cats = categoriesOf(c);
      if (cats.length > MANY_CATEGORIES)
        warnings.push(`${file}: column ${JSON.stringify(column)} has ${cats.length} different values, one-hot encoded into ${cats.length} features; drop it if it is an identifier`);
      plan.push({ col: c, slot: features.length, cats: new Map(cats.map((k, i) => [k, i])) });
      for (const k of cats) features.push({ name: `${column}=${k}`, column, kind: 'one-hot', category: k });
    }
  }
  if (features.length === 0) throw new DataError(`${file}: every column is the label; there are no feature columns`);

  const n = rows.length;
  const f = features.length;
  const x = new Float32Array(n * f);
  rows.forEach((r, i) => {
    for (const p of plan) {
      const v = r.fields[p.col]!;
      if (p.cats) x[i * f + p.slot + p.cats.get(v)!] = 1;
      else x[i * f + p.slot] = Number(v);
    }
  });

  // The label.
  const labelName = names[labelCol]!;
  const labelValues = rows.map((r) => r.fields[labelCol]!);
  let y: Float32Array | Int32Array;
  let classNames: string[] | undefined;
  let task: 'classification' | 'regression';
  if (!numeric[labelCol]) {
    if (opts.task === 'regression')
      throw new DataError(`${file}: the label column ${JSON.stringify(labelName)} holds words, so it can only be a classification label`);
    classNames = categoriesOf(labelCol);
    const index = new Map(classNames.map((k, i) => [k, i]));
    y = Int32Array.from(labelValues, (v) => index.get(v)!);
    task = 'classification';
  } else {
    const values = labelValues.map(Number);
    const classLike = values.every((v) => Number.isInteger(v) && v >= 0 && v < AUTO_CLASS_LIMIT);
    if (opts.task === 'classification' || (opts.task === undefined && classLike)) {
      values.forEach((v, i) => {
        if (!Number.isInteger(v) || v < 0 || v > 100_000)
          throw new DataError(
            `${file}, line ${rows[i]!.line}: label ${quoted(labelValues[i]!)} is out of range; class labels must be whole numbers from 0 (at most 100000)`,
          );
      });
      const k = values.reduce((a, b) => Math.max(a, b), 0) + 1;
      classNames = Array.from({ length: k }, (_, i) => String(i));
      const counts = new Int32Array(k);
      for (const v of values) counts[v]!++;
      const unused = classNames.filter((_, i) => counts[i] === 0);
      if (unused.length > 0) warnings.push(`${file}: no row has class ${unused.join(', ')} (labels are read as class indices 0 to ${k - 1})`);
      y = Int32Array.from(values);
      task = 'classification';
    } else {
      y = Float32Array.from(values);
      task = 'regression';
    }
  }

  const name = baseName(file);
  const numericCount = features.filter((s) => s.kind === 'numeric').length;
  const labelText =
    task === 'classification' ? `label ${JSON.stringify(labelName)} with ${classNames!.length} classes` : `regression target ${JSON.stringify(labelName)}`;
  return {
    info: {
      name,
      title: name,
      description: `${n} rows of ${name}: ${f} features (${numericCount} numeric, ${f - numericCount} one-hot) and the ${labelText}.`,
      origin: `your file ${name}`,
      task,
      ...(classNames ? { classNames } : {}),
      defaultSplit: { val: 0.15, test: 0.15 },
    },
    size: n,
    inputs: { x: { shape: [f], dtype: 'float32' } },
    targets: { y: task === 'classification' ? { shape: [], dtype: 'int64' } : { shape: [1], dtype: 'float32' } },
    arrays: { x, y },
    warnings,
    features,
    label: labelName,
    header,
  };
}

/**
 * Standardises the numeric features of a CSV dataset to mean 0 and standard deviation 1, with statistics
 * computed on the training rows only; one-hot features keep their 0/1 values (their mean is recorded as 0
 * and their standard deviation as 1). Returns the new dataset and the statistics, to apply to new rows later.
 */
export function standardizeCsv(ds: CsvDataset, trainIndices: Int32Array): { dataset: CsvDataset; stats: NormStats } {
  const raw = computeNormStats(ds, trainIndices, { name: 'x', axis: 'feature' });
  const mean = Float32Array.from(raw.mean);
  const std = Float32Array.from(raw.std);
  ds.features.forEach((s, j) => {
    if (s.kind === 'one-hot') {
      mean[j] = 0;
      std[j] = 1;
    }
  });
  const stats: NormStats = { ...raw, mean, std };
  const normalised: Dataset = applyNormStats(ds, stats);
  return { dataset: { ...ds, arrays: normalised.arrays }, stats };
}
