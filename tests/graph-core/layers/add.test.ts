import { expect, it } from 'vitest';
import { inferShapes, type GraphDoc } from '../../../graph-core';
import { layerCases } from '../../helpers/layer-cases';

// Shapes checked with (a + b).shape in torch; Add has no parameters.
layerCases('Add', [
  {
    name: 'a residual connection: same shapes',
    inputs: { a: ['N', 4, 8], b: ['N', 4, 8] },
    outputs: { out: ['N', 4, 8] },
    paramCount: 0,
    weights: {},
    flops: 32,
  },
  { name: 'a per-channel bias [N, C, 1, 1]', inputs: { a: ['N', 16, 8, 8], b: ['N', 16, 1, 1] }, outputs: { out: ['N', 16, 8, 8] }, flops: 16 * 64 },
  { name: 'both sides broadcast', inputs: { a: ['N', 1, 5], b: ['N', 4, 1] }, outputs: { out: ['N', 4, 5] }, flops: 20 },
  { name: 'sizes that do not broadcast', inputs: { a: ['N', 4], b: ['N', 5] }, errors: ['SHAPE_MISMATCH'], errorPort: 'b' },
  { name: 'a lower rank lines N up with a feature dim', inputs: { a: ['N', 4, 8], b: ['N', 8] }, errors: ['SHAPE_MISMATCH'], errorPort: 'b' },
  { name: 'a result with N outside dim 0 is refused', inputs: { a: ['N', 1], b: ['N'] }, errors: ['SHAPE_MISMATCH'], errorPort: 'b' },
  { name: 'int64 inputs are refused', inputs: { a: ['N', 4], b: { shape: ['N', 4], dtype: 'int64' } }, errors: ['DTYPE_MISMATCH'], errorPort: 'b' },
]);

// torch: (MSELoss()(x, y) + MSELoss()(x, y)).shape == torch.Size([]), e.g. a VAE's reconstruction + KL terms.
it('Add sums two scalar losses into a scalar', () => {
  const node = (id: string, kind: string, params = {}) => ({ id, kind, params, position: { x: 0, y: 0 } });
  const doc: GraphDoc = {
    format: 'layerloom.graph',
    version: 1,
    name: 'two losses',
    nodes: [node('x', 'Input', { shape: [3] }), node('l1', 'MSELoss'), node('l2', 'MSELoss'), node('L', 'Add')],
    edges: [
      { id: 'e1', from: { node: 'x' }, to: { node: 'l1', port: 'input' } },
      { id: 'e2', from: { node: 'x' }, to: { node: 'l2', port: 'input' } },
      { id: 'e3', from: { node: 'l1' }, to: { node: 'L', port: 'a' } },
      { id: 'e4', from: { node: 'l2' }, to: { node: 'L', port: 'b' } },
    ],
  };
  const g = inferShapes(doc);
  expect(g.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(g.info.get('L')!.outputs.out!.shape).toEqual([]);
});
