/**
 * model.py: the graph as one nn.Module, written from each layer's `torch` mapping (LayerDef.torch) with no
 * per-kind code here. Submodules are registered under the node ids, so `state_dict()` keys are
 * `<node id>.<torch name>`, the names of Layerloom's weights.safetensors.
 */
import { outputName, type ShapedGraph, type SizedCtx, type TorchCode, type TorchHelper, type TorchInput } from '../../graph-core';
import { fmtShape } from '../../graph-core';
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
    if (node.kind === 'Block') {
      problems.push(`${id}: blocks are not supported by the PyTorch exporter yet`);
      continue;
    }
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

  const isLoss = (id: string) => g.nodes.get(id)!.def!.category === 'loss';
  const namer = new Namer();
  const value = new Map<string, string>(); // `${node}\0${port}` → Python variable
  const key = (n: string, p: string) => `${n}\u0000${p}`;
  const incoming = (id: string) => g.edges.filter((e) => e.to.node === id);
  const used = new Set(g.edges.map((e) => key(e.from.node, e.from.port)));

  // Outputs, as lowerLayers names them: every port of a non-loss node none of whose outputs feeds a non-loss node.
  const consumed = new Set(g.edges.filter((e) => !isLoss(e.to.node)).map((e) => e.from.node));
  const outputs: { name: string; node: string; port: string }[] = [];
  for (const id of g.order) {
    if (isLoss(id) || consumed.has(id)) continue;
    const ports = Object.keys(g.info.get(id)!.outputs);
    for (const port of ports) {
      outputs.push({ name: outputName(id, port, ports.length), node: id, port });
      used.add(key(id, port));
    }
  }

  const inputs: ModelPlan['inputs'][number][] = [];
  const noise: ModelPlan['noise'][number][] = [];
  const dataArgs: string[] = [];
  const noiseArgs: string[] = [];
  const init: string[] = [];
  const body: string[] = [];
  const lossLines: string[] = [];
  const losses: string[] = [];
  const helpers: TorchHelper[] = [];
  let targetDtype: 'float32' | 'int64' = 'float32';
  let keyed = false;

  for (const id of g.order) {
    const node = g.nodes.get(id)!;
    const info = g.info.get(id)!;
    const code = codes.get(id)!;
    const ports = Object.keys(info.outputs);
    const varFor = (port: string) => {
      const name = namer.name(ports.length === 1 ? id : `${id}_${port}`);
      value.set(key(id, port), name);
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
      continue;
    }

    const single = (port: string): string | undefined => {
      const e = incoming(id).find((x) => x.to.port === port);
      return e ? value.get(key(e.from.node, e.from.port)) : undefined;
    };
    const many = (port: string): string[] =>
      incoming(id)
        .filter((x) => x.to.port === port)
        .map((e) => value.get(key(e.from.node, e.from.port))!);
    const portValue = (port: string) => (node.def!.inputs[port]?.variadic ? many(port) : single(port));

    let expr: string;
    if ('module' in code) {
      const attr = isPlainAttribute(id) ? `self.${id}` : `self._modules[${pyString(id)}]`;
      keyed ||= !isPlainAttribute(id);
      init.push(`${INDENT}${INDENT}${attr} = ${pyTorchCall(code.module)}`);
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
      expr = `${on}.${pyCall(code.method, (code.args ?? []).map((a) => pyValue(a, portValue)), Object.entries(code.kwargs ?? {}).map(([k, v]) => [k, pyValue(v, portValue)] as const))}`;
    } else {
      expr = `${single('a')} ${code.operator} ${single('b')}`;
    }

    const returns = 'module' in code && code.returns ? code.returns : ports;
    const names = returns.map((p) => (used.has(key(id, p)) || returns.length === 1 ? varFor(p) : '_'));
    const line = `${INDENT}${INDENT}${names.join(', ')} = ${expr}  # ${shapes.join(', ')}`;
    if (isLoss(id)) {
      losses.push(names[0]!);
      lossLines.push(line);
    } else body.push(line);
  }

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
  lines.push('class Model(nn.Module):');
  lines.push(`${INDENT}# Graph inputs (forward's arguments, in order) and outputs, by their Layerloom names.`);
  lines.push(`${INDENT}INPUTS = ${tuple(inputs.map((i) => pyString(i.id)))}`);
  lines.push(`${INDENT}NOISE = {${noise.map((n) => `${pyString(n.id)}: ${pyValue({ tuple: n.shape })}`).join(', ')}}`);
  lines.push(`${INDENT}OUTPUTS = ${tuple(outputs.map((o) => pyString(o.name)))}`);
  lines.push(`${INDENT}LOSSES = ${losses.length ? tuple(g.order.filter(isLoss).map(pyString)) : '()'}`);
  lines.push(`${INDENT}TARGET_DTYPE = torch.${targetDtype === 'int64' ? 'long' : 'float32'}`);
  lines.push('');
  lines.push(`${INDENT}def __init__(self):`);
  lines.push(`${INDENT}${INDENT}super().__init__()`);
  if (keyed) lines.push(`${INDENT}${INDENT}# Node ids that are not Python names are registered by key, so state_dict keys stay "<node id>.<name>".`);
  lines.push(...(init.length ? init : [`${INDENT}${INDENT}pass`]));
  lines.push('');
  const params = [...dataArgs, ...noiseArgs, ...(losses.length ? ['target=None'] : [])];
  lines.push(`${INDENT}def forward(${['self', ...params].join(', ')}):`);
  lines.push(
    `${INDENT}${INDENT}"""Returns ${outputs.length === 1 ? 'the output' : `the outputs (${outputs.map((o) => o.name).join(', ')})`}` +
      `${losses.length ? '; given the target, the training loss instead' : ''}."""`,
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
    },
  };
}
