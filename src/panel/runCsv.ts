// One training run as CSV: a row per loss point (with its optimizer step and wall seconds when known)
// and a row per epoch. The host writes it (the page holds a capped curve, the host's point log every
// point), through the shared writer that neutralises formula-like text. Pure, no Node.
import type { StoredTrainRun, TrainEpochEvent } from '../common/messages';
import { csvCell, csvNumber, csvRow, type CsvValue } from '../common/csv';

const COLUMNS = [
  'model',
  'kind',
  'epoch',
  'step',
  'samplesSeen',
  'seconds',
  'loss',
  'trainLoss',
  'trainAcc',
  'testLoss',
  'testAcc',
  'epochSeconds',
  'samplesPerSec',
] as const;

/** The header line, as the first line of every run CSV and of every point log. */
export const RUN_CSV_HEADER = `${csvRow(COLUMNS)}\n`;

const cell = (v: number | null): string => (v === null ? '' : csvNumber(v));

/**
 * One loss point's line; an unknown step or time is an empty cell, never 0. Written per batch on
 * the host's thread, so it builds the line itself: the same cells as `csvRow` gives.
 */
export function batchLine(
  model: string,
  step: number | null,
  samplesSeen: number,
  seconds: number | null,
  loss: number,
): string {
  return `${csvCell(model)},batch,,${cell(step)},${csvNumber(samplesSeen)},${cell(seconds)},${csvNumber(loss)},,,,,,\n`;
}

function epochLine(e: TrainEpochEvent): string {
  const cells: CsvValue[] = [
    e.model,
    'epoch',
    e.epoch,
    null,
    null,
    null,
    null,
    e.trainLoss,
    e.trainAcc,
    e.testLoss,
    e.testAcc,
    e.seconds,
    e.samplesPerSec,
  ];
  return `${csvRow(cells)}\n`;
}

/** Every epoch of the run (the record keeps them all: only loss points are thinned). */
export function epochLines(run: StoredTrainRun): string {
  return run.epochs.map(epochLine).join('');
}

/** The loss points the record keeps for drawing, model by model, with the clock where aligned. */
function storedBatchLines(run: StoredTrainRun): string {
  const out: string[] = [];
  for (const [model, pts] of Object.entries(run.batches)) {
    const clock = run.batchClock?.[model];
    const aligned = clock !== undefined && clock.length === pts.length;
    pts.forEach(([x, loss], i) =>
      out.push(
        batchLine(model, aligned ? clock[i][0] : null, x, aligned ? clock[i][1] : null, loss),
      ),
    );
  }
  return out.join('');
}

export function storedPointCount(run: StoredTrainRun): number {
  return Object.values(run.batches).reduce((n, pts) => n + pts.length, 0);
}

/**
 * The run from its record alone, for a run whose every point is not kept (recorded by a version
 * that kept none, or its log could not be written). The first line says so, as a `#` comment
 * (pandas: `read_csv(path, comment='#')`), without commas, so a reader that does not skip it sees
 * one cell, not a misleading header.
 */
export function recordCsv(run: StoredTrainRun, maxLossPoints: number): string {
  const n = storedPointCount(run);
  const note =
    '# Stored points only: this run has no every-point log (an earlier version recorded it; or' +
    ` its log could not be written) so these are the ${n} loss points kept for its chart (at` +
    ` most ${maxLossPoints} per model: a longer run's are thinned evenly). Every epoch row is here.\n`;
  return note + RUN_CSV_HEADER + storedBatchLines(run) + epochLines(run);
}
