/** The decision boundary of a classifier with 2-D inputs, Playground style, redrawn while it trains. */
import { useEffect, useRef } from 'react';
import { classColor } from './draw';
import { useView } from '../train/TrainingContext';

const SIZE = 300;

export function BoundaryView() {
  const { result: r, error } = useView({ kind: 'boundary', resolution: 60 }, 500);
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!r || !c || !ctx) return;
    c.width = SIZE;
    c.height = SIZE;
    const cell = SIZE / r.resolution;
    ctx.globalAlpha = 0.35;
    for (let row = 0; row < r.resolution; row++)
      for (let col = 0; col < r.resolution; col++) {
        ctx.fillStyle = classColor(r.grid[row * r.resolution + col]!);
        ctx.fillRect(col * cell, row * cell, Math.ceil(cell), Math.ceil(cell));
      }
    ctx.globalAlpha = 1;
    const [x0, x1, y0, y1] = r.bounds;
    for (let i = 0; i < r.labels.length; i++) {
      const px = ((r.points[i * 2]! - x0) / (x1 - x0)) * SIZE;
      const py = ((y1 - r.points[i * 2 + 1]!) / (y1 - y0)) * SIZE;
      ctx.beginPath();
      ctx.arc(px, py, 2.5, 0, Math.PI * 2);
      ctx.fillStyle = classColor(r.labels[i]!);
      ctx.fill();
      ctx.strokeStyle = 'rgba(0,0,0,0.5)';
      ctx.lineWidth = 0.5;
      ctx.stroke();
    }
  }, [r]);
  if (error) return <p className="ll-view__error" data-testid="view-error">{error}</p>;
  return (
    <div className="ll-view" data-testid="view-boundary">
      <p>Background: the class the model predicts at each point; dots: samples coloured by their true class.</p>
      <canvas ref={ref} width={SIZE} height={SIZE} style={{ width: SIZE, height: SIZE }} />
    </div>
  );
}
