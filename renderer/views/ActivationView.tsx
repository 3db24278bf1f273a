/**
 * Activation preview: the output of the layer selected on the canvas, for one sample. Feature maps for
 * convolutions ([C, H, W]), a heatmap for sequences and matrices, bars for vectors.
 */
import { useEffect, useRef } from 'react';
import { drawHeatmap, range } from './draw';
import { useView } from '../train/TrainingContext';

const MAX_MAPS = 32;

function Heat({ data, rows, cols, offset = 0, size, title }: { data: Float32Array; rows: number; cols: number; offset?: number; size: number; title?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) drawHeatmap(ref.current, data, rows, cols, { offset });
  }, [data, rows, cols, offset]);
  const scale = size / Math.max(rows, cols);
  return <canvas ref={ref} className="ll-pixelated" title={title} style={{ width: cols * scale, height: rows * scale }} />;
}

function Bars({ data }: { data: Float32Array }) {
  const [lo, hi] = range(data);
  const top = Math.max(hi, 0);
  const bottom = Math.min(lo, 0);
  const span = top - bottom || 1;
  const w = Math.max(2, Math.min(16, Math.floor(560 / data.length)));
  const H = 120;
  const zero = (top / span) * H;
  return (
    <svg width={data.length * w} height={H} className="ll-bars" data-testid="activation-bars">
      <line x1={0} x2={data.length * w} y1={zero} y2={zero} stroke="currentColor" strokeOpacity={0.3} />
      {Array.from(data, (v, i) => {
        const h = (Math.abs(v) / span) * H;
        return <rect key={i} x={i * w} width={w - 1} y={v >= 0 ? zero - h : zero} height={h} fill={v >= 0 ? '#3867d6' : '#d63838'}><title>{`${i}: ${v.toPrecision(4)}`}</title></rect>;
      })}
    </svg>
  );
}

export function ActivationView({ node, sample }: { node: string | null; sample: number }) {
  const { result: r, error } = useView(node ? { kind: 'activation', node, sample } : null, 1500);
  if (!node) return <p className="ll-muted">Click a layer on the canvas to see its output.</p>;
  if (error) return <p className="ll-view__error" data-testid="view-error">{error}</p>;
  if (!r || r.node !== node) return <p className="ll-muted">Computing…</p>;
  const dims = r.shape.slice(1);
  const [lo, hi] = range(r.data);
  let body;
  if (dims.length === 3) {
    const [c, h, w] = dims as [number, number, number];
    body = (
      <div className="ll-maps" data-testid="activation-maps">
        {Array.from({ length: Math.min(c, MAX_MAPS) }, (_, k) => (
          <Heat key={k} data={r.data} rows={h} cols={w} offset={k * h * w} size={72} title={`channel ${k}`} />
        ))}
        {c > MAX_MAPS && <span className="ll-muted">+{c - MAX_MAPS} more channels</span>}
      </div>
    );
  } else if (dims.length === 2) body = <div data-testid="activation-heatmap"><Heat data={r.data} rows={dims[0]!} cols={dims[1]!} size={240} /></div>;
  else if (dims.length === 1) body = <Bars data={r.data} />;
  else body = <p>{r.data[0]?.toPrecision(5)}</p>;
  return (
    <div className="ll-view" data-testid="view-activation" data-node={r.node} data-shape={r.shape.join('x')}>
      <p>
        <strong>{r.node}</strong>.{r.port} on sample {sample}: [{r.shape.join(' × ')}], values {lo.toPrecision(3)} … {hi.toPrecision(3)}
      </p>
      {body}
    </div>
  );
}
