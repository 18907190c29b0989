// Position arithmetic between the engine (1-based lines and columns, end exclusive, UTF-16 columns
// because lezer works on JS string offsets) and VS Code (0-based lines and characters).
// Pure: no `vscode` import, so it is unit-tested against the engine's real output.
import type {
  AnalysisResult,
  LayerResult,
  ModelResult,
  SourceRange,
  VariableShape,
} from '../shapes/types';

/** A 0-based position, the shape of `vscode.Position`. */
export interface Pos0 {
  line: number;
  character: number;
}

/** A 0-based range, the shape of `vscode.Range`. */
export interface Range0 {
  start: Pos0;
  end: Pos0;
}

export function toPos0(line: number, column: number): Pos0 {
  // Clamp at 0 so a malformed or partial result can never produce a negative position, which
  // vscode.Position rejects with an exception.
  return { line: Math.max(0, line - 1), character: Math.max(0, column - 1) };
}

export function toRange0(r: SourceRange): Range0 {
  const start = toPos0(r.line, r.column);
  let end = toPos0(r.endLine, r.endColumn);
  if (end.line < start.line || (end.line === start.line && end.character < start.character))
    end = start;
  return { start, end };
}

/** Whether the 1-based (line, column) lies inside the range (end exclusive). */
export function rangeContains(r: SourceRange, line: number, column: number): boolean {
  if (line < r.line || line > r.endLine) return false;
  if (line === r.line && column < r.column) return false;
  if (line === r.endLine && column >= r.endColumn) return false;
  return true;
}

/** A comparable size for "innermost range wins": lines weigh much more than columns. */
function rangeSize(r: SourceRange): number {
  return (r.endLine - r.line) * 1_000_000 + (r.endColumn - r.column);
}

/**
 * The 1-based lines a model covers. A class runs from its `class` line to the last line indented
 * deeper than it (blank and comment lines inside count); a Sequential assignment runs until its
 * brackets close. The engine gives only the name's range, so the extent is read from the text.
 */
export function modelExtent(
  lines: readonly string[],
  model: ModelResult,
): { start: number; end: number } {
  const start = Math.max(1, model.line);
  let end = start;
  // Layers and variables can only lie inside the model's own text when they are below it; they
  // guard against an extent cut short by a half-typed line.
  if (model.kind === 'module') {
    const header = lines[start - 1] ?? '';
    const indent = indentOf(header);
    // The class header itself may span lines (`class Net(\n nn.Module):`); skip to the colon.
    let i = start;
    while (i < lines.length && !/:\s*(#.*)?$/.test(lines[i - 1] ?? '') && i - start < 20) i++;
    end = i;
    for (let j = i + 1; j <= lines.length; j++) {
      const text = lines[j - 1] ?? '';
      if (text.trim() === '' || /^\s*#/.test(text)) continue;
      if (indentOf(text) > indent) end = j;
      else break;
    }
  } else {
    end = bracketEnd(lines, start);
    for (const layer of model.layers) {
      if (layer.range.line >= start) end = Math.max(end, layer.range.endLine);
    }
  }
  return { start, end: Math.min(Math.max(end, start), Math.max(lines.length, start)) };
}

function indentOf(text: string): number {
  const m = /^[ \t]*/.exec(text);
  // A tab counts as 8 columns like Python's tokenizer; mixed indentation is rare in practice.
  return m ? m[0].replace(/\t/g, '        ').length : 0;
}

/** The line where the brackets opened on `start` are closed again (strings and comments skipped). */
function bracketEnd(lines: readonly string[], start: number): number {
  let depth = 0;
  let opened = false;
  // Cap the scan so a never-closed bracket in a half-typed file costs bounded time.
  const last = Math.min(lines.length, start + 2000);
  for (let ln = start; ln <= last; ln++) {
    const text = lines[ln - 1] ?? '';
    let quote: string | null = null;
    for (let c = 0; c < text.length; c++) {
      const ch = text[c];
      if (quote) {
        if (ch === '\\') c++;
        else if (ch === quote) quote = null;
        continue;
      }
      if (ch === '#') break;
      if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '(' || ch === '[' || ch === '{') {
        depth++;
        opened = true;
      } else if (ch === ')' || ch === ']' || ch === '}') depth--;
    }
    if (opened && depth <= 0) return ln;
    if (!opened && ln === start) return ln;
  }
  return last;
}

/**
 * The model the 1-based line belongs to: the innermost model whose extent contains it. Without one,
 * undefined (the command then asks, or uses the only model).
 */
export function modelAtLine(
  result: AnalysisResult,
  lines: readonly string[],
  line: number,
): ModelResult | undefined {
  let best: ModelResult | undefined;
  let bestStart = -1;
  for (const m of result.models) {
    const ext = modelExtent(lines, m);
    // The `# input:` comment right above a model belongs to it (Set Input Shape… from there).
    const start =
      ext.start >= 2 && /^\s*#\s*input\s*:/i.test(lines[ext.start - 2] ?? '')
        ? ext.start - 1
        : ext.start;
    if (line >= start && line <= ext.end && ext.start > bestStart) {
      best = m;
      bestStart = ext.start;
    }
  }
  return best;
}

/** Find a model by name (the CodeLens argument), first match. */
export function modelByName(
  result: AnalysisResult,
  name: string | undefined,
): ModelResult | undefined {
  if (name === undefined) return undefined;
  return result.models.find((m) => m.name === name);
}

export interface LayerHit {
  model: ModelResult;
  layer: LayerResult;
  /** True when the position is on the `self.conv1 = nn.Conv2d(...)` definition, not a call. */
  atDefinition: boolean;
}

/**
 * Every execution of the innermost layer call containing the position, across models (a module
 * called twice, or a loop over a ModuleList, appears several times). When the position is on no
 * call, the definitions (`self.conv1 = nn.Conv2d(...)`) are searched.
 */
export function layersAt(result: AnalysisResult, line: number, column: number): LayerHit[] {
  const calls = collect(result, line, column, (l) => l.range);
  if (calls.length > 0) return calls.map((h) => ({ ...h, atDefinition: false }));
  const defs = collect(result, line, column, (l) => l.definition);
  if (defs.length > 0) return defs.map((h) => ({ ...h, atDefinition: true }));
  // The engine's definition range is the constructor call; the name being assigned
  // (`self.conv1` in `self.conv1 = nn.Conv2d(...)`) belongs to it too.
  return collect(result, line, column, (l) =>
    l.definition ? { ...l.definition, column: 1 } : undefined,
  ).map((h) => ({ ...h, atDefinition: true }));
}

function collect(
  result: AnalysisResult,
  line: number,
  column: number,
  pick: (l: LayerResult) => SourceRange | undefined,
): { model: ModelResult; layer: LayerResult }[] {
  let bestSize = Infinity;
  let bestKey = '';
  const hits: { model: ModelResult; layer: LayerResult; key: string; size: number }[] = [];
  for (const model of result.models) {
    for (const layer of model.layers) {
      const r = pick(layer);
      if (!r || !rangeContains(r, line, column)) continue;
      const size = rangeSize(r);
      const key = `${r.line}:${r.column}:${r.endLine}:${r.endColumn}`;
      hits.push({ model, layer, key, size });
      if (size < bestSize) {
        bestSize = size;
        bestKey = key;
      }
    }
  }
  return preferConcrete(hits.filter((h) => h.key === bestKey));
}

/**
 * A submodule class that is also a model of its own (a `Block` used inside `Net`) shows its layers
 * twice: once from the standalone analysis with symbolic input, once with the real numbers from the
 * enclosing model. Keep the concrete ones where there are any.
 */
export function preferConcrete<T extends { model: ModelResult }>(hits: T[]): T[] {
  const concrete = hits.filter((h) => h.model.inputSource !== 'symbolic');
  return concrete.length > 0 ? concrete : hits;
}

/** The model whose name range (the CodeLens anchor) contains the position. */
export function modelNameAt(
  result: AnalysisResult,
  line: number,
  column: number,
): ModelResult | undefined {
  return result.models.find((m) => rangeContains(m.range, line, column));
}

/**
 * The shape a variable holds where it is hovered. On its own assignment target (`x` left of `=`)
 * that is the shape after the statement; anywhere else it is the shape from the latest assignment on
 * an earlier line of the same function (the `x` right of `=` still holds the old value).
 * The engine records variables of every traced forward, including submodules' classes, so the
 * function is found from the text rather than from the model's extent.
 */
export function variableAt(
  result: AnalysisResult,
  lines: readonly string[],
  name: string,
  line: number,
  column: number,
): { model: ModelResult; variable: VariableShape }[] {
  const fnCache = new Map<number, number>();
  const fnOf = (l: number) => {
    let f = fnCache.get(l);
    if (f === undefined) fnCache.set(l, (f = functionStart(lines, l)));
    return f;
  };
  const here = fnOf(line);
  if (here === 0) return [];
  const found: { model: ModelResult; variable: VariableShape }[] = [];
  for (const model of result.models) {
    let best: VariableShape | undefined;
    for (const v of [...forwardParams(lines, model), ...model.variables]) {
      if (v.name !== name || v.line > line) continue;
      if (v.line === line) {
        if (v.column === column) {
          best = v;
          break;
        }
        continue;
      }
      if ((!best || v.line >= best.line) && fnOf(v.line) === here) best = v;
    }
    if (best) found.push({ model, variable: best });
  }
  return preferConcrete(found);
}

/**
 * The 1-based line of the `def` whose body holds `line` (the def line itself counts as inside),
 * or 0 at module level.
 */
export function functionStart(lines: readonly string[], line: number): number {
  const isDef = (t: string) => /^\s*(?:async\s+)?def\s/.test(t);
  const own = lines[line - 1] ?? '';
  if (isDef(own)) return line;
  let indent = own.trim() === '' ? Infinity : indentOf(own);
  // Bounded scan: a function longer than this is not worth a variable hover.
  for (let l = line - 1; l >= 1 && l >= line - 3000; l--) {
    const t = lines[l - 1] ?? '';
    if (t.trim() === '' || /^\s*#/.test(t)) continue;
    const ind = indentOf(t);
    if (ind < indent) {
      if (isDef(t)) return l;
      if (ind === 0) return 0;
      indent = ind;
    }
  }
  return 0;
}

/**
 * The forward parameters with the model's input shapes (`def forward(self, x)` → x holds input 0).
 * The engine records assignments only, so without these the `x` of the first forward line would
 * have no shape to show.
 */
export function forwardParams(lines: readonly string[], model: ModelResult): VariableShape[] {
  if (model.kind !== 'module') return [];
  const ext = modelExtent(lines, model);
  for (let ln = ext.start; ln <= ext.end; ln++) {
    const text = lines[ln - 1] ?? '';
    const m = /^\s*(?:async\s+)?def\s+forward\s*\(/.exec(text);
    if (!m) continue;
    // Gather the parameter text up to the closing bracket (a signature may span lines).
    const found: VariableShape[] = [];
    let depth = 1;
    let index = 0;
    let expectName = true;
    for (let l = ln, c = m[0].length; l <= Math.min(ext.end, ln + 20) && depth > 0; l++, c = 0) {
      const t = lines[l - 1] ?? '';
      for (; c < t.length && depth > 0; c++) {
        const ch = t[c];
        if (ch === '#') break;
        if (ch === '(' || ch === '[' || ch === '{') depth++;
        else if (ch === ')' || ch === ']' || ch === '}') depth--;
        else if (ch === ',' && depth === 1) expectName = true;
        else if (expectName && depth === 1 && /[A-Za-z_*]/.test(ch)) {
          expectName = false;
          const name = /^\**[A-Za-z_][A-Za-z0-9_]*/.exec(t.slice(c))?.[0] ?? '';
          if (name === 'self' && index === 0) {
            c += name.length - 1;
            continue;
          }
          if (!name.startsWith('*') && index < model.input.length) {
            found.push({ name, line: l, column: c + 1, shape: model.input[index] });
          }
          index++;
          c += Math.max(0, name.length - 1);
        }
      }
    }
    return found;
  }
  return [];
}

/**
 * Whether a line ends in a `# comment` (a `#` outside any string on it). A hint after a comment needs
 * more room than paddingLeft's few pixels: prose ending in a number would run into the hint's arrow.
 */
export function endsInComment(line: string): boolean {
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === '#') return true;
    if (c === '"' || c === "'") {
      const q = line.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      i += q.length;
      while (i < line.length && !line.startsWith(q, i)) i += line[i] === '\\' ? 2 : 1;
      i += q.length;
    } else i++;
  }
  return false;
}
