/**
 * The IR: a typed SSA list of primitive ops. Op names are ONNX op types, so exporting is mostly a renaming.
 * Shapes are static except the batch dimension, which stays the symbol N.
 */
import type { WeightSpec } from '../define-layer';
import type { TensorType } from '../shape';
import type { Tensor } from './tensor';

export type ValueId = number;

export interface IrValue {
  readonly id: ValueId;
  readonly type: TensorType;
}

export interface IrNode {
  /** Primitive op name (an ONNX op type). */
  readonly op: string;
  readonly inputs: readonly ValueId[];
  readonly outputs: readonly ValueId[];
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Carries the user's node id (and block path), so Netron shows it: `c1/Conv`. */
  readonly name: string;
}

export interface IrInput {
  readonly name: string;
  readonly value: ValueId;
}

export interface IrParam {
  /** `<node id>.<torch name>` */
  readonly name: string;
  readonly value: ValueId;
  readonly spec: WeightSpec;
}

export interface IrConstant {
  readonly value: ValueId;
  readonly tensor: Tensor;
}

export interface IrGraph {
  readonly values: readonly IrValue[];
  readonly nodes: readonly IrNode[];
  readonly inputs: readonly IrInput[];
  readonly outputs: readonly IrInput[];
  readonly params: readonly IrParam[];
  readonly constants: readonly IrConstant[];
}
