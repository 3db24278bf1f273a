/**
 * Parameter specifications for layer kinds. A layer declares its params with these builders;
 * the inspector form, the docs, document validation and the typed `params` argument of every
 * layer rule are all derived from the same declaration.
 */

interface BaseSpec<T> {
  readonly default: T;
  readonly doc: string;
}

export interface IntSpec extends BaseSpec<number | null> {
  readonly type: 'int';
  readonly min?: number;
  readonly max?: number;
  /** When true, `null` is allowed and usually means "infer" or "same as another param". */
  readonly nullable?: boolean;
}
export interface FloatSpec extends BaseSpec<number> {
  readonly type: 'float';
  readonly min?: number;
  readonly max?: number;
  /** When true, `min` itself is not allowed (e.g. a learning rate must be > 0). */
  readonly exclusiveMin?: boolean;
}
export interface BoolSpec extends BaseSpec<boolean> {
  readonly type: 'bool';
}
export interface EnumSpec<C extends string = string> extends BaseSpec<C> {
  readonly type: 'enum';
  readonly choices: readonly C[];
}
/** A list of integers, e.g. an input shape or the hidden sizes of an MLP. */
export interface IntListSpec extends BaseSpec<readonly number[]> {
  readonly type: 'ints';
  readonly min?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Allows exactly one entry to be -1 (inferred, as in torch.reshape). */
  readonly allowInfer?: boolean;
}
/** An int or a pair of ints, as PyTorch accepts for `kernel_size`, `stride`, … Resolved to a pair. */
export interface PairSpec extends BaseSpec<number | readonly [number, number] | null> {
  readonly type: 'pair';
  readonly min?: number;
  readonly nullable?: boolean;
}

/**
 * Free text. Used where a value has no fixed vocabulary: an imported ONNX operator's type, domain and its
 * attributes (as JSON). `pattern` restricts it where a shape is known.
 */
export interface TextSpec extends BaseSpec<string> {
  readonly type: 'text';
  readonly pattern?: RegExp;
  /** What `pattern` asks for, in words (for the message when it does not match). */
  readonly patternDoc?: string;
}

export type ParamSpec = IntSpec | FloatSpec | BoolSpec | EnumSpec | IntListSpec | PairSpec | TextSpec;
export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

type Nullable = { readonly nullable: true };

/** The resolved value type of one spec (pairs become `[number, number]`). */
export type ParamValue<S> = S extends IntSpec
  ? S extends Nullable
    ? number | null
    : number
  : S extends FloatSpec
    ? number
    : S extends BoolSpec
      ? boolean
      : S extends EnumSpec<infer C>
        ? C
        : S extends IntListSpec
          ? readonly number[]
          : S extends PairSpec
            ? S extends Nullable
              ? readonly [number, number] | null
              : readonly [number, number]
            : S extends TextSpec
              ? string
              : never;

export type ParamValues<P extends ParamSpecs> = { readonly [K in keyof P]: ParamValue<P[K]> };

/** A value as it appears in a document (before resolution). */
export type RawParamValue = number | boolean | string | null | readonly number[];

type Opts<S> = Omit<S, 'type' | 'nullable'>;

export const p = {
  int: (o: Opts<IntSpec> & { default: number }): IntSpec & { readonly nullable?: false } => ({ type: 'int', ...o }),
  /** An int that may be null (`default` is usually null, meaning "infer"). */
  intOrNull: (o: Opts<IntSpec>): IntSpec & Nullable => ({ type: 'int', nullable: true, ...o }),
  float: (o: Opts<FloatSpec>): FloatSpec => ({ type: 'float', ...o }),
  bool: (o: Opts<BoolSpec>): BoolSpec => ({ type: 'bool', ...o }),
  enum: <const C extends string>(o: Omit<EnumSpec<C>, 'type'>): EnumSpec<C> => ({ type: 'enum', ...o }),
  ints: (o: Omit<IntListSpec, 'type'>): IntListSpec => ({ type: 'ints', ...o }),
  pair: (o: Opts<PairSpec> & { default: number | readonly [number, number] }): PairSpec & { readonly nullable?: false } => ({ type: 'pair', ...o }),
  /** An int or pair that may be null (e.g. a pooling stride that defaults to the kernel size). */
  pairOrNull: (o: Opts<PairSpec>): PairSpec & Nullable => ({ type: 'pair', nullable: true, ...o }),
  text: (o: Omit<TextSpec, 'type'>): TextSpec => ({ type: 'text', ...o }),
};

export type ParamCheck = { ok: true; value: unknown } | { ok: false; message: string };

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function rangeText(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `between ${min} and ${max}`;
  if (min !== undefined) return `at least ${min}`;
  return `at most ${max}`;
}

/** Checks one document value against its spec and returns the resolved value, or a message for a student. */
export function checkParam(spec: ParamSpec, raw: unknown): ParamCheck {
  const bad = (message: string): ParamCheck => ({ ok: false, message });
  switch (spec.type) {
    case 'int': {
      if (raw === null && spec.nullable) return { ok: true, value: null };
      if (!isInt(raw)) return bad(`must be a whole number${spec.nullable ? ' or null' : ''}`);
      if ((spec.min !== undefined && raw < spec.min) || (spec.max !== undefined && raw > spec.max))
        return bad(`must be ${rangeText(spec.min, spec.max)}`);
      return { ok: true, value: raw };
    }
    case 'float': {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) return bad('must be a number');
      if (spec.min !== undefined && (raw < spec.min || (spec.exclusiveMin && raw === spec.min)))
        return bad(spec.exclusiveMin ? `must be greater than ${spec.min}` : `must be ${rangeText(spec.min, spec.max)}`);
      if (spec.max !== undefined && raw > spec.max) return bad(`must be ${rangeText(spec.min, spec.max)}`);
      return { ok: true, value: raw };
    }
    case 'bool':
      return typeof raw === 'boolean' ? { ok: true, value: raw } : bad('must be true or false');
    case 'enum':
      return typeof raw === 'string' && spec.choices.includes(raw)
        ? { ok: true, value: raw }
        : bad(`must be one of ${spec.choices.map((c) => `"${c}"`).join(', ')}`);
    case 'ints': {
      if (!Array.isArray(raw) || !raw.every(isInt)) return bad('must be a list of whole numbers');
      if (spec.minLength !== undefined && raw.length < spec.minLength)
        return bad(`needs at least ${spec.minLength} entr${spec.minLength === 1 ? 'y' : 'ies'}`);
      if (spec.maxLength !== undefined && raw.length > spec.maxLength)
        return bad(`allows at most ${spec.maxLength} entries`);
      const inferred = raw.filter((v) => v === -1).length;
      if (spec.allowInfer && inferred > 1) return bad('may contain -1 only once');
      const min = spec.min ?? -Infinity;
      if (raw.some((v) => v < min && !(spec.allowInfer && v === -1)))
        return bad(`entries must be at least ${spec.min}${spec.allowInfer ? ' (or -1 once)' : ''}`);
      return { ok: true, value: [...raw] };
    }
    case 'pair': {
      if (raw === null && spec.nullable) return { ok: true, value: null };
      const pair = isInt(raw) ? [raw, raw] : raw;
      if (!Array.isArray(pair) || pair.length !== 2 || !pair.every(isInt))
        return bad(`must be a whole number or a pair of whole numbers${spec.nullable ? ', or null' : ''}`);
      if (spec.min !== undefined && pair.some((v: number) => v < spec.min!)) return bad(`must be at least ${spec.min}`);
      return { ok: true, value: [pair[0], pair[1]] };
    }
    case 'text':
      if (typeof raw !== 'string') return bad('must be text');
      if (spec.pattern && !spec.pattern.test(raw)) return bad(`must be ${spec.patternDoc ?? `text matching ${String(spec.pattern)}`}`);
      return { ok: true, value: raw };
  }
}

/** A short human description of a spec's type, for docs and the inspector. */
export function describeParamType(spec: ParamSpec): string {
  switch (spec.type) {
    case 'int':
      return spec.nullable ? 'int | null' : 'int';
    case 'float':
      return 'float';
    case 'bool':
      return 'bool';
    case 'enum':
      return spec.choices.map((c) => `"${c}"`).join(' \\| ');
    case 'ints':
      return 'int[]';
    case 'pair':
      return spec.nullable ? 'int | [int, int] | null' : 'int | [int, int]';
    case 'text':
      return 'string';
  }
}

export function describeParamRange(spec: ParamSpec): string {
  if (spec.type === 'int' || spec.type === 'float' || spec.type === 'pair') {
    const min = spec.min;
    const max = spec.type === 'pair' ? undefined : spec.max;
    if (min === undefined && max === undefined) return '';
    if (spec.type === 'float' && spec.exclusiveMin && max === undefined) return `> ${min}`;
    return rangeText(min, max).replace('at least ', '≥ ').replace('at most ', '≤ ');
  }
  if (spec.type === 'ints' && spec.min !== undefined) return `entries ≥ ${spec.min}`;
  return '';
}
