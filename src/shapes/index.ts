// The shape engine: `analyze(source)` finds the models in a Python file, decides each one's input and
// traces its forward pass layer by layer. Pure and synchronous; it never throws, whatever the input.
import { Budget, BudgetExceeded, DEFAULT_BUDGET, withBudget } from './eval/budget';
import { type CallArgs, noArgs } from './eval/calls';
import type { Trace } from './eval/evaluator';
import { Interp } from './eval/interp';
import { CallLog, moduleTree } from './eval/moduleTree';
import { totalParams } from './eval/params';
import { flattenTensors, outDim } from './eval/semantics';
import type { ModuleInst, Value } from './eval/values';
import { macTotals, memoryEstimate } from './library/counts';
import type { D } from './library/dims';
import { datasetInput, inputCommentAbove } from './models';
import { SHARE, budgetNote, contained } from './phases/contain';
import { type Candidate, discover } from './phases/discover';
import { chooseInput } from './phases/input';
import { traceForward } from './phases/trace';
import { BATCH_SYMBOL, FlowRecorder } from './eval/flow';
import { isForeign } from './modules/spans';
import { sym } from './library/dims';
import type { ParsedFile } from './syntax/ast';
import { parseFile } from './syntax/lower';
import type { AnalysisResult, AnalyzeOptions, CtorValue, ModelResult, Shape } from './types';

export type { ModuleHost } from './modules/host';
export type { AnalysisResult, AnalyzeOptions, ModelResult } from './types';

const CRLF = /\r\n/g;

export function analyze(source: string, options: AnalyzeOptions = {}): AnalysisResult {
  const file = options.file ?? '<input>';
  try {
    // Python reads "\r\n" as "\n" (universal newlines) and every result position is a line and column,
    // which the \r at a line's end does not move; as LF the text takes the fast parser (see pyparse.ts).
    return analyzeInner(String(source ?? '').replace(CRLF, '\n'), options, file);
  } catch (e) {
    if (options.strict) throw e;
    // A bug in the analyser must not take the editor down: report it as one diagnostic.
    const msg = e instanceof Error ? e.message : String(e);
    const range = { line: 1, column: 1, endLine: 1, endColumn: 1 };
    return {
      file,
      models: [],
      diagnostics: [
        {
          line: 1,
          column: 1,
          range,
          severity: 'info',
          code: 'internal',
          message: `Tensor Lens could not analyse this file: ${msg}`,
        },
      ],
    };
  }
}

function analyzeInner(source: string, options: AnalyzeOptions, file: string): AnalysisResult {
  // The clock starts before parsing, so the time limit covers the whole analysis.
  const budget = new Budget({ ...DEFAULT_BUDGET, ...definedLimits(options.budget) });
  let result: AnalysisResult;
  const imported: string[] = [];
  try {
    result = withBudget(budget, () =>
      analyzeBudgeted(source, options, file, budget, parseFile(source), imported),
    );
  } catch (e) {
    // The time ran out outside any statement or model (while setting up): nothing is known.
    if (!(e instanceof BudgetExceeded)) throw e;
    result = { file, models: [], diagnostics: [] };
  }
  if (budget.exceeded) result.budgetExceeded = budget.exceeded;
  if (imported.length) result.imported = imported;
  return result;
}

function definedLimits(b: AnalyzeOptions['budget']): Partial<typeof DEFAULT_BUDGET> {
  const out: { steps?: number; elements?: number; timeMs?: number } = {};
  if (b?.steps !== undefined) out.steps = b.steps;
  if (b?.elements !== undefined) out.elements = b.elements;
  if (b?.timeMs !== undefined) out.timeMs = b.timeMs;
  return out;
}

function analyzeBudgeted(
  source: string,
  options: AnalyzeOptions,
  file: string,
  budget: Budget,
  parsed: ParsedFile,
  imported: string[],
): AnalysisResult {
  const it = new Interp(
    source,
    budget,
    options.strict === true,
    options.modules ? { host: options.modules, file: options.file } : undefined,
  );
  it.alwaysTraining = options.flow === true;
  // Filled as files are read, so a budget stop keeps what was read before it.
  if (it.loader) it.loader.onRead = (f) => imported.push(f);
  const candidates = discover(it, parsed, budget);
  // The training code is what lies outside the classes: there the images may be reshaped first.
  let outside = '';
  let at = 0;
  for (const st of parsed.stmts)
    if (st.t === 'class') {
      outside += source.slice(at, st.from);
      at = st.to;
    }
  const dataset = datasetInput(source, outside + source.slice(at));
  const models: ModelResult[] = [];
  // Models before the building blocks they hold (classes built only inside another module's
  // __init__): a block then takes the input its parent gives it.
  const classes = candidates.filter((c) => c.cls);
  // Which classes' text holds each word, built once: a regex per class over every other class's text
  // was quadratic in the file's classes (4 % of a 5,000-line file's analysis, 207 classes).
  let wordsIn: Map<string, Candidate[]> | undefined;
  const usedInside = (c: Candidate): boolean => {
    // Named in another module class (called, or listed as `blocks = [BasicConv2d, Inception]`).
    if (!WORD.test(c.name)) {
      // A name outside \w (a non-ASCII identifier): its \b boundaries differ from a word's.
      const call = new RegExp(`\\b${c.name}\\b`);
      return classes.some((o) => o !== c && call.test(source.slice(o.span.from, o.span.to)));
    }
    wordsIn ??= classesByWord(source, classes);
    return (wordsIn.get(c.name) ?? []).some((o) => o !== c);
  };
  const blocks = new Set(
    candidates.filter(
      (c) =>
        !!c.cls &&
        !it.topInstantiated.has(c.name) &&
        (it.nestedClasses.has(c.name) || usedInside(c)),
    ),
  );
  const isBlock = (c: Candidate): boolean => blocks.has(c);
  candidates.sort((a, b) => Number(isBlock(a)) - Number(isBlock(b)));
  for (const c of candidates) {
    try {
      const m = budget.capped(SHARE, () =>
        analyzeModel(it, parsed, c, dataset, options, isBlock(c), budget),
      );
      if (m) models.push(m);
    } catch (e) {
      // One model failing leaves the others.
      contained(it, e);
    }
  }
  models.sort((a, b) => a.line - b.line);
  it.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return { file, models, diagnostics: it.diagnostics };
}

const WORD = /^\w+$/;

/**
 * The classes whose text holds each class name as a word (a maximal run of \w, bounded by the
 * class's own text as a slice of it would be): `\bName\b` matches a class's text exactly when Name,
 * all \w, is one of its words. Only words that are some class's name are kept.
 */
function classesByWord(source: string, classes: Candidate[]): Map<string, Candidate[]> {
  const names = new Set(classes.map((c) => c.name));
  const lengths = new Set([...names].map((n) => n.length));
  const out = new Map<string, Candidate[]>();
  for (const o of classes) {
    const end = o.span.to;
    for (let i = o.span.from; i < end;) {
      if (!isWordChar(source.charCodeAt(i))) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < end && isWordChar(source.charCodeAt(j))) j++;
      if (lengths.has(j - i)) {
        const w = source.slice(i, j);
        if (names.has(w)) {
          const list = out.get(w);
          if (!list) out.set(w, [o]);
          else if (list[list.length - 1] !== o) list.push(o);
        }
      }
      i = j;
    }
  }
  return out;
}

/** \w: [A-Za-z0-9_]. */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

function analyzeModel(
  it: Interp,
  parsed: ParsedFile,
  c: Candidate,
  dataset: (number | string)[] | null,
  options: AnalyzeOptions,
  block: boolean,
  budget: Budget,
): ModelResult | null {
  const comment = inputCommentAbove(parsed, c.span);
  const call = comment
    ? undefined
    : it.seenCalls.find(
        (s) => s.key === c.name && s.inputs.length > 0 && s.inputs.every((x) => x !== null),
      );
  // A block its parent called is analysed as that instance, with the input it was given there.
  const fromParent = block && !comment && !call ? it.blockInputs.get(c.name) : undefined;
  // Read before buildRoot, whose own instantiation would otherwise be the first one recorded.
  const ctorArgs = c.cls
    ? (it.firstInstantiation.get(c.cls.name) ?? it.speculativeInstantiation.get(c.cls.name))
    : undefined;
  // The instance the file calls, as it left it: a factory may change a model after building it
  // (torchvision's _replace_relu), which a fresh instance of the class would not show.
  // One the analyser lost track of stays so: a fresh instance would hide what was done to it.
  const called = call?.m && c.cls && call.m.cls === c.cls ? call.m : undefined;
  const root = fromParent ? fromParent.m : (called ?? buildRoot(it, c));
  if (!root) return null;
  const walk = it.newWalk();
  const failed: ModuleInst[] = [];
  nameTree(root, '', walk, failed);
  it.reportConstruction(failed);
  const { input, source, rankGuessed } = chooseInput(it, root, walk, {
    comment,
    call,
    fromParent,
    dataset,
    kind: c.kind,
    name: c.name,
    options,
    block,
  });

  const trace: Trace = { layers: [], variables: [], walk, depth: 0, calls: new CallLog() };
  const overBefore = budget.exceeded;
  // The graph is traced on a symbolic batch, so sizes read from x.size(0) keep their meaning.
  const traced =
    options.flow && input
      ? input.map((s) => (Array.isArray(s) && s.length ? [sym(BATCH_SYMBOL), ...s.slice(1)] : s))
      : input;
  if (options.flow) trace.flow = new FlowRecorder();
  // A block alone, on a guessed input, may well be fine where it is used; and a rank guessed from a
  // layer that takes any rank may be wrong: no diagnostics from such a trace.
  const report = !((block || rankGuessed) && source === 'symbolic');
  const kw = source === 'call' ? call?.kw : undefined;
  const data = source === 'call' ? call?.data : undefined;
  let result = traceForward(it, root, traced, c.nameSpan, trace, report, kw, data);
  let outs: ReturnType<typeof flattenTensors>;
  try {
    outs = flattenTensors(result);
  } catch (e) {
    // A result that holds itself many times over runs out of the model's steps when walked.
    contained(it, e);
    result = {
      k: 'unknown',
      why: e instanceof BudgetExceeded ? e.message : 'analysis stopped: internal analyser error',
    };
    outs = flattenTensors(result);
  }
  const range = it.lines.range(c.nameSpan);
  const line = it.lines.pos(c.span.from).line;
  const { total: params, known } = totalParams(root, it.newWalk());
  const toShape = (s: D[] | null): Shape =>
    s && !s.some((d) => typeof d === 'number' && (d < 0 || !Number.isInteger(d)))
      ? s.map(outDim)
      : null;
  const model: ModelResult = {
    name: c.name,
    line,
    kind: c.kind,
    // None, given as an argument, has no shape.
    // None and a tuple of tensors have no one shape.
    input: input ? input.map((s) => (Array.isArray(s) ? toShape(s) : null)) : [null],
    inputSource: source,
    output: outs[0] ? toShape(outs[0].shape) : null,
    params,
    layers: trace.layers,
    variables: trace.variables,
    range,
  };
  if (c.cls) model.construct = constructArgs(ctorArgs);
  model.modules = moduleTree(
    root,
    trace.calls ?? new CallLog(),
    (sp) => it.lines.range(sp),
    // A definition in another file has no line here: its hint would land on the wrong line.
    (m) => m.torchBuilt === true || (m.defSpan !== undefined && isForeign(m.defSpan.from)),
  );
  // Only a forward followed to its end, every value known, can tell that a module is never called.
  model.traceComplete =
    input !== null &&
    budget.exceeded === overBefore &&
    budget.exceeded === null &&
    outs.length > 0 &&
    outs.every((t) => t.shape !== null) &&
    trace.layers.every((l) => l.output !== null);
  if (trace.flow) model.graph = trace.flow.graph(result);
  if (params === null) model.paramsKnown = known;
  if (result.k === 'seq' || result.k === 'dict') model.outputs = outs.map((t) => toShape(t.shape));
  Object.assign(model, macTotals(trace.layers, outs.length > 0 && outs.every((t) => !!t.shape)));
  model.memory = memoryEstimate(trace.layers, params);
  return model;
}

/**
 * Marks every module of the tree with `walk` and the dotted path it is first reached by (depth first,
 * children in order), collecting those with construction errors in that order.
 */
function nameTree(m: ModuleInst, path: string, walk: number, failed: ModuleInst[]): void {
  if (m.walk === walk) return;
  m.walk = walk;
  m.path = path;
  if (m.ctorDiags) failed.push(m);
  const kids = m.children;
  // Keys then get: an entries loop would build a [key, value] pair per child.
  for (const k of kids.keys())
    nameTree(kids.get(k) as ModuleInst, path ? `${path}.${k}` : k, walk, failed);
}

function buildRoot(it: Interp, c: Candidate): ModuleInst | null {
  if (c.seq) return c.seq;
  if (c.root) return c.root;
  if (!c.cls) return null;
  const args = it.firstInstantiation.get(c.cls.name) ?? noArgs();
  try {
    const v = it.instantiate(c.cls, args, c.nameSpan);
    return v.k === 'module' ? v.m : null;
  } catch (e) {
    contained(it, e);
    budgetNote(it, e, c.nameSpan, `the construction of ${c.name}`);
    return null;
  }
}

/** Constant constructor arguments as JSON; null when any is not a constant (unknown propagates). */
function constructArgs(a: CallArgs | undefined): ModelResult['construct'] {
  if (!a) return { args: [], kwargs: {} };
  const conv = (v: Value): CtorValue | undefined => {
    if (v.k === 'num')
      return typeof v.v === 'number' && Number.isFinite(v.v)
        ? v.float
          ? { $float: v.v }
          : v.v
        : undefined;
    if (v.k === 'str' || v.k === 'bool') return v.v;
    if (v.k === 'none') return null;
    if (v.k === 'seq') {
      const items = v.items.map(conv);
      if (items.some((x) => x === undefined)) return undefined;
      return v.kind === 'tuple' ? { $tuple: items as CtorValue[] } : (items as CtorValue[]);
    }
    return undefined;
  };
  const args = a.pos.map(conv);
  const kwargs: Record<string, CtorValue> = {};
  for (const [k, v] of a.kw) {
    const c = conv(v);
    if (c === undefined) return null;
    kwargs[k] = c;
  }
  return args.some((x) => x === undefined) ? null : { args: args as CtorValue[], kwargs };
}
