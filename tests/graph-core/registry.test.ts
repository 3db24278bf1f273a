import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allLayers, checkParam } from '../../graph-core';
import { renderLayerDocs } from '../../build/layer-docs';

const root = new URL('../../', import.meta.url);
const caseDir = new URL('tests/graph-core/layers/', root);
const caseFiles = readdirSync(caseDir).filter((f) => f.endsWith('.test.ts'));
const caseText = caseFiles.map((f) => readFileSync(new URL(f, caseDir), 'utf8')).join('\n');
const layerFiles = readdirSync(new URL('graph-core/layers/', root)).filter((f) => f.endsWith('.ts') && f !== 'index.ts');

/** The minimum catalogue. */
const REQUIRED = [
  'Input', 'Noise', 'CrossEntropyLoss', 'MSELoss', 'BCEWithLogitsLoss', 'Linear', 'Flatten', 'Unflatten', 'Reshape', 'Permute',
  'Concat', 'Add', 'Multiply', 'Mean', 'Sum', 'Max', 'SelectIndex', 'ReLU', 'LeakyReLU', 'ELU', 'GELU', 'SiLU', 'Sigmoid', 'Tanh',
  'Softmax', 'LogSoftmax', 'Dropout', 'BatchNorm1d', 'BatchNorm2d', 'LayerNorm', 'Conv1d', 'Conv2d', 'ConvTranspose2d', 'MaxPool1d',
  'MaxPool2d', 'AvgPool2d', 'AdaptiveAvgPool2d', 'Upsample', 'Embedding', 'PositionalEncoding', 'RNN', 'LSTM', 'GRU', 'Attention',
  'MultiheadAttention', 'ResidualLayerNorm', 'TransformerEncoderLayer', 'TransformerDecoderLayer', 'PatchEmbedding', 'ClassToken',
  'Discriminator',
];

describe('the layer catalogue', () => {
  it('contains every required kind exactly once', () => {
    const present = allLayers.map((l) => l.kind);
    expect(new Set(present).size).toBe(present.length);
    expect(REQUIRED.filter((k) => !present.includes(k))).toEqual([]);
  });

  it.each(allLayers.map((l) => [l.kind, l] as const))('%s has a case file, a source file, docs, and valid defaults', (kind, l) => {
    expect(caseText).toContain(`layerCases('${kind}'`);
    const fileText = layerFiles.map((f) => readFileSync(new URL(`graph-core/layers/${f}`, root), 'utf8'));
    expect(fileText.some((t) => t.includes(`kind: '${kind}'`))).toBe(true);
    expect(l.doc.summary.length).toBeGreaterThan(20);
    expect(l.doc.formula ?? l.doc.torch).toBeTruthy();
    for (const [name, spec] of Object.entries(l.params)) {
      expect(spec.doc.length, `${kind}.${name} needs a doc line`).toBeGreaterThan(3);
      expect(checkParam(spec, spec.default).ok, `${kind}.${name}'s default must satisfy its own spec`).toBe(true);
      expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    }
    for (const [port, spec] of Object.entries(l.inputs)) {
      expect(spec.doc.length, `${kind}.${port}`).toBeGreaterThan(1);
      expect(port).toMatch(/^[a-z][a-z_]*$/);
    }
    expect(Object.keys(l.outputs).length).toBeGreaterThan(0);
  });

  it('docs/layers.md is generated from the current catalogue (run `npm run docs:layers`)', () => {
    expect(readFileSync(new URL('docs/layers.md', root), 'utf8')).toBe(renderLayerDocs());
  });
});
