// CSV exports of training metrics and sampling draws/diagnostics (the Summary's and a run's every
// point are the host's: it holds what the page does not). Pure, unit-tested; every cell goes
// through the shared writer, which neutralises formula-like text.
import type { SampleResult, StoredTrainRun } from '../src/common/messages';
import { toCsv } from '../src/common/csv';

/** One row per model per epoch, for every given run. */
export function epochsCsv(runs: readonly StoredTrainRun[]): string {
  const rows = runs.flatMap((r) =>
    r.epochs.map((e) => [
      r.runId,
      r.startedAt,
      r.backend,
      e.model,
      e.epoch,
      e.trainLoss,
      e.trainAcc,
      e.testLoss,
      e.testAcc,
      e.seconds,
      e.samplesPerSec,
    ]),
  );
  return toCsv(
    [
      'run',
      'started',
      'backend',
      'model',
      'epoch',
      'trainLoss',
      'trainAcc',
      'testLoss',
      'testAcc',
      'seconds',
      'samplesPerSec',
    ],
    rows,
  );
}

/**
 * The draws the panel has: the worker sends a thinned trace per chain (the full million draws never
 * cross into the webview), so the index column is the position in that trace; `tensor-lens sample
 * --out` writes every draw.
 */
export function tracesCsv(r: SampleResult): string {
  const two = r.dims === 2 && r.tracesY !== undefined;
  const rows: (number | string)[][] = [];
  r.traces.forEach((tr, c) => {
    const ty = two ? r.tracesY?.[c] : undefined;
    tr.forEach((x, i) => rows.push(ty ? [c, i, x, ty[i]] : [c, i, x]));
  });
  return toCsv(two ? ['chain', 'i', 'x', 'y'] : ['chain', 'i', 'x'], rows);
}

export function diagnosticsCsv(results: readonly SampleResult[]): string {
  const rows = results.map((r) => [
    r.runId,
    r.expr,
    r.sampler,
    r.n,
    r.chains,
    r.acceptance,
    r.essBulk,
    r.essTail,
    r.rhat,
    r.mean,
    r.sd,
    r.mcseMean,
    r.ks?.D ?? null,
    r.ks?.p ?? null,
    r.divergences ?? null,
    r.seconds,
    r.drawsPerSec,
  ]);
  return toCsv(
    [
      'run',
      'expr',
      'sampler',
      'n',
      'chains',
      'acceptance',
      'essBulk',
      'essTail',
      'rhat',
      'mean',
      'sd',
      'mcseMean',
      'ksD',
      'ksP',
      'divergences',
      'seconds',
      'drawsPerSec',
    ],
    rows,
  );
}

/** A file name from free text (a density), safe on every OS. */
export function safeFileName(s: string, fallback = 'export'): string {
  const t = s
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
  return t || fallback;
}
