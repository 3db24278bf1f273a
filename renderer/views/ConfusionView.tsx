/** The confusion matrix of the user's classifier on held-out samples, with per-class accuracy. */
import { useTraining, useView } from '../train/TrainingContext';

const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '–');

export function ConfusionView() {
  useTraining();
  const { result: r, error } = useView({ kind: 'confusion' }, 2000);
  if (error) return <p className="ll-view__error" data-testid="view-error">{error}</p>;
  if (!r) return <p className="ll-muted">Computing…</p>;
  const k = r.classNames.length;
  let max = 1;
  for (const c of r.counts) max = Math.max(max, c);
  return (
    <div className="ll-view" data-testid="view-confusion" data-accuracy={r.accuracy} data-total={r.total}>
      <p>
        Accuracy <strong>{pct(r.accuracy)}</strong> on {r.total} {r.split} samples ({r.node}). Rows: true class; columns: predicted.
      </p>
      <table className="ll-confusion">
        <thead>
          <tr>
            <th />
            {r.classNames.map((n, j) => (
              <th key={j} title={`predicted ${n}`}>{n}</th>
            ))}
            <th>per class</th>
          </tr>
        </thead>
        <tbody>
          {r.classNames.map((n, t) => (
            <tr key={t}>
              <th title={`true ${n}`}>{n}</th>
              {r.classNames.map((_, p) => {
                const c = r.counts[t * k + p]!;
                const a = c / max;
                return (
                  <td key={p} className={t === p ? 'is-diagonal' : ''} style={{ background: `rgb(56 103 214 / ${(a * 0.85).toFixed(3)})`, color: a > 0.5 ? '#fff' : undefined }} data-testid={`confusion-${t}-${p}`}>
                    {c}
                  </td>
                );
              })}
              <td className="ll-confusion__acc">{pct(r.perClass[t]!)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
