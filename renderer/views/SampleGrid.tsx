/** A grid of held-out samples with their true and predicted labels (images drawn, other inputs as numbers). */
import { useEffect, useRef } from 'react';
import { drawImage, isImage } from './draw';
import { useView } from '../train/TrainingContext';

function Tile({ data, shape, offset }: { data: Float32Array; shape: readonly number[]; offset: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) drawImage(ref.current, data, shape, offset);
  }, [data, shape, offset]);
  return <canvas ref={ref} className="ll-pixelated" style={{ width: 56, height: 56 }} />;
}

export function SampleGrid() {
  const { result: r, error } = useView({ kind: 'samples', count: 32 }, 3000);
  if (error) return <p className="ll-view__error" data-testid="view-error">{error}</p>;
  if (!r) return <p className="ll-muted">Computing…</p>;
  const per = r.shape.reduce((a, b) => a * b, 1);
  const image = isImage(r.shape);
  return (
    <div className="ll-view ll-samples" data-testid="view-samples">
      {Array.from(r.truth, (t, i) => {
        const p = r.predicted[i]!;
        return (
          <figure key={i} className={p === t ? 'is-right' : 'is-wrong'}>
            {image ? <Tile data={r.inputs} shape={r.shape} offset={i * per} /> : <code>{Array.from(r.inputs.subarray(i * per, i * per + Math.min(per, 4)), (v) => v.toFixed(2)).join(', ')}</code>}
            <figcaption>
              {r.classNames[p]} {p === t ? '✓' : `✗ (${r.classNames[t]})`}
            </figcaption>
          </figure>
        );
      })}
    </div>
  );
}
