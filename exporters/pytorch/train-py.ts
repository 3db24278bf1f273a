/**
 * train.py: the document's `training` section (optimizer, learning-rate schedule, clipping, seed, batch size,
 * epochs or steps, validation split, dataset) as a PyTorch training script that runs on one device or under
 * torchrun with DistributedDataParallel and a DistributedSampler (gloo on CPU, nccl on CUDA).
 */
import type { ModelPlan } from './model-py';
import { DEFAULT_DIFFUSION } from '../../graph-core/train/diffusion';
import { pyNumber, pyString } from './python';

/** The training settings train.py bakes in, from the document (see docs/graph-format.md). */
export interface TrainSettings {
  readonly optimizer: 'sgd' | 'adam' | 'adamw' | 'rmsprop';
  readonly lr: number;
  readonly momentum?: number;
  readonly weightDecay?: number;
  readonly beta1?: number;
  readonly clipNorm?: number;
  readonly schedule?: { readonly kind: string; readonly [k: string]: unknown };
  readonly seed: number;
  readonly batchSize: number;
  readonly epochs: number;
  readonly steps?: number;
  readonly shuffle: boolean;
  readonly valSplit: number;
  /** The dataset named in the document: a built-in name or a file path. */
  readonly dataset?: string;
  /** GAN mode: Discriminator steps per generator step. */
  readonly nCritic: number;
}

/** Toy DDPM mode (see graph-core/train/diffusion.ts): the linear β schedule and the graph's two Inputs. */
export interface DiffusionSettings {
  readonly steps: number;
  readonly betaStart: number;
  readonly betaEnd: number;
  /** The Input that takes the noisy sample x_t, and the one that takes t/T. */
  readonly sampleInput: string;
  readonly timeInput: string;
  readonly sampleShape: readonly number[];
}

/**
 * The training section's `diffusion` ({"steps": T, "beta_start": β₁, "beta_end": β_T}, each optional; `true` for
 * the defaults) as layerloom train reads it: undefined when absent, a one-line problem when malformed.
 */
export function diffusionSettings(d: unknown): Pick<DiffusionSettings, 'steps' | 'betaStart' | 'betaEnd'> | string | undefined {
  if (d === undefined || d === false) return undefined;
  if (d === true) return { ...DEFAULT_DIFFUSION };
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return 'the training section\'s diffusion must be an object, e.g. {"steps": 50, "beta_start": 0.0001, "beta_end": 0.2}';
  const o = d as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !['steps', 'beta_start', 'beta_end'].includes(k));
  if (unknown.length) return `the training section's diffusion takes steps, beta_start and beta_end, not ${unknown.join(', ')}`;
  for (const k of ['steps', 'beta_start', 'beta_end'])
    if (o[k] !== undefined && typeof o[k] !== 'number') return `diffusion.${k} must be a number, not ${JSON.stringify(o[k])}`;
  return {
    steps: (o.steps as number | undefined) ?? DEFAULT_DIFFUSION.steps,
    betaStart: (o.beta_start as number | undefined) ?? DEFAULT_DIFFUSION.betaStart,
    betaEnd: (o.beta_end as number | undefined) ?? DEFAULT_DIFFUSION.betaEnd,
  };
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Reads the training section with `layerloom train`'s defaults; unknown values fall back to the defaults. */
export function trainSettings(t: Readonly<Record<string, unknown>> = {}): TrainSettings {
  const name = String(t.optimizer ?? 'adam').toLowerCase();
  const optimizer = (['sgd', 'adam', 'adamw', 'rmsprop'].includes(name) ? name : 'adam') as TrainSettings['optimizer'];
  const schedule = t.schedule && typeof t.schedule === 'object' ? (t.schedule as TrainSettings['schedule']) : undefined;
  const steps = num(t.steps);
  return {
    optimizer,
    lr: num(t.lr) ?? (optimizer === 'sgd' ? 0.01 : 0.001),
    ...(num(t.momentum) !== undefined ? { momentum: num(t.momentum)! } : {}),
    ...(num(t.weight_decay) !== undefined ? { weightDecay: num(t.weight_decay)! } : {}),
    ...(num(t.beta1) !== undefined ? { beta1: num(t.beta1)! } : {}),
    ...(num(t.clip_norm) !== undefined ? { clipNorm: num(t.clip_norm)! } : {}),
    ...(schedule ? { schedule } : {}),
    seed: num(t.seed) ?? 0,
    batchSize: num(t.batch_size) ?? 32,
    epochs: num(t.epochs) ?? 10,
    ...(steps !== undefined ? { steps } : {}),
    shuffle: t.no_shuffle !== true,
    valSplit: num(t.val_split) ?? 0.2,
    ...(typeof t.dataset === 'string' ? { dataset: t.dataset } : {}),
    nCritic: num(t.n_critic) ?? 1,
  };
}

/** The optimizer constructor, with torch's argument names. */
function optimizerCall(s: TrainSettings): string {
  const kw: string[] = ['lr=LR'];
  if (s.optimizer === 'sgd' || s.optimizer === 'rmsprop') {
    if (s.momentum !== undefined) kw.push(`momentum=${pyNumber(s.momentum)}`);
  }
  if (s.optimizer === 'adam' || s.optimizer === 'adamw') {
    if (s.beta1 !== undefined) kw.push(`betas=(${pyNumber(s.beta1)}, 0.999)`);
  }
  if (s.weightDecay !== undefined) kw.push(`weight_decay=${pyNumber(s.weightDecay)}`);
  const cls = { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW', rmsprop: 'RMSprop' }[s.optimizer];
  return `torch.optim.${cls}(parameters, ${kw.join(', ')})`;
}

/** The schedule as a Python function of the optimizer step giving the factor on LR (LambdaLR). */
function scheduleFunction(s: TrainSettings): string[] {
  const sch = s.schedule ?? { kind: 'constant' };
  const warmup = num(sch.warmup_steps) ?? 0;
  const start = num(sch.warmup_start_factor) ?? 1 / 3;
  const lines = ['def lr_factor(step):', '    """The learning rate of optimizer step `step`, as a factor of LR."""'];
  if (warmup > 0) {
    lines.push(`    warmup = ${warmup}`);
    lines.push('    if step < warmup:');
    lines.push(`        return ${pyNumber(start)} + (1 - ${pyNumber(start)}) * step / warmup`);
    lines.push('    step -= warmup');
  }
  if (sch.kind === 'step') {
    lines.push(`    return ${pyNumber(num(sch.gamma) ?? 0.1)} ** (step // ${num(sch.step_size) ?? 1})`);
  } else if (sch.kind === 'cosine') {
    const etaMin = num(sch.eta_min) ?? 0;
    const tMax = num(sch.T_max) ?? 1;
    lines.push(`    eta_min = ${pyNumber(etaMin)}`);
    lines.push(`    return (eta_min + (LR - eta_min) * (1 + math.cos(math.pi * step / ${pyNumber(tMax)})) / 2) / LR`);
  } else lines.push('    return 1.0');
  return lines;
}

/** train.py for the model described by `plan`. */
export function generateTrain(plan: ModelPlan, settings: TrainSettings, title: string, diffusion?: DiffusionSettings): string {
  const gan = plan.gan !== undefined;
  const ddpm = diffusion !== undefined && !gan;
  // GANs train more stably with less momentum in Adam (DCGAN): beta1 0.5 unless set, as layerloom train does.
  const s = gan && settings.beta1 === undefined && settings.optimizer.startsWith('adam') ? { ...settings, beta1: 0.5 } : settings;
  const isFile = s.dataset !== undefined && /\.npz$/i.test(s.dataset);
  const defaultData = isFile ? s.dataset! : 'data.npz';
  const inputs = plan.inputs.map((i) => `${pyString(i.id)}: torch.${i.dtype === 'int64' ? 'long' : 'float32'}`).join(', ');
  return `"""Trains ${title} with the settings of its Layerloom document${gan ? ', adversarially' : ddpm ? ' as a toy diffusion model (DDPM)' : ''}. Generated by Layerloom.

One process:          python train.py --data ${defaultData}
Several (DDP):        torchrun --nproc_per_node=4 train.py --data ${defaultData}
Continue from weights: python train.py --resume weights.safetensors

${gan ? '--data takes an .npz with the real samples "x"' : ddpm ? `--data takes an .npz with the clean samples x₀ (${pyString(diffusion!.sampleInput)} or "x"); every step noises them to a random\nstep t, and the model learns to predict the noise. After training, ancestral sampling from pure noise writes\n--samples new samples to samples.npz in the --out folder` : '--data takes an .npz with one array per Input (named after its node id, or "x" for a single input) and the\ntargets "y"'}${s.dataset && !isFile ? `; \`layerloom data dump ${s.dataset} --out data.npz\` writes the document's dataset` : ''}.
Under torchrun every process trains on its own share of each epoch (DistributedSampler) with --batch-size samples
per step, so one step sees nproc_per_node times as many samples; gradients are averaged across processes.
"""
import argparse
import hashlib
import math
import os

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from model import Model, load_safetensors, save_safetensors

# The document's training section.
DATASET = ${s.dataset !== undefined ? pyString(s.dataset) : 'None'}
SEED = ${s.seed}
EPOCHS = ${s.epochs}
STEPS = ${s.steps ?? 'None'}  # when set, stop after this many optimizer steps
BATCH_SIZE = ${s.batchSize}
LR = ${pyNumber(s.lr)}
CLIP_NORM = ${s.clipNorm !== undefined ? pyNumber(s.clipNorm) : 'None'}  # clip gradients to this global L2 norm
VAL_SPLIT = ${gan ? '0  # a GAN trains on every sample' : ddpm ? '0  # a diffusion model trains on every sample' : pyNumber(s.valSplit)}
SHUFFLE = ${s.shuffle ? 'True' : 'False'}
INPUT_DTYPES = {${inputs}}
${gan ? `N_CRITIC = ${s.nCritic}  # Discriminator steps per generator step\n` : ''}${ddpm ? diffusionConstants(diffusion!) : ''}

def make_optimizer(parameters):
    return ${optimizerCall(s)}


${scheduleFunction(s).join('\n')}


${gan ? GAN_LOAD : ddpm ? DIFFUSION_LOAD : ''}def load_data(path):
    """The model's inputs and the targets from an .npz file, as a TensorDataset (inputs in Model.INPUTS order)."""
    if not os.path.exists(path):
        raise SystemExit(f"train.py: {path} does not exist; give the data with --data file.npz")
    try:
        arrays = np.load(path)
    except Exception as e:
        raise SystemExit(f"train.py: cannot read {path} as .npz: {e}")
    tensors = []
    for name, dtype in INPUT_DTYPES.items():
        key = name if name in arrays.files else "x" if len(INPUT_DTYPES) == 1 and "x" in arrays.files else None
        if key is None:
            raise SystemExit(f"train.py: {path} has no array named {name!r} (it has {', '.join(arrays.files)})")
        tensors.append(torch.from_numpy(np.asarray(arrays[key])).to(dtype))
    if "y" not in arrays.files:
        raise SystemExit(f"train.py: {path} has no targets 'y' (it has {', '.join(arrays.files)})")
    tensors.append(torch.from_numpy(np.asarray(arrays["y"])).to(Model.TARGET_DTYPE))
    sizes = {len(t) for t in tensors}
    if len(sizes) != 1:
        raise SystemExit(f"train.py: the arrays of {path} hold different numbers of samples ({sorted(sizes)})")
    if any(torch.is_floating_point(t) and not torch.isfinite(t).all() for t in tensors):
        raise SystemExit(f"train.py: {path} contains NaN or infinite values")
    return TensorDataset(*tensors)


def noise_for(batch, device):
    """Fresh N(0, 1) samples for the model's Noise inputs."""
    return [torch.randn(batch, *shape, device=device) for shape in Model.NOISE.values()]


def set_progress(model, progress):
    """Layers that follow the run's progress from 0 to 1 (GradientReversal's dann schedule) read it here."""
    for module in model.modules():
        if hasattr(module, "progress"):
            module.progress = progress


def checksum(model):
    """A digest of every weight, to check that all processes hold the same model."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=${pyString(defaultData)}, help="the .npz with the inputs and targets 'y'")
    parser.add_argument("--epochs", type=int, help=f"passes over the data (default {EPOCHS}, or as many as STEPS needs)")
    parser.add_argument("--steps", type=int, default=STEPS, help="stop after this many optimizer steps")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="samples per step and process")
    parser.add_argument("--resume", help="start from these weights (.safetensors, e.g. Layerloom's weights.safetensors)")
    parser.add_argument("--out", default="trained", help="folder for the trained weights.safetensors")
${ddpm ? '    parser.add_argument("--samples", type=int, default=1000, help="samples drawn after training into samples.npz (0: none)")\n' : ''}    args = parser.parse_args()

    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
${gan ? '    if distributed:\n        raise SystemExit("train.py: a GAN graph trains in one process for now; run python train.py (without torchrun)")\n' : ''}    cuda = torch.cuda.is_available()
    if distributed:
        dist.init_process_group("nccl" if cuda else "gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    else:
        rank, world, local_rank = 0, 1, 0
    device = torch.device("cuda", local_rank) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)

    torch.manual_seed(SEED)  # the same initial weights in every process
    model = Model()
    if args.resume:
        try:
            model.load_state_dict(load_safetensors(args.resume))
        except (OSError, ValueError, RuntimeError) as e:
            raise SystemExit(f"train.py: cannot resume from {args.resume}: {str(e).splitlines()[0]}")
    model.to(device)
    trained = DistributedDataParallel(model, device_ids=[local_rank] if cuda else None${plan.hasUnusedParameters ? ', find_unused_parameters=True' : ''}) if distributed else model

    data = ${gan ? 'load_real' : ddpm ? 'load_clean' : 'load_data'}(args.data)
    n_val = int(len(data) * VAL_SPLIT)
    order = torch.randperm(len(data), generator=torch.Generator().manual_seed(SEED))
    train_set = torch.utils.data.Subset(data, order[n_val:].tolist())
    val_set = torch.utils.data.Subset(data, order[:n_val].tolist())
    sampler = DistributedSampler(train_set, num_replicas=world, rank=rank, shuffle=SHUFFLE, seed=SEED) if distributed else None
    loader = DataLoader(
        train_set,
        batch_size=args.batch_size,
        sampler=sampler,
        shuffle=SHUFFLE and sampler is None,
        generator=torch.Generator().manual_seed(SEED),
    )

    if args.epochs is not None:
        args.steps = None  # an explicit --epochs wins over the document's steps
    args.epochs = args.epochs or (math.ceil(args.steps / max(1, len(loader))) if args.steps else EPOCHS)
${gan ? GAN_LOOP : ddpm ? DIFFUSION_LOOP : PLAIN_LOOP}
    if distributed:
        # DDP averages gradients, so parameters agree; buffers (BatchNorm's running statistics) follow each
        # process's own batches, so every process takes process 0's, as DDP does before each forward.
        for buffer in model.buffers():
            dist.broadcast(buffer, 0)
    print(f"rank {rank}/{world}: weights sha256 {checksum(model)}", flush=True)
    if rank == 0:
        os.makedirs(args.out, exist_ok=True)
        path = os.path.join(args.out, "weights.safetensors")
        save_safetensors(model.state_dict(), path + ".tmp")
        os.replace(path + ".tmp", path)  # never a half-written file
        print(f"wrote {path}", flush=True)
${ddpm ? DIFFUSION_SAMPLE : ''}    if distributed:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
}

/** The supervised training loop of train.py. */
const PLAIN_LOOP = `    optimizer = make_optimizer(trained.parameters())
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)
    step = 0
    total_steps = args.steps if args.steps is not None else args.epochs * len(loader)
    torch.manual_seed(SEED + rank)  # dropout masks and noise differ between processes
    for epoch in range(args.epochs):
        if sampler is not None:
            sampler.set_epoch(epoch)
        trained.train()
        total = torch.zeros((), device=device)
        count = torch.zeros((), device=device)
        for *inputs, target in loader:
            inputs = [x.to(device) for x in inputs] + noise_for(len(target), device)
            set_progress(model, step / max(1, total_steps))
            loss = trained(*inputs, target=target.to(device))
            if not torch.isfinite(loss):
                raise SystemExit(f"train.py: the loss became {loss.item()} at step {step + 1}; lower the learning rate")
            optimizer.zero_grad()
            loss.backward()
            if CLIP_NORM is not None:
                torch.nn.utils.clip_grad_norm_(trained.parameters(), CLIP_NORM)
            optimizer.step()
            schedule.step()
            step += 1
            total += loss.detach() * len(target)
            count += len(target)
            if args.steps is not None and step >= args.steps:
                break
        if distributed:
            both = torch.stack([total, count])
            dist.all_reduce(both)
            total, count = both
        line = f"epoch {epoch + 1}/{args.epochs}  step {step}  loss {(total / count.clamp(min=1)).item():.6f}"
        if len(val_set):
            model.eval()
            with torch.no_grad():
                val_total = 0.0
                for *inputs, target in DataLoader(val_set, batch_size=args.batch_size):
                    inputs = [x.to(device) for x in inputs] + noise_for(len(target), device)
                    val_total += model(*inputs, target=target.to(device)).item() * len(target)
            line += f"  val_loss {val_total / len(val_set):.6f}"
        if rank == 0:
            print(line, flush=True)
        if args.steps is not None and step >= args.steps:
            break

`;

/** GAN mode: the real samples of the .npz. */
const GAN_LOAD = `def load_real(path):
    """The real samples ("x", or the only array) of an .npz file, as a TensorDataset."""
    if not os.path.exists(path):
        raise SystemExit(f"train.py: {path} does not exist; give the data with --data file.npz")
    try:
        arrays = np.load(path)
    except Exception as e:
        raise SystemExit(f"train.py: cannot read {path} as .npz: {e}")
    key = "x" if "x" in arrays.files else arrays.files[0] if len(arrays.files) == 1 else None
    if key is None:
        raise SystemExit(f"train.py: {path} has no real samples 'x' (it has {', '.join(arrays.files)})")
    real = torch.from_numpy(np.asarray(arrays[key])).float()
    if not torch.isfinite(real).all():
        raise SystemExit(f"train.py: {path} contains NaN or infinite values")
    return TensorDataset(real)


`;

/**
 * GAN mode, as layerloom train runs it: per batch one Discriminator step on real and generated samples
 * (BCE with targets 1 and 0), and after every N_CRITIC of them one generator step with the non-saturating
 * loss -log D(G(z)). Each step is one forward of the (DDP-wrapped) model, so gradients are averaged.
 */
const GAN_LOOP = `    discriminator = model._modules[Model.DISCRIMINATOR]
    d_params = list(discriminator.parameters())
    g_params = [p for p in model.parameters() if all(p is not q for q in d_params)]
    opt_d, opt_g = make_optimizer(d_params), make_optimizer(g_params)
    schedules = [torch.optim.lr_scheduler.LambdaLR(o, lr_factor) for o in (opt_d, opt_g)]
    bce = torch.nn.BCEWithLogitsLoss()
    step = 0
    torch.manual_seed(SEED + rank)  # noise differs between processes
    for epoch in range(args.epochs):
        if sampler is not None:
            sampler.set_epoch(epoch)
        trained.train()
        sums = torch.zeros(4, device=device)  # d_loss, Discriminator steps, g_loss, generator steps
        for (real,) in loader:
            real = real.to(device)
            n = len(real)
            scores = trained(*noise_for(n, device), real=real)
            d_loss = bce(scores[:n], torch.ones_like(scores[:n])) + bce(scores[n:], torch.zeros_like(scores[n:]))
            opt_d.zero_grad()
            d_loss.backward()
            if CLIP_NORM is not None:
                torch.nn.utils.clip_grad_norm_(d_params, CLIP_NORM)
            opt_d.step()
            schedules[0].step()
            step += 1
            sums[0] += d_loss.detach()
            sums[1] += 1
            if step % N_CRITIC == 0:
                fake_scores = trained(*noise_for(n, device))
                g_loss = bce(fake_scores, torch.ones_like(fake_scores))
                opt_g.zero_grad()
                g_loss.backward()
                if CLIP_NORM is not None:
                    torch.nn.utils.clip_grad_norm_(g_params, CLIP_NORM)
                opt_g.step()
                schedules[1].step()
                sums[2] += g_loss.detach()
                sums[3] += 1
            if not torch.isfinite(d_loss):
                raise SystemExit(f"train.py: the loss became {d_loss.item()} at step {step}; lower the learning rate")
            if args.steps is not None and step >= args.steps:
                break
        if distributed:
            dist.all_reduce(sums)
        line = f"epoch {epoch + 1}/{args.epochs}  step {step}  d_loss {(sums[0] / sums[1].clamp(min=1)).item():.6f}"
        line += f"  g_loss {(sums[2] / sums[3].clamp(min=1)).item():.6f}"
        if rank == 0:
            print(line, flush=True)
        if args.steps is not None and step >= args.steps:
            break

`;

/** Diffusion mode: the schedule's constants and the quantities derived from them. */
function diffusionConstants(d: DiffusionSettings): string {
  return `# Toy DDPM: a linear schedule of T steps with beta from BETA_START to BETA_END (layerloom train's diffusion mode).
DIFFUSION_STEPS = ${d.steps}
BETA_START = ${pyNumber(d.betaStart)}
BETA_END = ${pyNumber(d.betaEnd)}
SAMPLE_INPUT = ${pyString(d.sampleInput)}  # takes the noisy sample x_t
TIME_INPUT = ${pyString(d.timeInput)}  # takes t/T
SAMPLE_SHAPE = (${d.sampleShape.map((v) => `${v}, `).join('')})


def diffusion_schedule():
    """betas, alphas and alpha_bar (the cumulative product of the alphas) for t = 1..T, at index t - 1 (float64)."""
    betas = torch.linspace(BETA_START, BETA_END, DIFFUSION_STEPS, dtype=torch.float64)
    alphas = 1 - betas
    return betas, alphas, torch.cumprod(alphas, 0)


def diffusion_inputs(x_t, t_over_T, device):
    """The model's arguments for the noisy samples and their t/T, in Model.INPUTS order."""
    feed = {SAMPLE_INPUT: x_t, TIME_INPUT: t_over_T}
    return [feed[name] for name in INPUT_DTYPES] + noise_for(len(x_t), device)

`;
}

/** Diffusion mode: the clean samples x₀ of the .npz. */
const DIFFUSION_LOAD = `def load_clean(path):
    """The clean samples x0 (the array named SAMPLE_INPUT, "x", or the only array) of an .npz, as a TensorDataset."""
    if not os.path.exists(path):
        raise SystemExit(f"train.py: {path} does not exist; give the data with --data file.npz")
    try:
        arrays = np.load(path)
    except Exception as e:
        raise SystemExit(f"train.py: cannot read {path} as .npz: {e}")
    key = SAMPLE_INPUT if SAMPLE_INPUT in arrays.files else "x" if "x" in arrays.files else arrays.files[0] if len(arrays.files) == 1 else None
    if key is None:
        raise SystemExit(f"train.py: {path} has no samples {SAMPLE_INPUT!r} or 'x' (it has {', '.join(arrays.files)})")
    x0 = torch.from_numpy(np.asarray(arrays[key])).float()
    if tuple(x0.shape[1:]) != SAMPLE_SHAPE:
        raise SystemExit(f"train.py: the model denoises samples of {list(SAMPLE_SHAPE)}; {key!r} of {path} holds {list(x0.shape[1:])}")
    if not torch.isfinite(x0).all():
        raise SystemExit(f"train.py: {path} contains NaN or infinite values")
    return TensorDataset(x0)


`;

/**
 * Diffusion mode, as layerloom train runs it: per sample a step t in 1..T and noise eps ~ N(0, I);
 * x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps and t/T go in, and the loss is the MSE to eps.
 */
const DIFFUSION_LOOP = `    betas, alphas, alpha_bar = diffusion_schedule()
    if rank == 0:
        print(f"diffusion: T {DIFFUSION_STEPS}  alpha_bar[1] {alpha_bar[0].item():.12g}  alpha_bar[T/2] {alpha_bar[(DIFFUSION_STEPS - 1) // 2].item():.12g}  alpha_bar[T] {alpha_bar[-1].item():.12g}", flush=True)
    optimizer = make_optimizer(trained.parameters())
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)
    step = 0
    total_steps = args.steps if args.steps is not None else args.epochs * len(loader)
    torch.manual_seed(SEED + rank)  # noise levels and noise differ between processes
    for epoch in range(args.epochs):
        if sampler is not None:
            sampler.set_epoch(epoch)
        trained.train()
        total = torch.zeros((), device=device)
        count = torch.zeros((), device=device)
        for (x0,) in loader:
            n = len(x0)
            t = torch.randint(0, DIFFUSION_STEPS, (n,))  # t - 1, uniform over 1..T
            eps = torch.randn_like(x0)
            ab = alpha_bar[t].float().view(n, *[1] * (x0.dim() - 1))
            x_t = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
            t_over_T = ((t + 1).float() / DIFFUSION_STEPS).unsqueeze(1)
            set_progress(model, step / max(1, total_steps))
            loss = trained(*diffusion_inputs(x_t.to(device), t_over_T.to(device), device), target=eps.to(device))
            if not torch.isfinite(loss):
                raise SystemExit(f"train.py: the loss became {loss.item()} at step {step + 1}; lower the learning rate")
            optimizer.zero_grad()
            loss.backward()
            if CLIP_NORM is not None:
                torch.nn.utils.clip_grad_norm_(trained.parameters(), CLIP_NORM)
            optimizer.step()
            schedule.step()
            step += 1
            total += loss.detach() * n
            count += n
            if args.steps is not None and step >= args.steps:
                break
        if distributed:
            both = torch.stack([total, count])
            dist.all_reduce(both)
            total, count = both
        if rank == 0:
            print(f"epoch {epoch + 1}/{args.epochs}  step {step}  loss {(total / count.clamp(min=1)).item():.6f}", flush=True)
        if args.steps is not None and step >= args.steps:
            break

`;

/**
 * Diffusion mode: ancestral sampling from x_T ~ N(0, I), t = T..1:
 * x_{t-1} = (x_t - beta_t / sqrt(1 - alpha_bar_t) eps_hat(x_t, t/T)) / sqrt(alpha_t) + sqrt(beta_t) z, z = 0 at t = 1.
 */
const DIFFUSION_SAMPLE = `        if args.samples > 0:
            model.eval()
            generator = torch.Generator().manual_seed(SEED)
            x = torch.randn(args.samples, *SAMPLE_SHAPE, generator=generator, dtype=torch.float64)
            with torch.no_grad():
                for t in range(DIFFUSION_STEPS, 0, -1):
                    t_over_T = torch.full((args.samples, 1), t / DIFFUSION_STEPS, device=device)
                    eps_hat = model(*diffusion_inputs(x.float().to(device), t_over_T, device)).double().cpu()
                    x = (x - betas[t - 1] / (1 - alpha_bar[t - 1]).sqrt() * eps_hat) / alphas[t - 1].sqrt()
                    if t > 1:
                        x = x + betas[t - 1].sqrt() * torch.randn(x.shape, generator=generator, dtype=torch.float64)
            path = os.path.join(args.out, "samples.npz")
            with open(path + ".tmp", "wb") as f:
                np.savez(f, samples=x.float().numpy())
            os.replace(path + ".tmp", path)
            print(f"wrote {path} ({args.samples} samples)", flush=True)
`;
