// The webview's model of what the host told it: training runs (live and past), sampling results and
// jobs in flight, the model summary. `applyMessage` folds one validated message into it and says which
// parts of the page need a redraw; the view then redraws those parts once per animation frame.
// Pure (no DOM) so the message handling is unit-tested in Node.
import type { ExprCheck, SampleRequestParams, SampleResult } from '../src/common/messages';
import type { HostToWebview, StoredTrainRun, WebviewDefaults } from '../src/common/messages';
import type { TrainEvent } from '../src/common/messages';
import type { StepTrace, SummaryPage } from '../src/common/messages';
import { foldTrainEvent, startRun, unknownParams } from '../src/common/runReducer';
import { foldBatchProgress, restoreLive, startLive, type LiveTrain } from '../src/common/liveTrain';
import { SamplesAxis } from '../src/common/series';
import { foldScalars, type ScalarSeries } from '../src/common/scalars';
import { foldProgress, type LiveSample } from '../src/common/liveSample';

/** Loss points kept per model per run in the webview; the chart draws an LTTB cut of these. */
export const MAX_LOSS_POINTS = 6000;
/** Sampling results kept; older ones are dropped (the host keeps its own list). */
export const MAX_SAMPLES = 24;

export type Tab = 'training' | 'sampling' | 'summary';
export type Part =
  'training' | 'runs' | 'eval' | 'sampling' | 'summary' | 'form' | 'tab' | 'playground' | 'scalars';

/** A run as drawn; `current` and `history` (LiveTrain) are its progress line while it is live. */
export interface RunView extends LiveTrain {
  run: StoredTrainRun;
  live: boolean;
  trainSize: number;
  epochs: number;
  axis: SamplesAxis;
  error?: string;
  /** run.startedAt in ms, parsed once: a burst of batch events must not parse it per event. */
  startedMs?: number;
}

export interface PendingSample extends LiveSample {
  params: SampleRequestParams;
  runId?: string;
}

export interface PanelModel {
  runs: RunView[];
  selected: Set<string>;
  samples: SampleResult[];
  pending: PendingSample[];
  sampleError: string | null;
  /** The last training failure, also when it came before the run's start event. */
  trainError: string | null;
  /** The Summary's rows in view; the host holds the model and answers for other views. */
  summary: SummaryPage | null;
  defaults: WebviewDefaults | null;
  exprCheck: { expr: string; result: ExprCheck } | null;
  /** Set by a showTab message; the view applies and clears it. */
  requestedTab: Tab | null;
  initialised: boolean;
  /** The playground's last recorded chain, or why it could not be recorded. */
  stepTrace: StepTrace | null;
  stepTraceError: string | null;
  /** TensorBoard scalars of followed runs, per run and tag (key: seriesKey). */
  scalars: Map<string, ScalarSeries>;
}

export function emptyModel(): PanelModel {
  return {
    runs: [],
    selected: new Set(),
    samples: [],
    pending: [],
    sampleError: null,
    trainError: null,
    summary: null,
    defaults: null,
    exprCheck: null,
    requestedTab: null,
    initialised: false,
    stepTrace: null,
    stepTraceError: null,
    scalars: new Map(),
  };
}

function viewFromStored(run: StoredTrainRun): RunView {
  const trainSize = run.trainSize ?? (run.params.limit > 0 ? run.params.limit : 0);
  const v: RunView = {
    run,
    live: false,
    trainSize,
    epochs: run.params.epochs,
    axis: new SamplesAxis(),
    history: [],
  };
  // Stored losses are already in monotone samples-seen x; prime the axis so a resumed stream continues.
  for (const [model, pts] of Object.entries(run.batches))
    if (pts.length) v.axis.x(model, pts[pts.length - 1][0]);
  return v;
}

function findRun(m: PanelModel, runId: string): RunView | undefined {
  return m.runs.find((r) => r.run.runId === runId);
}

function trainEvent(m: PanelModel, e: TrainEvent, now: number): Set<Part> {
  const dirty = new Set<Part>(['training']);
  let rv = findRun(m, e.runId);
  if (e.event === 'start') {
    const run = startRun(e, rv?.run.params, new Date(now).toISOString());
    m.trainError = null;
    rv = {
      run,
      live: true,
      trainSize: e.trainSize,
      epochs: e.epochs,
      axis: new SamplesAxis(),
      ...startLive(now),
    };
    m.runs = m.runs.filter((r) => r.run.runId !== e.runId);
    m.runs.push(rv);
    m.selected.add(e.runId);
    dirty.add('runs');
    return dirty;
  }
  if (!rv) {
    // A stream whose start we missed (the view was created mid-run): show it anyway.
    rv = {
      run: {
        runId: e.runId,
        startedAt: new Date(now).toISOString(),
        backend: e.event === 'done' ? e.backend : '?',
        params: unknownParams(0, 0),
        models: [],
        batches: {},
        epochs: [],
      },
      live: e.event !== 'done',
      trainSize: 0,
      epochs: 0,
      axis: new SamplesAxis(),
      history: [],
    };
    m.runs.push(rv);
    m.selected.add(e.runId);
    dirty.add('runs');
  }
  const run = rv.run;
  const started = (rv.startedMs ??= Date.parse(run.startedAt));
  const seconds = Number.isFinite(started) ? (now - started) / 1000 : undefined;
  if (!foldTrainEvent(run, rv.axis, e, MAX_LOSS_POINTS, seconds)) return dirty;
  switch (e.event) {
    case 'batch':
      if (!run.models.some((x) => x.model === e.model))
        run.models.push({ model: e.model, params: 0 });
      foldBatchProgress(rv, e, rv.axis.total(), now);
      break;
    case 'epoch':
      dirty.add('runs');
      break;
    case 'done':
      rv.live = false;
      rv.current = undefined;
      dirty.add('runs');
      break;
    case 'eval':
      dirty.add('eval');
      break;
  }
  return dirty;
}

/** Total samples a run will see (all models, all epochs), or 0 when unknown. */
export function runTotalSamples(rv: RunView): number {
  return rv.trainSize * rv.epochs * Math.max(rv.run.models.length, 1);
}

/** The x of an epoch's accuracy point: the samples that model had seen when the epoch ended. */
export function epochX(rv: RunView, model: string, epoch: number): number {
  if (rv.trainSize > 0) return rv.trainSize * epoch;
  const pts = rv.run.batches[model];
  if (!pts?.length) return epoch;
  // Without the train size, spread the epochs evenly over the loss curve's x range.
  const last = pts[pts.length - 1][0];
  const epochs = Math.max(
    rv.epochs,
    ...rv.run.epochs.filter((x) => x.model === model).map((x) => x.epoch),
    1,
  );
  return (last * epoch) / epochs;
}

/** Fraction of a pending sampling job that is done, 0..1 (done/total count warm-up too, per chain). */
export function pendingFraction(p: PendingSample): number {
  if (!p.chains.size) return 0;
  let sum = 0;
  for (const v of p.chains.values()) sum += v.total > 0 ? Math.min(1, v.done / v.total) : 0;
  return sum / Math.max(p.params.chains, p.chains.size);
}

export function applyMessage(m: PanelModel, msg: HostToWebview, now: number): Set<Part> {
  switch (msg.type) {
    case 'init': {
      const keepSelected = m.initialised ? new Set(m.selected) : null;
      m.runs = msg.runs.map(viewFromStored);
      m.samples = msg.samples.slice(-MAX_SAMPLES);
      m.summary = msg.summary;
      m.defaults = msg.defaults;
      m.pending = [];
      const ids = new Set(m.runs.map((r) => r.run.runId));
      // A run without its done event is still going on the host (the view was reloaded mid-run).
      for (const r of m.runs) if (!r.run.done) r.live = true;
      const sel = keepSelected ?? m.selected;
      m.selected = new Set([...sel].filter((id) => ids.has(id)));
      if (!m.selected.size && m.runs.length) m.selected.add(m.runs[m.runs.length - 1].run.runId);
      for (const r of m.runs) if (r.live) m.selected.add(r.run.runId);
      m.initialised = true;
      return new Set<Part>(['training', 'runs', 'sampling', 'summary', 'form']);
    }
    case 'trainEvent':
      return trainEvent(m, msg.event, now);
    case 'trainBatches': {
      const dirty = new Set<Part>();
      for (const e of msg.events) for (const p of trainEvent(m, e, now)) dirty.add(p);
      return dirty;
    }
    case 'trainProgress': {
      // Only for a run the init just gave as still going; one that ended since has its done event.
      const rv = findRun(m, msg.progress.runId);
      if (!rv || rv.run.done) return new Set<Part>();
      const { live, axis } = restoreLive(msg.progress, now);
      rv.live = true;
      rv.current = live.current;
      rv.history = live.history;
      rv.axis = axis;
      return new Set<Part>(['training']);
    }
    case 'trainError': {
      m.trainError = msg.message;
      // The host always names the run. One that failed before its start event has no row here; then
      // no other row may take the blame (after Stop It and Start This One the old run is still live).
      const rv = findRun(m, msg.runId);
      if (rv) {
        rv.error = msg.message;
        rv.live = false;
      }
      return new Set<Part>(['training', 'runs']);
    }
    case 'sampleStart':
      // The host puts its own runId on the request; the worker echoes it in every event.
      m.pending.push({
        params: msg.params,
        runId: msg.params.runId,
        chains: new Map(),
        trace: new Map(),
        phase: 'queued',
      });
      m.sampleError = null;
      return new Set<Part>(['sampling']);
    case 'sampleProgress': {
      const e = msg.event;
      let p =
        m.pending.find((x) => x.runId === e.runId) ?? m.pending.find((x) => x.runId === undefined);
      if (!p) {
        // Progress for a job started before this view existed: show it without its parameters.
        p = {
          params: { expr: '', sampler: 'nuts', n: e.total, chains: 1, seed: 0 },
          chains: new Map(),
          trace: new Map(),
          phase: 'queued',
        };
        m.pending.push(p);
      }
      p.runId = e.runId;
      foldProgress(p, e);
      return new Set<Part>(['sampling']);
    }
    case 'sampleResult': {
      const r = msg.result;
      const i = m.pending.findIndex((x) => x.runId === r.runId);
      if (i >= 0) m.pending.splice(i, 1);
      else {
        // Results arrive in the order the host ran the jobs.
        const j = m.pending.findIndex((x) => x.runId === undefined || x.params.expr === r.expr);
        if (j >= 0) m.pending.splice(j, 1);
      }
      m.samples = m.samples.filter((s) => s.runId !== r.runId);
      m.samples.push(r);
      if (m.samples.length > MAX_SAMPLES) m.samples.splice(0, m.samples.length - MAX_SAMPLES);
      return new Set<Part>(['sampling']);
    }
    case 'sampleError': {
      // Only that job's card: the host always names it, and another queued job is still coming.
      const i = m.pending.findIndex((x) => x.runId === msg.runId);
      if (i >= 0) m.pending.splice(i, 1);
      m.sampleError = msg.message;
      return new Set<Part>(['sampling']);
    }
    case 'exprCheck':
      m.exprCheck = { expr: msg.expr, result: msg.result };
      return new Set<Part>(['form']);
    case 'summary':
      m.summary = msg.page;
      return new Set<Part>(['summary']);
    case 'showTab':
      m.requestedTab = msg.tab;
      return new Set<Part>(['tab']);
    case 'stepTrace':
      m.stepTrace = msg.trace;
      m.stepTraceError = null;
      return new Set<Part>(['playground']);
    case 'stepTraceError':
      m.stepTraceError = msg.message;
      return new Set<Part>(['playground']);
    case 'scalars':
      if (msg.replace) m.scalars.clear();
      foldScalars(m.scalars, msg.series);
      return new Set<Part>(['scalars']);
  }
}

/** Sampling results grouped by density (in first-seen order), so runs on one density sit side by side. */
export function groupSamples(
  samples: readonly SampleResult[],
): { expr: string; results: SampleResult[] }[] {
  const groups = new Map<string, SampleResult[]>();
  for (const s of samples) {
    const g = groups.get(s.expr);
    if (g) g.push(s);
    else groups.set(s.expr, [s]);
  }
  return [...groups].map(([expr, results]) => ({ expr, results }));
}
