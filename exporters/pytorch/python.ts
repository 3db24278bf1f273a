/**
 * Writing Python source: literals from layer mapping data (TorchArg), identifiers from node ids, and call
 * expressions. Pure string functions, shared by the model, train and README generators.
 */
import type { TorchArg, TorchCall } from '../../graph-core';

/** Python's reserved words. */
const KEYWORDS = new Set([
  ...['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del'],
  ...['elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal'],
  ...['not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield'],
]);

/** Keywords and the names generated code uses itself, which a node's variable must not shadow. */
const RESERVED = new Set([...KEYWORDS, 'self', 'target', 'torch', 'nn', 'np', 'json', 'struct', 'super', 'print', 'len', 'block', 'submodule', 'register']);

/** Attributes of nn.Module (and of the generated Model) that a submodule name must not replace. */
const MODULE_ATTRIBUTES = new Set([
  ...['training', 'forward', 'train', 'eval', 'to', 'cuda', 'cpu', 'float', 'double', 'half', 'type', 'apply'],
  ...['parameters', 'named_parameters', 'buffers', 'named_buffers', 'children', 'named_children', 'modules'],
  ...['named_modules', 'state_dict', 'load_state_dict', 'zero_grad', 'requires_grad_', 'register_buffer'],
  ...['register_parameter', 'register_module', 'add_module', 'get_submodule', 'get_parameter', 'get_buffer'],
  ...['extra_repr', 'share_memory', 'dump_patches', 'call_super_init', 'bfloat16', 'ipu', 'xpu', 'to_empty'],
  ...['INPUTS', 'NOISE', 'OUTPUTS', 'LOSSES', 'TARGET_DTYPE'],
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether `name` can be written as `self.<name>` for a submodule without clashing with nn.Module. */
export function isPlainAttribute(name: string): boolean {
  return IDENTIFIER.test(name) && !KEYWORDS.has(name) && !MODULE_ATTRIBUTES.has(name) && !name.startsWith('_');
}

/**
 * Hands out Python variable names derived from node ids: other characters become `_`, a leading digit gets
 * `n_`, reserved words get a trailing `_`, and repeats get `_2`, `_3`, … in the order asked (deterministic).
 */
export class Namer {
  private readonly used = new Set<string>();

  name(wanted: string): string {
    let base = wanted.replace(/[^A-Za-z0-9_]/g, '_');
    if (!base || /^[0-9]/.test(base)) base = `n_${base}`;
    if (RESERVED.has(base)) base = `${base}_`;
    let name = base;
    for (let k = 2; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }
}

/** A Python string literal. */
export const pyString = (s: string): string => JSON.stringify(s);

/** A Python number: integers as such, other values with enough digits to round-trip float32/float64. */
export function pyNumber(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'float("nan")' : n > 0 ? 'float("inf")' : '-float("inf")';
  return String(n);
}

/** Where the tensors of input ports live, as Python expressions. */
export type PortValues = (port: string) => string | readonly string[] | undefined;

/** A TorchArg as Python source; `ports` resolves `{ port }` and `{ ports }` references. */
export function pyValue(v: TorchArg, ports: PortValues = () => undefined): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyNumber(v);
  if (typeof v === 'string') return pyString(v);
  if (Array.isArray(v)) return `[${(v as readonly TorchArg[]).map((x) => pyValue(x, ports)).join(', ')}]`;
  const o = v as Exclude<TorchArg, null | boolean | number | string | readonly TorchArg[]>;
  if ('tuple' in o) {
    const items = o.tuple.map((x) => pyValue(x, ports));
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if ('port' in o) {
    const p = ports(o.port);
    if (typeof p !== 'string') throw new Error(`no tensor at port ${o.port}`);
    return p;
  }
  const list = ports(o.ports);
  return `[${(typeof list === 'string' ? [list] : (list ?? [])).join(', ')}]`;
}

/** `fn(a, b, k=v)` with positional and keyword arguments. */
export function pyCall(fn: string, args: readonly string[], kwargs: readonly (readonly [string, string])[] = []): string {
  return `${fn}(${[...args, ...kwargs.map(([k, v]) => `${k}=${v}`)].join(', ')})`;
}

/** A TorchCall as Python source. */
export function pyTorchCall(c: TorchCall, ports?: PortValues): string {
  return pyCall(
    c.fn,
    (c.args ?? []).map((a) => pyValue(a, ports)),
    Object.entries(c.kwargs ?? {}).map(([k, v]) => [k, pyValue(v, ports)] as const),
  );
}
