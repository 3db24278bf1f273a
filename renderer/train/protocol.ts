/**
 * Messages between the training panel (main thread) and the training worker. Everything is structured-
 * cloneable: plain objects and typed arrays. A view request carries an id; its answer carries the same id.
 */
import type { GraphDoc } from '../../graph-core';
import type { Dataset } from '../../runtime/data/dataset';
import type { EpochEvent, StepEvent } from '../../runtime/train/trainer';
import type { AdapterInfo } from './auto-backend';
import type { TrainSettings } from './settings';

/** Where the worker gets its data: a built-in generator by name, or a dataset imported on the main thread. */
export type DataSource = { readonly builtin: string } | { readonly dataset: Dataset };

/** The onnxruntime flavours the worker can train on: WebGPU and WASM (browser), native (Node, Electron). */
export type WorkerBackend = 'webgpu' | 'wasm' | 'native';

export interface StartRequest {
  readonly type: 'start';
  readonly doc: GraphDoc;
  readonly settings: TrainSettings;
  readonly data: DataSource;
  readonly backend: WorkerBackend;
  /** Start from these weights (the project's kept weights: imported or from an earlier run) instead of fresh ones. */
  readonly weights?: ReadonlyMap<string, Float32Array>;
}

/** Times a few steps of the model on one backend (for Auto). */
export interface TimeRequest {
  readonly type: 'time';
  readonly id: number;
  readonly doc: GraphDoc;
  readonly settings: TrainSettings;
  readonly data: DataSource;
  readonly backend: WorkerBackend;
  readonly steps: number;
}

/** What the worker knows about WebGPU here. */
export interface GpuProbeRequest {
  readonly type: 'gpu';
  readonly id: number;
}

export type ViewRequest =
  /** Confusion matrix of the first classifier over the validation split (or the first samples without one). */
  | { readonly kind: 'confusion' }
  /** One node output on one sample. */
  | { readonly kind: 'activation'; readonly node: string; readonly port?: string; readonly sample: number }
  /** A MultiheadAttention node's per-head weights on one sample. */
  | { readonly kind: 'attention'; readonly node: string; readonly sample: number }
  /** An Embedding node's table projected on its two principal axes. */
  | { readonly kind: 'embedding'; readonly node: string }
  /** The predicted class over a grid covering a 2-D input's data. */
  | { readonly kind: 'boundary'; readonly resolution: number }
  /** Histograms of every weight tensor. */
  | { readonly kind: 'histograms'; readonly bins: number }
  /**
   * Histograms of every weight's gradient on one fixed training batch, with the current weights: a forward
   * and backward pass on the CPU, no update (computed only when asked, between steps).
   */
  | { readonly kind: 'gradHistograms'; readonly bins: number }
  /** The model's prediction for a dataset sample, or for an input the user made (drawn, typed). */
  | { readonly kind: 'predict'; readonly sample?: number; readonly input?: Float32Array | Int32Array }
  /** Several samples with their true and predicted labels (the sample grid). */
  | { readonly kind: 'samples'; readonly count: number };

export interface ViewMessage {
  readonly type: 'view';
  readonly id: number;
  readonly request: ViewRequest;
}

export type ToWorker =
  | StartRequest
  | TimeRequest
  | GpuProbeRequest
  | ViewMessage
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'stop' }
  /** Asks for the trained weights (to export them or keep them beside the project). */
  | { readonly type: 'weights'; readonly id: number }
  /** Loads weights kept from an earlier run (or imported), without training: views, playground and export use them. */
  | RestoreRequest;

export interface RestoreRequest {
  readonly type: 'restore';
  readonly doc: GraphDoc;
  readonly settings: TrainSettings;
  readonly data: DataSource;
  readonly weights: Map<string, Float32Array>;
}

export interface RunInfo {
  readonly backend: WorkerBackend;
  readonly trainSamples: number;
  readonly valSamples: number;
  readonly batch: number;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  /** Classifier class names (from the dataset), when the model classifies. */
  readonly classNames?: readonly string[];
  readonly gan: boolean;
}

export type ViewResult =
  | {
      readonly kind: 'confusion';
      readonly node: string;
      readonly classNames: readonly string[];
      readonly counts: Int32Array;
      readonly perClass: Float64Array;
      readonly accuracy: number;
      readonly total: number;
      /** 'validation' or 'training' samples. */
      readonly split: string;
    }
  | { readonly kind: 'activation'; readonly node: string; readonly port: string; readonly shape: readonly number[]; readonly data: Float32Array }
  | {
      readonly kind: 'attention';
      readonly node: string;
      readonly heads: number;
      readonly tq: number;
      readonly tk: number;
      readonly data: Float32Array;
      /** Labels of the query and key positions (tokens where the dataset has a vocabulary). */
      readonly tokens: readonly string[];
    }
  | { readonly kind: 'embedding'; readonly node: string; readonly points: Float64Array; readonly labels: readonly string[]; readonly explained: readonly [number, number] }
  | {
      readonly kind: 'boundary';
      readonly resolution: number;
      readonly bounds: readonly [number, number, number, number];
      /** resolution × resolution predicted classes, row 0 at the top (largest y). */
      readonly grid: Int32Array;
      /** Data points (x, y) and their labels. */
      readonly points: Float32Array;
      readonly labels: Int32Array;
      readonly classes: number;
    }
  | {
      readonly kind: 'histograms';
      readonly layers: readonly { readonly name: string; readonly edges: Float64Array; readonly counts: Int32Array; readonly norm: number }[];
    }
  | GradHistogramsResult
  | {
      readonly kind: 'predict';
      readonly probabilities: Float32Array;
      readonly classNames: readonly string[];
      readonly predicted: number;
      readonly truth?: number;
      /** The input as the dataset shapes it (an image, a token list), for display. */
      readonly input?: { readonly shape: readonly number[]; readonly data: Float32Array | Int32Array; readonly tokens?: readonly string[] };
    }
  | {
      readonly kind: 'samples';
      readonly shape: readonly number[];
      readonly inputs: Float32Array;
      readonly truth: Int32Array;
      readonly predicted: Int32Array;
      readonly classNames: readonly string[];
    };

/** One weight tensor's gradient: its histogram (numpy's bins over [min, max]), L2 norm and range. */
export interface GradTensor {
  /** The weight's name, `<node id>.<torch name>`. */
  readonly name: string;
  readonly size: number;
  readonly edges: Float64Array;
  readonly counts: Int32Array;
  readonly norm: number;
  readonly min: number;
  readonly max: number;
  /** NaN and ±Inf values (left out of the bins). */
  readonly nonFinite: number;
}

export interface GradHistogramsResult {
  readonly kind: 'gradHistograms';
  /** The step whose weights were differentiated (0: the initial or kept weights, before any step of this run). */
  readonly step: number;
  /** The batch: its size, and that it is the first samples of the training split, the same every time. */
  readonly batch: number;
  /** Each objective differentiated and its value on the batch: `loss`, or a GAN's Discriminator and generator losses. */
  readonly objectives: readonly { readonly name: string; readonly loss: number }[];
  /** Per layer (graph order), the gradients of its weights w.r.t. `objective`, and ‖∂L/∂W‖₂ over all of them (as the norm plot). */
  readonly layers: readonly { readonly node: string; readonly objective: string; readonly norm: number; readonly tensors: readonly GradTensor[] }[];
}

export type FromWorker =
  | { readonly type: 'started'; readonly info: RunInfo }
  | { readonly type: 'step'; readonly e: StepEvent }
  | { readonly type: 'epoch'; readonly e: EpochEvent }
  | { readonly type: 'samples'; readonly step: number; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly type: 'paused'; readonly step: number }
  | { readonly type: 'resumed' }
  | { readonly type: 'done'; readonly status: 'finished' | 'stopped' | 'diverged'; readonly message?: string; readonly steps: number }
  | { readonly type: 'view'; readonly id: number; readonly result: ViewResult | { readonly kind: 'error'; readonly message: string } }
  | { readonly type: 'timed'; readonly id: number; readonly msPerStep?: number; readonly error?: string }
  | { readonly type: 'gpu'; readonly id: number; readonly available: boolean; readonly reason?: string; readonly adapter?: AdapterInfo }
  | { readonly type: 'weights'; readonly id: number; readonly weights: Map<string, Float32Array> | null }
  /** Kept weights were loaded: the views answer from them as after a run (`totalSteps` 0: no step was taken). */
  | { readonly type: 'restored'; readonly info: RunInfo }
  /** A run could not start or failed: one line for a person. */
  | { readonly type: 'error'; readonly message: string };
