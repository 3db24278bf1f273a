/**
 * lowerLayers: a shaped graph → an IR program of primitive ops. Weights become IR params named
 * `<node id>.<torch name>`; Input nodes become graph inputs named after their ids; outputs are named after
 * the producing node (`<id>` for a single-output node, `<id>.<port>` otherwise).
 */
import type { FeedSpec, LowerMode } from '../define-layer';
import { IrError } from '../ir/define-op';
import { IrBuilder, type V } from '../ir/builder';
import type { IrGraph } from '../ir/types';
import type { Shape, TensorType } from '../shape';
import type { ShapedGraph } from './infer-shapes';

export interface LowerOptions {
  readonly mode: LowerMode;
  /** Keep loss nodes (train step); the exported inference model drops them. */
  readonly includeLosses?: boolean;
  /**
   * A concrete batch size replacing the symbol N everywhere (train-step graphs run with a fixed batch, so
   * every shape in them, gradients included, is static). Omitted: N stays symbolic (exported models).
   */
  readonly batch?: number;
  /** Most parts per Split node (IrBuilderOptions.splitFanOut); default: what every onnxruntime EP runs. */
  readonly splitFanOut?: number;
}

export interface LoweredGraph {
  readonly ir: IrGraph;
  /** The user node and port behind each graph output, by output name. */
  readonly outputPorts: ReadonlyMap<string, { node: string; port: string }>;
  /** Inputs the runtime generates each step (dropout masks, noise), by input name. */
  readonly feeds: ReadonlyMap<string, FeedSpec>;
  /** Train mode: new values of buffers, by weight name (`bn.running_mean`). */
  readonly bufferUpdates: ReadonlyMap<string, V>;
  /** Scalar metrics computed in the graph, by `<node id>.<name>`. */
  readonly metrics: ReadonlyMap<string, V>;
  /** Loss values (scalars), by loss node id. */
  readonly losses: ReadonlyMap<string, V>;
  /** The builder, for passes that extend the graph (autodiff, the optimizer update). */
  readonly builder: IrBuilder;
  /** The value a node's output port was lowered to (any node, not only graph outputs); undefined when not lowered. */
  readonly valueOf: (node: string, port: string) => V | undefined;
}

/** The flat ports that are a top-level block's outputs (its last copy's), by `${node}\0${port}`. */
function blockOutputAliases(g: ShapedGraph): Map<string, { node: string; port: string; count: number }> {
  const out = new Map<string, { node: string; port: string; count: number }>();
  for (const b of g.blocks?.blocks ?? []) {
    if (b.depth !== 0) continue;
    const last = b.copies[b.copies.length - 1];
    for (const port of b.outputs) {
      const ref = last?.outputs[port];
      if (!ref) continue;
      const info = g.info.get(ref.node);
      const ports = info ? Object.keys(info.outputs) : [];
      const p = ref.port ?? (ports.length === 1 ? ports[0]! : 'out');
      const k = `${ref.node}\u0000${p}`;
      if (!out.has(k)) out.set(k, { node: b.id, port, count: b.outputs.length });
    }
  }
  return out;
}

export function outputName(node: string, port: string, portCount: number): string {
  return portCount === 1 ? node : `${node}.${port}`;
}

export function lowerLayers(g: ShapedGraph, opts: LowerOptions): LoweredGraph {
  if (g.diagnostics.some((d) => d.severity === 'error')) throw new IrError('cannot lower a graph with errors');
  const ir = new IrBuilder(opts.splitFanOut !== undefined ? { splitFanOut: opts.splitFanOut } : {});
  const B = opts.batch;
  const fix = (s: Shape): Shape => (B === undefined ? s : s.map((d) => (d === 'N' ? B : d)));
  const fixType = (t: TensorType): TensorType => ({ shape: fix(t.shape), dtype: t.dtype });
  const values = new Map<string, V>(); // `${node}\u0000${port}` → value
  const key = (n: string, p: string) => `${n}\u0000${p}`;
  const kept = new Set<string>();
  const feeds = new Map<string, FeedSpec>();
  const bufferUpdates = new Map<string, V>();
  const metrics = new Map<string, V>();
  const losses = new Map<string, V>();

  // Nodes this mode leaves out (losses in eval mode), and the Inputs that only feed them (a loss target):
  // those are neither graph inputs nor outputs of the lowered program.
  const dropped = new Set<string>();
  for (const id of g.order) if (g.nodes.get(id)!.def!.category === 'loss' && !opts.includeLosses) dropped.add(id);
  for (const id of g.order) {
    if (g.nodes.get(id)!.def!.kind !== 'Input') continue;
    const out = g.edges.filter((e) => e.from.node === id);
    if (out.length > 0 && out.every((e) => dropped.has(e.to.node))) dropped.add(id);
  }

  for (const id of g.order) {
    const node = g.nodes.get(id)!;
    const info = g.info.get(id)!;
    const def = node.def!;
    if (dropped.has(id)) continue;
    kept.add(id);
    if (def.category === 'io') {
      const [port, type] = Object.entries(info.outputs)[0]!;
      values.set(key(id, port), ir.input(id, fixType(type)));
      // A Noise node's samples are drawn by the runtime each step.
      if (Object.keys(def.inputs).length === 0 && def.kind !== 'Input') feeds.set(id, { kind: 'normal' });
      continue;
    }
    if (!def.lower) throw new IrError(`${def.kind} has no lowering`);
    const x: Record<string, V> = {};
    const xs: Record<string, V[]> = {};
    for (const e of g.edges) {
      if (e.to.node !== id) continue;
      const v = values.get(key(e.from.node, e.from.port));
      if (!v) throw new IrError(`${id}.${e.to.port}: its source ${e.from.node} was not lowered`);
      if (def.inputs[e.to.port]!.variadic) (xs[e.to.port] ??= []).push(v);
      else x[e.to.port] = v;
    }
    const w: Record<string, V> = {};
    for (const [name, spec] of Object.entries(info.weights)) if (!spec.stateOnly) w[name] = ir.param(`${id}.${name}`, spec);
    const inShapes: Record<string, V['type']['shape']> = {};
    for (const [p, t] of Object.entries(info.inputs)) inShapes[p] = fix(t.shape);
    const variadic: Record<string, V['type']['shape'][]> = {};
    for (const [p, ts] of Object.entries(info.variadicInputs)) variadic[p] = ts.map((t) => fix(t.shape));
    const dtypes: Record<string, V['type']['dtype']> = {};
    for (const [p, t] of Object.entries(info.inputs)) dtypes[p] = t.dtype;
    const out: Record<string, V['type']['shape']> = {};
    for (const [p, t] of Object.entries(info.outputs)) out[p] = fix(t.shape);
    const produced = ir.scoped(node.scope ?? id, () =>
      def.lower!({
        ir,
        nodeId: id,
        params: info.params as never,
        in: inShapes,
        dtypes,
        variadic,
        out,
        x,
        xs,
        w,
        mode: opts.mode,
        batch: B ?? 'N',
        feed: (name, type, spec) => {
          feeds.set(`${id}.${name}`, spec);
          return ir.input(`${id}.${name}`, fixType(type));
        },
        updateBuffer: (name, value) => void bufferUpdates.set(`${id}.${name}`, value),
        metric: (name, value) => void metrics.set(`${id}.${name}`, value),
      }),
    );
    for (const [port, declared] of Object.entries(info.outputs)) {
      const type = fixType(declared);
      const v = produced[port];
      if (!v) throw new IrError(`${def.kind} lowering produced no "${port}"`);
      const same = v.type.shape.length === type.shape.length && v.type.shape.every((d, i) => d === type.shape[i]);
      if (!same || v.type.dtype !== type.dtype)
        throw new IrError(`${def.kind} lowering of "${port}" gives [${v.type.shape}] ${v.type.dtype}, its shape rule says [${type.shape}] ${type.dtype}`);
      values.set(key(id, port), v);
    }
    if (def.category === 'loss') losses.set(id, produced.out!);
  }

  // Outputs: every port of each kept node none of whose outputs feeds another kept node.
  const consumed = new Set<string>();
  for (const e of g.edges) if (kept.has(e.to.node)) consumed.add(e.from.node);
  const outputPorts = new Map<string, { node: string; port: string }>();
  const aliases = blockOutputAliases(g);
  for (const id of g.order) {
    if (!kept.has(id) || consumed.has(id)) continue;
    const info = g.info.get(id)!;
    const ports = Object.keys(info.outputs);
    for (const port of ports) {
      // A node inside a block that ends the model is named after the block's output port (`enc`, `enc.y`).
      const alias = aliases.get(key(id, port));
      const name = alias ? outputName(alias.node, alias.port, alias.count) : outputName(id, port, ports.length);
      if (outputPorts.has(name)) continue;
      ir.output(name, values.get(key(id, port))!);
      outputPorts.set(name, alias ? { node: alias.node, port: alias.port } : { node: id, port });
    }
  }
  const valueOf = (node: string, port: string) => values.get(key(node, port));
  return { ir: ir.build(), outputPorts, feeds, bufferUpdates, metrics, losses, builder: ir, valueOf };
}
