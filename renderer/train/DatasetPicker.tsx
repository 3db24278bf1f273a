/**
 * The dataset picker: every built-in dataset and the files imported in this session (CSV, .npz, text),
 * with a preview of the chosen one: its description, sizes, and a few samples drawn as points, images or
 * tokens.
 */
import { builtinLoadOptions, TrainingSectionError } from '../../runtime/train/training-section';
import { useEffect, useRef, useState } from 'react';
import type { Dataset } from '../../runtime/data/dataset';
import { importCsv, importNpz, importText } from '../../runtime/data/import';
import { builtinDatasets, getBuiltin } from '../../runtime/data/registry';
import { classColor, drawImage, isImage } from '../views/draw';
import { registerAppDigits } from './digits-source';

export interface Imported {
  readonly name: string;
  readonly dataset: Dataset;
}

/** Reads a data file the user picked; a problem comes back as one line. */
export async function importFile(file: File): Promise<Imported> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const lower = file.name.toLowerCase();
  const dataset: Dataset = lower.endsWith('.csv')
    ? importCsv(file.name, bytes)
    : lower.endsWith('.npz')
      ? importNpz(file.name, bytes)
      : lower.endsWith('.txt')
        ? importText(file.name, bytes)
        : (() => {
            throw new Error(`${file.name}: Layerloom imports .csv, .npz and .txt files here`);
          })();
  return { name: file.name, dataset };
}

function Preview({ ds }: { ds: Dataset }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [name, spec] = Object.entries(ds.inputs)[0] ?? [];
  const target = Object.keys(ds.targets)[0];
  const n = Math.min(ds.size, 400);
  const labels = target ? ds.arrays[target] : undefined;
  const perLabel = labels ? labels.length / ds.size : 0;
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || !name || !spec || spec.shape.length !== 1 || spec.shape[0] !== 2) return;
    const x = ds.arrays[name]!;
    let m = 1e-6;
    for (let i = 0; i < n * 2; i++) m = Math.max(m, Math.abs(x[i]!));
    c.width = 160;
    c.height = 160;
    for (let i = 0; i < n; i++) {
      ctx.beginPath();
      ctx.arc(80 + (x[i * 2]! / m) * 74, 80 - (x[i * 2 + 1]! / m) * 74, 2, 0, Math.PI * 2);
      ctx.fillStyle = classColor(perLabel === 1 ? Number(labels![i]) : 0);
      ctx.fill();
    }
  }, [ds, name, spec, n, labels, perLabel]);
  if (!name || !spec) return null;
  const per = spec.shape.reduce((a, b) => a * b, 1);
  return (
    <div className="ll-preview" data-testid="dataset-preview">
      <p className="ll-muted">
        {ds.info.description} {ds.size} samples; input {name} [{spec.shape.join('×')}] {spec.dtype}
        {target ? `, target ${target}` : ''}
        {ds.info.classNames ? `, ${ds.info.classNames.length} classes` : ''}.
      </p>
      {spec.shape.length === 1 && spec.shape[0] === 2 && <canvas ref={ref} width={160} height={160} />}
      {isImage(spec.shape) && (
        <div className="ll-samples">
          {Array.from({ length: Math.min(8, ds.size) }, (_, i) => (
            <ImageTile key={i} data={ds.arrays[name] as Float32Array} shape={spec.shape} offset={i * per} />
          ))}
        </div>
      )}
      {spec.dtype === 'int64' && (
        <ul className="ll-tokens">
          {Array.from({ length: Math.min(4, ds.size) }, (_, i) => (
            <li key={i}>{Array.from(ds.arrays[name]!.subarray(i * per, (i + 1) * per), (v) => ds.info.vocab?.[v] ?? String(v)).join(' ')}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ImageTile({ data, shape, offset }: { data: Float32Array; shape: readonly number[]; offset: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) drawImage(ref.current, data, shape, offset);
  }, [data, shape, offset]);
  return <canvas ref={ref} className="ll-pixelated" style={{ width: 36, height: 36 }} />;
}

export function DatasetPicker({
  value,
  seed,
  options,
  imported,
  onChange,
  onImport,
  disabled,
}: {
  value: string;
  seed: number;
  /** The project's dataset_options for this dataset (a template's image size, colour, sequence length…). */
  options?: unknown;
  imported: readonly Imported[];
  onChange: (name: string) => void;
  onImport: (file: File) => void;
  disabled: boolean;
}) {
  const [preview, setPreview] = useState<{ name: string; ds?: Dataset; error?: string } | null>(null);
  const optionsKey = JSON.stringify(options ?? {});
  useEffect(() => {
    let alive = true;
    const own = imported.find((d) => d.name === value);
    if (own) {
      setPreview({ name: value, ds: own.dataset });
      return;
    }
    const b = getBuiltin(value);
    if (!b) {
      setPreview(value ? { name: value, error: `"${value}" is not a built-in dataset; import the file to train on it here.` } : null);
      return;
    }
    if (value === 'digits') registerAppDigits(document.baseURI);
    // The preview shows the samples the run will train on: the project's options for this dataset, at most 400.
    let load: { size?: number; options?: Record<string, unknown> };
    try {
      const given = JSON.parse(optionsKey) as unknown;
      if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new TrainingSectionError('dataset_options must be an object, e.g. {"size": 3000}');
      load = builtinLoadOptions(value, given as Record<string, unknown>, b.optionNames ?? []);
    } catch (e) {
      setPreview({ name: value, error: `The project's dataset options do not fit: ${e instanceof Error ? e.message : String(e)}` });
      return;
    }
    b.load({ seed, ...load, size: Math.min(load.size ?? b.defaultSize, 400) }).then(
      (ds) => alive && setPreview({ name: value, ds }),
      (e: unknown) => alive && setPreview({ name: value, error: `This dataset cannot load here: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` }),
    );
    return () => {
      alive = false;
    };
  }, [value, seed, imported, optionsKey]);
  return (
    <div className="ll-field">
      <label>
        Dataset
        <select value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled} data-testid="train-dataset">
          <option value="">— choose —</option>
          <optgroup label="Built-in">
            {builtinDatasets.map((d) => (
              <option key={d.info.name} value={d.info.name}>
                {d.info.title} ({d.info.name})
              </option>
            ))}
          </optgroup>
          {imported.length > 0 && (
            <optgroup label="Imported">
              {imported.map((d) => (
                <option key={d.name} value={d.name}>
                  {d.name}
                </option>
              ))}
            </optgroup>
          )}
          {value && !getBuiltin(value) && !imported.some((d) => d.name === value) && <option value={value}>{value} (not loaded)</option>}
        </select>
      </label>
      <label className="ll-import">
        Import…
        <input type="file" accept=".csv,.npz,.txt" disabled={disabled} onChange={(e) => e.target.files?.[0] && onImport(e.target.files[0])} data-testid="train-import" />
      </label>
      {preview?.error && <p className="ll-view__error">{preview.error}</p>}
      {preview?.ds && <Preview ds={preview.ds} />}
    </div>
  );
}
