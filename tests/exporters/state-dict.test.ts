/**
 * weights.safetensors holds the whole state (parameters and buffers) under PyTorch's names, so
 * load_state_dict(strict=True) on the equivalent torch modules accepts it. Checked with Debian's PyTorch.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportGraph } from '../../exporters/export-graph';
import { SYSTEM_PYTHON } from '../helpers/onnx-checker';
import { doc, edge, node } from '../helpers/graphs';

const root = new URL('../../', import.meta.url).pathname;

describe('safetensors state dicts load into PyTorch with strict=True', () => {
  it('conv, batch norm, recurrent, attention, transformer, embedding and GAN layers', () => {
    const g = doc(
      [
        node('img', 'Input', { shape: [3, 8, 8] }),
        node('c', 'Conv2d', { out_channels: 4, kernel_size: 3, padding: 1 }),
        node('bn', 'BatchNorm2d'),
        node('up', 'ConvTranspose2d', { out_channels: 2, kernel_size: 2, stride: 2 }),
        node('seq', 'Input', { shape: [6, 5] }),
        node('lstm', 'LSTM', { hidden_size: 7, num_layers: 2, bidirectional: true }),
        node('gru', 'GRU', { hidden_size: 4 }),
        node('mha', 'MultiheadAttention', { num_heads: 2 }),
        node('ln', 'LayerNorm'),
        node('enc', 'TransformerEncoderLayer', { nhead: 2, dim_feedforward: 16 }),
        node('ids', 'Input', { shape: [6], dtype: 'int64' }),
        node('emb', 'Embedding', { num_embeddings: 20, embedding_dim: 6 }),
        node('bn1', 'BatchNorm1d'),
        node('d', 'Discriminator', { hidden_sizes: [8, 8] }),
        node('fc', 'Linear', { out_features: 3 }),
      ],
      [
        edge('img', 'c'),
        edge('c', 'bn'),
        edge('bn', 'up'),
        edge('seq', 'lstm'),
        edge('seq', 'gru'),
        { id: 'q', from: { node: 'lstm', port: 'out' }, to: { node: 'mha', port: 'query' } },
        { id: 'o', from: { node: 'mha', port: 'out' }, to: { node: 'ln' } },
        edge('ln', 'enc'),
        edge('ids', 'emb'),
        edge('emb', 'bn1'),
        edge('up', 'd'),
        { id: 'last', from: { node: 'gru', port: 'last' }, to: { node: 'fc' } },
      ],
    );
    const r = exportGraph(g, { seed: 2 });
    if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-state-'));
    writeFileSync(join(dir, 'w.safetensors'), r.safetensors);
    writeFileSync(
      join(dir, 'modules.json'),
      JSON.stringify({
        c: 'nn.Conv2d(3, 4, 3, padding=1)',
        bn: 'nn.BatchNorm2d(4)',
        up: 'nn.ConvTranspose2d(4, 2, 2, stride=2)',
        lstm: 'nn.LSTM(5, 7, num_layers=2, bidirectional=True, batch_first=True)',
        gru: 'nn.GRU(5, 4, batch_first=True)',
        mha: 'nn.MultiheadAttention(14, 2, batch_first=True)',
        ln: 'nn.LayerNorm(14)',
        enc: 'nn.TransformerEncoderLayer(14, 2, dim_feedforward=16, batch_first=True)',
        emb: 'nn.Embedding(20, 6)',
        bn1: 'nn.BatchNorm1d(6)',
        d: 'Discriminator(2 * 16 * 16, [8, 8])',
        fc: 'nn.Linear(4, 3)',
      }),
    );
    const py = spawnSync(SYSTEM_PYTHON, [join(root, 'build/fixtures/load_state_dict.py'), join(dir, 'w.safetensors'), join(dir, 'modules.json')], {
      encoding: 'utf8',
    });
    expect(py.stderr).toBe('');
    const out = JSON.parse(py.stdout) as { params: number; keys: number };
    expect(out.params).toBe(r.shaped.totalParams);
    // every entry of the file was consumed by strict loading (BatchNorm buffers and num_batches_tracked included)
    const entries = [...r.shaped.info.values()].reduce((n, i) => n + Object.keys(i.weights).length, 0);
    expect(out.keys).toBe(entries);
  });
});
