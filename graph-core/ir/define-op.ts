/**
 * A primitive op: the only place where a shape rule, a reference kernel, an ONNX mapping and (for
 * training) a gradient rule are written. Layers lower to these; composites get gradients for free.
 */
import type { DType, Shape, TensorType } from '../shape';
import type { IrBuilder, V } from './builder';
import type { Tensor } from './tensor';

/** Extra constant inputs an ONNX op takes where the IR keeps an attribute (Reshape's shape, Slice's starts…). */
export interface OnnxConstInput {
  readonly dtype: 'int64' | 'float32';
  readonly dims: readonly number[];
  readonly values: readonly number[];
}

export interface OnnxMapping {
  readonly opType: string;
  readonly domain?: string;
  readonly attributes?: Readonly<Record<string, OnnxAttr>>;
  /** Inputs appended after the IR inputs (as constants), in ONNX input order. `null` leaves an optional input empty. */
  readonly constInputs?: readonly (OnnxConstInput | null)[];
  /**
   * Which IR inputs the ONNX node takes, by index (default: all, in order). An op whose extra inputs only
   * matter to its gradient rule (GradientReversal's λ) passes just the first. −1 leaves an optional input
   * empty (an imported operator such as Resize(x, '', scales)).
   */
  readonly inputs?: readonly number[];
}

export type OnnxAttr =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'string'; readonly value: string };

export const attr = {
  int: (value: number): OnnxAttr => ({ type: 'int', value }),
  float: (value: number): OnnxAttr => ({ type: 'float', value }),
  ints: (value: readonly number[]): OnnxAttr => ({ type: 'ints', value }),
  floats: (value: readonly number[]): OnnxAttr => ({ type: 'floats', value }),
  string: (value: string): OnnxAttr => ({ type: 'string', value }),
};

export const int64 = (values: readonly number[], dims: readonly number[] = [values.length]): OnnxConstInput => ({ dtype: 'int64', dims, values });

export interface OpDef<A = Record<string, never>> {
  /** ONNX op type. */
  readonly name: string;
  /** Number of outputs (default 1). */
  readonly outputs?: number;
  /** Output types from input types; throws IrError on misuse (a lowering bug, never a user mistake). */
  inferShape(inputs: readonly TensorType[], attrs: A): readonly TensorType[];
  /** Reference kernel on concrete tensors (tests, previews). */
  evaluate(inputs: readonly Tensor[], attrs: A): readonly Tensor[];
  /** The ONNX node this op becomes. `inputs` gives the input types for ops whose mapping depends on rank. */
  toOnnx(attrs: A, inputs: readonly TensorType[]): OnnxMapping;
  /**
   * Reverse-mode rule: given the gradient of the loss with respect to each output (undefined where an
   * output does not reach the loss), returns the gradient with respect to each input, built from
   * primitive ops (undefined for inputs that carry no gradient, such as indices). Ops without a rule
   * cannot sit between a weight and the loss.
   */
  gradient?(ctx: GradCtx<A>): readonly (V | undefined)[];
}

export interface GradCtx<A> {
  readonly ir: IrBuilder;
  readonly inputs: readonly V[];
  readonly outputs: readonly V[];
  readonly attrs: A;
  readonly grads: readonly (V | undefined)[];
}

export type AnyOpDef = OpDef<never>;

export class IrError extends Error {}

export function defineOp<A = Record<string, never>>(def: OpDef<A>): OpDef<A> {
  return def;
}

/** Helpers for shape rules. */
export function same(t: TensorType, dtype?: DType): TensorType {
  return { shape: t.shape, dtype: dtype ?? t.dtype };
}

export function expectRank(op: string, t: TensorType, rank: number): void {
  if (t.shape.length !== rank) throw new IrError(`${op}: expected rank ${rank}, got [${t.shape.join(', ')}]`);
}

export function out(shape: Shape, dtype: DType = 'float32'): TensorType {
  return { shape, dtype };
}

/** Attaches a gradient rule to an op definition built by a shared helper. */
export function withGradient<A>(def: OpDef<A>, gradient: NonNullable<OpDef<A>['gradient']>): OpDef<A> {
  return { ...def, gradient };
}

/** For ops whose outputs carry no gradient (comparisons, ArgMax, casts to integers): every input gets none. */
export function noGradient<A>(def: OpDef<A>): OpDef<A> {
  return { ...def, gradient: ({ inputs }) => inputs.map(() => undefined) };
}
