/** The primitive op registry: one import per op file, alphabetical. */
import type { AnyOpDef } from '../define-op';
import { Abs } from './abs';
import { Add } from './add';
import { ArgMax } from './arg-max';
import { AveragePool } from './average-pool';
import { BatchNormalization } from './batch-normalization';
import { Cast } from './cast';
import { Concat } from './concat';
import { Conv } from './conv';
import { ConvTranspose } from './conv-transpose';
import { Div } from './div';
import { Elu } from './elu';
import { Equal } from './equal';
import { Erf } from './erf';
import { Exp } from './exp';
import { Expand } from './expand';
import { Gather } from './gather';
import { GatherElements } from './gather-elements';
import { GlobalAveragePool } from './global-average-pool';
import { GradientReversal } from './gradient-reversal';
import { Greater } from './greater';
import { Identity } from './identity';
import { LayerNormalization } from './layer-normalization';
import { LeakyRelu } from './leaky-relu';
import { Less } from './less';
import { Log } from './log';
import { MatMul } from './mat-mul';
import { Max } from './max';
import { MaxPool } from './max-pool';
import { Min } from './min';
import { Mul } from './mul';
import { Neg } from './neg';
import { OnnxOp } from './onnx-op';
import { Pow } from './pow';
import { Reciprocal } from './reciprocal';
import { ReduceLogSumExp } from './reduce-log-sum-exp';
import { ReduceMax } from './reduce-max';
import { ReduceMean } from './reduce-mean';
import { ReduceSum } from './reduce-sum';
import { Relu } from './relu';
import { Reshape } from './reshape';
import { Resize } from './resize';
import { ScatterND } from './scatter-nd';
import { Sigmoid } from './sigmoid';
import { Slice } from './slice';
import { Softmax } from './softmax';
import { Split } from './split';
import { Sqrt } from './sqrt';
import { Squeeze } from './squeeze';
import { Sub } from './sub';
import { Tanh } from './tanh';
import { Transpose } from './transpose';
import { Unsqueeze } from './unsqueeze';
import { Where } from './where';

const ops: readonly AnyOpDef[] = [
  Abs,
  Add,
  ArgMax,
  AveragePool,
  BatchNormalization,
  Cast,
  Concat,
  Conv,
  ConvTranspose,
  Div,
  Elu,
  Equal,
  Erf,
  Exp,
  Expand,
  Gather,
  GatherElements,
  GlobalAveragePool,
  GradientReversal,
  Greater,
  Identity,
  LayerNormalization,
  LeakyRelu,
  Less,
  Log,
  MatMul,
  Max,
  MaxPool,
  Min,
  Mul,
  Neg,
  OnnxOp,
  Pow,
  Reciprocal,
  ReduceLogSumExp,
  ReduceMax,
  ReduceMean,
  ReduceSum,
  Relu,
  Reshape,
  Resize,
  ScatterND,
  Sigmoid,
  Slice,
  Softmax,
  Split,
  Sqrt,
  Squeeze,
  Sub,
  Tanh,
  Transpose,
  Unsqueeze,
  Where,
].map((o) => o as unknown as AnyOpDef);

export const opByName: ReadonlyMap<string, AnyOpDef> = new Map(ops.map((o) => [o.name, o]));

export function getOp(name: string): AnyOpDef | undefined {
  return opByName.get(name);
}

export const allOps: readonly AnyOpDef[] = ops;
