// The torchinfo-like summary table as plain rows of text, built from a ModelResult.
// Pure (no DOM) so it is unit-tested; the view only turns rows into table cells.
import type { Dim, ModelResult, Shape } from '../src/common/messages';
import { fmtInt } from './chartData';

export interface SummaryRow {
  /** Nesting depth from the dotted name ("layer1.0.conv1" → 2), for indentation. */
  depth: number;
  layer: string;
  type: string;
  line: number;
  output: string;
  params: string;
  macs: string;
  unknown: boolean;
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

export function summaryTable(model: ModelResult): SummaryTable {
  const rows: SummaryRow[] = model.layers.map((l) => ({
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
