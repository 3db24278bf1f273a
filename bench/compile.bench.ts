/**
 * `npm run bench:compile`: time to validate and infer shapes for a 1,000-node graph (target < 20 ms).
 * Prints figures and the ratio to the target; it is a measurement, not a test.
 */
import { hasErrors, inferShapes, validate } from '../graph-core';
import { residualGraph } from './graphs';
import { ms, time } from './stats';

const TARGET_MS = 20;
const doc = residualGraph(1000);
const check = inferShapes(doc);
if (hasErrors(check.diagnostics)) {
  console.error(check.diagnostics.slice(0, 5));
  throw new Error('benchmark graph has errors');
}

const v = time(() => validate(doc));
const full = time(() => inferShapes(doc));
console.log(`graph: ${doc.nodes.length} nodes, ${doc.edges.length} edges, ${check.totalParams.toLocaleString('en-US')} params (node ${process.version})`);
console.log(`validate                 median ${ms(v.median)}  p95 ${ms(v.p95)}  (${v.runs} runs)`);
console.log(`validate + inferShapes   median ${ms(full.median)}  p95 ${ms(full.p95)}  (${full.runs} runs)`);
console.log(`target < ${TARGET_MS} ms: median is ${(full.median / TARGET_MS).toFixed(2)}× the budget → ${full.median < TARGET_MS ? 'MET' : 'MISSED'}`);
