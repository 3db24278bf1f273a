import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../runtime/data/errors';
import { importCsv, standardizeCsv, type CsvDataset } from '../../../runtime/data/import/csv';
import { loadDatasetFile, type ImportOptions } from '../../../runtime/data/node/load-file';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerloom-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `text` to a real file and loads it the way the CLI does. */
async function load(name: string, text: string | Uint8Array, opts?: ImportOptions): Promise<CsvDataset> {
  const path = join(dir, name);
  await writeFile(path, text);
  return (await loadDatasetFile(path, opts)) as CsvDataset;
}

/** The message of the DataError that loading `text` throws, with the temporary folder removed. */
async function failure(name: string, text: string | Uint8Array, opts?: ImportOptions): Promise<string> {
  try {
    await load(name, text, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message.replace(`${dir}/`, '');
  }
  throw new Error('expected a DataError');
}

const IRIS = `sepal_length,sepal_width,colour,species
5.1,3.5,red,setosa
4.9,3.0,blue,setosa
6.2,2.9,red,versicolor
5.9,3.0,green,virginica
`;

describe('CSV import', () => {
  it('reads a header, numeric features, one-hot categorical features and a categorical label', async () => {
    const ds = await load('iris.csv', IRIS);
    expect(ds.header).toBe(true);
    expect(ds.size).toBe(4);
    expect(ds.label).toBe('species');
    expect(ds.info.task).toBe('classification');
    expect(ds.info.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(ds.features.map((f) => f.name)).toEqual(['sepal_length', 'sepal_width', 'colour=blue', 'colour=green', 'colour=red']);
    expect(ds.features.map((f) => f.kind)).toEqual(['numeric', 'numeric', 'one-hot', 'one-hot', 'one-hot']);
    expect(ds.inputs.x).toEqual({ shape: [5], dtype: 'float32' });
    expect(ds.targets.y).toEqual({ shape: [], dtype: 'int64' });
    expect(Array.from(ds.arrays.x!)).toEqual(
      [5.1, 3.5, 0, 0, 1, 4.9, 3.0, 1, 0, 0, 6.2, 2.9, 0, 0, 1, 5.9, 3.0, 0, 1, 0].map((v) => Math.fround(v)),
    );
    expect(ds.arrays.y).toBeInstanceOf(Int32Array);
    expect(Array.from(ds.arrays.y!)).toEqual([0, 0, 1, 2]);
    expect(ds.info.name).toBe('iris.csv');
    expect(ds.warnings).toEqual([]);
  });

  it('takes the label column by name or by number, and reads whole numbers 0…31 as class indices', async () => {
    const text = 'a,label,b\n1.5,2,x\n2.5,0,y\n3.5,2,x\n';
    const byName = await load('mid.csv', text, { label: 'label' });
    expect(byName.label).toBe('label');
    expect(byName.info.classNames).toEqual(['0', '1', '2']);
    expect(Array.from(byName.arrays.y!)).toEqual([2, 0, 2]);
    expect(byName.features.map((f) => f.name)).toEqual(['a', 'b=x', 'b=y']);
    expect(Array.from(byName.arrays.x!)).toEqual([1.5, 1, 0, 2.5, 0, 1, 3.5, 1, 0]);
    expect(byName.warnings).toEqual([expect.stringContaining('no row has class 1')]);
    const byNumber = await load('mid.csv', text, { label: '2' });
    expect(Array.from(byNumber.arrays.y!)).toEqual([2, 0, 2]);
  });

  it('reads a numeric label with fractions as a regression target [1] float32', async () => {
    const ds = await load('houses.csv', 'rooms,price\n3,250.5\n4,310\n2,180.25\n');
    expect(ds.info.task).toBe('regression');
    expect(ds.info.classNames).toBeUndefined();
    expect(ds.targets.y).toEqual({ shape: [1], dtype: 'float32' });
    expect(Array.from(ds.arrays.y!)).toEqual([250.5, 310, 180.25]);
    expect(Array.from(ds.arrays.x!)).toEqual([3, 4, 2]);
  });

  it('sees that an all-numeric first row is data, names columns by number, and honours task', async () => {
    const ds = await load('plain.csv', '1,2,0\n3,4,1\n5,6,1\n');
    expect(ds.header).toBe(false);
    expect(ds.size).toBe(3);
    expect(ds.features.map((f) => f.name)).toEqual(['column 1', 'column 2']);
    expect(Array.from(ds.arrays.y!)).toEqual([0, 1, 1]);
    const reg = importCsv('plain.csv', '1,2,0\n3,4,1\n5,6,1\n', { task: 'regression' });
    expect(reg.targets.y).toEqual({ shape: [1], dtype: 'float32' });
    const col1 = importCsv('plain.csv', '1,2,0\n3,4,1\n5,6,1\n', { label: '1' });
    expect(Array.from(col1.arrays.x!)).toEqual([2, 0, 4, 1, 6, 1]);
    expect(col1.info.classNames).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('detects a header over text-only columns by its values not recurring below it', () => {
    const withHeader = importCsv('t.csv', 'weather,play\nsunny,no\nrainy,yes\nsunny,yes\n');
    expect(withHeader.header).toBe(true);
    expect(withHeader.size).toBe(3);
    expect(withHeader.info.classNames).toEqual(['no', 'yes']);
    const without = importCsv('t.csv', 'sunny,no\nrainy,yes\nsunny,yes\n');
    expect(without.header).toBe(false);
    expect(without.size).toBe(3);
    const forced = importCsv('t.csv', 'sunny,no\nrainy,yes\nsunny,yes\n', { header: true });
    expect(forced.size).toBe(2);
    expect(forced.label).toBe('no');
  });

  it('handles semicolons, quotes with commas and line breaks, CRLF, a byte-order mark and blank lines', async () => {
    const text = '\uFEFFname;score;pass\r\n"Smith, J.";"1.5";yes\r\n\r\n"two\r\nlines";2.5;no\r\nplain;3;yes\r\n';
    const ds = await load('semi.csv', new TextEncoder().encode(text), { label: 'pass' });
    expect(ds.features.map((f) => f.name)).toEqual(['name=Smith, J.', 'name=plain', 'name=two\nlines', 'score']);
    expect(Array.from(ds.arrays.x!)).toEqual([1, 0, 0, 1.5, 0, 0, 1, 2.5, 0, 1, 0, 3]);
    expect(ds.info.classNames).toEqual(['no', 'yes']);
    expect(Array.from(ds.arrays.y!)).toEqual([1, 0, 1]);
  });

  it('reports a bad value after a multi-line quoted field on the line it is really on', async () => {
    const msg = await failure('quoted.csv', 'a,b,c\n"x\ny",1,0\n"z",oops,1\n"w",3,0\n"v",4,1\n');
    expect(msg).toBe('quoted.csv, line 4: "oops" in column "b" is not a number (the column holds numbers)');
  });

  it('lets a numeric column be treated as categorical', () => {
    const ds = importCsv('zip.csv', 'zip,y\n1000,0\n2000,1\n1000,1\n', { categorical: ['zip'] });
    expect(ds.features.map((f) => f.name)).toEqual(['zip=1000', 'zip=2000']);
    expect(Array.from(ds.arrays.x!)).toEqual([1, 0, 0, 1, 1, 0]);
  });

  it('warns about a categorical column with very many values', () => {
    const rows = Array.from({ length: 60 }, (_, i) => `id${i},${i % 2}`).join('\n');
    const ds = importCsv('ids.csv', `id,y\n${rows}\n`);
    expect(ds.features.length).toBe(60);
    expect(ds.warnings).toEqual(['ids.csv: column "id" has 60 different values, one-hot encoded into 60 features; drop it if it is an identifier']);
  });

  it('standardises numeric features with training-row statistics and leaves one-hot features alone', async () => {
    const ds = await load('iris.csv', IRIS);
    const { dataset, stats } = standardizeCsv(ds, Int32Array.from([0, 1]));
    // training rows 0 and 1: sepal_length 5.1, 4.9 → mean 5.0, std 0.1; sepal_width 3.5, 3.0 → mean 3.25, std 0.25
    expect(stats.mean[0]).toBeCloseTo(5.0, 5);
    expect(stats.std[0]).toBeCloseTo(0.1, 5);
    expect(stats.mean[1]).toBeCloseTo(3.25, 5);
    expect(stats.std[1]).toBeCloseTo(0.25, 5);
    expect(Array.from(stats.mean.subarray(2))).toEqual([0, 0, 0]);
    expect(Array.from(stats.std.subarray(2))).toEqual([1, 1, 1]);
    const x = dataset.arrays.x!;
    expect(x[0]).toBeCloseTo(1, 4); // (5.1 − 5) / 0.1
    expect(x[1]).toBeCloseTo(1, 4); // (3.5 − 3.25) / 0.25
    expect(x[10]).toBeCloseTo(12, 3); // row 2: (6.2 − 5) / 0.1
    expect(Array.from(x.subarray(2, 5))).toEqual([0, 0, 1]);
    expect(dataset.arrays.y).toBe(ds.arrays.y);
    expect(ds.arrays.x![0]).toBeCloseTo(5.1, 5); // the raw dataset is unchanged
  });
});

describe('CSV import errors', () => {
  it('names the line of a ragged row', async () => {
    const text = 'a,b,c,d,e\n1,2,3,4,5\n1,2,3,4,5\n1,2,3,4,5\n1,2,3,4,5\n1,2,3,4,5\n1,2,3,4\n1,2,3,4,5\n';
    expect(await failure('data.csv', text)).toBe('data.csv, line 7: expected 5 fields, found 4');
    expect(await failure('gaps.csv', 'a,b\n1,2\n\n\n3\n')).toBe('gaps.csv, line 5: expected 2 fields, found 1');
  });

  it('names the line, value and column of a word in a numeric column', async () => {
    expect(await failure('data.csv', 'x,y\n1,0\n2,1\nthree,0\n4,1\n')).toBe(
      'data.csv, line 4: "three" in column "x" is not a number (the column holds numbers)',
    );
  });

  it('refuses an empty file and a file with only a header', async () => {
    expect(await failure('empty.csv', '')).toBe('empty.csv: the file is empty');
    expect(await failure('blank.csv', '\n\n  \n')).toBe('blank.csv: the file is empty');
    expect(await failure('head.csv', 'a,b,label\n')).toBe('head.csv: the file has a header row but no data rows');
  });

  it('names a label column that does not exist and lists the columns', async () => {
    expect(await failure('iris.csv', IRIS, { label: 'kind' })).toBe(
      'iris.csv: the label column "kind" does not exist; the columns are "sepal_length", "sepal_width", "colour", "species"',
    );
    expect(await failure('plain.csv', '1,2\n3,4\n', { label: 'target' })).toBe(
      'plain.csv: the label column "target" does not exist; the file has no header row, so name a column by its number (1 to 2)',
    );
  });

  it('names missing values, unclosed quotes and a single column', async () => {
    expect(await failure('gap.csv', 'a,b\n1,0\n,1\n')).toBe('gap.csv, line 3: column "a" has no value; fill it in or remove the row');
    expect(await failure('na.csv', 'a,b\n1,0\n2,NA\n')).toBe('na.csv, line 3: column "b" has no value ("NA"); fill it in or remove the row');
    expect(await failure('quote.csv', 'a,b\n1,0\n"2,1\n3,0\n')).toBe('quote.csv, line 3: a quoted field is never closed (a " is missing)');
    expect(await failure('one.csv', 'a\n1\n2\n')).toMatch(/^one\.csv: found one column; a CSV needs feature columns and a label column/);
  });

  it('refuses a class label out of range when the label is read as classes', () => {
    expect(() => importCsv('neg.csv', 'a,y\n1,0\n2,-1\n3,1\n', { task: 'classification' })).toThrow(
      'neg.csv, line 3: label "-1" is out of range; class labels must be whole numbers from 0 (at most 100000)',
    );
    expect(() => importCsv('frac.csv', 'a,y\n1,0.5\n2,1\n', { task: 'classification' })).toThrow('frac.csv, line 2: label "0.5" is out of range');
    expect(() => importCsv('w.csv', 'a,y\n1,cat\n2,dog\n', { task: 'regression' })).toThrow(
      'w.csv: the label column "y" holds words, so it can only be a classification label',
    );
  });

  it('refuses a file over the size limit, naming its size', async () => {
    const text = `a,b\n${'1,2\n'.repeat(300)}`;
    expect(await failure('big.csv', text, { maxBytes: 1000 })).toBe(
      'big.csv: the file is 1.2 KiB (1204 bytes), over the 1000 bytes limit; raise the size limit to load it',
    );
    expect(() => importCsv('big.csv', text, { maxBytes: 1000 })).toThrow('big.csv: the file is 1.2 KiB (1204 bytes)');
  });
});
