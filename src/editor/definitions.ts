// Shapes at the layer definitions: the inlay hint at the end of `self.conv1 = nn.Conv2d(...)` and
// the hover that lists where the module is called. Pure (no `vscode`), built from the engine's
// module tree (ModelResult.modules), so it is unit-tested against real analyses.
import type {
  AnalysisResult,
  ModelResult,
  ModuleCall,
  ModuleNode,
  Shape,
  SourceRange,
} from '../shapes/types';
import {
  escapeMarkdown,
  formatShape,
  formatShapes,
  hasCallHint,
  type LineHint,
  linesWithin,
} from './format';
import { rangeContains } from './positions';

/** The modules of one model built by one constructor call (several in a loop or a comprehension). */
export interface DefinitionSite {
  model: ModelResult;
  definition: SourceRange;
  nodes: ModuleNode[];
}

/** Label of a definition no traced forward calls (when the trace is complete enough to know). */
export const NEVER_CALLED = '· never called in forward';

/**
 * Every definition site, one per model and constructor call. The model itself (the root) is left
 * out: its class line has the CodeLens.
 */
export function definitionSites(result: AnalysisResult): DefinitionSite[] {
  let sites = siteMemo.get(result);
  if (!sites) siteMemo.set(result, (sites = computeSites(result)));
  return sites;
}

const siteMemo = new WeakMap<AnalysisResult, DefinitionSite[]>();

function computeSites(result: AnalysisResult): DefinitionSite[] {
  const out: DefinitionSite[] = [];
  for (const model of result.models) {
    const byKey = new Map<string, DefinitionSite>();
    for (const node of model.modules ?? []) {
      const d = node.definition;
      if (node.parent < 0 || !d || !(d.line >= 1)) continue;
      const key = `${d.line}:${d.column}:${d.endLine}:${d.endColumn}`;
      let site = byKey.get(key);
      if (!site) {
        byKey.set(key, (site = { model, definition: d, nodes: [] }));
        out.push(site);
      }
      site.nodes.push(node);
    }
  }
  return out;
}

/**
 * The sites to show for one line, across models: a block class analysed alone (symbolic input) and
 * as part of the model that holds it defines the same lines twice; the concrete analysis wins, and
 * among those the one that calls the line's modules most (the enclosing model, not the block alone).
 */
function bestSites(sites: DefinitionSite[]): DefinitionSite[] {
  const concrete = sites.filter((s) => s.model.inputSource !== 'symbolic');
  const pool = concrete.length > 0 ? concrete : sites;
  const calls = (m: ModelResult): number =>
    pool.filter((s) => s.model === m).reduce((n, s) => n + callCount(s), 0);
  let best = pool[0].model;
  for (const s of pool) if (calls(s.model) > calls(best)) best = s.model;
  return pool.filter((s) => s.model === best);
}

function callCount(site: DefinitionSite): number {
  return site.nodes.reduce((n, node) => n + node.callCount, 0);
}

function strictlyInside(inner: SourceRange, outer: SourceRange): boolean {
  const before = (a: SourceRange, b: SourceRange): boolean =>
    a.line < b.line || (a.line === b.line && a.column <= b.column);
  const endsAfter =
    outer.endLine > inner.endLine ||
    (outer.endLine === inner.endLine && outer.endColumn >= inner.endColumn);
  const same =
    inner.line === outer.line &&
    inner.column === outer.column &&
    inner.endLine === outer.endLine &&
    inner.endColumn === outer.endColumn;
  return before(outer, inner) && endsAfter && !same;
}

/**
 * The modules a site stands for: a ModuleList or ModuleDict is never called itself (forward iterates
 * or indexes it), so it stands for the modules it holds.
 */
function heldNodes(site: DefinitionSite): ModuleNode[] {
  const all = site.model.modules ?? [];
  const out: ModuleNode[] = [];
  for (const n of site.nodes) {
    if (n.kind !== 'ModuleList' && n.kind !== 'ModuleDict') {
      out.push(n);
      continue;
    }
    const index = all.indexOf(n);
    for (const ch of all) if (ch.parent === index) out.push(ch);
  }
  return out;
}

function firstOutput(call: ModuleCall): Shape {
  return call.outputs.length > 0 ? call.outputs[0] : null;
}

/**
 * One hint per definition line whose line has no hint of its own from a call (an entry of a
 * Sequential is its own call site and already has one):
 * - `→ (64, 10, 28, 28)` for one call;
 * - `×3 → (64, 10)` for several calls with one output shape;
 * - each distinct shape, at most three, `→ (1, 8) | (1, 4)`, when they differ;
 * - NEVER_CALLED when the model's forward was followed to the end and never called it; nothing when
 *   the trace stopped early, since the module may yet be called.
 */
export function definitionHints(result: AnalysisResult): LineHint[] {
  const index = definitionIndex(result);
  if (index.all) return index.all;
  const out: LineHint[] = [];
  for (const line of index.lines) {
    const hint = definitionHintAt(index, line);
    if (hint) out.push(hint);
  }
  return (index.all = out);
}

/**
 * The hints of lines `first` to `last` (1-based, inclusive), as definitionHints gives them: only the
 * lines VS Code shows are formatted, each once per result (a 5,000-line file's every definition
 * hint took 11–17 ms of the host's first inlay-hint request).
 */
export function definitionHintsIn(result: AnalysisResult, first: number, last: number): LineHint[] {
  const index = definitionIndex(result);
  const out: LineHint[] = [];
  for (const line of linesWithin(index.lines, first, last)) {
    const hint = definitionHintAt(index, line);
    if (hint) out.push(hint);
  }
  return out;
}

/** A result's definition sites by line, and each line's hint (null: none) once it was asked for. */
interface DefinitionIndex {
  /** Lines with a definition site and no call hint of their own, ascending. */
  lines: number[];
  byLine: Map<number, DefinitionSite[]>;
  hints: Map<number, LineHint | null>;
  /** Every line's hint, once asked for (the CodeLens reads the whole list on each request). */
  all?: LineHint[];
}

const indexMemo = new WeakMap<AnalysisResult, DefinitionIndex>();

function definitionIndex(result: AnalysisResult): DefinitionIndex {
  let index = indexMemo.get(result);
  if (index) return index;
  const byLine = new Map<number, DefinitionSite[]>();
  for (const site of definitionSites(result)) {
    const line = site.definition.line;
    if (hasCallHint(result, line)) continue;
    let list = byLine.get(line);
    if (!list) byLine.set(line, (list = []));
    list.push(site);
  }
  const lines = [...byLine.keys()].sort((a, b) => a - b);
  indexMemo.set(result, (index = { lines, byLine, hints: new Map() }));
  return index;
}

function definitionHintAt(index: DefinitionIndex, line: number): LineHint | null {
  let hint = index.hints.get(line);
  if (hint === undefined)
    index.hints.set(line, (hint = computeHint(line, index.byLine.get(line) ?? [])));
  return hint;
}

function computeHint(line: number, onLine: DefinitionSite[]): LineHint | null {
  // `nn.Sequential(Block(3), Block(4))` on one line: the outermost constructor is what the line builds.
  const all = onLine.filter(
    (s) => !onLine.some((o) => o.model === s.model && strictlyInside(s.definition, o.definition)),
  );
  const sites = bestSites(all);
  const nodes = sites.flatMap(heldNodes);
  const calls = nodes.flatMap((n) => n.calls);
  const total = nodes.reduce((n, node) => n + node.callCount, 0);
  const names = shortList(nodes.map((n) => n.path));
  const uncalled = nodes.filter((n) => n.callCount === 0);
  const complete = sites[0].model.traceComplete === true;
  if (nodes.length === 0) return null;
  if (total === 0) {
    if (!complete) return null;
    return {
      line,
      label: NEVER_CALLED,
      tooltip: `${names.join(', ')} (${nodes[0].type}${nodes.length > 1 ? `, ${nodes.length} instances` : ''}): built here but never called by ${sites[0].model.name}.forward`,
      names,
    };
  }
  const outputs: string[] = [];
  for (const c of calls) {
    const text = formatShape(firstOutput(c));
    if (!outputs.includes(text)) outputs.push(text);
  }
  // Calls beyond the ones kept (a module reused in a long loop) are not shown: their shapes are
  // not known here, so a single shape is only claimed when every call was kept.
  const allKept = calls.length === total;
  let label: string;
  if (outputs.length === 1 && allKept)
    label = total > 1 ? `×${total} → ${outputs[0]}` : `→ ${outputs[0]}`;
  else {
    const shown = outputs.length > 3 ? [outputs[0], '…', outputs[outputs.length - 1]] : outputs;
    label = `×${total} → ${shown.join(' | ')}${allKept ? '' : ' | …'}`;
  }
  if (complete && uncalled.length > 0) label += ` · ${uncalled.length} never called`;
  return {
    line,
    label,
    tooltip: callSummary(sites).join('\n'),
    names,
  };
}

/**
 * A list of module paths as a hint or CodeLens shows it: a ModuleList of 20,000 layers is named by
 * its first three and last, not by a 270 KB string on every hint request.
 */
function shortList(names: string[]): string[] {
  return names.length > 4 ? [...names.slice(0, 3), '…', names[names.length - 1]] : names;
}

/**
 * `conv1 (Conv2d) at line 23: (1, 1, 28, 28) → (1, 32, 26, 26)`, one per kept call, at most
 * MAX_LISTED, then how many more.
 */
function callSummary(sites: DefinitionSite[]): string[] {
  const lines: string[] = [];
  let more = 0;
  for (const s of sites)
    for (const n of heldNodes(s))
      for (const c of n.calls) {
        if (lines.length >= MAX_LISTED) {
          more++;
          continue;
        }
        lines.push(
          `${n.path} (${n.type}) at line ${c.range.line}: ${formatShapes(c.inputs)} → ${formatShapes(c.outputs)}`,
        );
      }
  if (more > 0) lines.push(`… ${more} more`);
  return lines;
}

/** The definition sites whose constructor call, or the line it starts on, holds the position. */
export function definitionsAt(
  result: AnalysisResult,
  line: number,
  column: number,
): DefinitionSite[] {
  const all = definitionSites(result);
  const exact = all.filter((s) => rangeContains(s.definition, line, column));
  // The name being assigned (`self.conv1` left of `=`) belongs to the definition too.
  const hits = exact.length > 0 ? exact : all.filter((s) => s.definition.line === line);
  if (hits.length === 0) return [];
  // The innermost constructor call: `nn.Sequential(nn.Conv2d(...))` on one line has two.
  const size = (r: SourceRange): number => (r.endLine - r.line) * 1e6 + (r.endColumn - r.column);
  const smallest = Math.min(...hits.map((s) => size(s.definition)));
  return bestSites(hits.filter((s) => size(s.definition) === smallest));
}

/** Most call sites a hover lists; a module in a loop would otherwise fill the screen. */
const MAX_LISTED = 12;

/**
 * Hover on a definition: what was built, and every call site (line) with its input and output
 * shapes, instance by instance when the line builds several.
 */
export function definitionHoverMarkdown(sites: readonly DefinitionSite[]): string {
  if (sites.length === 0) return '';
  const built = sites.flatMap((s) => s.nodes);
  const nodes = sites.flatMap(heldNodes);
  const first = built[0];
  const model = sites[0].model;
  const kind = first.kind === 'user' ? first.type : `nn.${first.type}`;
  const parts: string[] = [];
  const shownNames = shortList(built.map((n) => n.path));
  parts.push(
    `**${shownNames.map(escapeMarkdown).join(', ')}** · \`${kind.replace(/`/g, "'")}\` — defined here` +
      (built.length > 1 ? ` (${built.length} instances)` : '') +
      ` *(in ${escapeMarkdown(model.name)})*`,
  );
  const total = nodes.reduce((n, node) => n + node.callCount, 0);
  if (nodes.length === 0) return parts.join('\n\n');
  if (total === 0) {
    parts.push(
      model.traceComplete === true
        ? `Never called: ${escapeMarkdown(model.name)}.forward, followed to its end, does not call it.`
        : `No call seen: the trace of ${escapeMarkdown(model.name)}.forward stopped before its end, so it may still be called.`,
    );
    return parts.join('\n\n');
  }
  // Identical rows (a module called twice on one line with one shape) are listed once, counted.
  const counts = new Map<string, number>();
  for (const n of nodes)
    for (const c of n.calls) {
      const who = nodes.length > 1 || n !== first ? `${escapeMarkdown(n.path)}: ` : '';
      const row = `${who}line ${c.range.line}: \`${formatShapes(c.inputs)}\` → \`${formatShapes(c.outputs)}\``;
      counts.set(row, (counts.get(row) ?? 0) + 1);
    }
  const rows: string[] = [];
  let listed = 0;
  for (const [row, k] of counts) {
    if (rows.length >= MAX_LISTED) break;
    rows.push(`- ${row}${k > 1 ? ` (×${k})` : ''}`);
    listed += k;
  }
  if (listed < total) rows.push(`- … ${total - listed} more`);
  parts.push(`Called ${total === 1 ? 'once' : `${total} times`}:\n\n${rows.join('\n')}`);
  const uncalled = nodes.filter((n) => n.callCount === 0).map((n) => n.path);
  if (uncalled.length > 0 && model.traceComplete === true)
    parts.push(
      `Never called: ${shortList(uncalled).map(escapeMarkdown).join(', ')}` +
        (uncalled.length > 4 ? ` (${uncalled.length} modules).` : '.'),
    );
  return parts.join('\n\n');
}
