/**
 * Every user mistake graph-core can detect, as a stable code with a message written for students.
 * Codes are part of the file-format contract (the CLI prints them, tests and the editor match on them):
 * never rename one.
 */
import { fmtShape, type DType, type Shape } from './shape';

const list = (xs: readonly string[]) => xs.map((x) => `"${x}"`).join(', ');

export const diagnostics = {
  // ── document structure ────────────────────────────────────────────────────────────────
  BAD_DOCUMENT: (d: { path: string; problem: string }) => `The file is not a valid Layerloom graph: at ${d.path}, ${d.problem}.`,
  UNSUPPORTED_VERSION: (d: { version: number; newest: number }) =>
    `This graph was saved by a newer Layerloom (format version ${d.version}; this one reads up to ${d.newest}). Update Layerloom to open it.`,
  DUPLICATE_ID: (d: { id: string; what: 'node' | 'edge' }) =>
    `Two ${d.what}s share the id "${d.id}". Every ${d.what} needs its own id.`,
  UNKNOWN_KIND: (d: { kind: string; suggestion?: string }) =>
    `There is no layer called "${d.kind}".${d.suggestion ? ` Did you mean "${d.suggestion}"?` : ''}`,
  BAD_PARAM: (d: { param: string; problem: string }) => `Parameter "${d.param}" ${d.problem}.`,
  UNKNOWN_PARAM: (d: { param: string; kind: string; known: readonly string[] }) =>
    `${d.kind} has no parameter "${d.param}"; it is ignored.${d.known.length ? ` Known parameters: ${list(d.known)}.` : ''}`,
  DANGLING_EDGE: (d: { edge: string; node: string }) =>
    `Connection "${d.edge}" refers to a node "${d.node}" that does not exist.`,
  UNKNOWN_PORT: (d: { node: string; port: string; side: 'input' | 'output'; ports: readonly string[] }) =>
    `Node "${d.node}" has no ${d.side} called "${d.port}". Its ${d.side}s are ${list(d.ports)}.`,
  AMBIGUOUS_PORT: (d: { node: string; side: 'input' | 'output'; ports: readonly string[] }) =>
    `Node "${d.node}" has several ${d.side}s (${list(d.ports)}); the connection must name one.`,
  MULTIPLE_EDGES_TO_INPUT: (d: { node: string; port: string }) =>
    `Input "${d.port}" of "${d.node}" has more than one incoming connection; only one is allowed.`,
  SELF_LOOP: (d: { node: string }) => `Node "${d.node}" is connected to itself.`,
  CYCLE: (d: { nodes: readonly string[] }) =>
    `The graph contains a cycle (${d.nodes.join(' → ')}); layers must form a directed acyclic graph.`,

  // ── shapes and types ──────────────────────────────────────────────────────────────────
  UNCONNECTED_INPUT: (d: { port: string }) => `Input "${d.port}" is not connected.`,
  RANK_MISMATCH: (d: { port: string; expected: string; got: Shape }) =>
    `Input "${d.port}" expects ${d.expected}, but gets ${fmtShape(d.got)} (rank ${d.got.length}).`,
  SHAPE_MISMATCH: (d: { port?: string; expected: string; got: Shape }) =>
    `${d.port ? `Input "${d.port}"` : 'This layer'} expects a tensor of shape ${d.expected} but is connected to ${fmtShape(d.got)}.`,
  DTYPE_MISMATCH: (d: { port: string; expected: DType; got: DType; hint?: string }) =>
    `Input "${d.port}" expects ${d.expected} values but gets ${d.got}.${d.hint ? ` ${d.hint}` : ''}`,
  KERNEL_LARGER_THAN_INPUT: (d: { input: string; kernel: string }) =>
    `The ${d.kernel} window does not fit the ${d.input} input. Add padding, or use a smaller kernel or dilation.`,
  EMBED_DIM_NOT_DIVISIBLE_BY_HEADS: (d: { embedDim: number; heads: number }) =>
    `The embedding size ${d.embedDim} cannot be split evenly into ${d.heads} heads. Choose a head count that divides ${d.embedDim}.`,
  NOT_DIVISIBLE: (d: { what: string; value: number; by: string; divisor: number }) =>
    `${d.what} (${d.value}) must be divisible by ${d.by} (${d.divisor}).`,
  BAD_DIM: (d: { param: string; dim: number; shape: Shape; why?: string }) =>
    `Dimension ${d.dim} ("${d.param}") is not valid for ${fmtShape(d.shape)}${d.why ? `: ${d.why}` : ''}.`,
  BAD_RESHAPE: (d: { from: Shape; to: readonly number[] }) =>
    `Cannot reshape ${fmtShape(d.from)} to [N, ${d.to.join(', ')}]: the number of elements per sample differs.`,

  // ── blocks ───────────────────────────────────────────────────────────────────────────
  BAD_BLOCK: (d: { block: string; problem: string }) => `Block "${d.block}" ${d.problem}.`,
  UNKNOWN_BLOCK: (d: { block: string; ref: string; known: readonly string[] }) =>
    `Block "${d.block}" uses the definition "${d.ref}", which this file does not contain.${d.known.length ? ` Definitions here: ${list(d.known)}.` : ''}`,
  RECURSIVE_BLOCK: (d: { block: string; chain: readonly string[] }) =>
    `Block "${d.block}" contains itself (${d.chain.join(' → ')}); a block cannot be nested inside its own definition.`,
  BLOCK_PORT_OUTSIDE_BLOCK: (d: { kind: string }) => `A ${d.kind} node marks a port of a block and only belongs inside a block.`,
  REPEAT_PORTS_MISMATCH: (d: { block: string; repeat: number; inputs: number; outputs: number }) =>
    `Block "${d.block}" repeats ${d.repeat} times, so each copy's outputs feed the next copy's inputs; it has ${d.outputs} output${d.outputs === 1 ? '' : 's'} but only ${d.inputs} input${d.inputs === 1 ? '' : 's'}. Give it at least as many inputs as outputs, or set repeat to 1.`,
  REPEAT_SHAPE_MISMATCH: (d: { block: string; repeat: number; output: string; input: string; got: Shape; expected: Shape }) =>
    `Block "${d.block}" repeats ${d.repeat} times, so output "${d.output}" of each copy feeds input "${d.input}" of the next; but "${d.output}" is ${fmtShape(d.got)} and "${d.input}" is ${fmtShape(d.expected)}. Make the block keep the shape of its input, or set repeat to 1.`,

  // ── data ─────────────────────────────────────────────────────────────────────────────
  DATASET_MISMATCH: (d: { input: string; expected: string; dataset: string; gives: string }) =>
    `Input ${d.input} expects ${d.expected}; dataset '${d.dataset}' gives ${d.gives}.`,

  // ── training ─────────────────────────────────────────────────────────────────────────
  ONNX_OP_NOT_TRAINABLE: (d: { op: string }) =>
    `This imported ONNX ${d.op} operator has no gradient in Layerloom, so the weights before it cannot be trained. Replace it with a catalogue layer, or train only the layers after it.`,

  // ── whole-graph hints ─────────────────────────────────────────────────────────────────
  NO_INPUT: () => 'The graph has no Input node, so nothing flows into it.',
  INTERNAL_ERROR: (d: { detail: string }) =>
    `Layerloom could not analyse this node (${d.detail}). This is a bug in Layerloom; please report it.`,
} as const;

export type DiagnosticCode = keyof typeof diagnostics;
export type DiagnosticData<C extends DiagnosticCode> = Parameters<(typeof diagnostics)[C]>[0];
export type Severity = 'error' | 'warning' | 'info';

/** A one-click repair the editor can offer: insert a layer on the connection that feeds the port. */
export interface DiagnosticFix {
  readonly title: string;
  readonly insertLayer: { readonly kind: string; readonly params?: Readonly<Record<string, unknown>> };
  /** The edge the new layer is spliced into. */
  readonly edge: string;
}

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly node?: string;
  readonly port?: string;
  readonly edge?: string;
  /** JSON path into the document, for structural errors, e.g. `nodes[2].params.kernel_size`. */
  readonly path?: string;
  readonly fix?: DiagnosticFix;
}

const WARNING_CODES: ReadonlySet<DiagnosticCode> = new Set(['UNKNOWN_PARAM', 'NO_INPUT']);

export function diag<C extends DiagnosticCode>(
  code: C,
  data: DiagnosticData<C>,
  where: Omit<Diagnostic, 'code' | 'severity' | 'message'> & { severity?: Severity } = {},
): Diagnostic {
  const message = (diagnostics[code] as (d: DiagnosticData<C>) => string)(data);
  const { severity, ...rest } = where;
  return { code, severity: severity ?? (WARNING_CODES.has(code) ? 'warning' : 'error'), message, ...rest };
}

export const hasErrors = (ds: readonly Diagnostic[]) => ds.some((d) => d.severity === 'error');
