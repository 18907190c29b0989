// What the training engine takes and reports: its request, its event stream and its summary. The
// worker protocol (src/worker/protocol.ts) and the CLI import these; the engine owns them.

export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

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
  /** Put each mistake's test image on the eval events (the panel draws them; the CLI leaves them out). */
  evalImages?: boolean;
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
  /**
   * The model's training time and throughput. Engines always report them; null only in the done
   * event the panel's store writes for a run that ended without one (the worker died or was stopped,
   * the window closed), whose time is unknown: the last epoch's figures are not the run's.
   */
  seconds: number | null;
  samplesPerSec: number | null;
  /**
   * CPU seconds (user + system, all threads of the process) of the training loops, where the engine
   * measures them (the PyTorch runner, rank 0's process): the overhead bench compares these.
   */
  cpuSeconds?: number;
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
  /** Set only on a done event no engine sent: why the run's time and throughput are unknown. */
  incomplete?: string;
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
  /** Where the PyTorch runner computes: "cpu", "cuda", "cuda:0", "mps" (absent on tfjs). */
  device?: string;
  /** The run's hyperparameters, so a recorded run says how it was made (both backends write them). */
  hyper?: TrainHyper;
}

export interface TrainHyper {
  /** The models' names, in training order. */
  model: string[];
  data: string;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  backend: string;
  /** Threads per step: tfjs wasm's, or torch's intra-op threads in each PyTorch process. */
  threads?: number;
  /** PyTorch runner: the optimizer, the device and the number of data-parallel processes. */
  optimizer?: string;
  device?: string;
  processes?: number;
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
  mistakes: {
    index: number;
    label: number;
    pred: number;
    p: number;
    /** The test image, when the request asked for it (evalImages). */
    image?: MistakeImage;
  }[];
}

/** A test image as its bytes: channels × rows × cols, channel-major (PyTorch's CHW). */
export interface MistakeImage {
  channels: number;
  rows: number;
  cols: number;
  pixels: number[];
}

export type TrainEvent =
  TrainStartEvent | TrainBatchEvent | TrainEpochEvent | TrainEvalEvent | TrainDoneEvent;
