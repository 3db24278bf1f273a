/**
 * model.py: the graph as one nn.Module, written from each layer's `torch` mapping (LayerDef.torch) with no
 * per-kind code here. Submodules are registered under the node ids, so `state_dict()` keys are
 * `<node id>.<torch name>`, the names of Layerloom's weights.safetensors.
 */
import { outputName, type ShapedGraph, type SizedCtx, type TorchCode, type TorchHelper, type TorchInput } from '../../graph-core';
import { fmtShape } from '../../graph-core';
import { findGan, type GanGraph } from '../../graph-core/train/gan-step';
import { isPlainAttribute, Namer, pyCall, pyString, pyTorchCall, pyValue } from './python';
import { SAFETENSORS_PY } from './safetensors-py';

/** What train.py needs to know about the generated model. */
export interface ModelPlan {
  readonly source: string;
  /** Helper classes used, in first-use order, for layers.py. */
  readonly helpers: readonly TorchHelper[];
  /** Graph inputs fed from data: Input node id, per-sample shape and dtype. */
  readonly inputs: readonly { readonly id: string; readonly shape: readonly number[]; readonly dtype: string }[];
  /** Noise inputs drawn from N(0, 1) each step: node id and per-sample shape. */
  readonly noise: readonly { readonly id: string; readonly shape: readonly number[] }[];
  /** Output names, as in the ONNX export (`<id>` or `<id>.<port>`). */
  readonly outputs: readonly string[];
  /** Loss node ids; empty when the graph cannot be trained. */
  readonly losses: readonly string[];
  /** The dtype the losses want for the dataset target (CrossEntropyLoss: int64). */
  readonly targetDtype: 'float32' | 'int64';
  /** Whether some weighted node does not lead to a loss (DDP must then look for unused parameters). */
  readonly hasUnusedParameters: boolean;
  /** A GAN graph (Noise → generator → Discriminator, see findGan): forward also takes `real`. */
  readonly gan?: { readonly discriminator: string };
}

export type ModelResult = { readonly ok: true; readonly plan: ModelPlan } | { readonly ok: false; readonly problems: readonly string[] };

const INDENT = '    ';

/** model.py for a graph without errors. */
export function generateModel(g: ShapedGraph, title: string): ModelResult {
  const problems: string[] = [];
  const codes = new Map<string, TorchCode>();
  for (const id of g.order) {
    const node = g.nodes.get(id)!;
    const info = g.info.get(id)!;
    const def = node.def!;
    if (!def.torch) {
      problems.push(`${id}: ${node.kind} has no PyTorch mapping yet`);
      continue;
    }
    const ctx: SizedCtx<never> = {
      nodeId: id,
      params: info.params as never,
      in: Object.fromEntries(Object.entries(info.inputs).map(([p, t]) => [p, t.shape])),
      dtypes: Object.fromEntries(Object.entries(info.inputs).map(([p, t]) => [p, t.dtype])),
      variadic: Object.fromEntries(Object.entries(info.variadicInputs).map(([p, ts]) => [p, ts.map((t) => t.shape)])),
      out: Object.fromEntries(Object.entries(info.outputs).map(([p, t]) => [p, t.shape])),
    };
    codes.set(id, (def.torch as (c: SizedCtx<never>) => TorchCode)(ctx));
  }
  if (problems.length) return { ok: false, problems };

  let gan: GanGraph | undefined;
  try {
    gan = findGan(g);
  } catch {
    gan = undefined; // a GAN this mode cannot train: exported as a plain model
  }
  const isLoss = (id: string) => g.nodes.get(id)!.def!.category === 'loss';
  const key = (n: string, p: string) => `${n}\u0000${p}`;
  const incoming = (id: string) => g.edges.filter((e) => e.to.node === id);
  const used = new Set(g.edges.map((e) => key(e.from.node, e.from.port)));

  // Outputs, as lowerLayers names them: every port of a non-loss node none of whose outputs feeds a non-loss node.
  const consumed = new Set(g.edges.filter((e) => !isLoss(e.to.node)).map((e) => e.from.node));
  const outputs: { name: string; node: string; port: string }[] = [];
  const aliases = blockOutputAliases(g, key);
  for (const id of g.order) {
    if (isLoss(id) || consumed.has(id)) continue;
    const ports = Object.keys(g.info.get(id)!.outputs);
    for (const port of ports) {
      // A node inside a block that ends the model is named after the block's output port (`enc`, `enc.y`).
      const alias = aliases.get(key(id, port));
      const name = alias ? outputName(alias.node, alias.port, alias.count) : outputName(id, port, ports.length);
      if (outputs.some((o) => o.name === name)) continue;
      outputs.push({ name, node: id, port });
      used.add(key(id, port));
    }
  }

  const inputs: ModelPlan['inputs'][number][] = [];
  const noise: ModelPlan['noise'][number][] = [];
  const dataArgs: string[] = [];
  const noiseArgs: string[] = [];
  const helpers: TorchHelper[] = [];
  const classes: string[] = [];
  let targetDtype = 'float32' as 'float32' | 'int64';
  let keyed = false;

  /** Where one module's code goes: the Model itself, or a block's class. */
  interface Scope {
    readonly namer: Namer;
    readonly value: Map<string, string>;
    readonly init: string[];
    readonly body: string[];
    /** The submodule name of a flat node id (its id, or its id inside the block). */
    readonly local: (id: string) => string;
  }
  let dotted = false;
  /** How a submodule is registered and called: `self.fc`, `self._modules["conv-1"]`, or by a dotted path. */
  const attrOf = (name: string) => {
    if (isPlainAttribute(name)) return { ref: `self.${name}`, assign: (expr: string) => `self.${name} = ${expr}` };
    if (!name.includes('.')) {
      keyed = true;
      return { ref: `self._modules[${pyString(name)}]`, assign: (expr: string) => `self._modules[${pyString(name)}] = ${expr}` };
    }
    // load_state_dict(strict=True) splits keys at dots, so a dotted id is registered as a path of submodules.
    dotted = true;
    return { ref: `submodule(self, ${pyString(name)})`, assign: (expr: string) => `register(self, ${pyString(name)}, ${expr})` };
  };

  /** Writes one layer node into `scope`: its submodule in __init__ and its line in forward. */
  const emitNode = (id: string, scope: Scope, lossLines?: string[], losses?: string[]) => {
    const node = g.nodes.get(id)!;
    const info = g.info.get(id)!;
    const code = codes.get(id)!;
    const ports = Object.keys(info.outputs);
    const local = scope.local(id);
    const varFor = (port: string) => {
      const name = scope.namer.name(ports.length === 1 ? local : `${local}_${port}`);
      scope.value.set(key(id, port), name);
      return name;
    };
    const shapes = ports.map((p) => {
      const shape = info.outputs[p]!.shape;
      return shape.length ? fmtShape(shape) : 'scalar';
    });
    if ('argument' in code) {
      const out = info.outputs[ports[0]!]!;
      const perSample = out.shape.slice(1) as number[];
      // forward takes the data inputs first, then the noise: Model.INPUTS, then Model.NOISE.
      if (code.argument === 'data') {
        dataArgs.push(varFor(ports[0]!));
        inputs.push({ id, shape: perSample, dtype: out.dtype });
      } else {
        noiseArgs.push(varFor(ports[0]!));
        noise.push({ id, shape: perSample });
      }
      return;
    }
    const single = (port: string): string | undefined => {
      const e = incoming(id).find((x) => x.to.port === port);
      return e ? scope.value.get(key(e.from.node, e.from.port)) : undefined;
    };
    const many = (port: string): string[] =>
      incoming(id)
        .filter((x) => x.to.port === port)
        .map((e) => scope.value.get(key(e.from.node, e.from.port))!);
    const portValue = (port: string) => (node.def!.inputs[port]?.variadic ? many(port) : single(port));

    let expr: string;
    if ('module' in code) {
      const sub = attrOf(local);
      const attr = sub.ref;
      scope.init.push(`${INDENT}${INDENT}${sub.assign(pyTorchCall(code.module))}`);
      if (code.helper && !helpers.some((h) => h.name === code.helper!.name)) helpers.push(code.helper);
      const callArgs: string[] = [];
      const callKwargs: [string, string][] = [];
      const specs: readonly (string | TorchInput)[] =
        code.inputs ?? Object.keys(node.def!.inputs).filter((p) => portValue(p) !== undefined && (typeof portValue(p) === 'string' || many(p).length));
      for (const spec of specs) {
        const s: TorchInput = typeof spec === 'string' ? { port: spec } : spec;
        let v = portValue(s.port);
        if (v === undefined && s.unconnected === 'target') {
          v = 'target';
          if (info.inputs.input && node.kind === 'CrossEntropyLoss') targetDtype = 'int64';
        }
        if (v === undefined) continue;
        const text = typeof v === 'string' ? v : `[${v.join(', ')}]`;
        if (s.kwarg) callKwargs.push([s.kwarg, text]);
        else callArgs.push(text);
      }
      expr = pyCall(attr, callArgs, callKwargs);
    } else if ('call' in code) {
      expr = pyTorchCall(code.call, portValue);
    } else if ('method' in code) {
      const on = single(code.on ?? 'in')!;
      const kwargs = Object.entries(code.kwargs ?? {}).map(([k, v]) => [k, pyValue(v, portValue)] as const);
      expr = `${on}.${pyCall(code.method, (code.args ?? []).map((a) => pyValue(a, portValue)), kwargs)}`;
    } else {
      expr = `${single('a')} ${code.operator} ${single('b')}`;
    }
    if (gan && id === gan.discriminator && scope === model) {
      const sample = scope.value.get(key(gan.sample.node, gan.sample.port))!;
      scope.body.push(
        `${INDENT}${INDENT}if real is not None:`,
        `${INDENT}${INDENT}${INDENT}# The Discriminator's step: real and generated samples (detached), scored in one pass.`,
        `${INDENT}${INDENT}${INDENT}return ${pyCall(attrOf(local).ref, [`torch.cat([real, ${sample}.detach()])`])}`,
      );
    }
    const returns = 'module' in code && code.returns ? code.returns : ports;
    const names = returns.map((p) => (used.has(key(id, p)) || returns.length === 1 ? varFor(p) : '_'));
    const line = `${INDENT}${INDENT}${names.join(', ')} = ${expr}  # ${shapes.join(', ')}`;
    if (isLoss(id)) {
      losses!.push(names[0]!);
      lossLines!.push(line);
    } else scope.body.push(line);
  };

  const model: Scope = { namer: new Namer(), value: new Map(), init: [], body: [], local: (id) => id };
  const lossLines: string[] = [];
  const losses: string[] = [];
  const plans = blockPlans(g, isLoss, new Set(outputs.map((o) => key(o.node, o.port))), key);
  const classNames = blockClassNames(plans);
  const unitOf = (id: string) => plans.find((b) => b.members.has(id));
  const done = new Set<string>();
  for (const id of g.order) {
    const block = unitOf(id);
    if (!block) {
      emitNode(id, model, lossLines, losses);
      continue;
    }
    if (done.has(block.id)) continue;
    done.add(block.id);
    emitBlock(block);
  }

  /**
   * A repeated block: one class for its body (copy 0's nodes, named by their ids inside the block), an
   * nn.ModuleList of `repeat` copies under the block's id, and a loop in forward. State-dict keys are then
   * `<block id>.<copy>.<inner id>.<name>`, the flat graph's weight names.
   */
  function emitBlock(b: BlockPlan): void {
    const className = classNames.get(b.classKey)!;
    if (!classes.some((c) => c.startsWith(`class ${className}(`))) {
      const scope: Scope = { namer: new Namer(), value: new Map(), init: [], body: [], local: (id) => id.slice(b.prefix.length) };
      const args = b.inputs.map((port) => scope.namer.name(port));
      b.inputs.forEach((port, i) => {
        const src = b.copy0.inputs[port];
        if (src) scope.value.set(key(src.node, src.port), args[i]!);
      });
      for (const id of g.order) if (id.startsWith(b.prefix) && b.members.has(id)) emitNode(id, scope);
      const rets = b.outputs.map((port) => {
        const ref = b.copy0.outputs[port]!;
        return scope.value.get(key(ref.node, ref.port))!;
      });
      classes.push(
        [
          `class ${className}(nn.Module):`,
          `${INDENT}"""${b.name}: one copy of the block ${b.id} (${b.inputs.join(', ')} -> ${b.outputs.join(', ')})."""`,
          '',
          `${INDENT}def __init__(self):`,
          `${INDENT}${INDENT}super().__init__()`,
          ...(scope.init.length ? scope.init : [`${INDENT}${INDENT}pass`]),
          '',
          `${INDENT}def forward(${['self', ...args].join(', ')}):`,
          ...scope.body,
          `${INDENT}${INDENT}return ${rets.join(', ')}`,
        ].join('\n'),
      );
    }
    const sub = attrOf(b.id);
    const attr = sub.ref;
    model.init.push(`${INDENT}${INDENT}${sub.assign(`nn.ModuleList([${className}() for _ in range(${b.repeat})])`)}`);
    // Output i of a copy feeds input i of the next; inputs past the outputs feed every copy from outside.
    const carried = b.outputs.map((port) => model.namer.name(b.outputs.length === 1 ? b.id : `${b.id}_${port}`));
    const outside = (port: string) => {
      const src = b.copy0.inputs[port]!;
      return model.value.get(key(src.node, src.port))!;
    };
    const first = b.inputs.slice(0, carried.length).map(outside);
    const fixed = b.inputs.slice(carried.length).map(outside);
    model.body.push(`${INDENT}${INDENT}${carried.join(', ')} = ${first.join(', ')}`);
    model.body.push(`${INDENT}${INDENT}for block in ${attr}:  # ${b.repeat} × ${b.name}`);
    model.body.push(`${INDENT}${INDENT}${INDENT}${carried.join(', ')} = block(${[...carried, ...fixed].join(', ')})`);
    b.outputs.forEach((port, i) => {
      const ref = b.last.outputs[port]!;
      model.value.set(key(ref.node, ref.port), carried[i]!);
    });
  }

  const value = model.value;
  const init = model.init;
  const body = model.body;
  const outVars = outputs.map((o) => value.get(key(o.node, o.port))!);
  const weighted = g.order.filter((id) => Object.values(g.info.get(id)!.weights).some((w) => w.trainable !== false));
  const reachesLoss = new Set<string>();
  for (const id of [...g.order].reverse())
    if (isLoss(id) || g.edges.some((e) => e.from.node === id && reachesLoss.has(e.to.node))) reachesLoss.add(id);

  const tuple = (xs: readonly string[]) => (xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`);
  const lines: string[] = [];
  lines.push(`"""${title}: the model, generated by Layerloom from its graph. Re-export rather than edit.`);
  lines.push('');
  lines.push('Inputs:');
  for (const i of inputs) lines.push(`    ${i.id} [N, ${i.shape.join(', ')}] ${i.dtype}`.replace('[N, ]', '[N]'));
  for (const n of noise) lines.push(`    ${n.id} [N, ${n.shape.join(', ')}] standard normal noise`);
  lines.push('Outputs:');
  for (const o of outputs) lines.push(`    ${o.name} ${fmtShape(g.info.get(o.node)!.outputs[o.port]!.shape)}`);
  lines.push('');
  lines.push('    model = Model()');
  lines.push('    model.load_state_dict(load_safetensors("weights.safetensors"))');
  lines.push('"""');
  lines.push('import json');
  lines.push('import struct');
  lines.push('');
  lines.push('import numpy as np');
  lines.push('import torch');
  lines.push('from torch import nn');
  if (helpers.length) {
    lines.push('');
    lines.push(`from layers import ${helpers.map((h) => h.name).join(', ')}`);
  }
  lines.push('');
  lines.push('');
  if (dotted) lines.push(DOTTED_PY, '', '');
  for (const c of classes) lines.push(c, '', '');
  lines.push('class Model(nn.Module):');
  lines.push(`${INDENT}# Graph inputs (forward's arguments, in order) and outputs, by their Layerloom names.`);
  lines.push(`${INDENT}INPUTS = ${tuple(inputs.map((i) => pyString(i.id)))}`);
  lines.push(`${INDENT}NOISE = {${noise.map((n) => `${pyString(n.id)}: ${pyValue({ tuple: n.shape })}`).join(', ')}}`);
  lines.push(`${INDENT}OUTPUTS = ${tuple(outputs.map((o) => pyString(o.name)))}`);
  lines.push(`${INDENT}LOSSES = ${losses.length ? tuple(g.order.filter(isLoss).map(pyString)) : '()'}`);
  lines.push(`${INDENT}TARGET_DTYPE = torch.${targetDtype === 'int64' ? 'long' : 'float32'}`);
  if (gan) lines.push(`${INDENT}DISCRIMINATOR = ${pyString(gan.discriminator)}`);
  lines.push('');
  lines.push(`${INDENT}def __init__(self):`);
  lines.push(`${INDENT}${INDENT}super().__init__()`);
  if (keyed) lines.push(`${INDENT}${INDENT}# Node ids that are not Python names are registered by key, so state_dict keys stay "<node id>.<name>".`);
  lines.push(...(init.length ? init : [`${INDENT}${INDENT}pass`]));
  lines.push('');
  const params = [...dataArgs, ...noiseArgs, ...(losses.length ? ['target=None'] : []), ...(gan ? ['real=None'] : [])];
  lines.push(`${INDENT}def forward(${['self', ...params].join(', ')}):`);
  lines.push(
    `${INDENT}${INDENT}"""Returns ${outputs.length === 1 ? 'the output' : `the outputs (${outputs.map((o) => o.name).join(', ')})`}` +
      `${losses.length ? '; given the target, the training loss instead' : ''}` +
      `${gan ? "; given real samples, the Discriminator's scores of them and of generated ones" : ''}."""`,
  );
  lines.push(...body);
  const ret = outVars.length === 1 ? outVars[0]! : outVars.join(', ');
  if (losses.length) {
    lines.push(`${INDENT}${INDENT}if target is None:`);
    lines.push(`${INDENT}${INDENT}${INDENT}return ${ret}`);
    lines.push(...lossLines);
    lines.push(`${INDENT}${INDENT}return ${losses.join(' + ')}`);
  } else lines.push(`${INDENT}${INDENT}return ${ret}`);
  lines.push('');
  lines.push('');
  lines.push(SAFETENSORS_PY);

  return {
    ok: true,
    plan: {
      source: lines.join('\n'),
      helpers,
      inputs,
      noise,
      outputs: outputs.map((o) => o.name),
      losses: g.order.filter(isLoss),
      targetDtype,
      hasUnusedParameters: weighted.some((id) => !reachesLoss.has(id)),
      ...(gan ? { gan: { discriminator: gan.discriminator } } : {}),
    },
  };
}

/** A top-level Block node written as an nn.ModuleList of one generated class (see emitBlock). */
interface BlockPlan {
  readonly id: string;
  readonly name: string;
  /** Blocks with the same key share a class: the linked definition, else the block itself. */
  readonly classKey: string;
  readonly repeat: number;
  /** Flat ids of every node of every copy. */
  readonly members: ReadonlySet<string>;
  /** Flat-id prefix of copy 0: `enc.0.`. */
  readonly prefix: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** What feeds copy 0's inputs, and what copy 0 and the last copy give at the outputs (ports resolved). */
  readonly copy0: { readonly inputs: Readonly<Record<string, Ref>>; readonly outputs: Readonly<Record<string, Ref>> };
  readonly last: { readonly outputs: Readonly<Record<string, Ref>> };
}

interface Ref {
  readonly node: string;
  readonly port: string;
}

/**
 * The top-level blocks that can be written as a ModuleList loop: no nested blocks, no losses or graph inputs
 * inside, every port connected and fed by distinct tensors, and graph outputs only at the last copy's outputs.
 * Any other block stays inlined: its nodes are registered under their flat ids (`enc.0.ff1`), which keeps the
 * same state-dict keys.
 */
function blockPlans(g: ShapedGraph, isLoss: (id: string) => boolean, outputKeys: ReadonlySet<string>, key: (n: string, p: string) => string): BlockPlan[] {
  const inlined = g.blocks;
  if (!inlined) return [];
  const resolve = (r: { node: string; port?: string } | undefined): Ref | undefined =>
    r && g.info.has(r.node) ? { node: r.node, port: r.port ?? Object.keys(g.info.get(r.node)!.outputs)[0]! } : undefined;
  const plans: BlockPlan[] = [];
  for (const b of inlined.blocks) {
    if (b.depth !== 0 || b.copies.length !== b.repeat) continue;
    if (inlined.blocks.some((x) => x.depth > 0 && x.path.startsWith(`${b.path}/`))) continue;
    const members = new Set([...inlined.origins].filter(([, o]) => o.top === b.id).map(([id]) => id));
    if ([...members].some((id) => isLoss(id) || g.nodes.get(id)?.def?.category === 'io' || !g.info.has(id))) continue;
    const copy0 = b.copies[0]!;
    const last = b.copies[b.copies.length - 1]!;
    const ins: Record<string, Ref> = {};
    const outs0: Record<string, Ref> = {};
    const outsLast: Record<string, Ref> = {};
    for (const port of b.inputs) {
      const r = resolve(copy0.inputs[port]);
      if (r) ins[port] = r;
    }
    for (const port of b.outputs) {
      const r0 = resolve(copy0.outputs[port]);
      const rl = resolve(last.outputs[port]);
      if (r0 && rl) {
        outs0[port] = r0;
        outsLast[port] = rl;
      }
    }
    const sources = Object.values(ins).map((r) => key(r.node, r.port));
    const lastOutputs = new Set(Object.values(outsLast).map((r) => key(r.node, r.port)));
    const ok =
      Object.keys(ins).length === b.inputs.length &&
      Object.keys(outs0).length === b.outputs.length &&
      b.outputs.length > 0 &&
      new Set(sources).size === sources.length &&
      (b.repeat === 1 || b.outputs.length <= b.inputs.length) &&
      [...outputKeys].every((k) => !members.has(k.split('\u0000')[0]!) || lastOutputs.has(k));
    if (!ok) continue;
    plans.push({
      id: b.id,
      name: b.name,
      classKey: b.definition ?? b.id,
      repeat: b.repeat,
      members,
      prefix: copy0.prefix,
      inputs: b.inputs,
      outputs: b.outputs,
      copy0: { inputs: ins, outputs: outs0 },
      last: { outputs: outsLast },
    });
  }
  return plans;
}

/** A Python class name per block class key, from the block's name: `Encoder`, `FeedForwardBlock`, … unique. */
function blockClassNames(plans: readonly BlockPlan[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set(['Model']);
  for (const b of plans) {
    if (out.has(b.classKey)) continue;
    const words = b.name.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ').filter(Boolean);
    let base = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') || 'Block';
    if (/^[0-9]/.test(base)) base = `Block${base}`;
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}${k}`;
    taken.add(name);
    out.set(b.classKey, name);
  }
  return out;
}

/** The flat ports that are a top-level block's outputs (its last copy's), named as lowerLayers names them. */
function blockOutputAliases(g: ShapedGraph, key: (n: string, p: string) => string): Map<string, { node: string; port: string; count: number }> {
  const out = new Map<string, { node: string; port: string; count: number }>();
  for (const b of g.blocks?.blocks ?? []) {
    if (b.depth !== 0) continue;
    const last = b.copies[b.copies.length - 1];
    for (const port of b.outputs) {
      const ref = last?.outputs[port];
      if (!ref) continue;
      const ports = Object.keys(g.info.get(ref.node)?.outputs ?? {});
      const k = key(ref.node, ref.port ?? (ports.length === 1 ? ports[0]! : 'out'));
      if (!out.has(k)) out.set(k, { node: b.id, port, count: b.outputs.length });
    }
  }
  return out;
}

/** Registration by a dotted path (`outer.0.inner.0.fc`), for ids with dots that load_state_dict must match. */
const DOTTED_PY = `def register(root, name, module):
    """Registers module under a dotted name, creating containers on the way: state_dict keys are name.<param>."""
    *path, last = name.split(".")
    for part in path:
        root = root._modules.setdefault(part, nn.Module())
    root._modules[last] = module


def submodule(root, name):
    """The module registered under a dotted name."""
    for part in name.split("."):
        root = root._modules[part]
    return root`;
