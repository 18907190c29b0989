// Host ↔ webview: every message between the extension host's panel and the panel page, both ways.
// The page is browser code and the host is Node: this folder is all they share.
import type {
  SampleRequestParams,
  SampleResult,
  SamplerName,
  ExprCheck,
  SampleProgressEvent,
} from '../sampling/types';
import type { ModelResult } from '../shapes/types';
import type {
  TrainDoneEvent,
  TrainEpochEvent,
  TrainEvent,
  TrainRequestParams,
} from '../training/types';

// The engines' types the page draws, re-exported so that the page imports this folder only.
export type {
  ExprCheck,
  SampleProgressEvent,
  SampleRequestParams,
  SampleResult,
  SamplerName,
} from '../sampling/types';
export { SAMPLERS } from '../sampling/types';
export type { Dim, ModelResult, Shape } from '../shapes/types';
export type { TrainDoneEvent, TrainEpochEvent, TrainEvent } from '../training/types';

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
}

export type HostToWebview =
  | {
      type: 'init';
      runs: StoredTrainRun[];
      samples: SampleResult[];
      summary: ModelResult | null;
      defaults: WebviewDefaults;
      summaryFile?: string;
    }
  | { type: 'trainEvent'; event: TrainEvent }
  | { type: 'trainError'; runId: string; message: string }
  /** A sampling job was queued (the runId is only known from its first progress event). */
  | { type: 'sampleStart'; params: SampleRequestParams }
  | { type: 'sampleProgress'; event: SampleProgressEvent }
  | { type: 'sampleResult'; result: SampleResult }
  | { type: 'sampleError'; runId: string; message: string }
  | { type: 'exprCheck'; expr: string; result: ExprCheck }
  | { type: 'summary'; model: ModelResult | null; file: string }
  | { type: 'showTab'; tab: PanelTab };

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
  | { type: 'clearSamples' }
  /** Open the summarised model's file at this line (a Summary row was clicked). */
  | { type: 'openSource'; line: number };
