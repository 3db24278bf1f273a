/** Attention heatmaps of every MultiheadAttention node, one per head, with the sample's tokens on the axes. */
import { useEffect, useRef } from 'react';
import { drawHeatmap } from './draw';
import { useView } from '../train/TrainingContext';

function Head({ data, offset, tq, tk, tokens, head }: { data: Float32Array; offset: number; tq: number; tk: number; tokens: readonly string[]; head: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) drawHeatmap(ref.current, data, tq, tk, { offset, lo: 0, hi: 1 });
  }, [data, offset, tq, tk]);
  const cell = Math.max(10, Math.min(28, Math.floor(260 / Math.max(tq, tk))));
  return (
    <figure className="ll-attn" data-testid={`attention-head-${head}`}>
      <figcaption>head {head + 1}</figcaption>
      <div className="ll-attn__grid" style={{ gridTemplateColumns: `auto ${tk * cell}px` }}>
        <span />
        <div className="ll-attn__keys" style={{ width: tk * cell }}>
          {Array.from({ length: tk }, (_, j) => (
            <span key={j} style={{ width: cell }} title={tokens[j]}>{tokens[j]}</span>
          ))}
        </div>
        <div className="ll-attn__queries">
          {Array.from({ length: tq }, (_, i) => (
            <span key={i} style={{ height: cell }}>{tokens[i]}</span>
          ))}
        </div>
        <canvas ref={ref} className="ll-pixelated" style={{ width: tk * cell, height: tq * cell }} />
      </div>
    </figure>
  );
}

export function AttentionView({ node, sample }: { node: string; sample: number }) {
  const { result: r, error } = useView({ kind: 'attention', node, sample }, 2000);
  if (error) return <p className="ll-view__error" data-testid="view-error">{error}</p>;
  if (!r || r.node !== node) return <p className="ll-muted">Computing…</p>;
  return (
    <div className="ll-view" data-testid="view-attention" data-heads={r.heads} data-tokens={r.tokens.join(' ')}>
      <p>
        <strong>{node}</strong> on sample {sample}: rows are queries, columns the keys they attend to; each row sums to 1.
      </p>
      <div className="ll-maps">
        {Array.from({ length: r.heads }, (_, h) => (
          <Head key={h} head={h} data={r.data} offset={h * r.tq * r.tk} tq={r.tq} tk={r.tk} tokens={r.tokens} />
        ))}
      </div>
    </div>
  );
}
