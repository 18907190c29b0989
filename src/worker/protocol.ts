// Host ↔ worker: one table of methods. Each names its parameters, its result, the progress events it
// streams and whether it is long; the client's `request` and the loop's handlers are typed from it, so
// a request and its answer cannot disagree without a compile error.
import type { ModuleHostConfig } from '../pyenv/moduleHost';
import type {
  ExprCheck,
  SampleProgressEvent,
  SampleRequestParams,
  SampleResult,
  StepTrace,
} from '../sampling/types';
import type { AnalysisResult, Shape } from '../shapes/types';
import type { TrainDoneEvent, TrainEvent, TrainRequestParams } from '../training/types';
import type { ResultPart } from './parts';

export interface Methods {
  train: { params: TrainRequestParams; result: TrainDoneEvent; progress: TrainEvent; long: true };
  sample: {
    params: SampleRequestParams;
    result: SampleResult;
    progress: SampleProgressEvent;
    long: true;
  };
  /** Re-runs a sampling request and writes every kept draw to `file` as CSV (chain,draw,x[,y]). */
  sampleDraws: {
    params: { request: SampleRequestParams; file: string };
    result: { file: string; draws: number; bytes: number };
    progress: SampleProgressEvent;
    long: true;
  };
  analyze: {
    params: { source: string; file: string; defaultInput?: Shape[]; modules?: ModuleHostConfig };
    result: AnalysisResult;
    progress: never;
    long: false;
  };
  checkExpr: {
    params: { expr: string; logDensity?: boolean };
    result: ExprCheck;
    progress: never;
    long: false;
  };
  /** Records a short chain move by move (src/sampling/steps.ts), for the playground. */
  traceSteps: {
    params: { request: SampleRequestParams; steps: number };
    result: StepTrace;
    progress: never;
    long: false;
  };
  ping: {
    params: Record<string, never>;
    result: { pid: number; memory: number };
    progress: never;
    long: false;
  };
}

export type Method = keyof Methods;
export type Params<M extends Method> = Methods[M]['params'];
export type Result<M extends Method> = Methods[M]['result'];
export type Progress<M extends Method> = Methods[M]['progress'];

/**
 * The `long` column as a value the client reads. A long job is a run the user stops: if it does not
 * yield within the grace time the worker is restarted. A quick one is answered 'cancelled' at once and
 * its late result dropped. `satisfies` keeps this in step with the table.
 */
export const LONG: { readonly [M in Method]: Methods[M]['long'] } = {
  train: true,
  sample: true,
  sampleDraws: true,
  analyze: false,
  checkExpr: false,
  traceSteps: false,
  ping: false,
};

/** A call of method M on the wire. */
export interface Call<M extends Method> {
  type: 'call';
  id: number;
  method: M;
  params: Params<M>;
}

export type WorkerRequest =
  | Call<Method>
  | { type: 'cancel'; id: number }
  /** The host has handled a result's head or last part and takes the next (src/worker/parts.ts). */
  | { type: 'nextPart'; id: number };

export type WorkerMessage =
  | { type: 'progress'; id: number; event: Progress<Method> }
  | { type: 'result'; id: number; result: Result<Method> }
  /** A large result: its head, then `parts` parts, each sent when the host asks (nextPart). */
  | { type: 'resultHead'; id: number; head: unknown; parts: number }
  | { type: 'resultPart'; id: number; part: ResultPart }
  | { type: 'error'; id: number; message: string; cause?: string; cancelled?: boolean }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string }
  /** The worker loaded tfjs-node: a restart must then use a child process (tfjs#8388). */
  | { type: 'nativeLoaded' };
