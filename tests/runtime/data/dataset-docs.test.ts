import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderDatasetDocs } from '../../../build/gen-dataset-docs';
import { builtinDatasets } from '../../../runtime/data/registry';

const root = new URL('../../../', import.meta.url);

describe('docs/datasets.md', () => {
  let text = '';
  beforeAll(async () => {
    text = await renderDatasetDocs();
  });

  it('is generated from the current registry (run `npm run docs:datasets`)', () => {
    expect(readFileSync(new URL('docs/datasets.md', root), 'utf8')).toBe(text);
  });

  it('has one table row per built-in dataset, with its shapes, size, split, lecture and origin', () => {
    for (const b of builtinDatasets) expect(text).toContain(`| \`${b.info.name}\` | ${b.info.task} |`);
    expect(text).toContain(
      '| `spirals` | classification | x [2] float32 | y [] int64 | 3: arm 0, arm 1, arm 2 | 3,000 | 70 / 15 / 15 | Multi-layer perceptrons: non-linear decision boundaries | generated |',
    );
    expect(text).toContain('| `timeseries` | regression | x [20, 1] float32 | y [1] float32 | — | 3,000 | 70 / 15 / 15 |');
    expect(text).toContain('both padded with &lt;pad&gt; to 8 tokens');
  });
});
