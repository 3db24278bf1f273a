/**
 * The training panel's pure parts: settings read from and written to the document's training section (and
 * read back by the same rules as `layerloom train`), the Auto backend's choice and its sentence, and plot
 * export to CSV (parsed back by Python's csv module) and SVG (parsed by Python's XML parser).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { learningRateAt } from '../../graph-core/optimizers/schedules';
import { chooseBackend, shouldTimeGpu, softwareAdapterName } from '../../renderer/train/auto-backend';
import { niceTicks, plotToCsv, plotToSvg, type PlotData } from '../../renderer/train/plot-export';
import { checkSettings, DEFAULT_SETTINGS, readSettings, toTrainConfig, writeSettings } from '../../renderer/train/settings';

describe('training settings in the document', () => {
  it('reads the fields layerloom train reads, with its defaults for missing or wrong-typed ones', () => {
    const s = readSettings({ dataset: 'spirals', epochs: 30, batch_size: 64, optimizer: 'Adam', lr: 0.01, seed: 'x', val_split: 0.1 });
    expect(s).toEqual({ ...DEFAULT_SETTINGS, dataset: 'spirals', epochs: 30, batchSize: 64, optimizer: 'adam', lr: 0.01, valSplit: 0.1 });
    expect(readSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(readSettings({ optimizer: 'sgd' }).lr).toBe(0.01); // SGD's default rate, as in the CLI
    expect(readSettings({ schedule: { kind: 'step', step_size: 7, gamma: 0.5 } })).toMatchObject({ schedule: 'step', stepSize: 7, gamma: 0.5 });
  });

  it('writes only its own fields, keeps the rest (and a warm-up) verbatim, and reads back what it wrote', () => {
    const before = { dataset: 'xor', clip_norm: 1, n_critic: 2, steps: 50, schedule: { kind: 'constant', warmup_steps: 5 } };
    const s = { ...readSettings(before), epochs: 4, schedule: 'cosine' as const };
    const after = writeSettings(before, s);
    expect(after).toMatchObject({ clip_norm: 1, n_critic: 2, epochs: 4, dataset: 'xor', schedule: { kind: 'cosine', warmup_steps: 5 } });
    expect(after).not.toHaveProperty('steps');
    expect(readSettings(after)).toEqual(s);
    expect(writeSettings({ schedule: { kind: 'step', step_size: 2, gamma: 0.5 } }, { ...s, schedule: 'constant' })).not.toHaveProperty('schedule');
  });

  it('keeps a step count until the epochs are set', () => {
    const before = { dataset: 'xor', steps: 50 };
    expect(writeSettings(before, { ...readSettings(before), lr: 0.05, dataset: 'spirals' })).toMatchObject({ steps: 50, lr: 0.05, dataset: 'spirals' });
    expect(writeSettings(before, { ...readSettings(before), epochs: 3 })).not.toHaveProperty('steps');
  });

  it('says what is wrong in one line per setting', () => {
    expect(checkSettings({ ...DEFAULT_SETTINGS, dataset: 'spirals' })).toEqual([]);
    const bad = checkSettings({ ...DEFAULT_SETTINGS, epochs: 0, batchSize: 2.5, lr: NaN, valSplit: 1, seed: -1 });
    expect(bad).toHaveLength(6);
    for (const line of bad) expect(line).not.toContain('\n');
  });

  it('turns a cosine schedule into one that anneals over the whole run', () => {
    const cfg = toTrainConfig({ ...DEFAULT_SETTINGS, dataset: 'spirals', epochs: 3, lr: 0.1, schedule: 'cosine' }, 10, undefined);
    expect(cfg.schedule).toEqual({ kind: 'cosine', T_max: 30, eta_min: 0 });
    expect(learningRateAt(0.1, cfg.schedule!, 0)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(0.1, cfg.schedule!, 15)).toBeCloseTo(0.05, 12);
    expect(cfg.optimizer).toEqual({ kind: 'Adam', params: { lr: 0.1 } });
  });
});

describe('the Auto backend', () => {
  const cpu = { kind: 'cpu' as const, label: 'WASM', available: true, msPerStep: 8 };
  const swiftshader = { vendor: 'google', architecture: 'swiftshader', device: 'swiftshader device', description: 'SwiftShader device (Subzero)' };

  it('never times a software adapter and says so', () => {
    const gpu = { kind: 'gpu' as const, label: 'WebGPU', available: true, adapter: swiftshader };
    expect(softwareAdapterName(swiftshader)).toBe('SwiftShader');
    expect(softwareAdapterName({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe('llvmpipe');
    expect(softwareAdapterName({ vendor: 'nvidia', architecture: 'ampere' })).toBeNull();
    expect(shouldTimeGpu(gpu)).toBe(false);
    expect(chooseBackend([gpu, cpu])).toEqual({ kind: 'cpu', why: 'WebGPU adapter is software (SwiftShader); using WASM' });
  });

  it('uses the CPU when WebGPU is missing, with the reason', () => {
    const gpu = { kind: 'gpu' as const, label: 'WebGPU', available: false, reason: 'navigator.gpu is missing' };
    expect(chooseBackend([gpu, cpu])).toEqual({ kind: 'cpu', why: 'WebGPU is unavailable (navigator.gpu is missing); using WASM' });
  });

  it('picks the faster of two timed backends', () => {
    const gpu = { kind: 'gpu' as const, label: 'WebGPU', available: true, adapter: { vendor: 'nvidia' }, msPerStep: 2.5 };
    expect(shouldTimeGpu(gpu)).toBe(true);
    expect(chooseBackend([gpu, cpu])).toEqual({ kind: 'gpu', why: 'WebGPU 2.5 ms per step against WASM 8.0 ms; using the GPU' });
    expect(chooseBackend([{ ...gpu, msPerStep: 30 }, cpu])).toEqual({ kind: 'cpu', why: 'WASM 8.0 ms per step against WebGPU 30 ms; using WASM' });
  });
});

describe('plot export', () => {
  const plot: PlotData = {
    title: 'Loss <spirals>',
    xLabel: 'step',
    x: [1, 2, 3, 4],
    series: [
      { label: 'train loss', color: '#1f77b4', values: [1.1, 0.9, 0.7, 0.55] },
      { label: 'val "loss", held out', color: '#ff7f0e', values: [null, 0.95, null, 0.6] },
    ],
  };

  it('writes CSV that a CSV parser reads back exactly, gaps as empty cells', () => {
    const csv = plotToCsv(plot);
    const r = spawnSync('/usr/bin/python3', ['-c', 'import csv, json, sys; print(json.dumps(list(csv.reader(sys.stdin))))'], { input: csv, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as string[][];
    expect(rows[0]).toEqual(['step', 'train loss', 'val "loss", held out']);
    expect(rows.slice(1)).toEqual([
      ['1', '1.1', ''],
      ['2', '0.9', '0.95'],
      ['3', '0.7', ''],
      ['4', '0.55', '0.6'],
    ]);
  });

  it('writes well-formed SVG with one line per unbroken run of points', () => {
    const svg = plotToSvg(plot);
    const py = `
import sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
ns = '{http://www.w3.org/2000/svg}'
print(len(root.findall(ns + 'polyline')), len(root.findall(ns + 'circle')), root.find(ns + 'text').text)
print(root.findall(ns + 'polyline')[0].get('points'))`;
    const r = spawnSync('/usr/bin/python3', ['-c', py], { input: svg, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [counts, points] = r.stdout.trim().split('\n');
    // train loss: one polyline of 4 points; val loss: two isolated points (circles).
    expect(counts).toBe('1 2 Loss <spirals>');
    const pts = points!.split(' ').map((p) => p.split(',').map(Number));
    expect(pts).toHaveLength(4);
    for (let i = 1; i < 4; i++) {
      expect(pts[i]![0]).toBeGreaterThan(pts[i - 1]![0]!); // x grows to the right
      expect(pts[i]![1]).toBeGreaterThan(pts[i - 1]![1]!); // a falling loss goes down the page
    }
  });

  it('on a log scale leaves non-positive values out and labels ticks as powers of ten', () => {
    const svg = plotToSvg({ ...plot, series: [{ label: 'x', color: '#000', values: [1, 0, 0.1, 0.01] }] }, { log: true });
    expect(svg).toContain('>1e-1<');
    expect(svg.match(/<polyline/g)).toHaveLength(1); // 0.1 → 0.01 only; 1 stands alone after the gap
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
});
