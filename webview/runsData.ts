// The runs table as data: one row per model of each run with the run's hyperparameters and the
// model's results, sorting, filtering, the two-run hyperparameter diff and the table's CSV. Pure (no
// DOM), unit-tested. A value the run's record does not hold is null (drawn as —, an empty CSV cell),
// never a default: a run recorded before the engine reported its hyperparameters has no learning
// rate, not 0.001.
import type { StoredTrainRun } from '../src/common/messages';
import { toCsv, type CsvValue } from '../src/common/csv';
import { fmtDuration, fmtInt, fmtNum, fmtPercent } from './chartData';

export interface RunRow {
  runId: string;
  startedAt: string;
  /** The model's position in its run (0 = first), so a run's rows stay together. */
  index: number;
  status: 'running' | 'done' | 'stopped' | 'failed';
  values: Record<ColumnKey, string | number | null>;
  /** Why a cell is unknown, where the record says (shown as the cell's tooltip). */
  notes?: Partial<Record<ColumnKey, string>>;
}

export type ColumnKey =
  | 'model'
  | 'data'
  | 'epochs'
  | 'batch'
  | 'lr'
  | 'seed'
  | 'backend'
  | 'device'
  | 'threads'
  | 'processes'
  | 'acc'
  | 'loss'
  | 'time'
  | 'rate'
  | 'params';

export interface Column {
  key: ColumnKey;
  label: string;
  /** Hyperparameters are what the diff compares; results are what a run produced. */
  group: 'hyper' | 'result';
  numeric: boolean;
  title: string;
}

export const COLUMNS: readonly Column[] = [
  { key: 'model', label: 'Model', group: 'hyper', numeric: false, title: 'model trained' },
  { key: 'data', label: 'Data', group: 'hyper', numeric: false, title: 'data set' },
  { key: 'epochs', label: 'Epochs', group: 'hyper', numeric: true, title: 'epochs asked for' },
  { key: 'batch', label: 'Batch', group: 'hyper', numeric: true, title: 'batch size' },
  { key: 'lr', label: 'LR', group: 'hyper', numeric: true, title: 'learning rate' },
  { key: 'seed', label: 'Seed', group: 'hyper', numeric: true, title: 'random seed' },
  { key: 'backend', label: 'Backend', group: 'hyper', numeric: false, title: 'backend that ran' },
  { key: 'device', label: 'Device', group: 'hyper', numeric: false, title: 'PyTorch device' },
  { key: 'threads', label: 'Threads', group: 'hyper', numeric: true, title: 'threads per step' },
  {
    key: 'processes',
    label: 'Procs',
    group: 'hyper',
    numeric: true,
    title: 'data-parallel processes',
  },
  { key: 'acc', label: 'Test acc', group: 'result', numeric: true, title: 'final test accuracy' },
  { key: 'loss', label: 'Test loss', group: 'result', numeric: true, title: 'final test loss' },
  { key: 'time', label: 'Time', group: 'result', numeric: true, title: 'training time, seconds' },
  { key: 'rate', label: 'Samples/s', group: 'result', numeric: true, title: 'samples per second' },
  { key: 'params', label: 'Params', group: 'result', numeric: true, title: 'trainable parameters' },
];

const pos = (v: number | undefined): number | null =>
  v !== undefined && Number.isFinite(v) && v > 0 ? v : null;
const finite = (v: number | null | undefined): number | null =>
  v !== null && v !== undefined && Number.isFinite(v) ? v : null;

/** The rows of one run. `live` and `failed` come from the page's view of the run. */
export function runRows(run: StoredTrainRun, live: boolean, failed: boolean): RunRow[] {
  const hy = run.hyper;
  // A request the host did not record (a run seen only from its events) has no models: its seed,
  // learning rate and data folder are unknown, not the placeholders it was built with.
  const asked = run.params.models.length > 0 ? run.params : null;
  const status: RunRow['status'] = live
    ? 'running'
    : failed
      ? 'failed'
      : run.done?.cancelled || !run.done
        ? 'stopped'
        : 'done';
  const names = run.models.length
    ? run.models.map((m) => m.model)
    : (hy?.model ?? Object.keys(run.batches));
  return names.map((model, index) => {
    const fin = run.done?.models.find((x) => x.model === model);
    const lastEpoch = [...run.epochs].reverse().find((e) => e.model === model);
    const started = run.models.find((m) => m.model === model);
    return {
      runId: run.runId,
      startedAt: run.startedAt,
      index,
      status,
      values: {
        model,
        data: hy?.data ?? run.data ?? null,
        epochs: pos(hy?.epochs) ?? pos(asked?.epochs),
        batch: pos(hy?.batchSize) ?? pos(asked?.batchSize),
        lr: pos(hy?.lr) ?? pos(asked?.learningRate),
        seed: finite(hy?.seed ?? asked?.seed),
        backend: run.done?.backend || hy?.backend || run.backend || null,
        device: hy?.device ?? run.device ?? null,
        threads: pos(fin?.threads) ?? pos(hy?.threads),
        processes: pos(hy?.processes),
        acc: finite(fin ? fin.finalTestAcc : lastEpoch?.testAcc),
        loss: finite(fin ? fin.finalTestLoss : lastEpoch?.testLoss),
        // An epoch event's seconds are that epoch's; only the done event has the model's total.
        time: finite(fin?.seconds),
        // A run closed without a done event has no throughput: its last epoch's is not the run's.
        rate:
          fin?.samplesPerSec === null
            ? null
            : (pos(fin?.samplesPerSec) ?? pos(lastEpoch?.samplesPerSec)),
        // 0 is what a model first seen in a batch event gets; no trained net has 0 parameters.
        params: pos(fin?.params) ?? pos(started?.params),
      },
      ...(run.done?.incomplete
        ? { notes: { time: run.done.incomplete, rate: run.done.incomplete } }
        : {}),
    };
  });
}

export interface SortKey {
  key: ColumnKey | 'started';
  dir: 1 | -1;
}

/**
 * Rows sorted by one column; unknown values go last in either direction, and ties keep newest run
 * first, then the model's place in its run.
 */
export function sortRows(rows: readonly RunRow[], sort: SortKey): RunRow[] {
  const val = (r: RunRow): string | number | null =>
    sort.key === 'started' ? r.startedAt : r.values[sort.key];
  return [...rows].sort((a, b) => {
    const va = val(a);
    const vb = val(b);
    if (va !== vb) {
      if (va === null) return 1;
      if (vb === null) return -1;
      const c =
        typeof va === 'number' && typeof vb === 'number'
          ? va - vb
          : String(va).localeCompare(String(vb));
      if (c !== 0) return c * sort.dir;
    }
    if (a.startedAt !== b.startedAt) return a.startedAt < b.startedAt ? 1 : -1;
    return a.index - b.index;
  });
}

/**
 * Rows whose cells match every word of `query` (case-insensitive substrings of the shown text), and
 * `key<value`, `key>value` or `key=value` words compare a column (`acc>0.95`, `backend=wasm`). A word
 * naming no column matches nothing rather than being ignored.
 */
export function filterRows(
  rows: readonly RunRow[],
  query: string,
  show: (key: ColumnKey, v: string | number | null) => string,
): RunRow[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [...rows];
  const tests = words.map(wordTest);
  return rows.filter((r) => tests.every((t) => t(r, (k) => show(k, r.values[k]).toLowerCase())));
}

type RowTest = (r: RunRow, shown: (k: ColumnKey) => string) => boolean;

function wordTest(word: string): RowTest {
  const m = /^([a-z/]+)(<=|>=|<|>|=)(.+)$/.exec(word);
  const col = m ? COLUMNS.find((c) => c.key === m[1] || c.label.toLowerCase() === m[1]) : undefined;
  if (!m) return (r, shown) => COLUMNS.some((c) => shown(c.key).includes(word));
  if (!col) return () => false;
  const [, , op, rhs] = m;
  const n = Number(rhs);
  return (r, shown) => {
    const v = r.values[col.key];
    if (v === null) return false;
    if (op === '=')
      return typeof v === 'number' && Number.isFinite(n) ? v === n : shown(col.key) === rhs;
    if (typeof v !== 'number' || !Number.isFinite(n)) return false;
    return op === '<' ? v < n : op === '>' ? v > n : op === '<=' ? v <= n : v >= n;
  };
}

export interface DiffLine {
  key: ColumnKey;
  label: string;
  a: string | number | null;
  b: string | number | null;
  differs: boolean;
}

/** The hyperparameters of two runs side by side (first rows of each: the run's own settings). */
export function hyperDiff(a: RunRow, b: RunRow): DiffLine[] {
  return COLUMNS.filter((c) => c.group === 'hyper').map((c) => ({
    key: c.key,
    label: c.label,
    a: a.values[c.key],
    b: b.values[c.key],
    differs: a.values[c.key] !== b.values[c.key],
  }));
}

/** The table as CSV: every column, numbers as numbers, unknown as an empty cell. */
export function runsCsv(rows: readonly RunRow[]): string {
  return toCsv(
    ['run', 'started', 'status', ...COLUMNS.map((c) => c.key)],
    rows.map((r): CsvValue[] => [
      r.runId,
      r.startedAt,
      r.status,
      ...COLUMNS.map((c) => r.values[c.key]),
    ]),
  );
}

/** A cell as shown; the filter matches this text. */
export function showCell(key: ColumnKey, v: string | number | null): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  switch (key) {
    case 'acc':
      return fmtPercent(v);
    case 'loss':
    case 'lr':
      return fmtNum(v, 4);
    case 'time':
      return fmtDuration(v);
    case 'rate':
      return fmtNum(v, 4);
    case 'params':
      return fmtInt(v);
    default:
      return String(v);
  }
}

export function runLabel(run: { runId: string; startedAt: string }): string {
  const d = new Date(run.startedAt);
  if (Number.isNaN(d.getTime())) return run.runId;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getMonth() + 1}/${d.getDate()} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
