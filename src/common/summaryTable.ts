// The Summary tab's table as plain rows of text, built from a ModelResult, and the page of it the
// panel shows. The host builds it (it holds the model): a 20,000-module model is megabytes of module
// tree and layer calls, while the page needs only the rows in view, so only those cross to the page
// and into workspace state. Pure (no DOM, no Node) and unit-tested.
import type { Dim, ModelResult, Shape } from '../shapes/types';
import { toCsv } from './csv';
import { DEFAULT_SUMMARY_DEPTH, type ModuleRow, moduleRows, treeDepth } from './moduleSummary';
import { fmtBytes, fmtInt } from './numberText';

export interface SummaryRow {
  /** Nesting depth from the dotted name ("layer1.0.conv1" → 2), for indentation. */
  depth: number;
  layer: string;
  /** The full dotted name, when `layer` is only its last part; the key to open or close the row. */
  path?: string;
  type: string;
  /** The definition's line (the call's for a row made from the trace), when it is in the file. */
  line?: number;
  output: string;
  params: string;
  macs: string;
  unknown: boolean;
  /** Rows below this one are hidden by the depth limit. */
  folded?: boolean;
  /** Rows below this one are shown although the depth limit is above them (opened on demand). */
  opened?: boolean;
}

export interface SummaryTable {
  title: string;
  input: string;
  output: string;
  rows: SummaryRow[];
  totalParams: string;
  totalMacs: string;
  /** One training step at this input, float32: activations (fwd+bwd), parameters, Adam state. */
  memory: string;
}

/** What the page asks to see: the depth, how many rows, and the rows opened below the depth. */
export interface SummaryViewState {
  depth: number;
  limit: number;
  open: string[];
}

/** The Summary as the page draws it: at most `limit` rows, the rest counted in `more`. */
export interface SummaryPage extends SummaryTable {
  name: string;
  /** The summarised file (a path, or a URI string for files not on disk). */
  file: string;
  depth: number;
  /** The deepest level the module tree has (0 without a tree), for the depth control. */
  deepest: number;
  limit: number;
  open: string[];
  /** Rows left out by the limit. */
  more: number;
  /**
   * False for a page kept from an earlier session: the host no longer holds the model, so the
   * view cannot change until the Summary is shown again.
   */
  live: boolean;
}

/** Rows a page starts with, and how many more each "more" asks for. */
export const SUMMARY_ROW_STEP = 200;
/**
 * The most rows one page carries, however often "more" is asked: the message stays bounded, and a
 * table of 5,000 rows took 7.7 s to lay out in the browser tests' Chromium (1,000: 1.6 s).
 */
export const MAX_SUMMARY_ROWS = 1000;
/** The most rows opened below the depth at once. */
export const MAX_OPEN_ROWS = 200;

export const DEFAULT_SUMMARY_VIEW: SummaryViewState = {
  depth: DEFAULT_SUMMARY_DEPTH,
  limit: SUMMARY_ROW_STEP,
  open: [],
};

export function fmtShape(s: Shape): string {
  if (s === null) return 'unknown';
  return `[${s.map((d: Dim) => String(d)).join(', ')}]`;
}

/** The table's head and totals, without rows. */
function tableHead(model: ModelResult): Omit<SummaryTable, 'rows'> {
  let macs: number | undefined = model.macs;
  if (
    macs === undefined &&
    model.layers.length &&
    model.layers.every((l) => l.macs !== undefined || l.functional)
  ) {
    macs = model.layers.reduce((a, l) => a + (l.macs ?? 0), 0);
  }
  return {
    title: `${model.name} (line ${model.line})`,
    input: model.input.map(fmtShape).join(', '),
    output: fmtShape(model.output),
    totalParams:
      model.params === null ? `? (${fmtInt(model.paramsKnown ?? 0)} known)` : fmtInt(model.params),
    totalMacs: model.macsUncounted
      ? `? (${fmtInt(model.macsKnown ?? 0)} counted; not counted: ${model.macsUncounted.join(', ')})`
      : macs === undefined
        ? '--'
        : fmtInt(macs),
    memory: model.memory
      ? `activations ${fmtBytes(model.memory.activationBytes)} · params ${fmtBytes(model.memory.paramBytes)} · Adam state ${fmtBytes(model.memory.adamBytes)}`
      : '--',
  };
}

/** The first `limit` rows, and how many there are in all. */
function tableRows(
  model: ModelResult,
  depth: number,
  open: ReadonlySet<string> | undefined,
  limit: number,
): { rows: SummaryRow[]; total: number } {
  const tree = moduleRows(model, depth, open);
  if (tree.length > 0) {
    const macs = macsByPath(model);
    return { rows: tree.slice(0, limit).map((r) => treeRow(r, macs)), total: tree.length };
  }
  return { rows: layerRows(model, limit), total: model.layers.length };
}

/**
 * The table of `model`: its module tree down to `depth` with repeated blocks folded (see
 * src/common/moduleSummary.ts) when the engine gave one, else one row per traced layer call.
 */
export function summaryTable(model: ModelResult, depth = DEFAULT_SUMMARY_DEPTH): SummaryTable {
  return { ...tableHead(model), rows: tableRows(model, depth, undefined, Infinity).rows };
}

/** The page of `model`'s Summary for `view` (depth, row limit and opened rows kept in range). */
export function summaryPage(model: ModelResult, file: string, view: SummaryViewState): SummaryPage {
  const deepest = treeDepth(model);
  const depth = Math.min(Math.max(1, Math.round(view.depth)), Math.max(1, deepest));
  const limit = Math.min(MAX_SUMMARY_ROWS, Math.max(1, Math.round(view.limit)));
  const open = view.open.slice(0, MAX_OPEN_ROWS);
  const { rows, total } = tableRows(model, depth, new Set(open), limit);
  return {
    ...tableHead(model),
    rows,
    name: model.name,
    file,
    depth,
    deepest,
    limit,
    open,
    more: total - rows.length,
    live: true,
  };
}

function treeRow(r: ModuleRow, macs: Map<string, number>): SummaryRow {
  const row: SummaryRow = {
    depth: r.depth - 1,
    // The indentation shows where a row sits; its own name is the last part of the path.
    layer: r.depth > 1 ? r.name.slice(r.name.lastIndexOf('.') + 1) : r.name,
    path: r.name,
    type: r.repeat > 1 ? `${r.type} ×${r.repeat}` : r.type,
    output: r.uncalled === 'never' ? 'not called' : fmtShape(r.output),
    params: r.params === null ? '?' : fmtInt(r.params),
    macs: rowMacs(r, macs),
    unknown: r.output === null && r.uncalled !== 'never',
    folded: r.folded,
  };
  if (r.opened) row.opened = true;
  if (r.line !== undefined) row.line = r.line;
  return row;
}

const macsIndex = new WeakMap<ModelResult, Map<string, number>>();

/**
 * Multiply-adds of the traced module calls under each module path, summed as the engine sums the
 * model's: over the calls that define a count (a BatchNorm has none). Built once per model, so a
 * row standing for 20,000 blocks costs one lookup per block instead of a scan of every call.
 */
function macsByPath(model: ModelResult): Map<string, number> {
  let index = macsIndex.get(model);
  if (index) return index;
  index = new Map();
  for (const l of model.layers) {
    if (l.functional || l.macs === undefined) continue;
    for (let i = l.name.indexOf('.'); ; i = l.name.indexOf('.', i + 1)) {
      const prefix = i < 0 ? l.name : l.name.slice(0, i);
      index.set(prefix, (index.get(prefix) ?? 0) + l.macs);
      if (i < 0) break;
    }
  }
  macsIndex.set(model, index);
  return index;
}

/** The row's modules' multiply-adds (every block of a folded run); '--' when no call counts. */
function rowMacs(r: ModuleRow, macs: Map<string, number>): string {
  let sum = 0;
  let counted = false;
  for (const p of r.paths) {
    const v = macs.get(p);
    if (v === undefined) continue;
    sum += v;
    counted = true;
  }
  return counted ? fmtInt(sum) : '--';
}

function layerRows(model: ModelResult, limit: number): SummaryRow[] {
  return model.layers.slice(0, limit).map((l) => ({
    // "F.relu" is a function, not a submodule: only module paths nest.
    depth: l.functional ? 0 : l.name.split('.').length - 1,
    layer: l.name || '(anonymous)',
    type: l.type,
    line: l.line,
    output: fmtShape(l.output),
    // Functional calls own no parameters; torchinfo prints "--" for those.
    params: l.functional ? '--' : l.params === null ? '?' : fmtInt(l.params),
    macs: l.macs === undefined ? '--' : fmtInt(l.macs),
    unknown: l.output === null,
  }));
}

/** Every traced layer call as CSV (the host writes it: the page holds only the rows in view). */
export function summaryCsv(model: ModelResult): string {
  return toCsv(
    ['layer', 'type', 'line', 'output', 'params', 'multAdds'],
    model.layers.map((l) => [
      l.name || '(anonymous)',
      l.type,
      l.line,
      fmtShape(l.output),
      l.functional ? null : l.params,
      l.macs ?? null,
    ]),
  );
}
