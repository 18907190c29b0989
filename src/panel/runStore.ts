// Keeps training runs and sampling results for the panel: accumulates the event stream of the live
// run, subsamples the loss so the JSON stays small, and saves to the extension's global storage so
// past runs survive a window reload. Every loss point goes to the run's point log beside it (read
// only to export the run). The live run's progress line is kept in memory only, for a page opened
// mid-run. No vscode import (plain fs), so it is unit-tested in Node.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SampleResult } from '../sampling/types';
import type { StoredTrainRun } from '../common/messages';
import type { TrainDoneEvent, TrainEvent, TrainRequestParams } from '../training/types';
import { batchStep, foldTrainEvent, startRun } from '../common/runReducer';
import { SamplesAxis } from '../common/series';
import {
  foldBatchProgress,
  snapshotLive,
  startLive,
  type LiveTrain,
  type LiveTrainSnapshot,
} from '../common/liveTrain';
import { PointLog } from './pointLog';
import { batchLine, epochLines, recordCsv, storedPointCount } from './runCsv';

export interface RunStoreOptions {
  /** Runs kept (oldest dropped first). */
  maxRuns?: number;
  /** Loss points kept per model per run; halved by decimation when exceeded. */
  maxLossPoints?: number;
  /** Sampling results kept. */
  maxSamples?: number;
  /** Points kept per chain trace in a stored sampling result. */
  maxTracePoints?: number;
}

const RUNS_FILE = 'runs.json';
const SAMPLES_FILE = 'samples.json';
const POINTS_DIR = 'points';

/**
 * A run as CSV: every loss point, or (`thinned`) only those its record kept, `lossPoints` of them,
 * which the file's first line says.
 */
export type RunCsv = { bytes: Uint8Array } & (
  { thinned: false } | { thinned: true; lossPoints: number }
);

/** A copy of a result with traces and scatter thinned, so a stored result is tens of kB, not MB. */
export function compactSample(r: SampleResult, maxTrace: number): SampleResult {
  const thin = (a: number[]): number[] => {
    if (a.length <= maxTrace) return a;
    const step = a.length / maxTrace;
    const out: number[] = [];
    for (let i = 0; i < maxTrace; i++) out.push(a[Math.floor(i * step)]);
    return out;
  };
  const c: SampleResult = { ...r, traces: r.traces.map(thin) };
  if (r.tracesY) c.tracesY = r.tracesY.map(thin);
  if (r.scatter) {
    const idx = thin(r.scatter.x.map((_, i) => i));
    c.scatter = {
      x: idx.map((i) => r.scatter?.x[i] ?? 0),
      y: idx.map((i) => r.scatter?.y[i] ?? 0),
    };
  }
  return c;
}

/** Why a run closed by the store has no time or throughput (shown beside the blank cells). */
export const NO_DONE_EVENT =
  'ended without a done event (the training process stopped or the window closed first)';

/**
 * A run whose worker died mid-run (or the window closed) gets a cancelled done event on load.
 * A model with no finished epoch has no test accuracy (null), not 0 %. The run's time and
 * throughput are unknown (null): the last epoch's seconds are that epoch's, not the run's.
 */
export function closeStale(run: StoredTrainRun): StoredTrainRun {
  if (run.done) return run;
  const done: TrainDoneEvent = {
    event: 'done',
    runId: run.runId,
    backend: run.backend,
    cancelled: true,
    incomplete: NO_DONE_EVENT,
    models: run.models.map((m) => {
      const last = [...run.epochs].reverse().find((e) => e.model === m.model);
      return {
        model: m.model,
        params: m.params,
        finalTestAcc: last?.testAcc ?? null,
        finalTestLoss: last?.testLoss ?? null,
        seconds: null,
        samplesPerSec: null,
      };
    }),
  };
  return { ...run, done };
}

/** Runs whose mistakes keep their test images in storage (a CIFAR run's are about 0.4 MB of JSON). */
const RUNS_WITH_IMAGES = 3;

/** The runs with the mistake images of all but the newest `keep` removed (their mistakes stay). */
export function dropOldImages(runs: StoredTrainRun[], keep: number): StoredTrainRun[] {
  return runs.map((r, i) => {
    if (i >= runs.length - keep || !r.evals) return r;
    const evals = Object.fromEntries(
      Object.entries(r.evals).map(([m, e]) => [
        m,
        { ...e, mistakes: e.mistakes.map(({ image: _image, ...rest }) => rest) },
      ]),
    );
    return { ...r, evals };
  });
}

function isRunLike(v: unknown): v is StoredTrainRun {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.runId === 'string' &&
    typeof r.startedAt === 'string' &&
    typeof r.batches === 'object' &&
    Array.isArray(r.epochs) &&
    Array.isArray(r.models) &&
    typeof r.params === 'object'
  );
}

function isSampleLike(v: unknown): v is SampleResult {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.runId === 'string' &&
    typeof r.expr === 'string' &&
    Array.isArray(r.traces) &&
    typeof r.histogram === 'object'
  );
}

export class RunStore {
  private runList: StoredTrainRun[] = [];
  private sampleList: SampleResult[] = [];
  private readonly axes = new Map<string, SamplesAxis>();
  /** Each live run's progress line, in memory only: for a page that opens mid-run. */
  private readonly live = new Map<string, LiveTrain>();
  private readonly params = new Map<string, TrainRequestParams>();
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private readonly o: Required<RunStoreOptions>;
  /** Every loss point of the runs recorded with a folder to keep them in. */
  private readonly points: PointLog | undefined;

  constructor(
    private readonly dir: string | undefined,
    opts: RunStoreOptions = {},
    private readonly onError: (message: string) => void = () => undefined,
  ) {
    this.o = { maxRuns: 30, maxLossPoints: 2000, maxSamples: 12, maxTracePoints: 1000, ...opts };
    this.points = dir === undefined ? undefined : new PointLog(join(dir, POINTS_DIR), onError);
  }

  async load(): Promise<void> {
    if (!this.dir) return;
    const read = async (name: string): Promise<unknown[]> => {
      try {
        const v: unknown = JSON.parse(await readFile(join(this.dir as string, name), 'utf8'));
        return Array.isArray(v) ? v : [];
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
          this.onError(`could not read ${name}: ${(e as Error).message}`);
        return [];
      }
    };
    this.runList = (await read(RUNS_FILE)).filter(isRunLike).map(closeStale).slice(-this.o.maxRuns);
    this.sampleList = (await read(SAMPLES_FILE)).filter(isSampleLike).slice(-this.o.maxSamples);
    await this.points?.prune(this.runList.map((r) => r.runId));
  }

  runs(): StoredTrainRun[] {
    return this.runList;
  }

  samples(): SampleResult[] {
    return this.sampleList;
  }

  /** Remember the request of a run so its stored record says how it was trained. */
  expect(runId: string, params: TrainRequestParams): void {
    // The Python source is needed to train, not to remember the run: keep the user's code out of
    // global storage (and the file small).
    const models = params.models.map((m) => (m.kind === 'source' ? { ...m, source: '' } : m));
    this.params.set(runId, { ...params, models });
  }

  /**
   * The progress of every run still going, as a page that saw each of its events has it. With the
   * runs themselves (their curves so far) it is all a page opened mid-run needs.
   */
  liveProgress(now = Date.now()): LiveTrainSnapshot[] {
    return this.runList.flatMap((r) => {
      const p = this.live.get(r.runId);
      const axis = this.axes.get(r.runId);
      return p && axis && !r.done ? [snapshotLive(r.runId, p, axis, now)] : [];
    });
  }

  onTrainEvent(e: TrainEvent, now = new Date()): void {
    if (e.event === 'start') {
      this.runList = this.runList.filter((r) => r.runId !== e.runId);
      this.runList.push(startRun(e, this.params.get(e.runId), now.toISOString()));
      this.axes.set(e.runId, new SamplesAxis());
      this.live.set(e.runId, startLive(now.getTime()));
      this.points?.start(e.runId);
      if (this.runList.length > this.o.maxRuns) {
        const gone = this.runList.splice(0, this.runList.length - this.o.maxRuns);
        this.points?.forget(gone.map((r) => r.runId));
      }
      this.runList = dropOldImages(this.runList, RUNS_WITH_IMAGES);
      // A followed run that never sent its done event keeps nothing here once it is dropped.
      const kept = new Set(this.runList.map((r) => r.runId));
      for (const id of [...this.axes.keys()]) if (!kept.has(id)) this.forgetLive(id);
      this.scheduleSave();
      return;
    }
    const run = this.runList.find((r) => r.runId === e.runId);
    if (!run) return;
    let axis = this.axes.get(e.runId);
    if (!axis) this.axes.set(e.runId, (axis = new SamplesAxis()));
    const started = Date.parse(run.startedAt);
    const seconds = Number.isFinite(started) ? (now.getTime() - started) / 1000 : undefined;
    if (!foldTrainEvent(run, axis, e, this.o.maxLossPoints, seconds)) return;
    // Batches alone are not worth a disk write; the epoch and done events save.
    if (e.event === 'batch') {
      // The fold always keeps the newest point: its x is this batch's on the samples axis.
      const pts = run.batches[e.model];
      const step = batchStep(e);
      this.points?.append(
        e.runId,
        batchLine(
          e.model,
          Number.isFinite(step) ? step : null,
          pts[pts.length - 1][0],
          seconds === undefined ? null : Math.max(0, seconds),
          e.loss,
        ),
      );
      let p = this.live.get(e.runId);
      // A run whose start this store did not see (its progress from here on).
      if (!p) this.live.set(e.runId, (p = { history: [] }));
      foldBatchProgress(p, e, axis.total(), now.getTime());
      return;
    }
    if (e.event === 'done') {
      this.forgetLive(e.runId);
      this.points?.finish(e.runId);
    }
    this.scheduleSave();
  }

  /**
   * A stored run as CSV: every loss point from its log, or, for a run recorded without one, the
   * points its record kept under a first line saying so. Undefined for a run no longer stored.
   */
  async runCsv(runId: string): Promise<RunCsv | undefined> {
    const run = this.runList.find((r) => r.runId === runId);
    if (!run) return undefined;
    const encoder = new TextEncoder();
    const all = await this.points?.read(runId, encoder.encode(epochLines(run)));
    if (all) return { bytes: all, thinned: false };
    return {
      bytes: encoder.encode(recordCsv(run, this.o.maxLossPoints)),
      thinned: true,
      lossPoints: storedPointCount(run),
    };
  }

  private forgetLive(runId: string): void {
    this.axes.delete(runId);
    this.live.delete(runId);
    this.params.delete(runId);
  }

  /** A run that failed before or during training: close it so it is not shown as running. */
  fail(runId: string): void {
    const i = this.runList.findIndex((r) => r.runId === runId);
    if (i >= 0) this.runList[i] = closeStale(this.runList[i]);
    this.live.delete(runId);
    this.points?.finish(runId);
    this.scheduleSave();
  }

  clearRuns(): void {
    // The live run stays: its events keep coming.
    this.points?.forget(this.runList.filter((r) => r.done).map((r) => r.runId));
    this.runList = this.runList.filter((r) => !r.done);
    this.scheduleSave();
  }

  addSample(r: SampleResult): SampleResult {
    const c = compactSample(r, this.o.maxTracePoints);
    this.sampleList = this.sampleList.filter((s) => s.runId !== r.runId);
    this.sampleList.push(c);
    if (this.sampleList.length > this.o.maxSamples)
      this.sampleList.splice(0, this.sampleList.length - this.o.maxSamples);
    this.scheduleSave();
    return c;
  }

  removeSample(runId: string): void {
    this.sampleList = this.sampleList.filter((s) => s.runId !== runId);
    this.scheduleSave();
  }

  clearSamples(): void {
    this.sampleList = [];
    this.scheduleSave();
  }

  private scheduleSave(): void {
    if (!this.dir || this.saveTimer) return;
    // Coalesce bursts (two models finishing an epoch, clear + add) into one write.
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.flush();
    }, 200);
  }

  /** Writes both files and the waiting loss points now (also used on deactivate and by tests). */
  flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    const dir = this.dir;
    if (!dir) return Promise.resolve();
    const runs = JSON.stringify(this.runList);
    const samples = JSON.stringify(this.sampleList);
    const points = this.points?.flush();
    this.saving = this.saving.then(async () => {
      await points;
      try {
        await mkdir(dir, { recursive: true });
        // Write-then-rename, so a crash mid-write never leaves a truncated file behind.
        for (const [name, text] of [
          [RUNS_FILE, runs],
          [SAMPLES_FILE, samples],
        ] as const) {
          const tmp = join(dir, `${name}.tmp`);
          await writeFile(tmp, text, 'utf8');
          await rename(tmp, join(dir, name));
        }
      } catch (e) {
        this.onError(`could not save runs: ${(e as Error).message}`);
      }
    });
    return this.saving;
  }
}
