// Texts the editor shows: CodeLens titles, inlay hint labels, hover markdown, status bar text.
// Pure: no `vscode` import, so every text is unit-tested against the engine's real output.
import type {
  AnalysisResult,
  Dim,
  LayerResult,
  ModelResult,
  Shape,
  VariableShape,
} from '../shapes/types';
import type { LayerHit } from './positions';
import { preferConcrete } from './positions';

export function formatDim(d: Dim): string {
  return typeof d === 'number' ? String(d) : d;
}

/** `(1, 32, 26, 26)`; a one-dimensional shape keeps Python's trailing comma `(10,)`; unknown is `?`. */
export function formatShape(shape: Shape | undefined): string {
  if (!shape) return '?';
  if (shape.length === 1) return `(${formatDim(shape[0])},)`;
  return `(${shape.map(formatDim).join(', ')})`;
}

export function formatShapes(shapes: readonly Shape[] | undefined): string {
  if (!shapes || shapes.length === 0) return '?';
  return shapes.map(formatShape).join(', ');
}

/** Compact counts for one-glance texts: 320, 18.8 k, 1.2 M, 3.4 G. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const units: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (let i = 0; i < units.length; i++) {
    const [size, unit] = units[i];
    if (Math.abs(n) >= size * 0.9995) {
      const v = n / size;
      // Rounding 999,960 to "1000.0 k" would be wrong-looking; step up a unit instead.
      if (i > 0 && Math.abs(v) >= 999.95)
        return trimZero((n / units[i - 1][0]).toFixed(1)) + ' ' + units[i - 1][1];
      return trimZero(v.toFixed(1)) + ' ' + unit;
    }
  }
  return String(Math.round(n));
}

function trimZero(s: string): string {
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}

/** Exact counts for hovers and tooltips: 1,199,882. */
/** A model's total for one-glance texts: `1.2 M`, or `? (1.2 M known)` when part of it is unknown. */
export function formatParamTotal(
  model: Pick<ModelResult, 'params' | 'paramsKnown'>,
  exact = false,
): string {
  const f = exact ? formatExact : formatCount;
  return model.params === null ? `? (${f(model.paramsKnown ?? 0)} known)` : f(model.params);
}

export function formatExact(n: number): string {
  if (!Number.isFinite(n)) return '?';
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

// ───────────────────────────── CodeLens ─────────────────────────────

/** `(1, 1, 28, 28) → (1, 10) · 1.2 M params`, plus `· 1 shape error` when the model has some. */
export function modelLensTitle(model: ModelResult, errors = 0): string {
  const title = `${formatShapes(model.input)} → ${formatShape(model.output)} · ${formatParamTotal(model)} params`;
  return errors > 0 ? `${title} · $(error) ${plural(errors, 'shape error')}` : title;
}

const INPUT_SOURCE_TEXT: Record<ModelResult['inputSource'], string> = {
  comment: 'from the `# input:` comment',
  call: 'from a call in this file',
  parent: 'as the model holding it calls it',
  dataset: 'from the dataset used in this file',
  option: 'from the tensorLens.defaultInput setting',
  symbolic: 'symbolic: no `# input:` comment, call, dataset or default input found',
};

export function modelLensTooltip(model: ModelResult): string {
  return (
    `${model.name}: input ${formatShapes(model.input)} (${INPUT_SOURCE_TEXT[model.inputSource]}), ` +
    `output ${formatShape(model.output)}, ${formatParamTotal(model, true)} parameters. Click to set the input shape.`
  );
}

/** Per-layer CodeLens title (the opt-in alternative to inlay hints). */
export function layerLensTitle(hint: LineHint): string {
  return `${hint.names.join(', ')} ${hint.label}`;
}

// ───────────────────────────── per-line hints ─────────────────────────────

export interface LineHint {
  /** 1-based line the hint goes at the end of (the line the call starts on). */
  line: number;
  /** `→ (1, 32, 26, 26)` */
  label: string;
  tooltip: string;
  /** Layer names on the line, outermost call first. */
  names: string[];
}

/**
 * One hint per source line where a layer call starts: the output of the outermost call on the line
 * (`F.relu(self.conv1(x))` shows relu's output, which is what the line yields). A call executed
 * several times with different shapes shows each distinct shape, at most three.
 */
export function lineHints(result: AnalysisResult): LineHint[] {
  const index = callIndex(result);
  return (index.all ??= index.lines.map((line) => callHintAt(index, line)));
}

/**
 * The hints of lines `first` to `last` (1-based, inclusive), as lineHints gives them. VS Code asks for
 * the visible lines: on a 5,000-line file, formatting every line's hint for the first request took
 * 24–33 ms of the host's 50 ms, so only the lines asked for are formatted, each once per result.
 */
export function lineHintsIn(result: AnalysisResult, first: number, last: number): LineHint[] {
  const index = callIndex(result);
  return linesWithin(index.lines, first, last).map((line) => callHintAt(index, line));
}

/** Whether a layer call starts on `line` (so the line has a hint from lineHints). */
export function hasCallHint(result: AnalysisResult, line: number): boolean {
  return callIndex(result).entries.has(line);
}

/** The entries of ascending `lines` from `first` to `last`, found by bisection. */
export function linesWithin(lines: readonly number[], first: number, last: number): number[] {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid] < first) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  for (let i = lo; i < lines.length && lines[i] <= last; i++) out.push(lines[i]);
  return out;
}

interface CallEntry {
  model: ModelResult;
  layer: LayerResult;
}

/** A result's layer calls by the line they start on, and each line's hint once it was asked for. */
interface CallIndex {
  /** Lines with a call, ascending. */
  lines: number[];
  /** Each line's calls in result order (models, then layers), which the hint's ordering relies on. */
  entries: Map<number, CallEntry[]>;
  hints: Map<number, LineHint>;
  /** Every line's hint, once asked for (the CodeLens and definition hints read the whole list). */
  all?: LineHint[];
}

// VS Code asks for inlay hints per visible range, again on every scroll: one index per result (one
// result per document version), since a big file has thousands of layer calls.
const indexMemo = new WeakMap<AnalysisResult, CallIndex>();

function callIndex(result: AnalysisResult): CallIndex {
  let index = indexMemo.get(result);
  if (index) return index;
  const entries = new Map<number, CallEntry[]>();
  for (const model of result.models) {
    for (const layer of model.layers) {
      const r = layer.range;
      if (!r || !(r.line >= 1)) continue;
      // Keyed by the line the call starts on, the layer's `line` in the CLI's JSON: a call split
      // over several lines gets its hint after its first line, and each line of a nested call split
      // over lines shows the call starting there.
      const list = entries.get(r.line);
      if (list) list.push({ model, layer });
      else entries.set(r.line, [{ model, layer }]);
    }
  }
  const lines = [...entries.keys()].sort((a, b) => a - b);
  indexMemo.set(result, (index = { lines, entries, hints: new Map() }));
  return index;
}

function callHintAt(index: CallIndex, line: number): LineHint {
  let hint = index.hints.get(line);
  if (!hint) index.hints.set(line, (hint = computeCallHint(line, index.entries.get(line) ?? [])));
  return hint;
}

function computeCallHint(line: number, entries: CallEntry[]): LineHint {
  interface Site {
    range: LayerResult['range'];
    entries: CallEntry[];
  }
  // One site per call expression: the same range executed several times (a loop, a reused module).
  const sites = new Map<string, Site>();
  for (const e of entries) {
    const r = e.layer.range;
    const key = `${r.line}:${r.column}:${r.endLine}:${r.endColumn}`;
    let site = sites.get(key);
    if (!site) sites.set(key, (site = { range: r, entries: [] }));
    site.entries.push(e);
  }
  const all = [...sites.values()];
  // Outermost: not contained in another call site on the same line.
  const outer = all.filter((s) => !all.some((o) => o !== s && contains(o.range, s.range)));
  outer.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  const inner = all.filter((s) => !outer.includes(s));
  inner.sort((a, b) => a.range.line - b.range.line || a.range.column - b.range.column);
  const outputs: string[] = [];
  for (const site of outer) {
    for (const e of preferConcrete(site.entries)) {
      const text = formatShape(e.layer.output);
      if (!outputs.includes(text)) outputs.push(text);
    }
  }
  const shown = outputs.length > 3 ? [outputs[0], '…', outputs[outputs.length - 1]] : outputs;
  const names = uniq([...outer, ...inner].map((s) => displayName(s.entries[0].layer)));
  const tooltipLines = [...outer, ...inner].map((s) => {
    const e = preferConcrete(s.entries)[0];
    return `${displayName(e.layer)} (${e.layer.type}): ${formatShapes(layerInputs(e.layer))} → ${formatShapes(layerOutputs(e.layer))}`;
  });
  return {
    line,
    label: `→ ${shown.join(' | ')}`,
    tooltip: uniq(tooltipLines).join('\n'),
    names,
  };
}

function contains(outer: LayerResult['range'], inner: LayerResult['range']): boolean {
  const startsBefore =
    outer.line < inner.line || (outer.line === inner.line && outer.column <= inner.column);
  const endsAfter =
    outer.endLine > inner.endLine ||
    (outer.endLine === inner.endLine && outer.endColumn >= inner.endColumn);
  const same =
    outer.line === inner.line &&
    outer.column === inner.column &&
    outer.endLine === inner.endLine &&
    outer.endColumn === inner.endColumn;
  return startsBefore && endsAfter && !same;
}

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function displayName(layer: LayerResult): string {
  return layer.name || layer.type;
}

function layerInputs(layer: LayerResult): Shape[] {
  return layer.inputs && layer.inputs.length > 0 ? layer.inputs : [layer.input];
}

function layerOutputs(layer: LayerResult): Shape[] {
  return layer.outputs && layer.outputs.length > 0 ? layer.outputs : [layer.output];
}

// ───────────────────────────── hovers ─────────────────────────────

/** Escape text from the engine or the user for Markdown (names are safe, messages may not be). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => '\\' + c);
}

function code(text: string): string {
  // Shapes and formulas hold no backticks; guard anyway so a strange symbol cannot break out.
  return '`' + text.replace(/`/g, "'") + '`';
}

/**
 * Hover for a layer call: input and output shapes, the worked formula per spatial dimension,
 * parameters, multiply-adds and a link to the PyTorch documentation. Several executions of the same
 * call (a reused module, a loop) are listed one after another.
 */
export function layerHoverMarkdown(hits: readonly LayerHit[]): string {
  if (hits.length === 0) return '';
  const first = hits[0].layer;
  const parts: string[] = [];
  const header = `**${escapeMarkdown(displayName(first))}** · ${code(first.functional ? first.type : 'nn.' + first.type)}`;
  parts.push(hits[0].atDefinition ? `${header} — defined here` : header);
  const seen = new Set<string>();
  const distinct = hits.filter((h) => {
    const k = JSON.stringify([
      h.layer.inputs ?? h.layer.input,
      h.layer.outputs ?? h.layer.output,
      h.layer.formulas,
    ]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (hits.length > 1)
    parts.push(
      `Called ${hits.length} times${distinct.length < hits.length ? ` (${plural(distinct.length, 'distinct shape')})` : ''}.`,
    );
  for (const { layer, model } of distinct.slice(0, 4)) {
    const lines: string[] = [];
    const ctx =
      distinct.length > 1 || hits.some((h) => h.model !== model)
        ? ` *(in ${escapeMarkdown(model.name)})*`
        : '';
    lines.push(
      `${code(formatShapes(layerInputs(layer)))} → ${code(formatShapes(layerOutputs(layer)))}${ctx}`,
    );
    if (layer.unknownReason) lines.push(`Output unknown: ${escapeMarkdown(layer.unknownReason)}`);
    if (layer.formulas && layer.formulas.length > 0) {
      const block = layer.formulas.map(
        (f) =>
          `${f.dim}: ${f.formula}\n${' '.repeat(f.dim.length)}  ${f.worked.startsWith('=') ? f.worked : '= ' + f.worked}`,
      );
      lines.push('```text\n' + block.join('\n') + '\n```');
    }
    parts.push(lines.join('\n\n'));
  }
  if (distinct.length > 4) parts.push(`… and ${distinct.length - 4} more.`);
  parts.push(...layerFacts(first, distinct[0].layer.macs));
  return parts.join('\n\n');
}

/** Parameters, multiply-adds and the documentation link of a layer: the end of its hovers. */
export function layerFacts(layer: LayerResult, macs = layer.macs): string[] {
  const parts: string[] = [];
  const stats: string[] = [];
  if (layer.params === null) stats.push('? params (unknown)');
  else if (!layer.functional || layer.params > 0) stats.push(`${formatExact(layer.params)} params`);
  if (macs !== undefined && macs > 0) stats.push(`${formatCount(macs)} multiply-adds`);
  if (stats.length > 0) parts.push(stats.join(' · '));
  if (layer.docUrl && /^https:\/\//.test(layer.docUrl))
    parts.push(`[${escapeMarkdown(layer.type)} documentation](${layer.docUrl})`);
  return parts;
}

/** Hover on a tensor variable in forward: its shape at that line. */
export function variableHoverMarkdown(
  hits: readonly { model: ModelResult; variable: VariableShape }[],
): string {
  if (hits.length === 0) return '';
  const v = hits[0].variable;
  const shapes = uniq(hits.map((h) => formatShape(h.variable.shape)));
  const where =
    hits.length > 1 ? ` *(in ${hits.map((h) => escapeMarkdown(h.model.name)).join(', ')})*` : '';
  return (
    `**${escapeMarkdown(v.name)}**: ${shapes.map(code).join(' | ')}${where}\n\n` +
    `Shape after line ${v.line}.`
  );
}

/** Hover on a model's name: the same facts as its CodeLens, with exact numbers. */
export function modelHoverMarkdown(model: ModelResult): string {
  const lines = [
    `**${escapeMarkdown(model.name)}** · ${model.kind === 'sequential' ? 'nn.Sequential' : 'nn.Module'}`,
    `${code(formatShapes(model.input))} → ${code(formatShape(model.output))}`,
    `Input ${INPUT_SOURCE_TEXT[model.inputSource]}.`,
  ];
  const stats = [`${formatParamTotal(model, true)} params`];
  if (model.macs !== undefined && model.macs > 0)
    stats.push(`${formatCount(model.macs)} multiply-adds`);
  stats.push(plural(model.layers.length, 'layer call'));
  lines.push(stats.join(' · '));
  return lines.join('\n\n');
}

// ───────────────────────────── status bar ─────────────────────────────

export interface StatusText {
  text: string;
  tooltip: string;
  errors: number;
}

/** `$(symbol-structure) 2 models · 1 shape error`, or null when the file has no models. */
export function statusText(result: AnalysisResult): StatusText | null {
  if (result.models.length === 0) return null;
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const icon = errors > 0 ? '$(error)' : '$(symbol-structure)';
  const text = `${icon} ${plural(result.models.length, 'model')} · ${plural(errors, 'shape error')}`;
  const names = result.models
    .map((m) => `${m.name}: ${formatShapes(m.input)} → ${formatShape(m.output)}`)
    .join('\n');
  return { text, tooltip: `Tensor Lens — click for the model summary\n${names}`, errors };
}
