/** The GAN's generated samples for a fixed noise batch, updated as training runs: images or 2-D points. */
import { useEffect, useRef } from 'react';
import { classColor, drawImage, isImage } from './draw';
import { useRunState, useTraining } from '../train/TrainingContext';
import type { RunState } from '../train/client';

const selectVersion = (s: RunState) => s.samplesVersion;

export function GanSamples() {
  const client = useTraining();
  const version = useRunState(selectVersion);
  const s = client.samples();
  const ref = useRef<HTMLCanvasElement>(null);
  const per = s ? s.shape.slice(1) : [];
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!s || !c || !ctx || isImage(per)) return;
    const n = s.shape[0]!;
    c.width = 260;
    c.height = 260;
    ctx.clearRect(0, 0, 260, 260);
    let m = 1e-6;
    for (const v of s.data) m = Math.max(m, Math.abs(v));
    for (let i = 0; i < n; i++) {
      ctx.beginPath();
      ctx.arc(130 + (s.data[i * 2]! / m) * 120, 130 - (s.data[i * 2 + 1]! / m) * 120, 3, 0, Math.PI * 2);
      ctx.fillStyle = classColor(1);
      ctx.fill();
    }
  }, [s, version, per]);
  if (!s) return <p className="ll-muted">Generated samples appear here while a GAN trains.</p>;
  const numel = per.reduce((a, b) => a * b, 1);
  return (
    <div className="ll-view" data-testid="view-gan">
      <p>Generator output after step {s.step}, always from the same noise.</p>
      {isImage(per) ? (
        <div className="ll-samples">
          {Array.from({ length: s.shape[0]! }, (_, i) => (
            <GanTile key={i} data={s.data} shape={per} offset={i * numel} version={version} />
          ))}
        </div>
      ) : (
        <canvas ref={ref} width={260} height={260} />
      )}
    </div>
  );
}

function GanTile({ data, shape, offset, version }: { data: Float32Array; shape: readonly number[]; offset: number; version: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) drawImage(ref.current, data, shape, offset);
  }, [data, shape, offset, version]);
  return <canvas ref={ref} className="ll-pixelated" style={{ width: 40, height: 40 }} />;
}
