/** The `layerloom` command line: argument parsing and dispatch. Every failure is one line, never a stack trace. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { dataCommand, dataHelp } from './commands/data';
import { exportCommand, exportHelp } from './commands/export';
import { importCommand, importHelp } from './commands/import';
import { runCommand, runHelp } from './commands/run';
import { sampleCommand, sampleHelp } from './commands/sample';
import { decodeCommand, decodeHelp } from './commands/decode';
import { newCommand, newHelp } from './commands/new';
import { summaryCommand, summaryHelp } from './commands/summary';
import { templatesCommand, templatesHelp } from './commands/templates';
import { trainCommand, trainHelp } from './commands/train';
import { EXIT, processIO, UserError, type CliIO } from './io';

const HELP = `Layerloom: build neural networks from layers, see every shape, export ONNX.

Usage: layerloom <command> [options]

Commands:
  summary <graph.json> [--json]            shapes, parameters and FLOPs of every layer, with problems found
  export <graph.json> --onnx <model.onnx>  compile to ONNX (and --weights to safetensors; --pytorch DIR for PyTorch code)
  import <model.onnx> --out <graph.json>  open an ONNX model as an editable graph, with its weights
  run <model.onnx | graph.json> --input X  run a model on an input and print its outputs
  train <graph.json> --dataset NAME|PATH   train on onnxruntime, with progress, metrics and checkpoints
  sample <graph.json> --weights W          draw samples from a trained diffusion graph (--out samples.npz)
  decode <graph.json> --weights W          translate with a trained seq2seq graph, greedy or --beam K
  data list [--json]                       the built-in datasets: shapes, sizes, lectures
  data preview <name | file>               shapes, class balance and a few samples of a dataset
  templates [--json]                       the lecture templates: graph, data, settings, expected result
  new <template-id> <out.json>             start a graph file from a template

Run "layerloom <command> --help" for a command's options.`;

type Values = Record<string, string | boolean | undefined>;

interface CommandSpec {
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  readonly run: (io: CliIO, positionals: readonly string[], v: Values) => Promise<number>;
}

const common = { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } as const;
const str = { type: 'string' } as const;

function onePositional(command: string, positionals: readonly string[]): string | undefined {
  if (positionals.length > 1) throw new UserError(`${command} takes one file, got ${positionals.length}: ${positionals.join(' ')}`);
  return positionals[0];
}

const COMMANDS: Record<string, CommandSpec> = {
  summary: {
    help: summaryHelp,
    options: common,
    run: (io, p, v) => summaryCommand(io, { file: onePositional('summary', p), json: Boolean(v.json) }),
  },
  export: {
    help: exportHelp,
    options: { ...common, onnx: str, pytorch: str, weights: str, opset: str, seed: str, 'from-weights': str, 'onnx-functions': { type: 'boolean' } },
    run: (io, p, v) =>
      exportCommand(io, {
        file: onePositional('export', p),
        onnx: v.onnx as string | undefined,
        pytorch: v.pytorch as string | undefined,
        weights: v.weights as string | undefined,
        opset: v.opset as string | undefined,
        seed: v.seed as string | undefined,
        fromWeights: v['from-weights'] as string | undefined,
        onnxFunctions: v['onnx-functions'] as boolean | undefined,
      }),
  },
  import: {
    help: importHelp,
    options: { ...common, out: str, weights: str, name: str },
    run: (io, p, v) =>
      importCommand(io, {
        file: onePositional('import', p),
        out: v.out as string | undefined,
        weights: v.weights as string | undefined,
        name: v.name as string | undefined,
        json: Boolean(v.json),
      }),
  },
  run: {
    help: runHelp,
    options: { ...common, input: str, weights: str, seed: str },
    run: (io, p, v) =>
      runCommand(io, {
        file: onePositional('run', p),
        input: v.input as string | undefined,
        weights: v.weights as string | undefined,
        seed: v.seed as string | undefined,
        json: Boolean(v.json),
      }),
  },
  train: {
    help: trainHelp,
    options: {
      ...common,
      dataset: str,
      epochs: str,
      steps: str,
      'batch-size': str,
      optimizer: str,
      lr: str,
      momentum: str,
      'weight-decay': str,
      'clip-norm': str,
      schedule: str,
      'step-size': str,
      gamma: str,
      'warmup-steps': str,
      seed: str,
      'no-shuffle': { type: 'boolean' },
      quick: { type: 'boolean' },
      'val-split': str,
      backend: str,
      out: str,
      resume: str,
      'from-weights': str,
      label: str,
      'image-size': str,
      color: str,
      tokenize: str,
      'seq-len': str,
      'grad-norms': { type: 'boolean' },
      adversarial: str,
      'attack-eval': str,
      eps: str,
      alpha: str,
      'attack-steps': str,
      'no-random-start': { type: 'boolean' },
      clamp: str,
      'adv-fraction': str,
      'gan-loss': str,
      'n-critic': str,
      'clip-value': str,
    },
    run: (io, p, v) =>
      trainCommand(io, {
        file: onePositional('train', p),
        dataset: v.dataset as string | undefined,
        epochs: v.epochs as string | undefined,
        steps: v.steps as string | undefined,
        batchSize: v['batch-size'] as string | undefined,
        optimizer: v.optimizer as string | undefined,
        lr: v.lr as string | undefined,
        momentum: v.momentum as string | undefined,
        weightDecay: v['weight-decay'] as string | undefined,
        clipNorm: v['clip-norm'] as string | undefined,
        schedule: v.schedule as string | undefined,
        stepSize: v['step-size'] as string | undefined,
        gamma: v.gamma as string | undefined,
        warmupSteps: v['warmup-steps'] as string | undefined,
        seed: v.seed as string | undefined,
        noShuffle: v['no-shuffle'] as boolean | undefined,
        quick: v.quick as boolean | undefined,
        valSplit: v['val-split'] as string | undefined,
        backend: v.backend as string | undefined,
        out: v.out as string | undefined,
        resume: v.resume as string | undefined,
        fromWeights: v['from-weights'] as string | undefined,
        json: Boolean(v.json),
        label: v.label as string | undefined,
        imageSize: v['image-size'] as string | undefined,
        color: v.color as string | undefined,
        tokenize: v.tokenize as string | undefined,
        seqLen: v['seq-len'] as string | undefined,
        gradNorms: v['grad-norms'] as boolean | undefined,
        adversarial: v.adversarial as string | undefined,
        attackEval: v['attack-eval'] as string | undefined,
        eps: v.eps as string | undefined,
        alpha: v.alpha as string | undefined,
        attackSteps: v['attack-steps'] as string | undefined,
        noRandomStart: v['no-random-start'] as boolean | undefined,
        clamp: v.clamp as string | undefined,
        advFraction: v['adv-fraction'] as string | undefined,
        ganLoss: v['gan-loss'] as string | undefined,
        nCritic: v['n-critic'] as string | undefined,
        clipValue: v['clip-value'] as string | undefined,
      }),
  },
  templates: {
    help: templatesHelp,
    options: common,
    run: (io, p, v) => templatesCommand(io, { positionals: p, json: Boolean(v.json) }),
  },
  decode: {
    help: decodeHelp,
    options: { ...common, weights: str, beam: str, alpha: str, 'max-len': str, count: str, 'data-seed': str, text: str },
    run: (io, p, v) =>
      decodeCommand(io, {
        file: onePositional('decode', p),
        weights: v.weights as string | undefined,
        beam: v.beam as string | undefined,
        alpha: v.alpha as string | undefined,
        maxLen: v['max-len'] as string | undefined,
        count: v.count as string | undefined,
        dataSeed: v['data-seed'] as string | undefined,
        text: v.text as string | undefined,
        json: Boolean(v.json),
      }),
  },
  sample: {
    help: sampleHelp,
    options: { ...common, weights: str, count: str, seed: str, out: str },
    run: (io, p, v) =>
      sampleCommand(io, {
        file: onePositional('sample', p),
        weights: v.weights as string | undefined,
        count: v.count as string | undefined,
        seed: v.seed as string | undefined,
        out: v.out as string | undefined,
      }),
  },
  new: {
    help: newHelp,
    options: { ...common, force: { type: 'boolean', default: false } },
    run: (io, p, v) => newCommand(io, { positionals: p, force: Boolean(v.force) }),
  },
  data: {
    help: dataHelp,
    options: { ...common, n: str, seed: str, label: str, out: str },
    run: (io, p, v) =>
      dataCommand(io, {
        positionals: p,
        json: Boolean(v.json),
        ...(v.n !== undefined ? { n: v.n as string } : {}),
        ...(v.seed !== undefined ? { seed: v.seed as string } : {}),
        ...(v.label !== undefined ? { label: v.label as string } : {}),
        ...(v.out !== undefined ? { out: v.out as string } : {}),
      }),
  },
};

export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.out(`${HELP}\n`);
      return command ? EXIT.ok : EXIT.badInput;
    }
    const spec = COMMANDS[command];
    if (!spec) throw new UserError(`unknown command "${command}". Run "layerloom --help" to see the commands.`);
    let parsed;
    try {
      parsed = parseArgs({ args: [...rest], allowPositionals: true, options: spec.options });
    } catch (e) {
      throw new UserError(`${command}: ${(e as Error).message.split('\n')[0]}`);
    }
    if (parsed.values.help) {
      io.out(`${spec.help}\n`);
      return EXIT.ok;
    }
    return await spec.run(io, parsed.positionals, parsed.values as Values);
  } catch (e) {
    if (e instanceof UserError) {
      for (const line of e.message.split('\n')) io.err(`layerloom: ${line}\n`);
      return e.exitCode;
    }
    io.err(`layerloom: internal error: ${e instanceof Error ? e.message : String(e)} (please report this)\n`);
    return EXIT.internal;
  }
}
