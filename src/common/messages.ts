// Host ↔ webview: every message between the extension host's panel and the panel page, both ways.
// The page is browser code and the host is Node: this folder is all they share.
import type {
  SampleRequestParams,
  SampleResult,
  SamplerName,
  ExprCheck,
  SampleProgressEvent,
  SamplerTuning,
  StepTrace,
} from '../sampling/types';
import type { LiveTrainSnapshot } from './liveTrain';
import type { ScalarSeries } from './scalars';
import type { SummaryPage } from './summaryTable';
import type {
  TrainBatchEvent,
  TrainDoneEvent,
  TrainEpochEvent,
  TrainEvalEvent,
  TrainEvent,
  TrainHyper,
  TrainRequestParams,
} from '../training/types';

// The engines' types the page draws, re-exported so that the page imports this folder only.
export type {
  DiagnosticFlag,
  DiagnosticsReport,
  ExprCheck,
  SampleProgressEvent,
  SampleRequestParams,
  SampleResult,
  SamplerName,
  SamplerStep,
  SamplerTuning,
  StepPoint,
  StepSamplerName,
  StepTrace,
} from '../sampling/types';
export { SAMPLERS, SAMPLER_TABLE, isSamplerName } from '../sampling/samplers';
export { STEP_SAMPLERS } from '../sampling/types';
export type { ScalarSeries } from './scalars';
export type { SummaryPage } from './summaryTable';
export type {
  TrainDoneEvent,
  TrainEpochEvent,
  TrainEvalEvent,
  TrainEvent,
  TrainHyper,
} from '../training/types';

export type PanelTab = 'training' | 'sampling' | 'summary';

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
  /**
   * Per loss point of `batches`, at the same index: [optimizer step, wall seconds since the run
   * started, as the events arrived]. Absent in runs recorded before it was kept; a model whose list
   * does not match its loss points has no step or time axis (unknown, not guessed).
   */
  batchClock?: Record<string, [number, number][]>;
  /** Per entry of `epochs`, the wall seconds since the run started when it arrived (same rules). */
  epochClock?: number[];
  /** From the start event: the hyperparameters as the engine reports them, the data set's name, the device. */
  hyper?: TrainHyper;
  data?: string;
  device?: string;
  /** The latest evaluation per model (confusion matrix, per-class accuracy, mistakes). */
  evals?: Record<string, TrainEvalEvent>;
}

export type HostToWebview =
  | {
      type: 'init';
      runs: StoredTrainRun[];
      samples: SampleResult[];
      /** The Summary as it is in view (the host keeps the model; see summaryTable.ts). */
      summary: SummaryPage | null;
      defaults: WebviewDefaults;
    }
  | { type: 'trainEvent'; event: TrainEvent }
  /** Batch events that arrived together, in order: the host sends a burst as one message. */
  | { type: 'trainBatches'; events: TrainBatchEvent[] }
  | { type: 'trainError'; runId: string; message: string }
  /**
   * Right after an init: a live run's progress line (its position, rate and time left) as a page
   * that saw every event has it. Its curves so far are in the init's run.
   */
  | { type: 'trainProgress'; progress: LiveTrainSnapshot }
  /** A sampling job was queued (the runId is only known from its first progress event). */
  | { type: 'sampleStart'; params: SampleRequestParams }
  | { type: 'sampleProgress'; event: SampleProgressEvent }
  | { type: 'sampleResult'; result: SampleResult }
  | { type: 'sampleError'; runId: string; message: string }
  | { type: 'exprCheck'; expr: string; result: ExprCheck }
  /** The Summary for a new model, or the answer to a `summaryView` request. */
  | { type: 'summary'; page: SummaryPage | null }
  | { type: 'showTab'; tab: PanelTab }
  /** A recorded step-through chain for the playground, or why it could not be recorded. */
  | { type: 'stepTrace'; trace: StepTrace }
  | { type: 'stepTraceError'; message: string }
  /**
   * TensorBoard scalars of followed runs: points appended per run and tag, or (`replace`) the whole
   * set, which is how a new followed folder or a reloaded page starts over.
   */
  | { type: 'scalars'; series: ScalarSeries[]; replace?: boolean };

export interface WebviewDefaults {
  sampler: SamplerName;
  n: number;
  chains: number;
  seed: number;
  expr: string;
  /** Training settings, shown next to the Compare button. */
  epochs?: number;
  limit?: number;
  /** The sampling tuning settings (an absent field is auto) and warm-up (absent: auto). */
  tuning?: SamplerTuning;
  warmup?: number;
}

/** What the page may ask the host to save: CSV text, a PNG data URL, SVG text. */
export type SaveMime = 'text/csv' | 'image/png' | 'image/svg+xml';

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'runSample'; params: SampleRequestParams }
  | { type: 'checkExpr'; expr: string; logDensity?: boolean }
  | { type: 'compare'; epochs: number; limit: number }
  | { type: 'stop' }
  | { type: 'saveFile'; name: string; mime: SaveMime; data: string }
  /**
   * One stored training run as CSV with every loss point (the host keeps them; the page holds a
   * capped curve), or, for a run recorded without them, its stored points under a note saying so.
   */
  | { type: 'saveRunCsv'; runId: string }
  /** Every draw of a stored sampling run as CSV (the host re-runs its request into a file). */
  | { type: 'saveDraws'; runId: string }
  | { type: 'clearRuns' }
  | { type: 'removeSample'; runId: string }
  | { type: 'clearSamples' }
  /** Record `steps` moves of chain 0 of this request (the playground's step-through). */
  | { type: 'traceSteps'; params: SampleRequestParams; steps: number }

  /** Open the summarised model's file at this line (a Summary row was clicked). */
  | { type: 'openSource'; line: number }
  /** Show the Summary at this depth, this many rows, these rows opened below the depth. */
  | { type: 'summaryView'; depth: number; limit: number; open: string[] }
  /** Every layer call of the summarised model as CSV (the host holds them, the page does not). */
  | { type: 'saveSummaryCsv' };
