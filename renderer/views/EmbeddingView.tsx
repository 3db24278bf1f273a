/** An Embedding table projected on its first two principal components, each point labelled with its token. */
import { classColor } from './draw';
import { useView } from '../train/TrainingContext';

const W = 420;
const H = 300;
const MAX_LABELS = 150;

export function EmbeddingView({ node }: { node: string }) {
  const { result: r, error } = useView({ kind: 'embedding', node }, 3000);
  if (error) return <p className="ll-view__error" data-testid="view-error">{error}</p>;
  if (!r || r.node !== node) return <p className="ll-muted">Computing…</p>;
  const n = r.labels.length;
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    x0 = Math.min(x0, r.points[i * 2]!);
    x1 = Math.max(x1, r.points[i * 2]!);
    y0 = Math.min(y0, r.points[i * 2 + 1]!);
    y1 = Math.max(y1, r.points[i * 2 + 1]!);
  }
  const sx = (v: number) => 16 + ((v - x0) / (x1 - x0 || 1)) * (W - 32);
  const sy = (v: number) => H - 16 - ((v - y0) / (y1 - y0 || 1)) * (H - 32);
  return (
    <div className="ll-view" data-testid="view-embedding">
      <p>
        <strong>{node}</strong>: {n} tokens on PC1 ({(r.explained[0] * 100).toFixed(1)}% of the variance) and PC2 ({(r.explained[1] * 100).toFixed(1)}%).
      </p>
      <svg width={W} height={H} className="ll-scatter">
        {Array.from({ length: n }, (_, i) => (
          <g key={i}>
            <circle cx={sx(r.points[i * 2]!)} cy={sy(r.points[i * 2 + 1]!)} r={3} fill={classColor(0)}>
              <title>{r.labels[i]}</title>
            </circle>
            {i < MAX_LABELS && (
              <text x={sx(r.points[i * 2]!) + 4} y={sy(r.points[i * 2 + 1]!) + 3} fontSize={10} fill="currentColor">
                {r.labels[i]}
              </text>
            )}
          </g>
        ))}
      </svg>
    </div>
  );
}
