/**
 * One live chart (uPlot): the series of a PlotData, redrawn when `version` changes. Hovering shows every
 * series' value at the cursor in the legend; a log-scale toggle; export as PNG (the chart's canvas), SVG and
 * CSV (plot-export.ts). The wrapper carries the first series' point count and first/last values as data
 * attributes, which the end-to-end tests read.
 */
import { memo, useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { download, fileSafe } from './download';
import { plotToCsv, plotToSvg, type PlotData } from './plot-export';

interface PlotProps {
  readonly id: string;
  readonly build: () => PlotData;
  readonly version: number;
  readonly height?: number;
  /** Offer the log-scale toggle (losses, learning rate). */
  readonly logToggle?: boolean;
  /** Start on the log scale (gradient norms span decades). */
  readonly defaultLog?: boolean;
}

const key = (p: PlotData) => p.series.map((s) => `${s.label}\u0000${s.color}`).join('|');

function toAligned(p: PlotData): uPlot.AlignedData {
  return [p.x as number[], ...p.series.map((s) => s.values as (number | null)[])];
}

export const Plot = memo(function Plot({ id, build, version, height = 180, logToggle = false, defaultLog = false }: PlotProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const shape = useRef('');
  const [log, setLog] = useState(defaultLog);
  const [stats, setStats] = useState({ points: 0, first: NaN, last: NaN });

  // Create (or re-create, when the series change or the scale does) and feed the chart.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const p = build();
    const k = `${key(p)}|${log}`;
    const positive = (v: number | null) => v !== null && v > 0;
    const data = toAligned(
      log ? { ...p, series: p.series.map((s) => ({ ...s, values: s.values.map((v) => (positive(v) ? v : null)) })) } : p,
    );
    if (!chart.current || shape.current !== k) {
      chart.current?.destroy();
      shape.current = k;
      chart.current = new uPlot(
        {
          width: Math.max(200, el.clientWidth),
          height,
          title: p.title,
          scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
          axes: [{ label: p.xLabel, stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' } }, { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' } }],
          series: [{ label: p.xLabel }, ...p.series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, spanGaps: true, points: { show: s.values.length < 60 || s.label.startsWith('val') || s.label.includes('epoch') } }))],
          legend: { live: true },
        },
        data,
        el,
      );
    } else chart.current.setData(data);
    const first = p.series[0]?.values ?? [];
    const finite = first.filter((v): v is number => v !== null && Number.isFinite(v));
    setStats({ points: finite.length, first: finite[0] ?? NaN, last: finite.at(-1) ?? NaN });
  }, [build, version, log, height]);

  // Follow the panel's width.
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => chart.current?.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => ro.disconnect();
  }, [height]);

  useEffect(() => () => chart.current?.destroy(), []);

  const exportAs = (kind: 'png' | 'svg' | 'csv') => {
    const p = build();
    const name = fileSafe(p.title);
    if (kind === 'csv') download(`${name}.csv`, plotToCsv(p), 'text/csv');
    else if (kind === 'svg') download(`${name}.svg`, plotToSvg(p, { log }), 'image/svg+xml');
    else chart.current?.ctx.canvas.toBlob((b) => b && download(`${name}.png`, b));
  };

  return (
    <div className="ll-plot" data-testid={`plot-${id}`} data-points={stats.points} data-first={stats.first} data-last={stats.last}>
      <div className="ll-plot__tools">
        {logToggle && (
          <label title="Logarithmic y axis">
            <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} data-testid={`plot-${id}-log`} /> log
          </label>
        )}
        <button type="button" onClick={() => exportAs('png')} data-testid={`plot-${id}-png`}>PNG</button>
        <button type="button" onClick={() => exportAs('svg')} data-testid={`plot-${id}-svg`}>SVG</button>
        <button type="button" onClick={() => exportAs('csv')} data-testid={`plot-${id}-csv`}>CSV</button>
      </div>
      <div ref={box} className="ll-plot__chart" />
    </div>
  );
});
