/**
 * `npm run bench:compile`: for a 1,000-node graph, the time to validate and infer shapes (target < 20 ms)
 * and to export ONNX + safetensors (target < 200 ms). Prints figures and ratios to the targets; it is a
 * measurement, not a test.
 */
import { hasErrors, inferShapes, validate } from '../graph-core';
import { exportGraph } from '../exporters/export-graph';
import { residualGraph } from './graphs';
import { ms, time } from './stats';

const INFER_TARGET_MS = 20;
const EXPORT_TARGET_MS = 200;
const doc = residualGraph(1000);
const check = inferShapes(doc);
if (hasErrors(check.diagnostics)) {
  console.error(check.diagnostics.slice(0, 5));
  throw new Error('benchmark graph has errors');
}

const verdict = (median: number, target: number) =>
  `median is ${(median / target).toFixed(2)}× the ${target} ms budget → ${median < target ? 'MET' : 'MISSED'}`;

const v = time(() => validate(doc));
const full = time(() => inferShapes(doc));
let bytes = 0;
const exp = time(
  () => {
    const r = exportGraph(doc, { seed: 1 });
    if (!r.ok) throw new Error('export failed');
    bytes = r.onnx.length + r.safetensors.length;
  },
  { warmup: 3, runs: 20 },
);
console.log(`graph: ${doc.nodes.length} nodes, ${doc.edges.length} edges, ${check.totalParams.toLocaleString('en-US')} params (node ${process.version})`);
console.log(`validate                 median ${ms(v.median)}  p95 ${ms(v.p95)}  (${v.runs} runs)`);
console.log(`validate + inferShapes   median ${ms(full.median)}  p95 ${ms(full.p95)}  (${full.runs} runs)`);
console.log(`  target < ${INFER_TARGET_MS} ms: ${verdict(full.median, INFER_TARGET_MS)}`);
console.log(`export ONNX + weights    median ${ms(exp.median)}  p95 ${ms(exp.p95)}  (${exp.runs} runs, ${(bytes / 1e6).toFixed(1)} MB written)`);
console.log(`  target < ${EXPORT_TARGET_MS} ms: ${verdict(exp.median, EXPORT_TARGET_MS)}`);
