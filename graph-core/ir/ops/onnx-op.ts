/**
 * An ONNX operator kept as it was imported: its op type, domain and attributes pass through to the exported
 * node unchanged, and its output types are given (the importer reads them from the model or infers them).
 * It is how an imported model keeps an operator that no catalogue layer stands for (see layers/onnx-op.ts).
 *
 * Reference kernel: the primitive op of the same name, when the IR has one and the node has no attributes
 * (Erf, Abs, Relu…); otherwise none (onnxruntime runs it). No gradient rule: autodiff refuses to train weights before
 * it, and the train step reports that as the coded diagnostic ONNX_OP_NOT_TRAINABLE before lowering.
 */
import type { TensorType } from '../../shape';
import { defineOp, IrError, type OnnxAttr } from '../define-op';
import type { Tensor } from '../tensor';
import { getOp } from './index';

/** An attribute as the graph document keeps it (JSON); tensors carry their values as a plain list. */
export type OnnxOpAttr =
  | OnnxAttr
  | { readonly type: 'tensor'; readonly value: { readonly dtype: 'float32' | 'int64' | 'int32' | 'bool' | 'uint8' | 'float64'; readonly dims: readonly number[]; readonly values: readonly number[] } };

export interface OnnxOpAttrs {
  readonly op_type: string;
  readonly domain: string;
  readonly attributes: Readonly<Record<string, OnnxOpAttr>>;
  readonly outputs: readonly TensorType[];
  /** The ONNX input slots in order, as indices of the IR inputs; −1 leaves an optional input empty. */
  readonly slots?: readonly number[];
}

const TYPED = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint8: Uint8Array,
  bool: Uint8Array,
} as const;

/**
 * The attribute as the ONNX writer takes it. A tensor attribute becomes the writer's tensor shape
 * ({ name, dataType, dims, data }); graph-core does not depend on the exporters' types, so it is built here
 * as plain data and passed through the mapping unchanged.
 */
function toWriterAttr(a: OnnxOpAttr): OnnxAttr {
  if (a.type !== 'tensor') return a;
  const { dtype, dims, values } = a.value;
  const data = dtype === 'int64' ? BigInt64Array.from(values, (v) => BigInt(v)) : TYPED[dtype].from(values);
  return { type: 'tensor', value: { name: '', dataType: dtype, dims, data } } as unknown as OnnxAttr;
}

export const OnnxOp = defineOp<OnnxOpAttrs>({
  name: 'OnnxOp',
  inferShape: (_inputs, { outputs }) => {
    if (outputs.length === 0) throw new IrError('OnnxOp: no output types given');
    return outputs;
  },
  evaluate: (inputs, { op_type, domain, attributes }) => {
    // The primitive op of the same name computes the same thing when no attribute changes its meaning.
    const same = !domain && Object.keys(attributes).length === 0 ? getOp(op_type) : undefined;
    if (!same || same.name === 'OnnxOp') throw new IrError(`OnnxOp: ${op_type} has no reference kernel in Layerloom; run the model with onnxruntime`);
    return (same.evaluate as (i: readonly Tensor[], a: unknown) => readonly Tensor[])(inputs, {});
  },
  toOnnx: ({ op_type, domain, attributes, slots }) => {
    const entries = Object.entries(attributes);
    return {
      opType: op_type,
      ...(slots ? { inputs: slots } : {}),
      ...(domain ? { domain } : {}),
      ...(entries.length ? { attributes: Object.fromEntries(entries.map(([k, v]) => [k, toWriterAttr(v)])) } : {}),
    };
  },
});
