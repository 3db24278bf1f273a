/**
 * ONNX local functions for blocks (`layerloom export --onnx-functions`): the ops of each copy of a top-level
 * block become one call of a FunctionProto (opset 17 allows model-local functions), so the file stores each
 * block definition once and Netron shows the calls. Works on the inlined model: a copy's ops are the nodes whose
 * names start with its scope (`enc/0/`). Copies that compile to the same ops share one function; a copy's
 * weights and outside tensors are the call's inputs, and constants move into the function as Constant nodes.
 */
import type { ShapedGraph } from '../../graph-core';
import type { OnnxFunction, OnnxModel, OnnxNode, OnnxTensor } from './model';

export const BLOCK_FUNCTION_DOMAIN = 'layerloom.blocks';

export interface FunctionRegion {
  /** Node-name prefix of the copy's ops: `enc/0/`. */
  readonly prefix: string;
  /** Weight-name prefix of the copy: `enc.0.`. */
  readonly weightPrefix: string;
  /** The call node's name: `enc/0`. */
  readonly call: string;
  /** The function's name (the block definition's): letters, digits and `_`. */
  readonly name: string;
}

/** True for the initializers irToOnnx makes for constants (`const_3`, `enc/0/ff/Reshape/arg1`), not weights. */
const isConstantName = (name: string) => /^const_\d+$/.test(name) || /\/arg\d+$/.test(name);

export function extractFunctions(model: OnnxModel, regions: readonly FunctionRegion[]): OnnxModel {
  const g = model.graph;
  const init = new Map(g.initializers.map((t) => [t.name, t]));
  const graphOutputs = new Set(g.outputs.map((o) => o.name));
  const opset = model.opsetImports.find((o) => o.domain === '')?.version ?? 17;
  let nodes: OnnxNode[] = [...g.nodes];
  const functions: OnnxFunction[] = [];
  const bySignature = new Map<string, string>();
  const names = new Set<string>();

  for (const region of regions) {
    const inside = nodes.filter((n) => n.name.startsWith(region.prefix));
    if (inside.length === 0) continue;
    const rest = nodes.filter((n) => !n.name.startsWith(region.prefix));
    const produced = new Set(inside.flatMap((n) => n.outputs));
    const usedOutside = new Set([...rest.flatMap((n) => n.inputs), ...graphOutputs]);

    const inputs: string[] = [];
    const constants: OnnxTensor[] = [];
    for (const n of inside)
      for (const x of n.inputs) {
        if (x === '' || produced.has(x) || inputs.includes(x) || constants.some((c) => c.name === x)) continue;
        const c = init.get(x);
        if (c && isConstantName(x)) constants.push(c);
        else inputs.push(x);
      }
    const outputs = inside.flatMap((n) => n.outputs).filter((x) => x !== '' && usedOutside.has(x));

    // Canonical names decide whether two copies are the same function.
    const canon = new Map<string, string>();
    inputs.forEach((x, i) => canon.set(x, `i${i}`));
    constants.forEach((c, i) => canon.set(c.name, `c${i}`));
    let t = 0;
    for (const n of inside) for (const o of n.outputs) if (o !== '' && !canon.has(o)) canon.set(o, `t${t++}`);
    const rename = (m: ReadonlyMap<string, string>) => (x: string) => (x === '' ? '' : m.get(x)!);
    const signature = JSON.stringify({
      name: region.name,
      outputs: outputs.map(rename(canon)),
      constants: constants.map((c) => [c.dataType, c.dims, Array.from(c.data, Number)]),
      nodes: inside.map((n) => [n.opType, n.domain ?? '', n.inputs.map(rename(canon)), n.outputs.map(rename(canon)), attributesKey(n)]),
    });

    let fn = bySignature.get(signature);
    if (!fn) {
      fn = region.name;
      for (let i = 2; names.has(fn); i++) fn = `${region.name}_${i}`;
      names.add(fn);
      bySignature.set(signature, fn);
      functions.push(buildFunction(fn, region, inside, inputs, constants, outputs, canon, opset));
    }
    const call: OnnxNode = { name: region.call, opType: fn, domain: BLOCK_FUNCTION_DOMAIN, inputs, outputs };
    const first = nodes.indexOf(inside[0]!);
    nodes = [...nodes.slice(0, first).filter((n) => !n.name.startsWith(region.prefix)), call, ...nodes.slice(first).filter((n) => !n.name.startsWith(region.prefix))];
  }
  if (functions.length === 0) return model;

  nodes = topologicalOrder(nodes, new Set([...g.inputs.map((i) => i.name), ...g.initializers.map((t) => t.name)]));
  const used = new Set(nodes.flatMap((n) => n.inputs));
  return {
    ...model,
    opsetImports: [...model.opsetImports, { domain: BLOCK_FUNCTION_DOMAIN, version: 1 }],
    graph: { ...g, nodes, initializers: g.initializers.filter((x) => used.has(x.name) || !isConstantName(x.name)) },
    functions: [...(model.functions ?? []), ...functions],
  };
}

function buildFunction(
  name: string,
  region: FunctionRegion,
  inside: readonly OnnxNode[],
  inputs: readonly string[],
  constants: readonly OnnxTensor[],
  outputs: readonly string[],
  canon: ReadonlyMap<string, string>,
  opset: number,
): OnnxFunction {
  // Readable names inside the function (the copy's own, without its prefix), unless two would collide.
  const strip = (x: string) =>
    x.startsWith(region.prefix) ? x.slice(region.prefix.length) : x.startsWith(region.weightPrefix) ? x.slice(region.weightPrefix.length) : x;
  const all = [...canon.keys()];
  const readable = new Map(all.map((x) => [x, strip(x)]));
  const distinct = new Set(readable.values()).size === all.length && [...readable.values()].every((x) => x !== '');
  const local = (x: string) => (x === '' ? '' : distinct ? readable.get(x)! : canon.get(x)!);
  return {
    name,
    domain: BLOCK_FUNCTION_DOMAIN,
    inputs: inputs.map(local),
    outputs: outputs.map(local),
    nodes: [
      ...constants.map((c): OnnxNode => ({
        name: `${local(c.name)}/Constant`,
        opType: 'Constant',
        inputs: [],
        outputs: [local(c.name)],
        attributes: { value: { type: 'tensor', value: { ...c, name: '' } } },
      })),
      ...inside.map((n): OnnxNode => ({ ...n, name: strip(n.name), inputs: n.inputs.map(local), outputs: n.outputs.map(local) })),
    ],
    opsetImports: [{ domain: '', version: opset }],
  };
}

function attributesKey(n: OnnxNode): string {
  return JSON.stringify(n.attributes ?? {}, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number | bigint>, Number) : v));
}

/** Kahn's algorithm over value names, keeping the given order among ready nodes. */
function topologicalOrder(nodes: readonly OnnxNode[], available: Set<string>): OnnxNode[] {
  const out: OnnxNode[] = [];
  const pending = [...nodes];
  const ready = new Set(available);
  while (pending.length) {
    const i = pending.findIndex((n) => n.inputs.every((x) => x === '' || ready.has(x)));
    if (i < 0) return [...out, ...pending]; // not a DAG: leave the rest for the checker to report
    const [n] = pending.splice(i, 1);
    out.push(n!);
    for (const o of n!.outputs) ready.add(o);
  }
  return out;
}

/**
 * One region per copy of each top-level block, named after its definition: the linked definition's name, else
 * the block's label or id (made a valid identifier).
 */
export function blockFunctionRegions(g: ShapedGraph): FunctionRegion[] {
  const out: FunctionRegion[] = [];
  for (const b of g.blocks?.blocks ?? []) {
    if (b.depth !== 0) continue;
    const base = (b.definition !== undefined ? g.doc.blocks?.[b.definition]?.name ?? b.definition : b.name).replace(/[^A-Za-z0-9_]/g, '_');
    const name = /^[A-Za-z_]/.test(base) ? base : `block_${base}`;
    b.copies.forEach((_c, k) => out.push({ prefix: `${b.id}/${k}/`, weightPrefix: `${b.id}.${k}.`, call: `${b.id}/${k}`, name }));
  }
  return out;
}
