/**
 * The shape of an optimizer definition. One file per optimizer in `optimizers/` calls `defineOptimizer`; the
 * train-step compiler appends each weight's `step` to the graph after the backward pass.
 *
 * An optimizer step is plain IR arithmetic (Add, Mul, Sqrt, Where…), so the whole update runs inside the
 * train-step ONNX graph: weights and per-weight state tensors go in as graph inputs and come out updated.
 * Hyperparameters other than the learning rate are baked in as constants. The learning rate and the step
 * number are scalar graph inputs, so a schedule changes the rate without recompiling the graph.
 *
 * PyTorch: torch.optim (the single-tensor, `foreach=False` code paths of torch 1.13, op for op)
 */
import { IrError } from '../ir/define-op';
import type { IrBuilder, V } from '../ir/builder';
import { checkParam, type ParamSpecs, type ParamValues } from '../params';

/** What one optimizer step sees for one weight. */
export interface OptimizerStepInput {
  /** The weight before the step. */
  readonly w: V;
  /** dL/dw, same shape as w. */
  readonly g: V;
  /** The per-weight state tensors named by `state(q)`, same shape as w (all zeros before the first step). */
  readonly state: Readonly<Record<string, V>>;
  /** The learning rate: a scalar float32 graph input, so schedules need no recompilation. */
  readonly lr: V;
  /** The 1-based step number as a scalar float32 (exact up to 2²⁴ steps). torch keeps it as state['step']. */
  readonly t: V;
}

/** The updated weight and state; `state` has exactly the names of `state(q)`. */
export interface OptimizerStepOutput {
  readonly w: V;
  readonly state: Readonly<Record<string, V>>;
}

/** Documentation shown in the training panel and the generated docs. */
export interface OptimizerDoc {
  /** One or two sentences for students. */
  readonly summary: string;
  /** The update rule, in plain Unicode maths (g is the gradient, η the learning rate, t the step number). */
  readonly formula: string;
  /** The PyTorch equivalent, e.g. `torch.optim.Adam`. */
  readonly torch: string;
}

export interface OptimizerDef<P extends ParamSpecs = ParamSpecs, K extends string = string> {
  /** Stable serialized id: the torch.optim class name. Never renamed. */
  readonly kind: K;
  readonly doc: OptimizerDoc;
  /**
   * Hyperparameters, named as torch.optim's constructor arguments (Adam's `betas` pair is split into `beta1`
   * and `beta2`). `lr` is the base learning rate that schedules scale; the graph receives it as an input.
   */
  readonly params: P;
  /**
   * Names of the per-weight state tensors (same shape as the weight, zero-initialised), given the resolved
   * params (e.g. SGD has `momentum_buffer` only when momentum > 0). Names follow torch's state dict.
   */
  state(q: ParamValues<P>): readonly string[];
  /** Appends one weight's update to the graph. */
  step(ir: IrBuilder, x: OptimizerStepInput, q: ParamValues<P>): OptimizerStepOutput;
  /**
   * Rules that involve several params at once (torch raises ValueError for them), as messages for a student;
   * empty when the combination is valid. Single-param ranges live in the param specs.
   */
  check?(q: ParamValues<P>): readonly string[];
}

/** The erased form the registry stores. */
export type AnyOptimizerDef = OptimizerDef<ParamSpecs, string>;

/** Declares an optimizer; the identity function, there for type inference of `params` and `kind`. */
export function defineOptimizer<const K extends string, const P extends ParamSpecs>(def: OptimizerDef<P, K>): OptimizerDef<P, K> {
  return def;
}

/** A problem with one optimizer hyperparameter (or, with `param` undefined, with a combination of them). */
export interface OptimizerParamProblem {
  readonly param?: string;
  readonly message: string;
}

/** The resolved hyperparameters, ready for `state` and `step`, or every problem found. */
export type ResolvedOptimizerParams =
  | { readonly ok: true; readonly params: ParamValues<ParamSpecs> }
  | { readonly ok: false; readonly problems: readonly OptimizerParamProblem[] };

/**
 * Resolves raw hyperparameters (from a document or the CLI) against an optimizer's specs: missing ones take
 * their defaults, each is range-checked, unknown names are reported, then the optimizer's `check` runs.
 */
export function resolveOptimizerParams(def: AnyOptimizerDef, raw: Readonly<Record<string, unknown>>): ResolvedOptimizerParams {
  const problems: OptimizerParamProblem[] = [];
  const params: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(def.params)) {
    const r = checkParam(spec, Object.prototype.hasOwnProperty.call(raw, name) ? raw[name] : spec.default);
    if (r.ok) params[name] = r.value;
    else problems.push({ param: name, message: r.message });
  }
  for (const name of Object.keys(raw))
    if (!(name in def.params))
      problems.push({ param: name, message: `is not a parameter of ${def.kind} (known: ${Object.keys(def.params).join(', ')})` });
  if (problems.length) return { ok: false, problems };
  // NOTE: every declared param was resolved by its own spec above, so this is the def's ParamValues.
  const q = params as ParamValues<ParamSpecs>;
  const combined = def.check?.(q) ?? [];
  return combined.length ? { ok: false, problems: combined.map((message) => ({ message })) } : { ok: true, params: q };
}

/** The state tensor `name` of a step input; a missing one is a compiler bug, not a user mistake. */
export function stateTensor(x: OptimizerStepInput, name: string): V {
  const v = x.state[name];
  if (!v) throw new IrError(`optimizer step: missing state tensor ${name}`);
  return v;
}
