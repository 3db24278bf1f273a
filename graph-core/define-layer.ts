/**
 * The shape of a layer definition. One file per layer kind in `layers/` calls `defineLayer`; the palette,
 * inspector, docs, validation, shape inference and parameter counts are all derived from it.
 */
import type { DiagnosticCode, DiagnosticData, DiagnosticFix } from './diagnostics';
import type { ParamSpecs, ParamValues } from './params';
import type { IrBuilder, V } from './ir/builder';
import type { Dim, DType, Shape, TensorType } from './shape';

export type LayerCategory =
  | 'io'
  | 'loss'
  | 'dense'
  | 'shaping'
  | 'activation'
  | 'normalization'
  | 'convolution'
  | 'pooling'
  | 'sequence'
  | 'attention'
  | 'transformer'
  | 'vision'
  | 'generative';

export interface InputPortSpec {
  readonly doc: string;
  /** Allowed rank, counting the batch: a number, or an inclusive [min, max] range. Checked before `inferShape`. */
  readonly rank?: number | readonly [number, number];
  /** How the expected layout reads in messages, e.g. "[N, C, H, W]". */
  readonly layout?: string;
  /** Expected element type; `any` accepts both. Defaults to float32. */
  readonly dtype?: DType | 'any';
  /** May stay unconnected. */
  readonly optional?: boolean;
  /** Accepts any number of edges, in document order (Concat). */
  readonly variadic?: boolean;
  /** When the incoming rank is too high, suggest inserting a Flatten. */
  readonly flattenFix?: boolean;
}

export interface OutputPortSpec {
  readonly doc: string;
}

export interface ShapeCtx<P extends ParamSpecs> {
  readonly nodeId: string;
  readonly params: ParamValues<P>;
  /** Shapes of the connected single-edge inputs. Optional inputs that are unconnected are absent. */
  readonly in: Readonly<Record<string, Shape>>;
  readonly dtypes: Readonly<Record<string, DType>>;
  /** Shapes arriving at variadic inputs, in document order. */
  readonly variadic: Readonly<Record<string, readonly Shape[]>>;
}

export interface SizedCtx<P extends ParamSpecs> extends ShapeCtx<P> {
  readonly out: Readonly<Record<string, Shape>>;
}

/** Compiled for inference/export (`eval`: Dropout off, BatchNorm on running statistics) or for a train step. */
export type LowerMode = 'eval' | 'train';

export interface LowerCtx<P extends ParamSpecs> extends SizedCtx<P> {
  readonly ir: IrBuilder;
  /** The IR values arriving at single-edge inputs (unconnected optional inputs are absent). */
  readonly x: Readonly<Record<string, V>>;
  /** The IR values arriving at variadic inputs, in document order. */
  readonly xs: Readonly<Record<string, readonly V[]>>;
  /** This node's parameters and buffers, by their torch names. */
  readonly w: Readonly<Record<string, V>>;
  readonly mode: LowerMode;
  /**
   * The batch dimension to write in shapes: the symbol N for exported models, a number in train-step graphs
   * (which run with a fixed batch size). Lowerings never write a literal 'N'; they use this or ctx.in/ctx.out.
   */
  readonly batch: Dim;
  /**
   * Declares a graph input that the runtime generates each step from its seeded PRNG (a dropout mask, the
   * GAN's noise), named `<node id>.<name>`. Only used in train mode.
   */
  readonly feed: (name: string, type: TensorType, spec: FeedSpec) => V;
  /** Train mode: the new value of a buffer (BatchNorm's running statistics), written back after the step. */
  readonly updateBuffer: (name: string, value: V) => void;
  /** Reports a scalar metric computed inside the step (a loss layer's accuracy), named `<node id>.<name>`. */
  readonly metric: (name: string, value: V) => void;
}

/** How the runtime generates a fed input. */
export type FeedSpec =
  /** Inverted dropout: each element is 1/(1−p) with probability 1−p, else 0. */
  | { readonly kind: 'dropout'; readonly p: number }
  /** Standard normal samples (a GAN's latent noise). */
  | { readonly kind: 'normal' }
  /** The dataset's targets, for a loss whose target port is unconnected. */
  | { readonly kind: 'target' }
  /**
   * A scalar that follows the run's progress p ∈ [0, 1] (GradientReversal's λ): `constant` gives `value`,
   * `dann` gives value·(2 / (1 + exp(−gamma·p)) − 1), rising from 0 to about `value` (Ganin & Lempitsky).
   */
  | { readonly kind: 'schedule'; readonly value: number; readonly schedule: 'constant' | 'dann'; readonly gamma: number }
  /**
   * RandomShift's per-sample translation, as a 0/1 matrix [N, 1, S, S] per axis: row i of the output takes
   * row i − d of the input, d uniform in [−maxShift, maxShift] (rows shifted out are lost, rows shifted in
   * are zero). `transposed` gives the matrix for multiplying from the right (the width axis).
   */
  /** `circular`: what leaves one edge comes back at the other (torch.roll); otherwise zeros come in. */
  | { readonly kind: 'shift'; readonly maxShift: number; readonly transposed: boolean; readonly circular?: boolean };

/** Initialisation, as data. Uniform bounds and normal deviations are computed by the layer from its fan-in. */
export type Init =
  /** U(±uniform); `add` then adds `value` to the elements [from, to) (an LSTM's forget-gate bias slice). */
  | { readonly uniform: number; readonly add?: { readonly from: number; readonly to: number; readonly value: number } }
  | { readonly normal: number }
  | { readonly constant: number }
  | { readonly custom: string };

export interface WeightSpec {
  readonly shape: readonly number[];
  readonly init: Init;
  /** Buffers (BatchNorm running statistics) are part of the state but not parameters. Default true. */
  readonly trainable?: boolean;
  readonly dtype?: DType;
  /**
   * Kept in the saved state dict only, so PyTorch's load_state_dict(strict=True) accepts the file (BatchNorm's
   * num_batches_tracked). Not used by the computation, not lowered, not counted.
   */
  readonly stateOnly?: boolean;
  /**
   * Rows (indices along the first dimension) that start at zero and receive no gradient, as torch does for
   * Embedding's padding_idx.
   */
  readonly frozenRows?: readonly number[];
}

export interface ShapeFailure {
  readonly code: DiagnosticCode;
  readonly data: unknown;
  readonly port?: string;
  readonly fix?: Omit<DiagnosticFix, 'edge'> & { readonly port: string };
}

export type ShapeResult =
  | { readonly ok: true; readonly outputs: Readonly<Record<string, TensorType>> }
  | { readonly ok: false; readonly failures: readonly ShapeFailure[] };

export function ok(outputs: Readonly<Record<string, Shape | TensorType>>): ShapeResult {
  const out: Record<string, TensorType> = {};
  for (const [k, v] of Object.entries(outputs)) out[k] = Array.isArray(v) ? { shape: v as Shape, dtype: 'float32' } : (v as TensorType);
  return { ok: true, outputs: out };
}

export function fail<C extends DiagnosticCode>(
  code: C,
  data: DiagnosticData<C>,
  where: { port?: string; fix?: ShapeFailure['fix'] } = {},
): ShapeResult {
  return { ok: false, failures: [{ code, data, ...where }] };
}

export interface LayerDoc {
  /** One or two sentences for the inspector and palette tooltip. */
  readonly summary: string;
  /** The formula, in plain Unicode maths. */
  readonly formula?: string;
  /** The PyTorch equivalent, e.g. `torch.nn.Conv2d`. */
  readonly torch?: string;
  /** The ONNX operator(s) it corresponds to. */
  readonly onnx?: string;
  /** The lecture topic where students meet it. */
  readonly lecture?: string;
}

/**
 * A value written into generated PyTorch code: numbers, booleans, strings (as Python string literals), `null`
 * (None), lists (tuples with `tuple: true`), and `{ port }` / `{ ports }`: the tensor arriving at an input port
 * (a variadic port gives the list of its tensors).
 */
export type TorchArg =
  | number
  | boolean
  | string
  | null
  | readonly TorchArg[]
  | { readonly tuple: readonly TorchArg[] }
  | { readonly port: string }
  | { readonly ports: string };

/** A Python call: `fn(*args, **kwargs)`. */
export interface TorchCall {
  /** `nn.Linear`, `torch.cat`, or a helper class defined in the generated layers.py. */
  readonly fn: string;
  readonly args?: readonly TorchArg[];
  readonly kwargs?: Readonly<Record<string, TorchArg>>;
}

/**
 * One argument of a module call: the tensor at `port`, by keyword when `kwarg` is given. Unconnected, it is left
 * out, or with `unconnected: 'target'` replaced by the dataset's target (a loss whose target port is free).
 */
export interface TorchInput {
  readonly port: string;
  readonly kwarg?: string;
  readonly unconnected?: 'target';
}

/** A small nn.Module the generated layers.py defines, for layers that have no torch.nn class. */
export interface TorchHelper {
  readonly name: string;
  /** The Python class definition (static source; the same for every instance). */
  readonly source: string;
}

/**
 * How the PyTorch exporter (exporters/pytorch) writes a layer. Data only: the exporter turns it into
 * `self.<id> = <module>` in `__init__` and one statement in `forward`, with no per-kind code of its own.
 */
export type TorchCode =
  /**
   * A submodule registered under the node id (so its state_dict keys are `<id>.<torch name>`), called in forward
   * with the tensors at `inputs` (default: the connected input ports, in declaration order; a `{ port, kwarg }`
   * entry passes one by keyword). `returns` lists the output ports in the order the call returns them.
   */
  | {
      readonly module: TorchCall;
      readonly inputs?: readonly (string | TorchInput)[];
      readonly returns?: readonly string[];
      readonly helper?: TorchHelper;
    }
  /** A function of the inputs with no state, e.g. `torch.cat([a, b], dim=1)`. */
  | { readonly call: TorchCall }
  /** A tensor method on the `on` input port (default `in`), e.g. `x.permute(0, 2, 1)`. */
  | { readonly method: string; readonly on?: string; readonly args?: readonly TorchArg[]; readonly kwargs?: Readonly<Record<string, TorchArg>> }
  /** A binary operator on the `a` and `b` ports: `a + b`. */
  | { readonly operator: '+' | '*' }
  /** A graph input: an argument of forward (Input), or noise the training loop draws (Noise). */
  | { readonly argument: 'data' | 'noise' };

export interface LayerMigration {
  readonly to: number;
  readonly up: (params: Readonly<Record<string, unknown>>) => Record<string, unknown>;
}

export interface LayerDef<K extends string = string, P extends ParamSpecs = ParamSpecs> {
  /** Stable serialized id: the torch.nn class name where one exists. Never renamed. */
  readonly kind: K;
  readonly category: LayerCategory;
  readonly doc: LayerDoc;
  readonly params: P;
  readonly inputs: Readonly<Record<string, InputPortSpec>>;
  readonly outputs: Readonly<Record<string, OutputPortSpec>>;
  inferShape(ctx: ShapeCtx<P>): ShapeResult;
  /** Parameters and buffers, with torch names, shapes and initialisation. */
  weights?(ctx: SizedCtx<P>): Readonly<Record<string, WeightSpec>>;
  /** Floating-point operations per sample (a multiply-add counts 2). */
  flops?(ctx: SizedCtx<P>): number;
  /** Lowers the layer to primitive IR ops; returns one value per output port. Autodiff derives the gradient. */
  lower?(ctx: LowerCtx<P>): Readonly<Record<string, V>>;
  /** The PyTorch equivalent as data, for the PyTorch exporter; computed from params and inferred shapes. */
  torch?(ctx: SizedCtx<P>): TorchCode;
  /** Parameter-format version of this kind; documents with an older `v` are migrated. */
  readonly version?: number;
  readonly migrations?: readonly LayerMigration[];
}

/** The erased form the registry stores. */
export type AnyLayerDef = LayerDef<string, ParamSpecs>;

export function defineLayer<const K extends string, const P extends ParamSpecs>(def: LayerDef<K, P>): LayerDef<K, P> {
  return def;
}
