// An abstract interpreter for the subset of Python that model files use. It runs `__init__` to build
// module trees (constant arguments, loops, helper functions, user blocks) and runs `forward` on
// tensors whose only property is the shape. Whatever it cannot evaluate becomes "unknown" with a
// reason, and stays unknown downstream: the engine never guesses.
import { type D, isNum, neg } from '../library/dims';
import { LAYERS } from '../library/layers';
import { Cfg, type LayerRule, REQUIRED } from '../library/layers/rule';
import { numel } from '../library/layers/util';
import { keyItems } from '../library/ops/indexing';
import { callOp, tensorAttr } from '../library/registry';
import { PRELUDE } from '../library/prelude';
import { foreignPlace, foreignText } from '../modules/cache';
import type { ModuleHost } from '../modules/host';
import { neutralDecorators } from '../modules/decorators';
import { layerMayOwn, mayBeNone } from './attrPresence';
import { DATACLASS_FIELDS, dataclassInit, inheritedFields, isPlainDataclass } from './dataclass';
import { ModuleLoader } from '../modules/loader';
import { isForeign } from '../modules/spans';
import type { Arg, Expr, Span, Stmt } from '../syntax/ast';
import { parseFile } from '../syntax/lower';
import type {
  DimFormula,
  LayerConfig,
  LayerResult,
  Severity,
  ShapeDiagnostic,
  SourceRange,
} from '../types';
import {
  Budget,
  BudgetExceeded,
  MAX_ITERATIONS,
  activeBudget,
  allocate,
  spend,
  withBudget,
} from './budget';
import {
  type CallArgs,
  EMPTY_VALUES,
  type FuncWithOwner,
  type IndexItem,
  NO_ARGS,
  type NamedTuple,
  type PartialRef,
  type SuperRef,
  findClassAttr,
  findMethod,
  noArgs,
  posArg,
  bound,
} from './calls';
import {
  NO_SOURCES,
  addSources,
  assignedNames,
  lacksSource,
  mergeSources,
  mutatedNames,
  tagTensors,
} from './dataflow';
import type { Evaluator, InputData, ModelArg, SeenCall, Trace } from './evaluator';
import { execImport, extAttr } from './imports';
import { dataOf, tensorsMayHaveChanged } from './tensorData';
import { CallLog } from './moduleTree';
import {
  BASE_LAYER,
  BUILDING_METHODS,
  LeafCall,
  type ModuleWithRule,
  NOT_MODULES,
  NO_ATTRS,
  NO_CHILDREN,
  NO_UNKNOWN_ARGS,
  type ParamTensor,
  SIZE_ARGS,
  addChildren,
  argSite,
  badSize,
  bindConfig,
  decoratedWhy,
  isFloatSize,
  loseContents,
  nonPositive,
  ownAttrs,
  ownChildren,
  paramShape,
  ruleDoc,
  sigIndex,
  sigNames,
  someNum,
} from './modules';
import { displayPath, isModuleBase, nnName, torchBase } from './names';
import { cloneParams, isParam, isParamContainer } from './params';
import {
  BUILTINS,
  COMPARISONS,
  arith,
  dictGet,
  dictSet,
  flattenTensors,
  fromConfig,
  isSane,
  iterate,
  mergeValues,
  numOf,
  repeatSeq,
  resultShape,
  saneValue,
  sliceLength,
  sliceRange,
  strBin,
  truthy,
  valueEq,
} from './semantics';
import {
  type ClassInfo,
  type CtorDiag,
  type FuncV,
  type ModuleInst,
  Scope,
  type TensorV,
  type Value,
  modValue,
  none,
  unknown,
} from './values';

/**
 * 'unsure': a break or continue under a condition the analyser cannot evaluate, outside a traced
 * forward; the loop it is in cannot tell which iterations ran, so what it changes becomes unknown.
 * 'unsureReturn': likewise a return: what the function returns is unknown, and so is what anything
 * after that point (in its block, the loops around it, their blocks) changes, since it may not run.
 */
type Flow = 'normal' | 'break' | 'continue' | 'return' | 'unsure' | 'unsureReturn';

/**
 * copy.copy (depth 0) or copy.deepcopy of an object: its attributes in a new map; lists, dicts and
 * objects inside copied too for a deep copy, down to `depth` levels (deeper is unknown).
 */
function copyObj(v: Value & { k: 'obj' }, depth: number): Value {
  const deep = (x: Value, d: number): Value => {
    if (x.k === 'seq' || x.k === 'dict' || x.k === 'obj') {
      if (d < 0) return unknown('deepcopy() of a value nested too deep to follow');
      if (x.k === 'seq') return { ...x, items: x.items.map((y) => deep(y, d - 1)) };
      if (x.k === 'dict') return { ...x, vals: x.vals.map((y) => deep(y, d - 1)) };
      return { ...x, attrs: new Map([...x.attrs].map(([k, y]) => [k, deep(y, d - 1)])) };
    }
    return x;
  };
  if (depth === 0) return { ...v, attrs: new Map(v.attrs) };
  return deep(v, depth);
}

/** The names of forward's tensor arguments, for layers whose first ones are not just `input`. */
const FORWARD_NAMES: ReadonlyMap<string, readonly string[]> = new Map([
  ['MultiheadAttention', ['query', 'key', 'value']],
  ['TransformerEncoderLayer', ['src']],
  ['TransformerDecoderLayer', ['tgt', 'memory']],
  ['Transformer', ['src', 'tgt']],
]);
const INPUT_NAME: readonly string[] = ['input'];

/** Keyword inputs moved to the positions forward gives them, as far as they are given in order. */
function namedInputs(a: CallArgs, names: readonly string[]): CallArgs {
  const pos = [...a.pos];
  const kw = new Map(a.kw);
  const posArgs: (Arg | undefined)[] = [];
  for (let i = 0; i < a.pos.length; i++) posArgs.push(posArg(a, i));
  const moved = new Set<string>();
  for (let i = a.pos.length; i < names.length; i++) {
    const v = kw.get(names[i]);
    if (v === undefined) break;
    pos.push(v);
    kw.delete(names[i]);
    moved.add(names[i]);
    let arg: Arg | undefined;
    for (const x of a.kwArgs) if (x.name === names[i]) arg = x;
    posArgs.push(arg);
  }
  const out: CallArgs = {
    pos,
    kw,
    posArgs,
    kwArgs: a.kwArgs.filter((x) => x.name === undefined || !moved.has(x.name)),
  };
  if (a.lost) out.lost = a.lost;
  return out;
}

interface Frame {
  ret: Value;
  cls?: ClassInfo;
  self?: Value;
  traced: boolean;
  /**
   * Values returned early under a condition the analyser cannot decide (`if c: return x`); the
   * function's result is the merge of these and its final return (see mergeValues).
   */
  altRets?: { v: Value; line: number }[];
}

/**
 * Exceptions that unwind the interpreter on purpose and must not be swallowed per statement.
 * Not an Error subclass: capturing a stack trace per probe costs more than the probe itself.
 */
class ControlSignal {
  constructor(readonly message: string) {}
}
/** Thrown when the probe input reaches its first layer; carries the input that layer accepts. */
export class ProbeFound extends ControlSignal {
  constructor(
    readonly shape: (number | string)[] | null,
    readonly rankGuessed = false,
  ) {
    super('probe');
  }
}
export const PROBE_WHY = '\u0000probe';

/** Whether statements hold a break or continue of the loop around them (not of a loop inside). */
function leavesLoop(stmts: Stmt[]): boolean {
  for (const st of stmts) {
    if (st.t === 'flow' && (st.what === 'break' || st.what === 'continue')) return true;
    if (st.t === 'if' && (leavesLoop(st.body) || leavesLoop(st.orelse))) return true;
    if (st.t === 'block' && leavesLoop(st.body)) return true;
  }
  return false;
}

/** Whether statements hold a return of their function (not of a function defined inside). */
function mayReturn(stmts: Stmt[]): boolean {
  for (const st of stmts) {
    if (st.t === 'return') return true;
    if (st.t === 'if' && (mayReturn(st.body) || mayReturn(st.orelse))) return true;
    if ((st.t === 'block' || st.t === 'for' || st.t === 'while') && mayReturn(st.body)) return true;
  }
  return false;
}

/** dict methods that leave the dict as it is. */
const READ_ONLY_DICT = new Set(['get', 'copy', '__len__', '__contains__']);

// Shared constants: numbers, booleans and None are never mutated (operations build new ones), so a
// literal `0`, `True` or `None` need not be a fresh object each time it is evaluated.
const SMALL_INTS: readonly Value[] = Array.from({ length: 1025 }, (_, v): Value => ({
  k: 'num',
  v,
}));
const TRUE: Value = { k: 'bool', v: true };
const FALSE: Value = { k: 'bool', v: false };
let sharedPrelude: Scope | undefined;
const MAX_DEPTH = 60;
const ZERO_SPAN: Span = { from: 0, to: 0 };

/**
 * Offsets to 1-based lines and columns, specialised for the interpreter: `range`
 * builds its one result object directly, since every traced layer call asks for one or two ranges.
 */
export class SourceLines {
  /**
   * Where a position in an imported file is shown: the analysed file's call that led into it (see
   * Interp.anchors). Set by the interpreter; without it such positions fall on the first line.
   */
  anchor: () => Span = () => ZERO_SPAN;
  // A plain array of small integers: a typed array's backing store costs more to allocate than a
  // small file's whole line table.
  private readonly starts: number[] = [0];
  private readonly count: number;
  constructor(src: string) {
    for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) this.starts.push(i + 1);
    this.count = this.starts.length;
  }
  /** The line found last: consecutive lookups are mostly on the same or a nearby line. */
  private last = 0;
  /** 0-based index of the line holding `offset`. */
  private lineOf(offset: number): number {
    const st = this.starts;
    const h = this.last;
    if (st[h] <= offset && (h + 1 >= this.count || offset < st[h + 1])) return h;
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (st[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.last = lo;
    return lo;
  }
  pos(offset: number): { line: number; column: number } {
    if (isForeign(offset)) return this.pos(this.anchor().from);
    const l = this.lineOf(offset);
    return { line: l + 1, column: offset - this.starts[l] + 1 };
  }
  range(sp: Span): SourceRange {
    if (isForeign(sp.from)) return this.range(this.anchor());
    const a = this.lineOf(sp.from);
    const b = sp.to === sp.from ? a : this.lineOf(sp.to);
    return {
      line: a + 1,
      column: sp.from - this.starts[a] + 1,
      endLine: b + 1,
      endColumn: sp.to - this.starts[b] + 1,
    };
  }
  lineStart(line: number): number {
    return this.starts[line - 1] ?? 0;
  }
}

/**
 * What the interpreter is doing, given to inPhase: discovering the file's models (`speculative` while
 * it runs functions nothing calls), probing one model's input, or tracing its forward.
 */
export type Phase =
  | { kind: 'idle' }
  | { kind: 'discover'; speculative: boolean }
  | { kind: 'probe'; trace: Trace }
  | { kind: 'trace'; trace: Trace; report: boolean };
const IDLE: Phase = { kind: 'idle' };

export class Interp implements Evaluator {
  readonly globals = new Scope();
  readonly lines: SourceLines;
  diagnostics: ShapeDiagnostic[] = [];
  private diagKeys = new Set<string>();
  /** The phase running now (see inPhase); idle between phases. */
  private phase: Phase = IDLE;
  /** Discovery mode: module calls are recorded, not traced. */
  get discovering(): boolean {
    return this.phase.kind === 'discover';
  }
  /** The trace being collected (a model's forward, or its input probe); null outside one. */
  get trace(): Trace | null {
    return this.phase.kind === 'trace' || this.phase.kind === 'probe' ? this.phase.trace : null;
  }
  /** Running forward on the probe marker to learn what input the model accepts (see ProbeFound). */
  get probing(): boolean {
    return this.phase.kind === 'probe';
  }
  /**
   * Discovery running a function nothing called, with no arguments: what it builds says nothing
   * about how the file builds its classes, so it records no instantiation.
   */
  get speculative(): boolean {
    return this.phase.kind === 'discover' && this.phase.speculative;
  }
  seenCalls: SeenCall[] = [];
  firstInstantiation = new Map<string, CallArgs>();
  imports = new Set<string>();
  /** Steps, elements and time for this file (budget.ts); free functions charge it through the active budget. */
  budget: Budget;
  private depth = 0;
  private nextId = 1;
  private nextWalk = 1;
  /**
   * Whether diagnostics count: in a reporting trace (see inPhase) and in reportAnyway, so they come only
   * from analysed runs; off inside the branches of an undecided `if`.
   */
  private reporting = false;
  /** How many branches of undecided `if`s the interpreter is in: their layer calls may not happen. */
  private undecided = 0;
  private torchDepth = 0;
  /** The file's own call that led into torch's code, where a module called from there was called. */
  private userCallSite: Span | undefined;
  /** Functions run during discovery, so it can also look inside the ones nothing calls. */
  calledFuncs = new Set<Span>();
  /**
   * The first traced call of each class's instances with known input shapes, by class name: a building
   * block's input is the one its parent gives it.
   */
  blockInputs = new Map<string, { m: ModuleInst; inputs: D[][] }>();
  /**
   * The first instantiation of each class made while `speculative`: not used for shapes (see above),
   * only as the constructor arguments the PyTorch runner builds a class with when nothing else built it
   * (`def make_model(): return Net(4)`).
   */
  speculativeInstantiation = new Map<string, CallArgs>();
  /** Module classes instantiated inside another module's __init__: building blocks, unless also built on their own. */
  nestedClasses = new Set<string>();
  /** Classes instantiated outside any module's __init__ (the file's own models). */
  topInstantiated = new Set<string>();
  private initDepth = 0;
  /**
   * Training translates the forward as PyTorch trains it: in train mode, whatever mode the file
   * leaves its model in, so `eval()`/`train(mode)` are not followed (set for `flow`).
   */
  alwaysTraining = false;

  constructor(
    readonly src: string,
    budget: Budget = activeBudget(),
    /** Tests: an internal error is thrown instead of costing one statement (or one model). */
    readonly strict = false,
    /** Where imports are read from, and the analysed file's path; without a host imports stay external. */
    modules?: { host: ModuleHost; file?: string },
  ) {
    this.budget = budget;
    this.lines = new SourceLines(src);
    this.lines.anchor = () => this.anchors[this.anchors.length - 1] ?? ZERO_SPAN;
    if (modules)
      this.loader = new ModuleLoader(modules.host, modules.file, {
        run: (stmts, scope) => this.runModule(stmts, scope),
        newScope: (name) => {
          const sc = new Scope();
          sc.vars.set('__name__', { k: 'str', v: name });
          return sc;
        },
        prelude: () => this.prelude,
        newId: () => this.nextId++,
      });
    for (const [alias, path] of [
      ['torch', 'torch'],
      ['nn', 'torch.nn'],
      ['F', 'torch.nn.functional'],
    ]) {
      this.globals.vars.set(alias, { k: 'ext', path });
    }
    if (!sharedPrelude) {
      // Run once per process: its classes and functions never change, and the instances built from
      // them belong to each analysis, so every Interp can share the one scope.
      const prelude = new Scope();
      for (const [alias, path] of [
        ['torch', 'torch'],
        ['nn', 'torch.nn'],
        ['F', 'torch.nn.functional'],
      ]) {
        prelude.vars.set(alias, { k: 'ext', path });
      }
      const frame: Frame = { ret: none, traced: false };
      // On a budget of its own: the prelude is the same for every file, and no file's limits may cut it short.
      const own = new Budget();
      this.budget = own;
      withBudget(own, () => {
        for (const st of parseFile(PRELUDE).stmts) this.exec(st, prelude, frame);
      });
      this.budget = budget;
      sharedPrelude = prelude;
    }
    this.prelude = sharedPrelude;
  }

  /** torch.nn classes written in Python (prelude.ts), kept apart from the file's own names. */
  readonly prelude: Scope;
  /** Follows imports into other files (modules/loader.ts); absent when no host was given. */
  readonly loader?: ModuleLoader;
  /**
   * The analysed file's calls being evaluated, innermost last: what runs in an imported file is shown
   * at the call that led into it.
   */
  private readonly anchors: Span[] = [];

  /** The source text of a span, in whichever file it is. */
  text(sp: Span): string {
    return isForeign(sp.from) ? foreignText(sp.from, sp.to) : this.src.slice(sp.from, sp.to);
  }

  /** `line 12`, or `models/blocks.py line 12` for code read from another file. */
  lineLabel(offset: number): string {
    if (!isForeign(offset)) return `line ${this.lines.pos(offset).line}`;
    const at = foreignPlace(offset);
    return at ? `${at.file} line ${at.line}` : 'in an imported file';
  }

  /** Whether the file imports the top-level package of `path`. */
  private importedTop(path: string): boolean {
    const top = path.split('.')[0];
    for (const p of this.imports) if (p === top || p.startsWith(top + '.')) return true;
    return false;
  }

  /**
   * An external name read from a file when the loader can (`models.blocks.Bottleneck` → the class);
   * otherwise it stays external.
   */
  private resolveExt(v: Value & { k: 'ext' }): Value {
    return (!v.self && this.loader?.lookup(v.path)) || v;
  }

  /**
   * An imported module's top level, run once in its own scope: as discovery does for a function
   * nothing calls, so it records no model of the analysed file, traces nothing and reports nothing.
   */
  private runModule(stmts: Stmt[], scope: Scope): void {
    const frame: Frame = { ret: none, traced: false };
    const initDepth = this.initDepth;
    this.initDepth = 0;
    // What the analysed file's discovery reads is the file's own: an imported top level (run once
    // and kept, modules/loader.ts) leaves none of it, whichever analysis happened to run it.
    const saved = [this.seenCalls, this.imports, this.calledFuncs, this.nestedClasses] as const;
    const savedTop = this.topInstantiated;
    const savedSpec = this.speculativeInstantiation;
    this.speculativeInstantiation = new Map();
    this.seenCalls = [];
    this.imports = new Set();
    this.calledFuncs = new Set();
    this.nestedClasses = new Set();
    this.topInstantiated = new Set();
    try {
      this.inPhase({ kind: 'discover', speculative: true }, () => {
        for (const st of stmts) {
          try {
            this.exec(st, scope, frame);
          } catch (e) {
            if (e instanceof BudgetExceeded || e instanceof ControlSignal || this.strict) throw e;
          }
        }
      });
    } finally {
      this.initDepth = initDepth;
      [this.seenCalls, this.imports, this.calledFuncs, this.nestedClasses] = saved;
      this.topInstantiated = savedTop;
      this.speculativeInstantiation = savedSpec;
    }
  }

  private isPreludeClass(cls: ClassInfo): boolean {
    for (const v of this.prelude.vars.values()) if (v.k === 'class' && v.cls === cls) return true;
    return false;
  }

  /** A number no module's `walk` holds yet, to mark the modules one walk over a tree reaches. */
  newWalk(): number {
    return this.nextWalk++;
  }

  /** copy.deepcopy of a module: a fresh tree with the same configuration. */
  cloneModule(m: ModuleInst): ModuleInst {
    const c: ModuleInst = {
      ...m,
      id: this.nextId++,
      children: new Map(),
      attrs: m.attrs.size ? new Map(m.attrs) : (NO_ATTRS as Map<string, Value>),
      paramAttrs: m.paramAttrs && cloneParams(m.paramAttrs),
      ref: undefined,
      walk: 0,
      path: undefined,
    };
    if (c.paramAttrs) for (const [k, v] of c.paramAttrs) if (c.attrs.has(k)) c.attrs.set(k, v);
    for (const [k, ch] of m.children) c.children.set(k, this.cloneModule(ch));
    return c;
  }

  // ───────────────────────── modules ─────────────────────────

  /** `config` is given by buildLeaf, which has already built the layer's. */
  newModule(kind: ModuleInst['kind'], type: string, site?: Span, config?: LayerConfig): ModuleInst {
    // Every optional field is present from the start, so all modules share one object shape and the
    // interpreter's property reads stay monomorphic (measurably faster than adding fields later).
    const m: ModuleInst & {
      rule: LayerRule | undefined;
      cfg: Cfg | undefined;
      argWhy: string | undefined;
    } = {
      id: this.nextId++,
      type,
      kind,
      config: config ?? {},
      ctorArgs: undefined,
      // A leaf rarely gets submodules, and containers rarely attributes: they share the empty maps
      // until they do.
      children: kind === 'leaf' ? (NO_CHILDREN as Map<string, ModuleInst>) : new Map(),
      attrs: NO_ATTRS as Map<string, Value>,
      ownParams: 0,
      cls: undefined,
      defSpan: site,
      origin: undefined,
      sharedParams: undefined,
      paramAttrs: undefined,
      invalid: undefined,
      why: undefined,
      opaque: undefined,
      ctorDiags: undefined,
      ref: undefined,
      walk: 0,
      path: undefined,
      rule: undefined,
      cfg: undefined,
      argWhy: undefined,
      torchBuilt: this.torchDepth > 0 ? true : undefined,
    };
    return m;
  }

  buildLeaf(rule: LayerRule, a: CallArgs, site: Span): Value {
    const values: LayerConfig = {};
    const m = this.newModule('leaf', rule.type, site, values);
    // Set before any check runs: argSite finds the parameter names through the rule.
    (m as ModuleWithRule).rule = rule;
    // Allocated only when some argument is unknown.
    let unknownArgs: Set<string> | null = null;
    const sig = rule.sig;
    const names = sigNames(rule);
    // Bind positional then keyword arguments to the signature's names (a keyword given twice, or
    // after the same positional, wins, as the old per-argument maps had it).
    const npos = a.pos.length < sig.length ? a.pos.length : sig.length;
    let floats: string[] | null = null;
    for (let i = 0; i < npos; i++) {
      if (!bindConfig(values, names[i], a.pos[i])) {
        (unknownArgs ??= new Set()).add(names[i]);
        if (a.pos[i].k === 'unknown')
          (m as ModuleWithRule).argWhy ??= (a.pos[i] as { why: string }).why;
      } else if (isFloatSize(rule.type, names[i], a.pos[i])) (floats ??= []).push(names[i]);
    }
    // The first unknown positional argument's reason (a value over the budget, a loop that did not
    // end) becomes the layer's, rather than only "out_features could not be evaluated".
    if (unknownArgs)
      for (let i = 0; i < npos && !m.why; i++)
        if (a.pos[i].k === 'unknown' && unknownArgs.has(names[i]))
          m.why = `${rule.type}: ${names[i]} is unknown: ${(a.pos[i] as { why: string }).why}`;
    // Keys then get: an entries loop would build a [key, value] pair per argument.
    // A keyword is stored under the signature's own string for its name: the source's copy is not
    // internalised, and V8 looks every such property key up in its string table on each store and read.
    if (a.kw.size)
      for (const k of a.kw.keys()) {
        const i = sigIndex(sig, k);
        if (i < 0) continue;
        const v = a.kw.get(k) as Value;
        if (!bindConfig(values, names[i], v)) {
          (unknownArgs ??= new Set()).add(names[i]);
          if (v.k === 'unknown') (m as ModuleWithRule).argWhy ??= v.why;
        } else if (isFloatSize(rule.type, names[i], v)) (floats ??= []).push(names[i]);
      }
    m.ctorArgs = a;
    if (a.lost)
      for (let i = a.lost.pos; i < sig.length; i++)
        if (!a.kw.has(names[i])) {
          delete values[names[i]];
          (unknownArgs ??= new Set()).add(names[i]);
          m.why = `${rule.type}(): ${a.lost.why}`;
        }
    for (let i = 0; i < sig.length; i++) {
      const name = names[i];
      const def = sig[i][1];
      if (name in values || unknownArgs?.has(name)) continue;
      if (def === REQUIRED) {
        (unknownArgs ??= new Set()).add(name);
        m.why = `${rule.type}() is missing the argument ${name}`;
      } else values[name] = def;
    }
    // A float where PyTorch allocates a weight of that size (`mid = planes / 4`) is a TypeError.
    if (floats)
      for (const name of floats) {
        const v = values[name];
        const why = `${rule.type}: ${name}=${typeof v === 'number' && Number.isInteger(v) ? v.toFixed(1) : JSON.stringify(v)} is a float`;
        this.ctorFail(
          m,
          {
            code: 'invalid-argument',
            severity: 'error',
            message: `${why}; PyTorch raises TypeError ("empty() received an invalid combination of arguments"). Use an int (\`//\` divides to an int).`,
            arg: name,
          },
          why,
        );
      }
    // Insertion order of `values` is the order the checks below have always run in.
    for (const name in values) {
      const v = values[name];
      // PyTorch rejects negative sizes when it allocates the weights ("negative dimension").
      // Padding layers take negative padding: they crop (NASNet's `ConstantPad2d((-1, 0, -1, 0), 0)`).
      const crops = name === 'padding' && /Pad[123]d$/.test(rule.type);
      if (SIZE_ARGS.has(name) && !crops && someNum(v, badSize)) {
        const why = `${rule.type}: ${name}=${JSON.stringify(v)} is not a valid size`;
        this.ctorFail(
          m,
          {
            code: 'invalid-argument',
            severity: 'error',
            message: `${why}; PyTorch raises "Trying to create tensor with negative dimension" or a similar error.`,
            arg: name,
          },
          why,
        );
      }
      if ((name === 'kernel_size' || name === 'stride') && someNum(v, nonPositive)) {
        const why = `${rule.type}: ${name} must be greater than zero`;
        this.ctorFail(
          m,
          {
            code: 'invalid-argument',
            severity: 'error',
            message: `${why}; PyTorch raises an error.`,
            arg: name,
          },
          why,
        );
      }
    }
    const cfg = new Cfg(values, unknownArgs ?? (NO_UNKNOWN_ARGS as Set<string>));
    rule.normalize?.(cfg);
    const bad = rule.check?.(cfg);
    if (bad) this.ctorFail(m, bad, bad.why);
    // A layer PyTorch refuses to build has no parameters to count.
    m.ownParams = m.invalid ? null : rule.params ? rule.params(cfg) : 0;
    (m as ModuleWithRule).cfg = cfg;
    return modValue(m);
  }

  /**
   * A construction error of leaf `m`, kept on the module and reported when a model containing it is
   * analysed (reportConstruction), since PyTorch raises it when the layer is built, not when it is called.
   */
  private ctorFail(m: ModuleInst, d: CtorDiag, why: string): void {
    m.invalid = why;
    (m.ctorDiags ??= []).push(d);
    this.argDiag(m, d);
  }

  /**
   * A stand-in for a module the analyser cannot build (an imported class, an unsupported layer, an
   * unknown item of a Sequential): calling it gives an unknown output, and its parameters are unknown.
   */
  opaqueModule(why: string, site?: Span): ModuleInst {
    const m = this.newModule('user', 'unknown', site);
    m.opaque = why;
    m.ownParams = null;
    return m;
  }

  /** What addChildren stores for an item that is not a module. */
  private readonly opaqueChild = (v: Value): ModuleInst =>
    this.opaqueModule(v.k === 'unknown' ? v.why : `a ${v.k} where a module was expected`);

  instantiate(cls: ClassInfo, a: CallArgs, site: Span): Value {
    if (isForeign(cls.span.from)) return this.instantiateInner(cls, a, site);
    if (cls.isModule && !this.speculative && !this.firstInstantiation.has(cls.name))
      this.firstInstantiation.set(cls.name, a);
    if (cls.isModule && this.speculative && !this.speculativeInstantiation.has(cls.name))
      this.speculativeInstantiation.set(cls.name, a);
    if (cls.isModule && !this.speculative && this.discovering && this.initDepth === 0)
      this.topInstantiated.add(cls.name);
    if (cls.isModule && this.initDepth > 0) this.nestedClasses.add(cls.name);
    this.initDepth++;
    try {
      return this.instantiateInner(cls, a, site);
    } finally {
      this.initDepth--;
    }
  }

  private instantiateInner(cls: ClassInfo, a: CallArgs, site: Span): Value {
    let selfV: Value;
    if (cls.isModule) {
      const m = this.newModule('user', cls.name, site);
      m.cls = cls;
      selfV = modValue(m);
    } else selfV = { k: 'obj', cls, attrs: new Map() };
    const init = findMethod(cls, '__init__');
    if (init) {
      this.callFunc(init.fn, a, init.cls, selfV);
    } else if (cls.isModule) {
      // A class without __init__ inherits its base's: nn.Sequential(*mods) and friends.
      this.superInit(cls, selfV, a);
    }
    return selfV;
  }

  /** super().__init__(...) reaching a torch.nn base: nn.Sequential/ModuleList/ModuleDict take modules. */
  private superInit(cls: ClassInfo, selfV: Value, a: CallArgs): void {
    if (selfV.k !== 'module') return;
    const base = torchBase(cls);
    if (base === 'Sequential' || base === 'ModuleList')
      addChildren(selfV.m, a.pos, base === 'Sequential', this.opaqueChild);
    else if (base === 'ModuleDict') addChildren(selfV.m, a.pos, false, this.opaqueChild);
    if (a.lost && (base === 'Sequential' || base === 'ModuleList' || base === 'ModuleDict'))
      loseContents(selfV.m, a.lost.why);
    const rule = base ? LAYERS.get(base) : undefined;
    if (rule) {
      // class LayerNorm2d(nn.LayerNorm), class MyTransformer(nn.Transformer): the instance is that layer,
      // built from these arguments; its parameters are the module's own.
      const leaf = this.buildLeaf(rule, a, selfV.m.defSpan ?? { from: 0, to: 0 });
      if (leaf.k === 'module') {
        selfV.m.ownParams = leaf.m.ownParams;
        ownAttrs(selfV.m).set(BASE_LAYER, leaf);
      }
    }
  }

  /** A call of the torch layer a user class derives from (its forward, or super().forward), under the instance's name. */
  private callBaseLayer(m: ModuleInst, a: CallArgs, site: Span): Value | null {
    const b = m.attrs.get(BASE_LAYER);
    if (!b || b.k !== 'module') return null;
    b.m.walk = m.walk;
    b.m.path = m.path;
    b.m.defSpan ??= m.defSpan;
    return this.callModule(b.m, a, site, site);
  }

  /**
   * nn.ParameterList / nn.ParameterDict: a list or dict of the given tensors, each made a Parameter as
   * PyTorch does; an item that is not a tensor stays as it is, and makes the count unknown.
   */
  private paramContainer(kind: 'ParameterList' | 'ParameterDict', init: Value | undefined): Value {
    const asParam = (x: Value): Value =>
      x.k === 'tensor' && !isParam(x) ? ({ ...x, param: true, pid: {} } as ParamTensor) : x;
    if (kind === 'ParameterDict') {
      const d: Value & { k: 'dict' } = { k: 'dict', keys: [], vals: [] };
      if (init && init.k === 'dict') {
        d.keys.push(...init.keys);
        d.vals.push(...init.vals.map(asParam));
      } else if (init && init.k !== 'none') d.vals.push(unknown('ParameterDict items unknown'));
      return Object.assign(d, { paramContainer: true as const });
    }
    const items = init ? iterate(init) : [];
    const list: Value & { k: 'seq' } = {
      k: 'seq',
      kind: 'list',
      items: items ? items.map(asParam) : [unknown('ParameterList items unknown')],
    };
    return Object.assign(list, { paramContainer: true as const });
  }

  setModuleAttr(m: ModuleInst, name: string, v: Value): void {
    const pv = v as ParamTensor;
    const base = m.attrs.get(BASE_LAYER);
    if (
      base?.k === 'module' &&
      (v.k === 'module' || isParam(v) || isParamContainer(v) || v.k === 'unknown') &&
      layerMayOwn(base.m.type, name)
    ) {
      // `class TransformerModel(nn.Transformer)` assigning `self.decoder = nn.Linear(...)`: PyTorch
      // drops the layer's own decoder, whose share of the layer's count is not known here.
      m.ownParams = null;
      m.why ??= `replaces the ${base.m.type}'s own ${name}, whose parameters are part of the layer's count`;
    }
    if (isParam(v) || isParamContainer(v)) {
      // A leaf's own weight replaced (tied to another layer's, or a new Parameter): the rule's count
      // loses it, and the tensor that replaces it is counted once with the other held parameters.
      if (m.kind === 'leaf' && (name === 'weight' || name === 'bias') && pv.paramOf !== m) {
        if (!m.paramAttrs?.has(name)) {
          const own = numel(paramShape(m, name));
          if (own === null) m.ownParams = null;
          else m.sharedParams = (m.sharedParams ?? 0) + own;
        }
      }
      if (!(m.kind === 'leaf' && pv.paramOf === m)) (m.paramAttrs ??= new Map()).set(name, v);
      if (m.kind === 'leaf' && pv.paramOf) return;
    } else if (m.paramAttrs?.has(name)) m.paramAttrs.delete(name);
    if (v.k === 'module') {
      ownChildren(m).set(name, v.m);
      m.attrs.delete(name);
      return;
    }
    if (v.k === 'unknown' && v.call === 'module') {
      // `self.block = ImportedBlock(3, 64)`: may be a submodule, with parameters the total must not miss.
      ownChildren(m).set(name, this.opaqueModule(v.why));
      m.attrs.delete(name);
      return;
    }
    if (m.children.has(name) && v.k === 'none') {
      m.children.delete(name);
    }
    ownAttrs(m).set(name, v);
  }

  // ───────────────────────── diagnostics ─────────────────────────

  /** A layer's diagnostic, at the constructor argument `d.arg` when it was written, with its quick fix. */
  argDiag(m: ModuleInst, d: CtorDiag, site?: Span): void {
    if (!this.reporting) return;
    const found = d.arg ? argSite(m, d.arg) : null;
    const sp = found?.span;
    const at = sp ?? m.defSpan ?? site;
    if (!at) return;
    // A constant argument is replaced outright; an expression (a variable, `dim * 2`) still gets
    // the number, and the title says which expression it replaces.
    const written = sp ? this.text(sp) : '';
    const title = found?.isConst
      ? `Change ${d.arg} to ${d.fixValue}`
      : `Replace ${written} (${d.arg}) with ${d.fixValue}`;
    const fix = sp && d.fixValue !== undefined ? { span: sp, value: d.fixValue, title } : undefined;
    this.diag(d.code, d.severity, d.message, at, fix);
  }

  /**
   * Reports what PyTorch would raise while building the modules of an analysed model (a negative size,
   * padding='same' with a stride), whether or not forward reaches them: the model cannot be built.
   */
  reportConstruction(modules: Iterable<ModuleInst>): void {
    this.reportAnyway(() => {
      for (const m of modules) if (m.ctorDiags) for (const d of m.ctorDiags) this.argDiag(m, d);
    });
  }

  /**
   * Runs `f` in `phase`: discovery (module calls recorded, not traced), a model's input probe, or a
   * model's traced forward (diagnostics counted only if `report`). The phase before is restored after.
   */
  inPhase<T>(phase: Phase, f: () => T): T {
    const saved = this.phase;
    const wasReporting = this.reporting;
    this.phase = phase;
    this.reporting = phase.kind === 'trace' && phase.report;
    try {
      return f();
    } finally {
      this.phase = saved;
      this.reporting = wasReporting;
    }
  }

  /** Runs `f` with its diagnostics counted whatever the phase: what stops construction or the analysis. */
  reportAnyway<T>(f: () => T): T {
    const was = this.reporting;
    this.reporting = true;
    try {
      return f();
    } finally {
      this.reporting = was;
    }
  }

  diag(
    code: string,
    severity: Severity,
    message: string,
    span: Span,
    fix?: { span: Span; value: number | string; title: string },
  ): void {
    // Only the analysed file's own code is diagnosed: a problem inside an imported file is reported
    // when that file is analysed (where a fix can be offered), and library code is not the user's.
    if (!this.reporting || isForeign(span.from)) return;
    const key = `${code}@${span.from}:${span.to}`;
    if (this.diagKeys.has(key)) return;
    this.diagKeys.add(key);
    const range = this.lines.range(span);
    const d: ShapeDiagnostic = {
      line: range.line,
      column: range.column,
      range,
      severity,
      code,
      message,
    };
    if (fix)
      d.fix = { title: fix.title, range: this.lines.range(fix.span), newText: String(fix.value) };
    this.diagnostics.push(d);
  }

  // ───────────────────────── statements ─────────────────────────

  execBlock(stmts: Stmt[], scope: Scope, frame: Frame): Flow {
    // Indexed loops here and in other per-statement and per-call paths: an array iterator is an
    // allocation whenever the function is not optimised.
    for (let i = 0; i < stmts.length; i++) {
      const f = this.exec(stmts[i], scope, frame);
      if (f === 'unsureReturn' && i + 1 < stmts.length) {
        const rest = stmts.slice(i + 1);
        const why = `may not run: the function may have returned before, on a condition the analyser cannot evaluate (${this.lineLabel(stmts[i].from)})`;
        for (const name of assignedNames(rest)) scope.vars.set(name, unknown(why));
        this.forgetMutations(rest, scope, frame, why);
      }
      if (f !== 'normal') return f;
    }
    return 'normal';
  }

  private tick(): void {
    this.budget.step();
  }

  exec(s: Stmt, scope: Scope, frame: Frame): Flow {
    this.tick();
    try {
      return this.execInner(s, scope, frame);
    } catch (e) {
      if (e instanceof ControlSignal || e instanceof BudgetExceeded || this.strict) throw e;
      // An internal failure on one statement loses that statement, not the analysis.
      if (s.t === 'assign')
        for (const t of s.targets)
          this.assign(t, unknown('statement could not be analysed'), scope, frame);
      return 'normal';
    }
  }

  private execInner(s: Stmt, scope: Scope, frame: Frame): Flow {
    switch (s.t) {
      case 'expr':
        this.eval(s.e, scope, frame);
        return 'normal';
      case 'assign': {
        const v = this.eval(s.value, scope, frame);
        const targets = s.targets;
        for (let i = 0; i < targets.length; i++) this.assign(targets[i], v, scope, frame);
        return 'normal';
      }
      case 'aug': {
        const cur = this.eval(s.target, scope, frame);
        const rhs = this.eval(s.value, scope, frame);
        if (
          cur.k === 'seq' &&
          cur.kind === 'list' &&
          s.op === '+' &&
          (rhs.k === 'seq' || rhs.k === 'module')
        ) {
          // list += iterable mutates in place (layers += [conv, nn.ReLU()]).
          const items = iterate(rhs);
          // A loop rather than push(...items), which copies the items into an argument list first.
          if (items) for (let i = 0, n = items.length; i < n; i++) cur.items.push(items[i]);
          else cur.items.push(unknown('list extended with an unknown iterable'));
          return 'normal';
        }
        if (
          cur.k === 'module' &&
          s.op === '+' &&
          (cur.m.kind === 'ModuleList' || cur.m.kind === 'Sequential')
        ) {
          // `self.layers += [Block(...)]` extends a ModuleList in place (maxvit's MaxVitBlock), and
          // `seq += other_sequential` a Sequential; PyTorch raises for anything else.
          if (cur.m.kind === 'ModuleList') this.moduleMethod(cur, 'extend', noArgs([rhs]), s);
          else if (rhs.k === 'module' && rhs.m.kind === 'Sequential')
            addChildren(
              cur.m,
              [...rhs.m.children.values()].map(modValue),
              true,
              this.opaqueChild,
              cur.m.children.size,
            );
          else loseContents(cur.m, 'extended with something the analyser cannot follow');
          return 'normal';
        }
        const res = this.binop(s.op, cur, rhs, s);
        // PyTorch writes `t += y` into t itself, which any other name for t then sees.
        if (cur.k === 'tensor') {
          this.trace?.flow?.markInplace(res);
          tensorsMayHaveChanged();
        }
        // `s |= other` changes the set itself, seen by every name for it.
        if (cur.k === 'ext' && cur.path === 'set()') cur.self = unknown('a set changed in place');
        this.assign(s.target, res, scope, frame);
        return 'normal';
      }
      case 'return':
        frame.ret = s.value ? this.eval(s.value, scope, frame) : none;
        return 'return';
      case 'if': {
        const c = truthy(this.eval(s.test, scope, frame));
        if (c === true) return this.execBlock(s.body, scope, frame);
        if (c === false) return this.execBlock(s.orelse, scope, frame);
        if (this.trace && !this.discovering) return this.execBothBranches(s, scope, frame);
        // Unknown condition outside a traced forward: anything either branch assigns or may change becomes unknown.
        const why = `depends on a condition the analyser cannot evaluate (${this.lineLabel(s.from)})`;
        for (const name of assignedNames([...s.body, ...s.orelse]))
          scope.vars.set(name, unknown(why));
        this.forgetMutations([...s.body, ...s.orelse], scope, frame, why);
        if (mayReturn(s.body) || mayReturn(s.orelse)) return 'unsureReturn';
        return leavesLoop(s.body) || leavesLoop(s.orelse) ? 'unsure' : 'normal';
      }
      case 'for': {
        const it = this.eval(s.iter, scope, frame);
        const items = iterate(it);
        if (!items) {
          this.trace?.flow?.refuse(
            this.lines.pos(s.from).line,
            'a for loop over something the analyser cannot enumerate',
          );
          const because = it.k === 'unknown' ? `: ${it.why}` : '';
          const why = `changed in a loop over something the analyser cannot enumerate (${this.lineLabel(s.from)})${because}`;
          for (const name of assignedNames(s.body)) scope.vars.set(name, unknown(why));
          this.forgetMutations(s.body, scope, frame, why);
          return 'normal';
        }
        for (let i = 0; i < items.length; i++) {
          this.assign(s.target, items[i], scope, frame);
          const f = this.execBlock(s.body, scope, frame);
          if (f === 'break') break;
          if (f === 'return') return f;
          if (f === 'unsure' || f === 'unsureReturn') {
            this.forgetLoop(s, scope, frame);
            if (f === 'unsureReturn') return f;
            break;
          }
        }
        return 'normal';
      }
      case 'while': {
        for (let i = 0; i < MAX_ITERATIONS; i++) {
          const c = truthy(this.eval(s.test, scope, frame));
          if (c === false) return 'normal';
          if (c === null) {
            this.trace?.flow?.refuse(
              this.lines.pos(s.from).line,
              'a while loop whose condition is only known at run time',
            );
            for (const name of assignedNames(s.body))
              scope.vars.set(name, unknown('assigned in a loop with an unknown condition'));
            this.forgetMutations(
              s.body,
              scope,
              frame,
              'changed in a loop with an unknown condition',
            );
            return 'normal';
          }
          const f = this.execBlock(s.body, scope, frame);
          if (f === 'break') return 'normal';
          if (f === 'return') return f;
          if (f === 'unsure' || f === 'unsureReturn') {
            this.forgetLoop(s, scope, frame);
            return f === 'unsureReturn' ? f : 'normal';
          }
        }
        // Still running at the cap: what the loop assigns depends on when it would end, so it is unknown
        // (the values at the cap are an artefact of the cap). Lists it appends to are replaced likewise.
        const why = `assigned in a while loop still running after ${MAX_ITERATIONS.toLocaleString('en-US')} iterations (${this.lineLabel(s.from)})`;
        this.trace?.flow?.refuse(this.lines.pos(s.from).line, 'a while loop that does not end');
        for (const name of assignedNames(s.body)) scope.vars.set(name, unknown(why));
        for (const name of mutatedNames(s.body))
          if (scope.vars.has(name)) scope.vars.set(name, unknown(why));
        return 'normal';
      }
      case 'def': {
        // A property's setter or deleter adds to the property; the name keeps its getter.
        if (s.decorators?.accessor) return 'normal';
        const refuses = s.decorators?.unknown.length
          ? neutralDecorators(s.decorators.unknown, (n) => {
              const v = scope.lookup(n);
              return v && v.k === 'ext' && !v.self ? v.path : undefined;
            })
          : undefined;
        if (s.decorators?.unknown.length && !refuses) {
          scope.vars.set(s.name, unknown(decoratedWhy(s.decorators)));
          return 'normal';
        }
        const fn: FuncV = {
          k: 'func',
          name: s.name,
          params: s.params,
          body: s.body,
          scope,
          span: s,
        };
        if (refuses?.length) fn.refuses = refuses;
        scope.vars.set(s.name, fn);
        return 'normal';
      }
      case 'class': {
        const binding = (n: string): string | undefined => {
          const v = scope.lookup(n);
          return v && v.k === 'ext' && !v.self ? v.path : undefined;
        };
        const bases = s.bases.map((b) => this.eval(b, scope, frame));
        const plain =
          !!s.decorators?.unknown.length && isPlainDataclass(s.decorators.unknown, binding);
        const inherited = plain
          ? inheritedFields(bases, scope, (b) => {
              const v = b as Value;
              if (v.k === 'class') return v.cls;
              // object and torch's classes are no dataclasses; anything else may be one.
              return v.k === 'ext' && (v.path === 'builtins.object' || v.path.startsWith('torch.'))
                ? 'object'
                : null;
            })
          : null;
        const generated = inherited ? dataclassInit(s.body, s.nameSpan, inherited) : null;
        if (s.decorators?.unknown.length && !generated) {
          // `@dataclass`, a registry or a wrapper may change what the class builds: nothing is assumed.
          scope.vars.set(s.name, unknown(decoratedWhy(s.decorators)));
          return 'normal';
        }
        const cls: ClassInfo = {
          name: s.name,
          span: s,
          nameSpan: s.nameSpan,
          bases,
          body: s.body,
          methods: new Map(),
          attrs: new Map(),
          isModule: false,
          resolved: undefined,
        };
        cls.isModule = bases.some(isModuleBase);
        const clsScope = new Scope(scope);
        for (const st of s.body) {
          if (st.t === 'def' && st.decorators?.accessor) continue;
          if (st.t === 'def' && st.decorators?.unknown.length)
            clsScope.vars.set(st.name, unknown(decoratedWhy(st.decorators)));
          else if (st.t === 'def')
            cls.methods.set(
              st.name,
              st.binding
                ? {
                    k: 'func',
                    name: st.name,
                    params: st.params,
                    body: st.body,
                    scope,
                    span: st,
                    binding: st.binding,
                  }
                : { k: 'func', name: st.name, params: st.params, body: st.body, scope, span: st },
            );
          else if (st.t === 'assign' || st.t === 'expr') {
            this.exec(st, clsScope, frame);
          }
        }
        for (const [k, v] of clsScope.vars) cls.attrs.set(k, v);
        if (generated) {
          // The fields are instance attributes set by __init__, not class attributes.
          for (const p of generated.params) cls.attrs.delete(p.name);
          cls.dataclassFields = generated.params.slice(1).map((p) => p.name);
          DATACLASS_FIELDS.set(cls, { fields: generated.params.slice(1), scope });
          cls.methods.set('__init__', {
            k: 'func',
            name: '__init__',
            params: generated.params,
            body: generated.body,
            scope,
            span: s.nameSpan,
          });
        }
        scope.vars.set(s.name, { k: 'class', cls });
        return 'normal';
      }
      case 'import':
        execImport(s, scope, this.imports, this.loader);
        return 'normal';
      case 'del':
        for (const t of s.targets) this.del(t, scope, frame);
        return 'normal';
      case 'block':
        return this.execBlock(s.body, scope, frame);
      case 'flow':
        if (s.what === 'break') return 'break';
        if (s.what === 'continue') return 'continue';
        if (s.what === 'raise') {
          frame.ret = unknown('raises an exception');
          return 'return';
        }
        return 'normal';
    }
  }

  /**
   * An `if` in a traced forward whose condition is unknown: both branches run on copies of the local
   * variables; a variable both leave with the same shape (or the same value) keeps it, any other
   * becomes unknown with the reason. Diagnostics are held back inside the branches, since either may
   * never run. Layers in both branches are traced (each with the input it would get).
   */
  private execBothBranches(s: Stmt & { t: 'if' }, scope: Scope, frame: Frame): Flow {
    const line = this.lines.pos(s.from).line;
    this.trace?.flow?.refuse(
      line,
      'an if whose condition is only known at run time (both branches are traced)',
    );
    const run = (body: Stmt[]): { vars: Map<string, Value>; flow: Flow; ret: Value } => {
      const branch = scope.fork();
      const saved = frame.ret;
      const was = this.reporting;
      this.reporting = false;
      this.undecided++;
      try {
        const flow = this.execBlock(body, branch, frame);
        return { vars: branch.vars, flow, ret: frame.ret };
      } finally {
        this.undecided--;
        this.reporting = was;
        frame.ret = saved;
      }
    };
    const a = run(s.body);
    const b = run(s.orelse);
    const why = `differs between the branches of the condition on line ${line}, which the analyser cannot evaluate`;
    if (a.flow === 'return' && b.flow === 'return') {
      frame.ret = mergeValues(a.ret, b.ret, why);
      return 'return';
    }
    if (
      (a.flow === 'return' && b.flow === 'normal') ||
      (a.flow === 'normal' && b.flow === 'return')
    ) {
      // One branch returns early: carry on with the other's variables, and merge the early return
      // into whatever the function returns at its end.
      const [ret, rest] = a.flow === 'return' ? [a, b] : [b, a];
      (frame.altRets ??= []).push({ v: ret.ret, line });
      for (const [k, v] of rest.vars) scope.vars.set(k, v);
      return 'normal';
    }
    const names = assignedNames([...s.body, ...s.orelse]);
    if (a.flow !== 'normal' || b.flow !== 'normal') {
      // break/continue in a branch: which iterations run is unknown.
      for (const name of names)
        scope.vars.set(
          name,
          unknown(`depends on a condition the analyser cannot evaluate (line ${line})`),
        );
      return a.flow === 'unsureReturn' || b.flow === 'unsureReturn' ? 'unsureReturn' : 'normal';
    }
    // Every local either branch may have changed: assigned names, and lists/dicts mutated in place.
    for (const name of new Set([...a.vars.keys(), ...b.vars.keys()])) {
      const va = a.vars.get(name);
      const vb = b.vars.get(name);
      if (va === undefined || vb === undefined)
        scope.vars.set(
          name,
          unknown(
            `assigned in only one branch of the condition on line ${line}, which the analyser cannot evaluate`,
          ),
        );
      else if (va !== vb || va !== scope.vars.get(name))
        scope.vars.set(name, mergeValues(va, vb, why));
    }
    // Both branches ran on the same objects: an attribute either one set (`self.cache = ...`) holds
    // the last branch's value, which is only one of the two.
    this.forgetAttributesSet([...s.body, ...s.orelse], scope, frame, why);
    return 'normal';
  }

  /** Attributes assigned anywhere in `stmts` (not modules: those are the module tree) become unknown. */
  private forgetAttributesSet(stmts: Stmt[], scope: Scope, frame: Frame, why: string): void {
    const walk = (ss: Stmt[]): void => {
      for (const st of ss) {
        if (st.t === 'assign' || st.t === 'aug')
          for (const t of st.t === 'assign' ? st.targets : [st.target]) {
            if (t.t !== 'attr') continue;
            const o = this.eval(t.obj, scope, frame);
            if (o.k === 'obj') o.attrs.set(t.name, unknown(why));
            else if (o.k === 'module' && !o.m.children.has(t.name)) {
              ownAttrs(o.m).set(t.name, unknown(why));
              (o.m.maybeAttrs ??= new Set()).add(t.name);
            }
          }
        else if (st.t === 'if') {
          walk(st.body);
          walk(st.orelse);
        } else if (st.t === 'for' || st.t === 'while' || st.t === 'block') walk(st.body);
      }
    };
    walk(stmts);
  }

  assign(t: Expr, v: Value, scope: Scope, frame: Frame): void {
    switch (t.t) {
      case 'name':
        scope.vars.set(t.id, v);
        if (
          this.discovering &&
          scope === this.globals &&
          v.k === 'module' &&
          !v.m.origin &&
          v.m.kind !== 'user'
        )
          v.m.origin = t.id;
        if (frame.traced && this.trace) this.recordVar(t.id, t, v);
        return;
      case 'attr': {
        const obj = this.eval(t.obj, scope, frame);
        if (obj.k === 'module') this.setModuleAttr(obj.m, t.name, v);
        else if (obj.k === 'obj') obj.attrs.set(t.name, v);
        // `Cfg.width = 9`: later reads see 9. torch's own classes are shared by every analysis, and
        // an imported module's names live in the loader's copy of it.
        else if (obj.k === 'class' && !this.isPreludeClass(obj.cls)) obj.cls.attrs.set(t.name, v);
        else if (obj.k === 'ext' && !obj.self) this.loader?.assign(obj.path, t.name, v);
        return;
      }
      case 'sub': {
        const obj = this.eval(t.obj, scope, frame);
        // x[...] = v writes into x and into whatever x is a view of.
        if (obj.k === 'tensor' || obj.k === 'unknown') tensorsMayHaveChanged();
        if (obj.k === 'tensor')
          this.trace?.flow?.refuse(
            this.lines.pos(t.from).line,
            'an assignment into part of a tensor (x[...] = ...)',
          );
        const key = t.items[0]?.t === 'index' ? this.eval(t.items[0].e, scope, frame) : null;
        if (!key) return;
        if (obj.k === 'seq' && obj.kind === 'list' && key.k === 'num' && isNum(key.v)) {
          const i = key.v < 0 ? key.v + obj.items.length : key.v;
          if (i >= 0 && i < obj.items.length) obj.items[i] = v;
        } else if (obj.k === 'dict') dictSet(obj, key, v);
        else if (obj.k === 'module' && key.k === 'str' && v.k === 'module')
          ownChildren(obj.m).set(key.v, v.m);
        else if (obj.k === 'ext' && obj.self?.k === 'module') {
          // module._modules[name] = m replaces a child (torchvision's _replace_relu); any other write
          // into a module's own dicts changes what the analyser would otherwise count or call.
          const m = obj.self.m;
          if (obj.path === 'module._modules' && key.k === 'str' && v.k === 'module')
            ownChildren(m).set(key.v, v.m);
          else if (obj.path === 'module._modules' || obj.path === 'module._parameters')
            loseContents(
              m,
              `${obj.path.slice(7)}[...] set to something the analyser cannot follow`,
            );
        } else if (obj.k === 'module' && key.k === 'num' && isNum(key.v) && v.k === 'module') {
          // seq[0] = nn.Conv2d(...) replaces the child in place, under the same name.
          const keys = [...obj.m.children.keys()];
          const name = keys[key.v < 0 ? key.v + keys.length : key.v];
          if (name !== undefined) ownChildren(obj.m).set(name, v.m);
        }
        return;
      }
      case 'seq': {
        // Plain loops, not callbacks: loop targets (`for i, x in enumerate(...)`) unpack on every iteration.
        const targets = t.items;
        let starIdx = -1;
        for (let i = 0; i < targets.length; i++)
          if (targets[i].t === 'starred') {
            starIdx = i;
            break;
          }
        // A tensor unpacks along its first dimension; one of unknown or unequal length is not enumerated.
        const items =
          v.k === 'seq'
            ? v.items
            : v.k === 'tensor' &&
                v.shape &&
                isNum(v.shape[0]) &&
                (starIdx >= 0 || v.shape[0] === targets.length)
              ? iterate(v)
              : null;
        if (!items || (starIdx < 0 && items.length !== targets.length)) {
          const why =
            v.k === 'unknown'
              ? v.why
              : v.k === 'tensor' && v.shape && isNum(v.shape[0]) && v.shape[0] > 4096
                ? `unpacks a tensor of ${v.shape[0]} rows, more than the analyser enumerates`
                : 'cannot unpack this value';
          for (const sub of targets)
            this.assign(sub.t === 'starred' ? sub.e : sub, unknown(why), scope, frame);
          return;
        }
        if (starIdx < 0) {
          for (let i = 0; i < targets.length; i++) this.assign(targets[i], items[i], scope, frame);
          return;
        }
        const after = targets.length - starIdx - 1;
        for (let i = 0; i < targets.length; i++) {
          const sub = targets[i];
          if (i < starIdx) this.assign(sub, items[i], scope, frame);
          else if (i === starIdx && sub.t === 'starred')
            this.assign(
              sub.e,
              { k: 'seq', kind: 'list', items: items.slice(starIdx, items.length - after) },
              scope,
              frame,
            );
          else this.assign(sub, items[items.length - (targets.length - i)], scope, frame);
        }
        return;
      }
      default:
        return;
    }
  }

  private recordVar(name: string, at: Span, v: Value): void {
    if (!this.trace || v.k !== 'tensor') return;
    // First assignment at each source position wins; a set of offsets replaces a scan of the list
    // (an offset is one line and column).
    const seen = (this.trace.varOffsets ??= new Set());
    if (seen.has(at.from)) return;
    seen.add(at.from);
    const pos = this.lines.pos(at.from);
    this.trace.variables.push({
      name,
      line: pos.line,
      column: pos.column,
      shape: v.shape ? resultShape(v.shape) : null,
    });
  }

  // ───────────────────────── expressions ─────────────────────────

  eval(e: Expr, scope: Scope, frame: Frame): Value {
    this.tick();
    switch (e.t) {
      case 'num':
        if (e.int)
          return e.v >= 0 && e.v < SMALL_INTS.length && Number.isInteger(e.v)
            ? SMALL_INTS[e.v]
            : { k: 'num', v: e.v };
        return { k: 'num', v: e.v, float: true };
      case 'str':
        return { k: 'str', v: e.v };
      case 'const':
        return e.v === null ? none : e.v ? TRUE : FALSE;
      case 'ellipsis':
        return { k: 'ext', path: 'Ellipsis' };
      case 'name': {
        const v = scope.lookup(e.id) ?? this.globals.lookup(e.id);
        if (v) return v.k === 'ext' && this.loader ? this.resolveExt(v) : v;
        // The shared value for the path, as for attributes of external names (see extAttr).
        if (BUILTINS.has(e.id)) return extAttr('builtins', e.id);
        return unknown(`'${e.id}' is not defined in this file`);
      }
      case 'attr': {
        const obj = this.eval(e.obj, scope, frame);
        const r = this.getAttr(obj, e.name);
        // `x.T` as written in the file; the library's own attribute reads stay inside its calls.
        return obj.k === 'tensor' && this.trace?.flow
          ? this.flowOp('attr:' + e.name, obj, noArgs(), undefined, r, e, -1)
          : r;
      }
      case 'sub':
        return this.subscript(e, scope, frame);
      case 'call':
        return this.evalCall(e, scope, frame);
      case 'bin':
        return this.evalBin(e, scope, frame);
      case 'unary': {
        const v = this.eval(e.e, scope, frame);
        if (e.op === 'not') {
          const t = truthy(v);
          return t === null ? unknown('unknown condition') : { k: 'bool', v: !t };
        }
        if (v.k === 'num')
          return e.op === '-'
            ? { ...v, v: neg(v.v) }
            : e.op === '~' && isNum(v.v)
              ? { k: 'num', v: ~v.v }
              : v;
        if (v.k === 'bool') {
          // A bool is the int 0 or 1 here: -True is -1, ~True is -2, +True is 1.
          const i = v.v ? 1 : 0;
          return { k: 'num', v: e.op === '-' ? -i : e.op === '~' ? ~i : i };
        }
        if (v.k === 'tensor') {
          // -x and ~x are other tensors: x's known values (eval/tensorData.ts) are not theirs.
          const out = e.op === '+' ? v : { ...v };
          return this.flowOp('unary:' + e.op, v, noArgs(), undefined, out, e, this.flowCount());
        }
        return unknown(v.k === 'unknown' ? v.why : `unary ${e.op} on an unsupported value`);
      }
      case 'seq': {
        const items: Value[] = [];
        for (const it of e.items) {
          if (it.t === 'starred') {
            const v = this.eval(it.e, scope, frame);
            const inner = iterate(v);
            if (!inner)
              return unknown(
                v.k === 'unknown' ? v.why : 'unpacks something the analyser cannot enumerate',
              );
            const over = allocate(inner.length, 'an unpacked sequence');
            if (over) return unknown(over);
            for (let i = 0; i < inner.length; i++) items.push(inner[i]);
          } else items.push(this.eval(it, scope, frame));
        }
        if (e.kind === 'set') return unknown('set');
        return { k: 'seq', kind: e.kind, items };
      }
      case 'starred':
        return unknown('starred expression');
      case 'dict': {
        const d: Value & { k: 'dict' } = { k: 'dict', keys: [], vals: [] };
        for (const [k, v] of e.entries)
          dictSet(d, this.eval(k, scope, frame), this.eval(v, scope, frame));
        return d;
      }
      case 'comp':
        return this.comprehension(e, scope, frame);
      case 'ifexp': {
        const c = truthy(this.eval(e.test, scope, frame));
        if (c === null) return unknown('conditional expression with an unknown condition');
        return this.eval(c ? e.body : e.orelse, scope, frame);
      }
      case 'lambda':
        return { k: 'func', name: '<lambda>', params: e.params, body: e.body, scope, span: e };
      case 'fstr': {
        let out = '';
        for (const part of e.parts) {
          if (typeof part === 'string') {
            out += part;
            continue;
          }
          const v = this.eval(part, scope, frame);
          if (v.k === 'str') {
            const over = allocate(v.v.length, 'an f-string');
            if (over) return unknown(over);
            out += v.v;
          } else if (v.k === 'num' && isNum(v.v) && !v.float) out += String(v.v);
          else if (v.k === 'bool') out += v.v ? 'True' : 'False';
          else if (v.k === 'unknown') return v;
          else return unknown('f-string with a value the analyser cannot print');
        }
        return { k: 'str', v: out };
      }
      case 'unknown':
        return unknown(`unsupported syntax (${e.what})`);
    }
  }

  private comprehension(e: Expr & { t: 'comp' }, scope: Scope, frame: Frame): Value {
    const out: Value[] = [];
    const dict: Value & { k: 'dict' } = { k: 'dict', keys: [], vals: [] };
    const inner = new Scope(scope);
    const innerFrame: Frame = { ...frame, traced: false };
    let why = 'comprehension over something the analyser cannot enumerate';
    const loop = (gi: number): boolean => {
      if (gi === e.gens.length) {
        const over = allocate(1, 'a comprehension');
        if (over) {
          why = over;
          return false;
        }
        if (e.kind === 'dict' && e.val)
          dictSet(dict, this.eval(e.elt, inner, innerFrame), this.eval(e.val, inner, innerFrame));
        else out.push(this.eval(e.elt, inner, innerFrame));
        return true;
      }
      const g = e.gens[gi];
      const items = iterate(this.eval(g.iter, inner, innerFrame));
      if (!items) return false;
      for (const it of items) {
        this.assign(g.target, it, inner, innerFrame);
        let ok = true;
        for (const cond of g.ifs) {
          const c = truthy(this.eval(cond, inner, innerFrame));
          if (c === null) return false;
          if (!c) ok = false;
        }
        if (ok && !loop(gi + 1)) return false;
      }
      return true;
    };
    if (!loop(0)) return unknown(why);
    if (e.kind === 'dict') return dict;
    return { k: 'seq', kind: e.kind === 'gen' ? 'tuple' : 'list', items: out };
  }

  private evalBin(e: Expr & { t: 'bin' }, scope: Scope, frame: Frame): Value {
    if (e.op === 'and' || e.op === 'or') {
      const l = this.eval(e.l, scope, frame);
      const t = truthy(l);
      if (t === null) return unknown('unknown condition');
      if (e.op === 'and') return t ? this.eval(e.r, scope, frame) : l;
      return t ? l : this.eval(e.r, scope, frame);
    }
    return this.binop(e.op, this.eval(e.l, scope, frame), this.eval(e.r, scope, frame), e);
  }

  /**
   * `type(m) is nn.ReLU`: two torch layer classes are the same when their names are (nn.ReLU and
   * torch.nn.modules.activation.ReLU); a class of the file is never a torch class, and two classes
   * are the same object only if they are one. torch's classes written in Python (prelude.ts) are
   * also reached as external names, by the same short name.
   */
  private sameClass(l: Value, r: Value): boolean | null {
    if (l.k === 'class' && r.k === 'class') return l.cls === r.cls;
    const torchName = (v: Value): string | null =>
      v.k === 'ext' ? (nnName(v.path)?.short ?? null) : null;
    const ln = torchName(l);
    const rn = torchName(r);
    if (ln !== null && rn !== null) return ln === rn;
    const cls = l.k === 'class' ? l.cls : r.k === 'class' ? r.cls : null;
    const other = l.k === 'class' ? rn : ln;
    if (cls && other !== null) {
      const p = this.prelude.vars.get(cls.name);
      return p && p.k === 'class' && p.cls === cls ? cls.name === other : false;
    }
    return null;
  }

  binop(op: string, l: Value, r: Value, site: Span): Value {
    if (op === 'is' || op === 'is not') {
      const same =
        l.k === 'none' && r.k === 'none'
          ? true
          : (l.k === 'none') !== (r.k === 'none') &&
              l.k !== 'unknown' &&
              r.k !== 'unknown' &&
              !mayBeNone(l) &&
              !mayBeNone(r)
            ? false
            : l.k === 'module' && r.k === 'module'
              ? l.m === r.m
              : // True and False are one object each (`last_freq is True`, torchaudio's HDemucs).
                l.k === 'bool' && r.k === 'bool'
                ? l.v === r.v
                : this.sameClass(l, r);
      if (same === null) return unknown('unknown identity test');
      return { k: 'bool', v: op === 'is' ? same : !same };
    }
    if (op === 'in' || op === 'not in') {
      let found: boolean | null = null;
      if (r.k === 'seq')
        found = r.items.some((x) => valueEq(x, l) === true)
          ? true
          : r.items.every((x) => valueEq(x, l) === false)
            ? false
            : null;
      else if (r.k === 'dict')
        found = r.keys.some((x) => valueEq(x, l) === true)
          ? true
          : r.keys.every((x) => valueEq(x, l) === false)
            ? false
            : null;
      else if (r.k === 'module' && l.k === 'str') found = r.m.children.has(l.v);
      else if (r.k === 'str' && l.k === 'str') found = r.v.includes(l.v);
      if (found === null) return unknown('unknown membership test');
      return { k: 'bool', v: op === 'in' ? found : !found };
    }
    if (COMPARISONS.has(op)) {
      if (l.k === 'tensor' || r.k === 'tensor') return this.tensorBin(op, l, r, site);
      if (op === '==' || op === '!=') {
        const eq = valueEq(l, r);
        if (eq === null) return unknown('unknown comparison');
        return { k: 'bool', v: op === '==' ? eq : !eq };
      }
      const a = numOf(l);
      const b = numOf(r);
      if (a === null || b === null || !isNum(a) || !isNum(b)) {
        if (l.k === 'str' && r.k === 'str')
          return {
            k: 'bool',
            v:
              op === '<'
                ? l.v < r.v
                : op === '>'
                  ? l.v > r.v
                  : op === '<='
                    ? l.v <= r.v
                    : l.v >= r.v,
          };
        return unknown('unknown comparison');
      }
      return {
        k: 'bool',
        v: op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b,
      };
    }
    if (l.k === 'tensor' || r.k === 'tensor') return this.tensorBin(op, l, r, site);
    if (l.k === 'str' || r.k === 'str') return strBin(op, l, r);
    if (l.k === 'seq' && r.k === 'seq' && op === '+') {
      const over = allocate(l.items.length + r.items.length, `a ${l.kind} concatenation`);
      return over ? unknown(over) : { k: 'seq', kind: l.kind, items: l.items.concat(r.items) };
    }
    if (l.k === 'seq' && op === '*') {
      const n = numOf(r);
      if (n !== null && isNum(n)) return repeatSeq(l, n);
    }
    if (l.k === 'module' && r.k === 'module' && op === '+' && l.m.kind === 'Sequential') {
      const m = this.newModule('Sequential', 'Sequential', site);
      addChildren(
        m,
        [...l.m.children.values(), ...r.m.children.values()].map(modValue),
        true,
        this.opaqueChild,
      );
      return modValue(m);
    }
    // Between two bools, & | ^ give a bool (True & True is True); with an int they give an int.
    if (l.k === 'bool' && r.k === 'bool' && (op === '&' || op === '|' || op === '^'))
      return { k: 'bool', v: op === '&' ? l.v && r.v : op === '|' ? l.v || r.v : l.v !== r.v };
    const a = numOf(l);
    const b = numOf(r);
    if (a === null || b === null)
      return unknown(
        l.k === 'unknown'
          ? l.why
          : r.k === 'unknown'
            ? r.why
            : `'${op}' on values the analyser cannot combine`,
      );
    const float = (l.k === 'num' && l.float) || (r.k === 'num' && r.float);
    return arith(op, a, b, !!float);
  }

  private tensorBin(op: string, l: Value, r: Value, site: Span): Value {
    return (
      this.op(
        op === '@' ? 'torch.matmul' : 'tensor.__binop__',
        null,
        noArgs([l, r, { k: 'str', v: op }]),
        site,
      ) ?? unknown('tensor operation')
    );
  }

  /** callOp, recorded in the flow graph when one is asked for. */
  private op(path: string, self: Value | null, a: CallArgs, site: Span, idx?: IndexItem[]) {
    const flow = this.trace?.flow;
    if (!flow) return callOp(this, path, self, a, site, idx);
    const before = flow.nodes.length;
    const r = callOp(this, path, self, a, site, idx);
    return r && this.flowOp(path, self, a, idx, r, site, before);
  }

  private flowCount(): number {
    return this.trace?.flow?.nodes.length ?? 0;
  }

  /** `out` of a tensor operation, as a node of the flow graph (nodesBefore −1: never made inside). */
  private flowOp(
    path: string,
    self: Value | null,
    a: CallArgs,
    idx: IndexItem[] | undefined,
    out: Value,
    site: Span | undefined,
    nodesBefore: number,
  ): Value {
    const flow = this.trace?.flow;
    if (!flow || this.discovering) return out;
    const line = site ? this.lines.pos(site.from).line : 0;
    return flow.op(
      path,
      self,
      a.pos,
      a.kw,
      idx,
      out,
      line,
      nodesBefore < 0 ? Infinity : nodesBefore,
    );
  }

  private subscript(e: Expr & { t: 'sub' }, scope: Scope, frame: Frame): Value {
    const obj = this.eval(e.obj, scope, frame);
    const idx: IndexItem[] = e.items.map((it) => {
      if (it.t === 'index') {
        if (it.e.t === 'ellipsis') return { t: 'ellipsis' };
        return { t: 'index', v: this.eval(it.e, scope, frame) };
      }
      const num = (x?: Expr): D | null | undefined => {
        if (!x) return undefined;
        const v = this.eval(x, scope, frame);
        if (v.k === 'none') return undefined;
        return v.k === 'num' && !v.float ? v.v : null;
      };
      return { t: 'slice', lo: num(it.lo), hi: num(it.hi), step: num(it.step) };
    });
    if (obj.k === 'tensor')
      return (
        this.op('tensor.__getitem__', obj, noArgs(), e, keyItems(idx, e.tuple)) ??
        unknown('tensor indexing')
      );
    // `List[Tensor]`: typing's generic kept as its origin, for torch.jit.isinstance (library/ops/jit.ts).
    if (obj.k === 'ext' && !obj.self && /^typing\.\w+$/.test(obj.path))
      return { k: 'ext', path: `${obj.path}[...]` };
    if (idx.length !== 1) return unknown('multi-dimensional index on a non-tensor');
    const it = idx[0];
    if (obj.k === 'seq') {
      if (it.t === 'index') {
        const n = numOf(it.v);
        if (n === null || !isNum(n)) return unknown('index is not a known integer');
        const i = n < 0 ? n + obj.items.length : n;
        return obj.items[i] ?? unknown(`index ${n} out of range`);
      }
      if (it.t === 'slice') {
        const count = sliceLength(obj.items.length, it);
        const over = count !== null && allocate(count, 'a slice');
        if (over) return unknown(over);
        const r = sliceRange(obj.items.length, it);
        if (!r) return unknown('slice bounds unknown');
        return { k: 'seq', kind: obj.kind, items: r.map((i) => obj.items[i]) };
      }
    }
    if (obj.k === 'dict' && it.t === 'index') return dictGet(obj, it.v) ?? unknown('key not found');
    if (
      obj.k === 'ext' &&
      obj.path === 'module._modules' &&
      obj.self?.k === 'module' &&
      it.t === 'index' &&
      it.v.k === 'str'
    ) {
      const c = obj.self.m.children.get(it.v.v);
      return c ? modValue(c) : unknown(`no submodule '${it.v.v}'`);
    }
    if (obj.k === 'module') {
      spend(obj.m.children.size >> 4);
      const kids = [...obj.m.children.entries()];
      if (it.t === 'index') {
        if (it.v.k === 'str') {
          const c = obj.m.children.get(it.v.v);
          return c ? modValue(c) : unknown(`no submodule '${it.v.v}'`);
        }
        const n = numOf(it.v);
        if (n === null || !isNum(n)) return unknown('module index is not a known integer');
        const i = n < 0 ? n + kids.length : n;
        return kids[i] ? modValue(kids[i][1]) : unknown(`index ${n} out of range`);
      }
      if (it.t === 'slice') {
        const r = sliceRange(kids.length, it);
        if (!r) return unknown('slice bounds unknown');
        const m = this.newModule(
          obj.m.kind === 'ModuleList' ? 'ModuleList' : 'Sequential',
          obj.m.kind === 'ModuleList' ? 'ModuleList' : 'Sequential',
          e,
        );
        for (const i of r) m.children.set(kids[i][0], kids[i][1]);
        return modValue(m);
      }
    }
    if (obj.k === 'str' && it.t === 'index') {
      const n = numOf(it.v);
      if (n !== null && isNum(n)) return { k: 'str', v: obj.v.at(n) ?? '' };
    }
    return unknown(obj.k === 'unknown' ? obj.why : 'subscript of an unsupported value');
  }

  getAttr(obj: Value, name: string): Value {
    switch (obj.k) {
      case 'ext':
        if (obj.path === 'objdict' && obj.self)
          return { k: 'ext', path: 'objdict.' + name, self: obj.self };
        if (obj.path === 'super' && obj.self)
          return {
            k: 'ext',
            path: 'super.' + name,
            self: obj.self,
            classRef: (obj as SuperRef).classRef,
          } as Value;
        // module._modules.items(): the module's own methods over its children.
        if ((obj.path === 'module._modules' || obj.path === 'module.__dict__') && obj.self)
          return { k: 'ext', path: `${obj.path}.${name}`, self: obj.self };
        return this.loader && !obj.self
          ? this.resolveExt(extAttr(obj.path, name) as Value & { k: 'ext' })
          : extAttr(obj.path, name);
      case 'module': {
        const m = obj.m;
        const c = m.children.get(name);
        if (c) return modValue(c);
        const a = m.attrs.get(name);
        if (a) return a;
        if (m.cls) {
          const meth = findMethod(m.cls, name);
          if (meth)
            return meth.fn.binding
              ? this.bindSpecial(meth, obj, m.cls)
              : bound(meth.fn, obj, meth.cls);
          const ca = findClassAttr(m.cls, name);
          if (ca) return ca;
        }
        if (name === 'training') return TRUE;
        const base = m.attrs.get(BASE_LAYER);
        if (base) return this.getAttr(base, name);
        if (m.kind === 'leaf') {
          // `self.conv.bias` is the parameter or None, never the constructor's `bias=False` flag.
          if (name === 'weight' || name === 'bias') {
            const flags = [m.config.affine, m.config.elementwise_affine];
            if (name === 'bias') flags.push(m.config.bias);
            if (flags.includes(false)) return none;
            if (flags.some((f) => f !== undefined && typeof f !== 'boolean'))
              return unknown(`${m.type}.${name}: whether the layer has one is not known`);
          }
          const cv = name === 'weight' || name === 'bias' ? undefined : m.config[name];
          if (cv !== undefined) return fromConfig(cv);
          if (name === 'weight' || name === 'bias') {
            const shape = paramShape(m, name);
            return {
              k: 'tensor',
              shape,
              why: shape ? undefined : 'parameter shape not tracked for this layer',
              paramOf: m,
              paramName: name,
            } as ParamTensor;
          }
        }
        return { k: 'ext', path: 'module.' + name, self: obj };
      }
      case 'obj': {
        const a = obj.attrs.get(name);
        if (a) return a;
        if (name === '__dict__') return { k: 'ext', path: 'objdict', self: obj };
        if (obj.cls) {
          const meth = findMethod(obj.cls, name);
          if (meth)
            return meth.fn.binding
              ? this.bindSpecial(meth, obj, obj.cls)
              : bound(meth.fn, obj, meth.cls);
          const ca = findClassAttr(obj.cls, name);
          if (ca) return ca;
        }
        return unknown(`attribute '${name}' is not known`);
      }
      case 'class': {
        const meth = findMethod(obj.cls, name);
        if (meth) return meth.fn.binding ? this.bindSpecial(meth, null, obj.cls) : meth.fn;
        const ca = findClassAttr(obj.cls, name);
        if (ca) return ca;
        // `block.__name__` names submodules in model zoos ("{}_{}".format(block.__name__, i)).
        if (name === '__name__' || name === '__qualname__') return { k: 'str', v: obj.cls.name };
        return unknown(`attribute '${name}' is not known`);
      }
      case 'tensor':
        return tensorAttr(obj, name) ?? { k: 'ext', path: 'tensor.' + name, self: obj };
      case 'seq': {
        const at = (obj as NamedTuple).fields?.indexOf(name) ?? -1;
        if (at >= 0) return obj.items[at];
        return { k: 'ext', path: 'seq.' + name, self: obj };
      }
      case 'dict':
      case 'str':
        return { k: 'ext', path: obj.k + '.' + name, self: obj };
      case 'unknown':
        return obj;
      default:
        return unknown(`attribute '${name}' of ${obj.k}`);
    }
  }

  /**
   * A decorated method reached through an instance (or, with `inst` null, its class): a staticmethod
   * binds nothing, a classmethod binds the class, a property is its value.
   */
  private bindSpecial(
    meth: { fn: FuncV; cls: ClassInfo },
    inst: Value | null,
    cls: ClassInfo,
  ): Value {
    switch (meth.fn.binding) {
      case 'static':
        return meth.fn;
      case 'class':
        return bound(meth.fn, { k: 'class', cls }, meth.cls);
      default:
        return inst ? this.callFunc(meth.fn, noArgs(), meth.cls, inst) : meth.fn;
    }
  }

  private evalCall(e: Expr & { t: 'call' }, scope: Scope, frame: Frame): Value {
    const fn = this.eval(e.fn, scope, frame);
    const args = e.args;
    let hasKw = false;
    // Whether pos[i] comes from args[i]: no `*xs` and no positional after a keyword. Then the call's
    // own argument list serves as posArgs, and the call allocates only its values.
    let aligned = true;
    let npos = 0;
    for (let i = 0; i < args.length; i++) {
      const x = args[i];
      if (x.star !== undefined) {
        aligned = false;
        if (x.star === '**') hasKw = true;
      } else if (x.name !== undefined) hasKw = true;
      else if (hasKw) aligned = false;
      else npos++;
    }
    let a: CallArgs;
    if (aligned) {
      a = {
        pos: this.evalPositional(args, npos, scope, frame),
        kw: hasKw ? new Map() : (EMPTY_VALUES as Map<string, Value>),
        posArgs: args,
        kwArgs: hasKw ? args : NO_ARGS,
      };
      for (let i = npos; i < args.length; i++)
        a.kw.set(args[i].name as string, this.eval(args[i].value, scope, frame));
    } else {
      a = {
        pos: [],
        kw: hasKw ? new Map() : (EMPTY_VALUES as Map<string, Value>),
        posArgs: [],
        kwArgs: hasKw ? args : NO_ARGS,
      };
      for (const arg of args) this.addArg(a, arg, scope, frame);
    }
    if (fn.k === 'ext' && fn.path === 'builtins.super') {
      return { k: 'ext', path: 'super', self: frame.self, classRef: frame.cls } as Value;
    }
    // A call in the analysed file is where what runs in an imported file is shown (see anchors).
    const local = !isForeign(e.from);
    if (local) this.anchors.push(e);
    let r: Value;
    try {
      r = this.call(fn, a, e);
    } finally {
      if (local) this.anchors.pop();
    }
    if (r.k === 'unknown' && r.call) {
      // A call the analyser did not understand may have changed its receiver and what it was given
      // (torchvision's `_ovewrite_named_param(kwargs, ...)`), tensors among them.
      tensorsMayHaveChanged();
      const why = `may be changed by ${this.text(e.fn)}(), which the analyser does not understand`;
      // Modules keep their layers and parameters: such calls are mostly weight initialisers and
      // loaders. They lose only the certainty that an attribute is absent.
      if (e.fn.t === 'attr') this.forget(e.fn.obj, scope, frame, why, null);
      for (let i = 0; i < args.length; i++)
        if (args[i].star !== '**') this.forget(args[i].value, scope, frame, why, null);
    }
    return r;
  }

  /**
   * Makes what `e` names unknown when it is something a call or a statement could change in place: a
   * list, a dict or an object becomes unknown (the variable or attribute holding it); a module
   * container loses its contents. `builds` says a module may have been added to `e` itself
   * (`self.add_module(...)`, `self.fc = ...` in a loop the analyser cannot follow): its parameters are
   * then unknown; null leaves modules alone.
   */
  private forget(e: Expr, scope: Scope, frame: Frame, why: string, builds: boolean | null): void {
    if (e.t === 'starred') return this.forget(e.e, scope, frame, why, builds);
    if (e.t !== 'name' && e.t !== 'attr') return;
    const v = this.eval(e, scope, frame);
    // Whatever else it did, the call may have set attributes on a module (or on the module whose
    // `__dict__` it was given): none can be said to be absent any more (see attrPresence.ts).
    if (v.k === 'module') v.m.openAttrs ??= why;
    else if (v.k === 'ext' && v.self?.k === 'module') v.self.m.openAttrs ??= why;
    if (v.k === 'module') {
      if (builds === null) return;
      const m = v.m;
      const base = m.kind === 'user' && m.cls ? torchBase(m.cls) : null;
      if (
        m.kind === 'Sequential' ||
        m.kind === 'ModuleList' ||
        m.kind === 'ModuleDict' ||
        base === 'Sequential' ||
        base === 'ModuleList' ||
        base === 'ModuleDict'
      )
        loseContents(m, why);
      else if (builds && !m.opaque) {
        m.ownParams = null;
        m.why ??= why;
      }
      return;
    }
    if (v.k === 'obj') {
      for (const k of v.attrs.keys()) v.attrs.set(k, unknown(why));
      return;
    }
    if (
      v.k === 'ext' &&
      v.self?.k === 'module' &&
      (v.path === 'module._modules' || v.path === 'module._parameters')
    ) {
      loseContents(v.self.m, why);
      return;
    }
    const set = v.k === 'ext' && v.path === 'set()';
    // A set is changed in place, so every name for it sees the change: its items become unknown.
    if (set) v.self = unknown(why);
    if (!((v.k === 'seq' && v.kind === 'list') || v.k === 'dict' || set)) return;
    if (e.t === 'name') {
      for (let s: Scope | undefined = scope; s; s = s.parent) {
        if (s.vars.has(e.id)) {
          s.vars.set(e.id, unknown(why));
          return;
        }
      }
      if (this.globals.vars.has(e.id)) this.globals.vars.set(e.id, unknown(why));
      return;
    }
    const o = this.eval(e.obj, scope, frame);
    if (o.k === 'module' && o.m.attrs.get(e.name) === v) o.m.attrs.set(e.name, unknown(why));
    else if (o.k === 'obj') o.attrs.set(e.name, unknown(why));
  }

  /** A loop that may have stopped at any iteration: what its body assigns or changes is unknown. */
  private forgetLoop(s: Stmt & { t: 'for' | 'while' }, scope: Scope, frame: Frame): void {
    const why = `changed in a loop that may stop early on a condition the analyser cannot evaluate (${this.lineLabel(s.from)})`;
    const names = assignedNames(
      s.t === 'for'
        ? [{ t: 'assign', targets: [s.target], value: s.target, from: s.from, to: s.to }, ...s.body]
        : s.body,
    );
    for (const name of names) scope.vars.set(name, unknown(why));
    this.forgetMutations(s.body, scope, frame, why);
  }

  /**
   * `del d[k]`, `del seq[i]`, `del self.block`: what it removes is gone; where the analyser cannot
   * tell what that is, the container becomes unknown instead (IntermediateLayerGetter stops building
   * once `del return_layers[name]` has emptied its dict).
   */
  private del(t: Expr, scope: Scope, frame: Frame): void {
    const why = `changed by \`del\` (${this.lineLabel(t.from)})`;
    if (t.t === 'name') {
      this.assign(t, unknown(`deleted (${this.lineLabel(t.from)})`), scope, frame);
      return;
    }
    if (t.t === 'attr') {
      const o = this.eval(t.obj, scope, frame);
      if (o.k === 'module') {
        ownChildren(o.m).delete(t.name);
        ownAttrs(o.m).delete(t.name);
      } else if (o.k === 'obj') o.attrs.delete(t.name);
      return;
    }
    if (t.t !== 'sub') return;
    let obj = this.eval(t.obj, scope, frame);
    const key =
      t.items.length === 1 && t.items[0].t === 'index'
        ? this.eval(t.items[0].e, scope, frame)
        : null;
    if (obj.k === 'ext' && obj.path === 'module._modules' && obj.self) obj = obj.self;
    if (key && obj.k === 'dict') {
      const i = obj.keys.findIndex((x) => valueEq(x, key) === true);
      if (i >= 0 && obj.keys.every((x, j) => j === i || valueEq(x, key) === false)) {
        obj.keys.splice(i, 1);
        obj.vals.splice(i, 1);
        return;
      }
    } else if (key && obj.k === 'seq' && obj.kind === 'list' && key.k === 'num' && isNum(key.v)) {
      const i = key.v < 0 ? key.v + obj.items.length : key.v;
      if (Number.isInteger(i) && i >= 0 && i < obj.items.length) {
        obj.items.splice(i, 1);
        return;
      }
    } else if (key && obj.k === 'module' && key.k === 'str' && obj.m.children.has(key.v)) {
      ownChildren(obj.m).delete(key.v);
      return;
    }
    this.forget(t.obj, scope, frame, why, true);
  }

  /**
   * Statements that did not run as written (a loop over something the analyser cannot enumerate, a
   * branch of an unknown condition): everything they could have changed in place becomes unknown:
   * receivers of method calls, what calls are given, targets of item and attribute assignments.
   */
  private forgetMutations(stmts: Stmt[], scope: Scope, frame: Frame, why: string): void {
    tensorsMayHaveChanged();
    const found: { e: Expr; builds: boolean }[] = [];
    const visitExpr = (e: Expr | undefined): void => {
      if (!e) return;
      switch (e.t) {
        case 'call':
          if (e.fn.t === 'attr') {
            found.push({ e: e.fn.obj, builds: BUILDING_METHODS.has(e.fn.name) });
            visitExpr(e.fn.obj);
          } else visitExpr(e.fn);
          for (let i = 0; i < e.args.length; i++) {
            const builds = i === 0 && e.fn.t === 'name' && e.fn.id === 'setattr';
            found.push({ e: e.args[i].value, builds });
            visitExpr(e.args[i].value);
          }
          return;
        case 'attr':
          return visitExpr(e.obj);
        case 'sub':
          visitExpr(e.obj);
          for (const it of e.items) if (it.t === 'index') visitExpr(it.e);
          return;
        case 'bin':
          visitExpr(e.l);
          return visitExpr(e.r);
        case 'unary':
        case 'starred':
          return visitExpr(e.e);
        case 'seq':
          return e.items.forEach(visitExpr);
        case 'dict':
          for (const [k, v] of e.entries) {
            visitExpr(k);
            visitExpr(v);
          }
          return;
        case 'ifexp':
          visitExpr(e.test);
          visitExpr(e.body);
          return visitExpr(e.orelse);
        default:
          return;
      }
    };
    const visitTarget = (t: Expr, value: Expr | undefined): void => {
      if (t.t === 'sub') found.push({ e: t.obj, builds: true });
      else if (t.t === 'attr')
        found.push({ e: t.obj, builds: value === undefined || value.t === 'call' });
      else if (t.t === 'seq') for (const x of t.items) visitTarget(x, undefined);
      else if (t.t === 'starred') visitTarget(t.e, undefined);
    };
    const walk = (ss: Stmt[]): void => {
      for (const st of ss) {
        switch (st.t) {
          case 'expr':
            visitExpr(st.e);
            break;
          case 'assign':
            visitExpr(st.value);
            for (const t of st.targets) visitTarget(t, st.value);
            break;
          case 'del':
            for (const t of st.targets) visitTarget(t, undefined);
            break;
          case 'aug':
            visitExpr(st.value);
            if (st.target.t === 'name') found.push({ e: st.target, builds: false });
            else {
              visitTarget(st.target, st.value);
              // `self.layers += [Block(...)]`: the container grows in place (maxvit's MaxVitBlock).
              found.push({ e: st.target, builds: true });
            }
            break;
          case 'return':
            visitExpr(st.value);
            break;
          case 'if':
            visitExpr(st.test);
            walk(st.body);
            walk(st.orelse);
            break;
          case 'for':
            visitExpr(st.iter);
            visitTarget(st.target, undefined);
            walk(st.body);
            break;
          case 'while':
            visitExpr(st.test);
            walk(st.body);
            break;
          case 'block':
            walk(st.body);
            break;
          default:
            break;
        }
      }
    };
    walk(stmts);
    // Only names that exist before the statements: what they assign is already unknown.
    for (const f of found)
      if (f.e.t === 'name' || f.e.t === 'attr') this.forget(f.e, scope, frame, why, f.builds);
  }

  /**
   * The values of the first n arguments, in order, as an array of exactly that size: pushing onto an
   * empty array reserves room for 17, and most calls have one to three positionals.
   */
  private evalPositional(args: readonly Arg[], n: number, scope: Scope, frame: Frame): Value[] {
    switch (n) {
      case 0:
        return [];
      case 1:
        return [this.eval(args[0].value, scope, frame)];
      case 2: {
        const v0 = this.eval(args[0].value, scope, frame);
        return [v0, this.eval(args[1].value, scope, frame)];
      }
      case 3: {
        const v0 = this.eval(args[0].value, scope, frame);
        const v1 = this.eval(args[1].value, scope, frame);
        return [v0, v1, this.eval(args[2].value, scope, frame)];
      }
      default: {
        const out: Value[] = [];
        for (let i = 0; i < n; i++) out.push(this.eval(args[i].value, scope, frame));
        return out;
      }
    }
  }

  /** Adds one argument's value(s) of a call evalCall could not align, building a.posArgs alongside. */
  private addArg(a: CallArgs, arg: Arg, scope: Scope, frame: Frame): void {
    const v = this.eval(arg.value, scope, frame);
    if (arg.star === '*') {
      const items = iterate(v);
      const posArgs = a.posArgs as Arg[];
      if (items)
        for (const it of items) {
          a.pos.push(it);
          posArgs.push(arg);
        }
      else
        a.lost ??= {
          why: v.k === 'unknown' ? v.why : '*args the analyser cannot enumerate',
          pos: a.pos.length,
        };
      return;
    }
    if (arg.star === '**') {
      if (v.k === 'dict' && v.keys.every((k) => k.k === 'str'))
        v.keys.forEach((k, i) => a.kw.set((k as { v: string }).v, v.vals[i]));
      else
        a.lost ??= {
          why: v.k === 'unknown' ? v.why : '**kwargs the analyser cannot enumerate',
          pos: a.pos.length,
        };
      return;
    }
    if (arg.name) a.kw.set(arg.name, v);
    else {
      a.pos.push(v);
      (a.posArgs as Arg[]).push(arg);
    }
  }

  call(fn: Value, a: CallArgs, site: Span): Value {
    if (this.depth > MAX_DEPTH) return unknown('recursion too deep');
    this.depth++;
    try {
      switch (fn.k) {
        case 'func':
          return this.callFunc(fn, a, (fn as FuncWithOwner).clsOwner);
        case 'class':
          return this.instantiate(fn.cls, a, site);
        case 'module':
          return this.callModule(fn.m, a, site, site);
        case 'ext':
          return this.callExt(fn, a, site);
        case 'unknown':
          return { k: 'unknown', why: fn.why, call: 'module' };
        default:
          return unknown(`calling a ${fn.k}`);
      }
    } finally {
      this.depth--;
    }
  }

  /** `self` binds a method for this call, as bound() would, without building the bound function. */
  callFunc(fn: FuncV, a: CallArgs, owner?: ClassInfo, self: Value | undefined = fn.self): Value {
    // Read only by discovery (analyzeInner's pass over functions nothing called), so only noted then.
    if (this.discovering) this.calledFuncs.add(fn.span);
    if (fn.refuses) {
      for (const { legacy, param } of fn.refuses) {
        const v = a.kw.get(legacy);
        if (!v) continue;
        // `pretrained=False` alone: the decorator calls the builder with `weights=None`, as written.
        if (v.k === 'bool' && !v.v && !a.kw.has(param)) {
          const kw = new Map(a.kw);
          kw.delete(legacy);
          kw.set(param, none);
          return this.callFunc({ ...fn, refuses: undefined }, { ...a, kw }, owner, self);
        }
        return unknown(
          `${fn.name}(${legacy}=...) loads pretrained weights through a decorator the analyser does not follow; pass ${param}= instead`,
        );
      }
    }
    const scope = new Scope(fn.scope);
    const params = fn.params;
    // Positional values are `self` (for a bound method) then a.pos, read by index rather than copied.
    const off = self ? 1 : 0;
    const npos = a.pos.length + off;
    let used = 0;
    for (let pi = 0; pi < params.length; pi++) {
      const p = params[pi];
      if (a.lost && (p.star !== undefined || (used >= a.lost.pos + off && !a.kw.has(p.name)))) {
        // Whatever the unknown unpacking may have supplied: not the default.
        scope.vars.set(p.name, unknown(a.lost.why));
        if (p.star === undefined && used < npos) used++;
        continue;
      }
      if (p.star === '*') {
        const rest: Value[] = [];
        for (let i = used; i < npos; i++) rest.push(i < off ? (self as Value) : a.pos[i - off]);
        scope.vars.set(p.name, { k: 'seq', kind: 'tuple', items: rest });
        used = npos;
        continue;
      }
      if (p.star === '**') {
        const d: Value & { k: 'dict' } = { k: 'dict', keys: [], vals: [] };
        for (const [k, v] of a.kw)
          if (!params.some((q) => q.name === k)) dictSet(d, { k: 'str', v: k }, v);
        scope.vars.set(p.name, d);
        continue;
      }
      let v: Value | undefined;
      if (used < npos) {
        v = used < off ? self : a.pos[used - off];
        used++;
      } else if (a.kw.has(p.name)) v = a.kw.get(p.name);
      else if (p.def) v = this.eval(p.def, fn.scope, { ret: none, traced: false });
      else v = unknown(`argument '${p.name}' was not given`);
      scope.vars.set(p.name, v as Value);
    }
    // torch's own Python (prelude.ts) calls its children "from torch": they get their construction line.
    const torchCode = fn.scope === this.prelude;
    const isForward = fn.name === 'forward' && this.trace !== null && !torchCode;
    const frame: Frame = { ret: none, cls: owner, self, traced: isForward };
    if (torchCode) this.torchDepth++;
    try {
      return this.runFunc(fn, scope, frame);
    } finally {
      if (torchCode) this.torchDepth--;
    }
  }

  private runFunc(fn: FuncV, scope: Scope, frame: Frame): Value {
    // A forward's parameters are not recorded as variables: they have no assignment line, and the
    // model's input shape already covers them.
    if (Array.isArray(fn.body)) {
      const flow = this.execBlock(fn.body, scope, frame);
      if (flow === 'unsureReturn')
        return unknown(`${fn.name}() may return early on a condition the analyser cannot evaluate`);
      let ret: Value = flow === 'return' ? frame.ret : none;
      if (frame.altRets)
        for (const alt of frame.altRets)
          ret = mergeValues(
            alt.v,
            ret,
            `the value returned differs between the branches of the condition on line ${alt.line}, which the analyser cannot evaluate`,
          );
      return ret;
    }
    return this.eval(fn.body, scope, frame);
  }

  // ───────────────────────── module calls ─────────────────────────

  callModule(m: ModuleInst, a: CallArgs, site: Span, callSite: Span): Value {
    const log = this.trace?.calls;
    if (!log || this.discovering) return this.dispatchModule(m, a, site, callSite);
    const outer = this.userCallSite;
    const at = this.torchDepth > 0 && outer ? outer : callSite;
    this.userCallSite = at;
    const ins = log.keeps(m) ? CallLog.inputs(a.pos) : null;
    try {
      const out = this.dispatchModule(m, a, site, callSite);
      log.note(m, at, ins, out);
      return out;
    } finally {
      this.userCallSite = outer;
    }
  }

  private dispatchModule(m: ModuleInst, a: CallArgs, site: Span, callSite: Span): Value {
    if (this.discovering || !this.trace) {
      if (this.discovering) {
        const key = m.origin ?? m.cls?.name ?? (m.kind === 'Sequential' ? '' : m.type);
        if (key)
          this.seenCalls.push({
            key,
            inputs: a.pos.map((p) => modelArg(p, 0)),
            data: a.pos.map(inputData),
            viaSummary: false,
            m,
            kw: constantKw(a.kw),
          });
      }
      return unknown('module call outside a traced forward');
    }
    if (m.opaque) {
      const x0 = a.pos[0];
      const x: TensorV =
        x0 && x0.k === 'tensor'
          ? x0
          : {
              k: 'tensor',
              shape: null,
              why: x0 && x0.k === 'unknown' ? x0.why : 'no tensor input',
            };
      const trace = this.trace;
      const name = (m.walk === trace.walk ? m.path : undefined) ?? m.type;
      return this.recordLayer(
        name,
        m.type,
        m.defSpan ?? site,
        x,
        a.pos,
        { k: 'tensor', shape: null, why: m.opaque },
        null,
        null,
        null,
        m.defSpan,
        undefined,
        undefined,
        false,
      );
    }
    if (m.kind === 'leaf')
      return this.callLeaf(
        m as ModuleWithRule,
        a,
        this.torchDepth > 0 ? (m.defSpan ?? site) : site,
      );
    if (m.kind === 'Sequential') return this.runSequential(m, a, callSite);
    if (m.kind === 'user' && m.cls) {
      if (
        this.reporting &&
        !this.probing &&
        !this.blockInputs.has(m.cls.name) &&
        a.pos.length > 0 &&
        a.kw.size === 0
      ) {
        const ins: D[][] = [];
        for (const p of a.pos) if (p.k === 'tensor' && p.shape) ins.push(p.shape);
        if (ins.length === a.pos.length) this.blockInputs.set(m.cls.name, { m, inputs: ins });
      }
      const fwd = findMethod(m.cls, 'forward');
      if (fwd) return this.callFunc(fwd.fn, a, fwd.cls, modValue(m));
      if (torchBase(m.cls) === 'Sequential') return this.runSequential(m, a, callSite);
      return this.callBaseLayer(m, a, callSite) ?? unknown(`${m.type} has no forward()`);
    }
    return unknown(`${m.type} is not callable`);
  }

  private runSequential(m: ModuleInst, a: CallArgs, callSite: Span): Value {
    let x: Value = a.pos[0] ?? unknown('no input');
    // One argument list for the whole chain, refilled per child: a module call reads its arguments
    // while it runs and keeps neither the list nor the object.
    const args = noArgs([x]);
    for (const c of m.children.values()) {
      args.pos[0] = x;
      x = this.callModule(c, args, c.defSpan ?? callSite, callSite);
    }
    return x;
  }

  /** Runs a layer rule once, as F.max_pool2d(x, 2) does, recording a functional entry. */
  applyLeaf(m: ModuleInst, a: CallArgs, site: Span, fname: string): Value {
    return this.callLeaf(m as ModuleWithRule, a, site, fname);
  }

  private callLeaf(m: ModuleWithRule, a: CallArgs, site: Span, fname?: string): Value {
    // `self.attn(query=x, key=x, value=x)`: the tensors given by name are the rules' positional inputs.
    const names = FORWARD_NAMES.get(m.type) ?? INPUT_NAME;
    if (a.kw.size && a.pos.length < names.length && a.kw.has(names[a.pos.length]))
      a = namedInputs(a, names);
    const rule = m.rule;
    const cfg = m.cfg;
    const x0 = a.pos[0];
    const x: TensorV =
      x0 && x0.k === 'tensor'
        ? x0
        : {
            k: 'tensor',
            shape: null,
            why:
              x0 && x0.k === 'unknown' ? x0.why : 'input is not a tensor the analyser can follow',
          };
    if (this.probing && x.shape === null && x.why === PROBE_WHY)
      throw new ProbeFound(rule.probe ? rule.probe(cfg) : null, rule.probeRankGuessed === true);
    const trace = this.trace;
    const name = fname ?? (trace && m.walk === trace.walk ? m.path : undefined) ?? m.type;
    const f = new LeafCall(this, m, site, a, x, name);
    let out: Value;
    if (m.invalid) out = { k: 'tensor', shape: null, why: m.invalid };
    else if (m.why && cfg.unknownArgs.size) out = { k: 'tensor', shape: null, why: m.why };
    else {
      try {
        out = rule.forward(f);
      } catch (e) {
        if (e instanceof BudgetExceeded || this.strict) throw e;
        out = { k: 'tensor', shape: null, why: `${rule.type}: internal analyser error` };
      }
    }
    if (!isSane(out)) out = saneValue(out, `${rule.type} produced an invalid size`);
    // "out_features could not be evaluated" says where; the argument's own reason says why.
    if (
      m.argWhy &&
      out.k === 'tensor' &&
      out.shape === null &&
      out.why &&
      out.why.includes('could not be evaluated')
    )
      out = { k: 'tensor', shape: null, why: `${out.why}: ${m.argWhy}` };
    const macs = f.macs;
    const formulas = f.formulas;
    if (fname)
      return this.recordLayer(
        name,
        fname,
        site,
        x,
        a.pos,
        out,
        0,
        macs,
        formulas,
        undefined,
        m.config,
        ruleDoc(rule),
        true,
        this.trace?.flow ? { kw: a.kw } : undefined,
      );
    return this.recordLayer(
      name,
      m.type,
      site,
      x,
      a.pos,
      out,
      m.ownParams,
      macs,
      formulas,
      m.defSpan,
      m.config,
      ruleDoc(rule),
      false,
      this.trace?.flow ? { module: m, kw: a.kw } : undefined,
    );
  }

  /** Adds a layer entry to the trace; its fields as positional parameters, so a call builds no record for them. */
  recordLayer(
    name: string,
    type: string,
    site: Span,
    input: TensorV,
    inputs: Value[],
    output: Value,
    params: number | null,
    macs: number | null,
    formulas: DimFormula[] | null,
    def: Span | undefined,
    config: LayerConfig | undefined,
    doc: string | undefined,
    functional: boolean,
    call?: { module?: object; kw: ReadonlyMap<string, Value> },
  ): Value {
    const trace = this.trace;
    if (!trace) return output;
    const range = this.lines.range(site);
    // A single tensor (the common case) needs no flattening.
    const outs = output.k === 'tensor' ? null : flattenTensors(output);
    const first = outs ? outs[0] : (output as TensorV);
    const inShape = input.shape ? resultShape(input.shape) : null;
    const outShape = first && first.shape ? resultShape(first.shape) : null;
    const lr: LayerResult = {
      line: range.line,
      column: range.column,
      range,
      name,
      type,
      input: inShape,
      output: outShape,
      params: params !== null && params >= 0 && Number.isInteger(params) ? params : null,
    };
    let nIns = 0;
    for (let i = 0; i < inputs.length; i++) if (inputs[i].k === 'tensor') nIns++;
    if (nIns > 1)
      lr.inputs = inputs
        .filter((v): v is TensorV => v.k === 'tensor')
        .map((t) => (t.shape ? resultShape(t.shape) : null));
    if (outs && outs.length > 1)
      lr.outputs = outs.map((t) => (t.shape ? resultShape(t.shape) : null));
    if (macs !== null) lr.macs = macs;
    if (def && !isForeign(def.from)) lr.definition = this.lines.range(def);
    if (formulas && formulas.length) lr.formulas = formulas;
    if (doc) lr.docUrl = doc;
    if (!first || !first.shape)
      lr.unknownReason = first?.why ?? (output.k === 'unknown' ? output.why : 'output unknown');
    if (functional) lr.functional = true;
    if (this.undecided > 0) lr.conditional = true;
    if (config) lr.config = config;
    // A copy: the tensors' own lists are shared between values, results must not be.
    let src = NO_SOURCES;
    for (let i = 0; i < inputs.length; i++) src = addSources(src, inputs[i], trace);
    lr.producers = src === NO_SOURCES ? [] : src.slice();
    const index = trace.layers.length;
    trace.layers.push(lr);
    // The outputs are copies that name this call as their producer: a rule may return its input
    // object itself (Identity, Dropout), whose other uses must keep their own producer.
    const tagged = tagTensors(output, [index], trace);
    if (!trace.flow || this.discovering) return tagged;
    return trace.flow.layer(
      index,
      type,
      call?.module,
      inputs,
      call?.kw ?? new Map<string, Value>(),
      tagged,
      range.line,
      config?.inplace === true,
    );
  }

  /** Union of the producers of the tensors in `vals` (and in tuples/lists among them), for this trace. */
  sourcesOf(vals: readonly Value[], self: Value | null): readonly number[] {
    const trace = this.trace;
    let out = self ? addSources(NO_SOURCES, self, trace) : NO_SOURCES;
    for (let i = 0; i < vals.length; i++) out = addSources(out, vals[i], trace);
    return out === NO_SOURCES ? [] : out;
  }

  /**
   * An operation that is not a layer entry (tensor arithmetic, indexing, a tuple of tensors) passes its
   * operands' producers on to the tensors it makes; tensors that already name a producer keep it.
   */
  inheritSources(v: Value, self: Value | null, a: CallArgs): Value {
    const trace = this.trace;
    if (!trace || !lacksSource(v, trace)) return v;
    let src = this.sourcesOf(a.pos, self);
    if (a.kw.size) src = mergeSources(src, this.sourcesOf([...a.kw.values()], null));
    return src.length ? tagTensors(v, src, trace, true) : v;
  }

  // ───────────────────────── external calls ─────────────────────────

  private callExt(fn: Value & { k: 'ext' }, a: CallArgs, site: Span): Value {
    const path = fn.path;
    if (path.startsWith('super.')) {
      const self = fn.self;
      const owner = (fn as SuperRef).classRef;
      const name = path.slice(6);
      if (owner && self) {
        for (const b of owner.bases) {
          if (b.k === 'class') {
            const meth = findMethod(b.cls, name);
            if (meth) return this.callFunc(meth.fn, a, meth.cls, self);
          }
        }
        if (name === '__init__') this.superInit(owner, self, a);
        if (name === 'forward' && self.k === 'module')
          return (
            this.callBaseLayer(self.m, a, site) ??
            unknown('super().forward() of a base the analyser does not know')
          );
      }
      return name === 'forward'
        ? unknown('super().forward() of a base the analyser does not know')
        : none;
    }
    const nn = nnName(path);
    if (nn) {
      const short = nn.short;
      const rule = nn.rule;
      if (rule) return this.buildLeaf(rule, a, site);
      if (short === 'Sequential' || short === 'ModuleList' || short === 'ModuleDict') {
        const m = this.newModule(short, short, site);
        if (short === 'Sequential') addChildren(m, a.pos, true, this.opaqueChild);
        else addChildren(m, a.pos.slice(0, 1), false, this.opaqueChild);
        if (a.lost) loseContents(m, a.lost.why);
        return modValue(m);
      }
      if (short === 'Parameter') {
        const t = a.pos[0] ?? a.kw.get('data');
        if (t && t.k === 'tensor')
          return {
            ...t,
            pid: {},
            param:
              (a.kw.get('requires_grad') ?? a.pos[1])?.k !== 'bool' ||
              ((a.pos[1] ?? a.kw.get('requires_grad'))?.k === 'bool' &&
                ((a.pos[1] ?? a.kw.get('requires_grad')) as { v: boolean }).v),
          } as ParamTensor;
        return {
          k: 'tensor',
          shape: null,
          why: 'parameter of unknown shape',
          param: true,
          pid: {},
        } as ParamTensor;
      }
      if (short === 'ParameterList' || short === 'ParameterDict')
        return this.paramContainer(
          short,
          a.pos[0] ?? a.kw.get(short === 'ParameterList' ? 'values' : 'parameters'),
        );
      if (short === 'Module') return none;
      const prelude = this.prelude.vars.get(short);
      if (prelude && prelude.k === 'class') return this.instantiate(prelude.cls, a, site);
      return { k: 'unknown', why: `nn.${short} is not supported by the analyser`, call: 'module' };
    }
    if (path.startsWith('module.')) return this.moduleMethod(fn.self, path.slice(7), a, site);
    if (path === 'functools.partial' && a.pos[0]) {
      // partial(nn.BatchNorm2d, eps=1e-3): remember the callee and its bound arguments.
      const bound: Value = {
        k: 'seq',
        kind: 'tuple',
        items: [a.pos[0], { k: 'seq', kind: 'tuple', items: a.pos.slice(1) }],
      };
      return { k: 'ext', path: 'functools.partial()', self: bound, partialArgs: a } as Value;
    }
    if (path === 'functools.partial()' && fn.self && fn.self.k === 'seq') {
      const target = fn.self.items[0];
      const pre = (fn as PartialRef).partialArgs;
      if (!pre) return unknown('partial()');
      const posArgs: (Arg | undefined)[] = [];
      for (let i = 1; i < pre.pos.length; i++) posArgs.push(posArg(pre, i));
      for (let i = 0; i < a.pos.length; i++) posArgs.push(posArg(a, i));
      const merged: CallArgs = {
        pos: [...pre.pos.slice(1), ...a.pos],
        kw: new Map([...pre.kw, ...a.kw]),
        posArgs,
        kwArgs: [...pre.kwArgs, ...a.kwArgs],
      };
      if (pre.lost) merged.lost = { why: pre.lost.why, pos: Math.max(0, pre.lost.pos - 1) };
      else if (a.lost) merged.lost = { why: a.lost.why, pos: pre.pos.length - 1 + a.lost.pos };
      return this.call(target, merged, site);
    }
    if (path === 'typing.cast') return a.pos[1] ?? unknown('cast() without a value');
    if (path === 'collections.namedtuple') {
      // namedtuple('Out', ['logits', 'aux']) or 'logits aux' / 'logits, aux': a tuple type with field names.
      const f = a.pos[1] ?? a.kw.get('field_names');
      const names =
        f?.k === 'str'
          ? f.v.split(/[\s,]+/).filter((x) => x !== '')
          : f?.k === 'seq' && f.items.every((x) => x.k === 'str')
            ? f.items.map((x) => (x as { v: string }).v)
            : null;
      if (!names) return unknown('namedtuple() with field names the analyser cannot evaluate');
      return {
        k: 'ext',
        path: 'namedtuple()',
        self: { k: 'seq', kind: 'tuple', items: names.map((v): Value => ({ k: 'str', v })) },
      };
    }
    if (path === 'namedtuple()' && fn.self && fn.self.k === 'seq') {
      const fields = fn.self.items.map((x) => (x as { v: string }).v);
      const items: Value[] = fields.map(
        (name, i) => a.pos[i] ?? a.kw.get(name) ?? unknown(`namedtuple field '${name}' not given`),
      );
      return { k: 'seq', kind: 'tuple', items, fields } as NamedTuple;
    }
    if (path === 'objdict.update' && fn.self && fn.self.k === 'obj') {
      // config.__dict__.update(d, k=v): the object's attributes.
      const o = fn.self;
      const d = a.pos[0];
      if (d && d.k === 'dict')
        d.keys.forEach((k, i) => k.k === 'str' && o.attrs.set(k.v, d.vals[i]));
      else if (d)
        for (const k of o.attrs.keys())
          o.attrs.set(
            k,
            unknown('changed by __dict__.update() with something the analyser cannot enumerate'),
          );
      for (const [k, v] of a.kw) o.attrs.set(k, v);
      return none;
    }
    if (path === 'copy.deepcopy' || path === 'copy.copy') {
      const v = a.pos[0];
      if (v && v.k === 'module') return modValue(this.cloneModule(v.m));
      // A copy of an object is another object: setting an attribute of the copy leaves the original.
      if (v && v.k === 'obj') return copyObj(v, path === 'copy.deepcopy' ? 4 : 0);
      return v ?? unknown('copy()');
    }
    const r = this.op(path, fn.self ?? null, a, site);
    if (r) return r;
    // Anything else may change what it is given, and unless it is one of torch's tensor functions it
    // may build a module (an imported class, a factory such as torchvision's resnet18()).
    // A name from a package the loader could not find says why (no Python known, not installed).
    const lost =
      this.loader && !fn.self && this.importedTop(path) ? this.loader.why(path) : undefined;
    return {
      k: 'unknown',
      why: `${displayPath(path)}() is not something the analyser understands${lost ? ` (${lost})` : ''}`,
      call: NOT_MODULES.test(path) ? 'opaque' : 'module',
    };
  }

  /**
   * `module.apply(fn)` as PyTorch runs it: on each child's subtree first (children() in order, a
   * module held twice by one parent once), then on the module itself. A function the analyser does
   * not understand is treated as any such call given a module: a weight initialiser, which may write
   * into tensors.
   */
  private applyFn(m: ModuleInst, fn: Value, site: Span, depth: number): void {
    if (depth > 200) return;
    for (const c of new Set(m.children.values())) this.applyFn(c, fn, site, depth + 1);
    const r = this.call(fn, noArgs([modValue(m)]), site);
    if (r.k === 'unknown' && r.call) tensorsMayHaveChanged();
  }

  private moduleMethod(self: Value | undefined, name: string, a: CallArgs, site: Span): Value {
    if (!self || self.k !== 'module') return unknown('module method');
    const m = self.m;
    if (name.startsWith('_modules.')) {
      const op = name.slice(9);
      if (op === 'items' || op === 'keys' || op === 'values') name = op;
      else {
        // pop, update, clear…: the children change in a way not followed.
        if (!READ_ONLY_DICT.has(op)) loseContents(m, `_modules.${op}() is not followed`);
        return unknown(`_modules.${op}()`);
      }
    }
    if (name === 'named_children') name = 'items';
    if (name.startsWith('__dict__.')) {
      // `self.__dict__.update(kw)`: attributes by names the analyser may not read.
      m.openAttrs ??= `${name}() on the module's __dict__ is not followed`;
      return unknown(`${name}()`);
    }
    switch (name) {
      case 'eval':
      case 'train': {
        // `model.eval()`: `self.training` is False in every submodule, which forwards branch on.
        const arg = a.pos[0] ?? a.kw.get('mode');
        const mode: Value =
          name === 'eval'
            ? FALSE
            : arg === undefined
              ? TRUE
              : arg.k === 'bool'
                ? arg
                : unknown('train(mode) with a mode the analyser cannot evaluate');
        if (!this.alwaysTraining) setTraining(m, mode);
        return self;
      }
      case 'to':
      case 'cuda':
      case 'cpu':
      case 'float':
      case 'double':
      case 'half':
      case 'requires_grad_':
      case 'type':
        return self;
      case 'apply': {
        const fn = a.pos[0] ?? a.kw.get('fn');
        if (fn) this.applyFn(m, fn, site, 0);
        return self;
      }
      case 'add_module':
      case '__setattr__':
      case 'register_module':
      case 'register_parameter': {
        const n = a.pos[0];
        const v = a.pos[1];
        if (n && n.k === 'str' && v) this.setModuleAttr(m, n.v, v);
        else {
          // A submodule or parameter the analyser cannot name: the module's contents are unknown
          // (a Sequential would otherwise run as if empty).
          const why = `${name}() with a name the analyser cannot read`;
          m.openAttrs ??= why;
          loseContents(m, why);
        }
        return none;
      }
      case '__getattr__': {
        const n = a.pos[0];
        return n && n.k === 'str'
          ? this.getAttr(self, n.v)
          : unknown('__getattr__() of an unknown name');
      }
      case 'register_buffer': {
        const n = a.pos[0];
        const v = a.pos[1];
        if (n && n.k === 'str' && v) ownAttrs(m).set(n.v, v);
        return none;
      }
      case 'append':
        if (a.pos[0]) addChildren(m, [a.pos[0]], true, this.opaqueChild, m.children.size);
        return self;
      case 'extend': {
        const items = a.pos[0] ? iterate(a.pos[0]) : null;
        if (items) addChildren(m, items, true, this.opaqueChild, m.children.size);
        else loseContents(m, 'extended with something the analyser cannot enumerate');
        return self;
      }
      case 'insert': {
        const at = a.pos[0] ? numOf(a.pos[0]) : null;
        const v = a.pos[1];
        const kids = [...m.children.values()];
        if (at === null || !isNum(at) || !v) {
          loseContents(m, 'insert() at a position the analyser cannot evaluate');
          return none;
        }
        const i = at < 0 ? Math.max(0, kids.length + at) : Math.min(at, kids.length);
        kids.splice(i, 0, v.k === 'module' ? v.m : this.opaqueChild(v));
        m.children.clear();
        kids.forEach((c, j) => m.children.set(String(j), c));
        return none;
      }
      case 'children':
      case 'values':
        return { k: 'seq', kind: 'list', items: [...m.children.values()].map(modValue) };
      case 'keys':
        return {
          k: 'seq',
          kind: 'list',
          items: [...m.children.keys()].map((c) => ({ k: 'str', v: c }) as Value),
        };
      case 'items':
        return {
          k: 'seq',
          kind: 'list',
          items: [...m.children.entries()].map(
            ([k, c]) =>
              ({ k: 'seq', kind: 'tuple', items: [{ k: 'str', v: k }, modValue(c)] }) as Value,
          ),
        };
      case 'forward':
        return this.callModule(m, a, site, site);
      case 'parameters':
        // An iterator the analyser does not enumerate; next() of it is a parameter (params.ts).
        return { k: 'ext', path: 'parameters()', self: modValue(m) };
      case 'named_parameters':
      case 'modules':
      case 'named_modules':
      case 'state_dict':
      case 'zero_grad':
        return unknown(`module.${name}()`);
      default:
        return unknown(`${m.type}.${name}() is not supported by the analyser`);
    }
  }
}

/**
 * A call's keyword arguments when each is a constant (number, string, bool, None), else undefined:
 * a tensor or any other keyword makes the call's input something the trace cannot restate.
 */
function constantKw(kw: ReadonlyMap<string, Value>): Map<string, Value> | undefined {
  if (!kw.size) return undefined;
  for (const v of kw.values())
    if (v.k !== 'num' && v.k !== 'str' && v.k !== 'bool' && v.k !== 'none') return undefined;
  return new Map(kw);
}

/**
 * Module.train(mode) / eval(): the mode of the module and of every module below it. The model is
 * traced once, in the mode the file leaves it in, while a call may have run in another: a module
 * switched both ways (`model.eval()`, a call, `model.train()`) has an unknown mode.
 */
function setTraining(m: ModuleInst, mode: Value, seen = new Set<ModuleInst>()): void {
  if (seen.has(m)) return;
  seen.add(m);
  const prev = m.attrs.get('training');
  const same =
    prev === undefined ||
    (prev.k === 'bool' && mode.k === 'bool' && prev.v === mode.v) ||
    (prev.k === 'unknown' && mode.k === 'unknown');
  ownAttrs(m).set(
    'training',
    same ? mode : unknown('the module is switched between train() and eval() in this file'),
  );
  for (const c of m.children.values()) setTraining(c, mode, seen);
}

/** How deep a tuple of tuples given to a model is followed (hostile nesting stays cheap). */
const MODEL_ARG_DEPTH = 4;

/** A call's argument as a model input: null when it is neither a known tensor, None, nor a tuple or list of those. */
function modelArg(v: Value, depth: number): ModelArg | null {
  if (v.k === 'tensor') return v.shape;
  if (v.k === 'none') return 'None';
  if (v.k !== 'seq' || depth >= MODEL_ARG_DEPTH) return null;
  const items: ModelArg[] = [];
  for (const x of v.items) {
    const m = modelArg(x, depth + 1);
    if (m === null) return null;
    items.push(m);
  }
  return { seq: v.kind, items };
}

/** A tensor argument's known elements, copied as they are at the call. */
function inputData(v: Value): InputData | null {
  const d = v.k === 'tensor' ? dataOf(v) : null;
  return d ? { v: [...d.v], float: d.float, exact: d.exact } : null;
}
