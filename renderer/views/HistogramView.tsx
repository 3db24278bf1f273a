/**
 * Weight histograms per tensor, with each tensor's L2 norm and how the norms moved while this view was
 * open: collapsing or exploding layers stand out.
 */
import { useEffect, useRef } from 'react';
import { useView } from '../train/TrainingContext';

function Hist({ counts }: { counts: Int32Array }) {
  const max = Math.max(1, ...counts);
  const w = 6;
  const H = 40;
  return (
    <svg width={counts.length * w} height={H}>
      {Array.from(counts, (c, i) => (
        <rect key={i} x={i * w} width={w - 1} y={H - (c / max) * H} height={(c / max) * H} fill="#3867d6" />
      ))}
    </svg>
  );
}

export function HistogramView() {
  const { result: r, error } = useView({ kind: 'histograms', bins: 30 }, 1500);
  const history = useRef(new Map<string, number[]>());
  useEffect(() => {
    if (!r) return;
    for (const l of r.layers) {
      const h = history.current.get(l.name) ?? [];
      h.push(l.norm);
      if (h.length > 200) h.shift();
      history.current.set(l.name, h);
    }
  }, [r]);
  if (error) return <p className="ll-view__error" data-testid="view-error">{error}</p>;
  if (!r) return <p className="ll-muted">Computing…</p>;
  return (
    <div className="ll-view" data-testid="view-histograms">
      <table className="ll-hist">
        <thead>
          <tr>
            <th>tensor</th>
            <th>values</th>
            <th>range</th>
            <th>L2 norm</th>
            <th>norm over time</th>
          </tr>
        </thead>
        <tbody>
          {r.layers.map((l) => {
            const h = history.current.get(l.name) ?? [l.norm];
            const hi = Math.max(...h);
            const lo = Math.min(...h);
            const pts = h.map((v, i) => `${(i / Math.max(1, h.length - 1)) * 100},${20 - ((v - lo) / (hi - lo || 1)) * 18}`).join(' ');
            return (
              <tr key={l.name}>
                <td>{l.name}</td>
                <td>
                  <Hist counts={l.counts} />
                </td>
                <td className="ll-muted">
                  {l.edges[0]!.toPrecision(3)} … {l.edges.at(-1)!.toPrecision(3)}
                </td>
                <td>{l.norm.toPrecision(4)}</td>
                <td>
                  <svg width={100} height={22}>
                    <polyline points={pts} fill="none" stroke="#f28e2b" />
                  </svg>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
