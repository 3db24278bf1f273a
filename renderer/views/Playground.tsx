/**
 * The inference playground: pick a sample, draw a digit (image models) or type a sentence (token models)
 * and see what the trained model predicts, class by class. Attention maps follow the picked sample.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ViewRequest } from '../train/protocol';
import { useView } from '../train/TrainingContext';
import { AttentionView } from './AttentionView';

export interface PlaygroundInput {
  /** The model's single input, per sample. */
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int64';
  /** Token strings by id, for typed sentences. */
  readonly vocab?: readonly string[];
}

/** Token ids for typed text: whole words when the vocabulary has words, else characters; padded or cut to `length`. */
export function tokenizeFor(text: string, vocab: readonly string[], length: number): Int32Array {
  const index = new Map(vocab.map((t, i) => [t, i]));
  const words = vocab.some((t) => t.length > 1 && !t.startsWith('<'));
  const parts = words ? text.toLowerCase().split(/\s+/).filter(Boolean) : [...text];
  const unk = index.get('<unk>') ?? index.get('<UNK>') ?? 0;
  const pad = index.get('<pad>') ?? index.get('<PAD>') ?? 0;
  const ids = new Int32Array(length).fill(pad);
  parts.slice(0, length).forEach((p, i) => (ids[i] = index.get(p) ?? unk));
  return ids;
}

function DrawPad({ size, onChange }: { size: [number, number]; onChange: (pixels: Float32Array) => void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const [h, w] = size;
  const scale = Math.max(4, Math.floor(168 / Math.max(h, w)));
  const emit = useCallback(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.getImageData(0, 0, w, h).data;
    onChange(Float32Array.from({ length: h * w }, (_, i) => img[i * 4 + 3]! / 255));
  }, [h, w, onChange]);
  const paint = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || !drawing.current) return;
    const r = c.getBoundingClientRect();
    const x = ((e.clientX - r.left) / r.width) * w;
    const y = ((e.clientY - r.top) / r.height) * h;
    ctx.fillStyle = '#000';
    ctx.beginPath();
    ctx.arc(x, y, Math.max(1, w / 14), 0, Math.PI * 2);
    ctx.fill();
  };
  return (
    <div className="ll-drawpad">
      <canvas
        ref={ref}
        width={w}
        height={h}
        className="ll-pixelated"
        style={{ width: w * scale, height: h * scale }}
        data-testid="playground-draw"
        onPointerDown={(e) => {
          drawing.current = true;
          paint(e);
        }}
        onPointerMove={paint}
        onPointerUp={() => {
          drawing.current = false;
          emit();
        }}
        onPointerLeave={() => {
          if (drawing.current) emit();
          drawing.current = false;
        }}
      />
      <button
        type="button"
        onClick={() => {
          ref.current?.getContext('2d')?.clearRect(0, 0, w, h);
          emit();
        }}
      >
        Clear
      </button>
    </div>
  );
}

export function Playground({ input, attention }: { input: PlaygroundInput | null; attention: readonly string[] }) {
  const [mode, setMode] = useState<'sample' | 'draw' | 'type'>('sample');
  const [sample, setSample] = useState(0);
  const [drawn, setDrawn] = useState<Float32Array | null>(null);
  const [text, setText] = useState('');
  const image = input && input.dtype === 'float32' && (input.shape.length === 2 || (input.shape.length === 3 && input.shape[0] === 1));
  const tokens = input && input.dtype === 'int64' && input.shape.length === 1 && input.vocab;
  useEffect(() => setDrawn(null), [input]);

  let request: (ViewRequest & { kind: 'predict' }) | null = { kind: 'predict', sample };
  if (mode === 'draw' && image) request = drawn ? { kind: 'predict', input: drawn } : null;
  if (mode === 'type' && tokens) request = text.trim() ? { kind: 'predict', input: tokenizeFor(text, input.vocab!, input.shape[0]!) } : null;
  const { result: r, error } = useView(request, 2000);
  const hw: [number, number] = image ? [input.shape.at(-2)!, input.shape.at(-1)!] : [28, 28];

  return (
    <div className="ll-view" data-testid="view-playground">
      <div className="ll-row">
        <label>
          <input type="radio" checked={mode === 'sample'} onChange={() => setMode('sample')} /> pick a sample
        </label>
        {image && (
          <label>
            <input type="radio" checked={mode === 'draw'} onChange={() => setMode('draw')} data-testid="playground-mode-draw" /> draw
          </label>
        )}
        {tokens && (
          <label>
            <input type="radio" checked={mode === 'type'} onChange={() => setMode('type')} data-testid="playground-mode-type" /> type
          </label>
        )}
      </div>
      {mode === 'sample' && (
        <label>
          Sample <input type="number" min={0} value={sample} onChange={(e) => setSample(Math.max(0, Math.floor(Number(e.target.value) || 0)))} data-testid="playground-sample" style={{ width: 70 }} />
        </label>
      )}
      {mode === 'draw' && image && <DrawPad size={hw} onChange={setDrawn} />}
      {mode === 'type' && tokens && <input type="text" value={text} placeholder="type a sentence" onChange={(e) => setText(e.target.value)} data-testid="playground-text" />}
      {error && <p className="ll-view__error" data-testid="view-error">{error}</p>}
      {r && (
        <div className="ll-probs" data-testid="playground-result" data-predicted={r.predicted}>
          {r.input?.tokens && <p className="ll-muted">{r.input.tokens.join(' ')}</p>}
          <p>
            Prediction: <strong>{r.classNames[r.predicted]}</strong>
            {r.truth !== undefined && <> (true: {r.classNames[r.truth]})</>}
          </p>
          {Array.from(r.probabilities, (p, i) => (
            <div key={i} className="ll-prob">
              <span>{r.classNames[i]}</span>
              <span className="ll-prob__bar" style={{ width: `${(p * 100).toFixed(1)}%` }} />
              <span>{(p * 100).toFixed(1)}%</span>
            </div>
          ))}
        </div>
      )}
      {mode === 'sample' && attention.map((node) => <AttentionView key={node} node={node} sample={sample} />)}
    </div>
  );
}
