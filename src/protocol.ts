// Every message between the extension host, the worker and the webview, as discriminated unions.
// All three sides import these types; nothing else crosses a boundary.
import type { AnalysisResult, ModelResult, Shape } from './shapes/types';

// ───────────────────────────── shared payloads ─────────────────────────────

export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export type SamplerName = 'inverse-cdf' | 'rejection' | 'mh' | 'slice' | 'hmc' | 'nuts';
export const SAMPLERS: readonly SamplerName[] = ['inverse-cdf', 'rejection', 'mh', 'slice', 'hmc', 'nuts'];

/** Which model to train: a built-in net, or a model from a Python source. */
export type ModelSpec =
  | { kind: 'builtin'; name: 'mlp' | 'cnn' }
  | { kind: 'source'; file: string; source: string; className?: string };

export interface TrainRequestParams {
  models: ModelSpec[];
  epochs: number;
  batchSize: number;
  /** Use at most this many training images (0 = all). */
  limit: number;
  /** Folder with IDX files; empty means the embedded subset. */
  dataPath: string;
  seed: number;
  backend: BackendName;
  /** A folder from which to `require('@tensorflow/tfjs-node')`, e.g. a global npm install. */
  tfjsNodePath?: string;
  learningRate?: number;
  /** Evaluate on at most this many test images (0 or absent = all); keeps tests and quick runs short. */
  testLimit?: number;
  /** Id put on every event of the run; generated when absent. */
  runId?: string;
  /** Training threads on wasm (0 or absent = os.availableParallelism()); 1 forces one thread. The
   * curve is the same for any count (training/shards.ts), only the speed differs. */
  threads?: number;
}

export interface TrainBatchEvent {
  event: 'batch';
  runId: string;
  model: string;
  epoch: number;
  batch: number;
  batches: number;
  samplesSeen: number;
  loss: number;
}

export interface TrainEpochEvent {
  event: 'epoch';
  runId: string;
  model: string;
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  testLoss: number;
  testAcc: number;
  seconds: number;
  samplesPerSec: number;
}

export interface TrainModelSummary {
  model: string;
  params: number;
  /** null when the run was stopped before the model finished an epoch (nothing was evaluated). */
  finalTestAcc: number | null;
  finalTestLoss: number | null;
  seconds: number;
  samplesPerSec: number;
  /** Threads that computed the training steps (absent in runs recorded before threads existed). */
  threads?: number;
}

export interface TrainDoneEvent {
  event: 'done';
  runId: string;
  /** 'tensorflow' | 'wasm' | 'cpu': the backend that actually ran. */
  backend: string;
  /** Its version and build, for display: "tfjs 4.22.0, SIMD". */
  backendDetail?: string;
  models: TrainModelSummary[];
  cancelled: boolean;
}

export interface TrainStartEvent {
  event: 'start';
  runId: string;
  /** 'tensorflow' | 'wasm' | 'cpu': the backend that actually runs. */
  backend: string;
  /** Its version and build, for display: "tfjs 4.22.0, SIMD". */
  backendDetail?: string;
  models: { model: string; params: number }[];
  trainSize: number;
  testSize: number;
  epochs: number;
  batchSize: number;
  /** Which data set: "MNIST", "FashionMNIST" or "embedded MNIST subset". */
  data?: string;
  /** The run's hyperparameters, so a recorded run says how it was made. */
  hyper?: TrainHyper;
}

export type TrainEvent = TrainStartEvent | TrainBatchEvent | TrainEpochEvent | TrainEvalEvent | TrainDoneEvent;

export interface TrainHyper {
  /** The models' names, in training order. */
  model: string[];
  data: string;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  backend: string;
  threads: number;
}

/** After each epoch: the test set's confusion matrix (rows: true class, columns: predicted), each
 * class's accuracy (null for a class absent from the test set) and the most confident mistakes. */
export interface TrainEvalEvent {
  event: 'eval';
  runId: string;
  model: string;
  epoch: number;
  classes: string[];
  confusion: number[][];
  perClass: (number | null)[];
  /** index: position in the test set; p: the probability the model gave its (wrong) prediction. */
  mistakes: { index: number; label: number; pred: number; p: number }[];
}

export interface SampleRequestParams {
  expr: string;
  sampler: SamplerName;
  n: number;
  chains: number;
  seed: number;
  /** Support or plotting range [a, b]; for 2-D the same range on both axes unless rangeY is given. */
  range?: [number, number];
  rangeY?: [number, number];
  /** The expression is log f rather than f. */
  logDensity?: boolean;
  /** Number of histogram bins the worker computes for the panel. */
  bins?: number;
  /** Warm-up draws per chain for MCMC (default n/2 capped). */
  warmup?: number;
  /** Echoed in progress events and the result (default 'sample'). */
  runId?: string;
}

export interface Histogram {
  /** Bin edges, length bins + 1. */
  edges: number[];
  counts: number[];
}

export interface Histogram2D {
  xEdges: number[];
  yEdges: number[];
  /** Row-major counts[yi * nx + xi]. */
  counts: number[];
}

/** A batch of draws streamed while a sampler runs (thinned for the trace plot). */
export interface SampleProgressEvent {
  event: 'progress';
  runId: string;
  chain: number;
  /** Draw index of the first value in `x`. */
  start: number;
  x: number[];
  y?: number[];
  done: number;
  total: number;
  /** 'warmup' events carry no draws, only done/total. */
  phase?: 'warmup' | 'sampling';
  /** x[k] is draw start + k·stride (the stream is thinned for the trace plot). */
  stride?: number;
  /** Rejection raised its envelope and restarted: discard every draw received so far. */
  restarted?: boolean;
}

export interface SampleDiagnostics {
  sampler: SamplerName;
  n: number;
  chains: number;
  dims: 1 | 2;
  acceptance: number | null;
  essBulk: number;
  essTail: number;
  rhat: number;
  mcseMean: number;
  mean: number;
  sd: number;
  ks: { D: number; p: number } | null;
  divergences?: number;
  proposalsPerDraw?: number;
  uError?: number;
  /** Sampling time (warm-up + draws); setup (support scan, tables) is setupSeconds. */
  seconds: number;
  drawsPerSec: number;
  setupSeconds?: number;
  /** Warm-up iterations per chain (0 for i.i.d. samplers). */
  warmup?: number;
  /** Mean of x under the numerically integrated density (1-D; x-marginal in 2-D). */
  trueMean?: number;
  /** Thinning used for the KS test (⌈N/ESS⌉ for MCMC, 1 for i.i.d.). */
  ksThin?: number;
  /** MH proposal scale, slice width, or HMC/NUTS step size after warm-up (mean over chains). */
  stepSize?: number;
  leapfrogsPerDraw?: number;
  meanTreeDepth?: number;
  /** Slice: density evaluations per draw. */
  evalsPerDraw?: number;
  /** Rejection: the proposal and c that were used, and how often the runtime guard restarted. */
  envelope?: string;
  restarts?: number;
}

export interface SampleResult extends SampleDiagnostics {
  runId: string;
  expr: string;
  range: [number, number];
  rangeY?: [number, number];
  histogram: Histogram;
  histogramY?: Histogram;
  histogram2d?: Histogram2D;
  /** The normalised true density on a grid, for the overlay (1-D: marginal in x). */
  density: { x: number[]; y: number[] };
  densityY?: { x: number[]; y: number[] };
  /** Density on a grid for the 2-D heat map, row-major. */
  density2d?: { nx: number; ny: number; values: number[] };
  autocorrelation: number[];
  /** A thinned trace per chain (at most a few thousand points each). */
  traces: number[][];
  tracesY?: number[][];
  /** Scatter of draws for 2-D (thinned). */
  scatter?: { x: number[]; y: number[] };
  /** The request that produced this run (set by the worker): re-running it gives the same draws, which is
   * how the panel exports every draw without keeping millions of them. Absent in older stored runs. */
  request?: SampleRequestParams;
}

export interface ExprCheck {
  ok: boolean;
  dims?: 1 | 2;
  error?: string;
  column?: number;
}

// ───────────────────────────── host ↔ worker ─────────────────────────────

export type WorkerRequest =
  | { type: 'train'; id: number; params: TrainRequestParams }
  | { type: 'sample'; id: number; params: SampleRequestParams }
  /** Re-runs a sampling request and writes every kept draw to `file` as CSV (chain,draw,x[,y]). */
  | { type: 'sampleDraws'; id: number; params: SampleRequestParams; file: string }
  | { type: 'analyze'; id: number; source: string; file: string; defaultInput?: Shape[] }
  | { type: 'checkExpr'; id: number; expr: string; logDensity?: boolean }
  | { type: 'cancel'; id: number }
  | { type: 'ping'; id: number };

export type WorkerResultPayload =
  | { type: 'train'; done: TrainDoneEvent }
  | { type: 'sample'; result: SampleResult }
  | { type: 'sampleDraws'; file: string; draws: number; bytes: number }
  | { type: 'analyze'; result: AnalysisResult }
  | { type: 'checkExpr'; result: ExprCheck }
  | { type: 'ping'; pid: number; memory: number };

export type WorkerMessage =
  | { type: 'progress'; id: number; event: TrainEvent | SampleProgressEvent }
  | { type: 'result'; id: number; payload: WorkerResultPayload }
  | { type: 'error'; id: number; message: string; cause?: string; cancelled?: boolean }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string }
  /** The worker loaded tfjs-node: a restart must then use a child process (tfjs#8388). */
  | { type: 'nativeLoaded' };

// ───────────────────────────── host ↔ webview ─────────────────────────────

export interface StoredTrainRun {
  runId: string;
  startedAt: string;
  backend: string;
  params: TrainRequestParams;
  models: { model: string; params: number }[];
  /** Loss per batch, subsampled: [samplesSeen, loss]. */
  batches: Record<string, [number, number][]>;
  /** From the start event: images per epoch (after the limit) and in the test set. */
  trainSize?: number;
  testSize?: number;
  epochs: TrainEpochEvent[];
  done?: TrainDoneEvent;
}

export type HostToWebview =
  | { type: 'init'; runs: StoredTrainRun[]; samples: SampleResult[]; summary: ModelResult | null; defaults: WebviewDefaults; summaryFile?: string }
  | { type: 'trainEvent'; event: TrainEvent }
  | { type: 'trainError'; runId: string; message: string }
  /** A sampling job was queued (the runId is only known from its first progress event). */
  | { type: 'sampleStart'; params: SampleRequestParams }
  | { type: 'sampleProgress'; event: SampleProgressEvent }
  | { type: 'sampleResult'; result: SampleResult }
  | { type: 'sampleError'; runId: string; message: string }
  | { type: 'exprCheck'; expr: string; result: ExprCheck }
  | { type: 'summary'; model: ModelResult | null; file: string }
  | { type: 'showTab'; tab: 'training' | 'sampling' | 'summary' };

export interface WebviewDefaults {
  sampler: SamplerName;
  n: number;
  chains: number;
  seed: number;
  expr: string;
  /** Training settings, shown next to the Compare button. */
  epochs?: number;
  limit?: number;
}

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'runSample'; params: SampleRequestParams }
  | { type: 'checkExpr'; expr: string; logDensity?: boolean }
  | { type: 'compare'; epochs: number; limit: number }
  | { type: 'stop' }
  | { type: 'saveFile'; name: string; mime: 'text/csv' | 'image/png'; data: string }
  /** Every draw of a stored sampling run as CSV (the host re-runs its request into a file). */
  | { type: 'saveDraws'; runId: string }
  | { type: 'clearRuns' }
  | { type: 'removeSample'; runId: string }
  | { type: 'clearSamples' };
