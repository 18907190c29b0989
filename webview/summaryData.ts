// The torchinfo-like summary table as plain rows of text, built from a ModelResult.
// Pure (no DOM) so it is unit-tested; the view only turns rows into table cells.
import type { Dim, ModelResult, Shape } from '../src/common/messages';
import { DEFAULT_SUMMARY_DEPTH, type ModuleRow, moduleRows } from '../src/common/moduleSummary';
import { fmtInt } from './chartData';

export interface SummaryRow {
  /** Nesting depth from the dotted name ("layer1.0.conv1" → 2), for indentation. */
  depth: number;
  layer: string;
  /** The full dotted name, when `layer` is only its last part. */
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

function fmtBytes(b: number | null): string {
  if (b === null) return '?';
  if (b < 1024) return `${b} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = b / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

export function fmtShape(s: Shape): string {
  if (s === null) return 'unknown';
  return `[${s.map((d: Dim) => String(d)).join(', ')}]`;
}

/**
 * The table of `model`: its module tree down to `depth` with repeated blocks folded (see
 * src/common/moduleSummary.ts) when the engine gave one, else one row per traced layer call.
 */
export function summaryTable(model: ModelResult, depth = DEFAULT_SUMMARY_DEPTH): SummaryTable {
  const tree = moduleRows(model, depth);
  const rows: SummaryRow[] =
    tree.length > 0 ? tree.map((r) => treeRow(model, r)) : layerRows(model);
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
    rows,
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

function treeRow(model: ModelResult, r: ModuleRow): SummaryRow {
  const row: SummaryRow = {
    depth: r.depth - 1,
    // The indentation shows where a row sits; its own name is the last part of the path.
    layer: r.depth > 1 ? r.name.slice(r.name.lastIndexOf('.') + 1) : r.name,
    path: r.name,
    type: r.repeat > 1 ? `${r.type} ×${r.repeat}` : r.type,
    output: r.uncalled === 'never' ? 'not called' : fmtShape(r.output),
    params: r.params === null ? '?' : fmtInt(r.params),
    macs: rowMacs(model, r),
    unknown: r.output === null && r.uncalled !== 'never',
    folded: r.folded,
  };
  if (r.line !== undefined) row.line = r.line;
  return row;
}

/**
 * Multiply-adds of the traced module calls under the row's modules (every block of a folded run),
 * summed as the engine sums the model's: over the calls that define a count (a BatchNorm has none);
 * '--' when none does.
 */
function rowMacs(model: ModelResult, r: ModuleRow): string {
  const under = (name: string): boolean =>
    r.paths.some((p) => name === p || name.startsWith(p + '.'));
  const counted = model.layers.filter(
    (l) => !l.functional && l.macs !== undefined && under(l.name),
  );
  if (counted.length === 0) return '--';
  return fmtInt(counted.reduce((a, l) => a + (l.macs ?? 0), 0));
}

function layerRows(model: ModelResult): SummaryRow[] {
  return model.layers.map((l) => ({
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
