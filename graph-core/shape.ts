/**
 * Tensor shapes with a symbolic batch dimension.
 *
 * Every shape is batch-first. The batch is the symbol `'N'`; every other dimension is a concrete
 * positive integer. Shapes are immutable arrays.
 */

export type Dim = number | 'N';
export type Shape = readonly Dim[];
/** Element types. Layer ports use float32 and int64; bool appears only inside the IR (masks, comparisons). */
export type DType = 'float32' | 'int64' | 'bool';

/** A value flowing along an edge: its shape and element type. */
export interface TensorType {
  readonly shape: Shape;
  readonly dtype: DType;
}

export const BATCH = 'N' as const;

export function tensor(shape: Shape, dtype: DType = 'float32'): TensorType {
  return { shape, dtype };
}

/** `[N, 6, 28, 28]` */
export function fmtShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Number of elements per sample: the product of every concrete dimension (the batch is skipped). */
export function numelPerSample(shape: Shape): number {
  let n = 1;
  for (const d of shape) if (d !== BATCH) n *= d;
  return n;
}

/** Product of a list of concrete dimensions (a weight shape). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Output length of a convolution or pooling window, as PyTorch computes it:
 *   ⌊(in + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1
 * With `ceilMode`, ceil replaces floor, and the last window must start inside the input or left padding.
 */
export function convOutSize(
  input: number,
  kernel: number,
  stride: number,
  padding: number,
  dilation = 1,
  ceilMode = false,
): number {
  const span = input + 2 * padding - dilation * (kernel - 1) - 1;
  if (!ceilMode) return Math.floor(span / stride) + 1;
  let out = Math.ceil(span / stride) + 1;
  if ((out - 1) * stride >= input + padding) out -= 1;
  return out;
}

/** Output length of a transposed convolution (PyTorch's formula). */
export function convTransposeOutSize(
  input: number,
  kernel: number,
  stride: number,
  padding: number,
  outputPadding: number,
  dilation = 1,
): number {
  return (input - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;
}

/** Normalises a possibly negative dimension index against a rank; returns -1 when out of range. */
export function normDim(dim: number, rank: number): number {
  const d = dim < 0 ? dim + rank : dim;
  return d >= 0 && d < rank ? d : -1;
}

/**
 * NumPy broadcasting of two shapes. Returns null when they do not broadcast.
 * The batch symbol broadcasts only with itself or with 1.
 */
export function broadcastShapes(a: Shape, b: Shape): Shape | null {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)]!;
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)]!;
    if (da === db) out.push(da);
    else if (da === 1) out.push(db);
    else if (db === 1) out.push(da);
    else return null;
  }
  return out;
}

/** NumPy broadcasting of any number of shapes (ONNX's multidirectional broadcasting); undefined when they do not broadcast. */
export function broadcastAll(shapes: readonly Shape[]): Shape | undefined {
  let out: Shape | null = [];
  for (const s of shapes) out = out && broadcastShapes(out, s);
  return out ?? undefined;
}
