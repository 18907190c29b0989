// Module construction: building torch.nn leaves from their layer rules, the module tree's children
// and attributes, and what a torch.nn name is.
import type { D } from '../library/dims';
import { type Cfg, type Fwd, type LayerRule, docUrl } from '../library/layers/rule';
import type { Decorators, Span } from '../syntax/ast';
import type { ConfigValue, DimFormula, LayerConfig, Severity } from '../types';
import { type CallArgs, isConstArg, kwArg, posArg } from './calls';
import type { Interp } from './interp';
import { toConfig } from './semantics';
import type { ModuleInst, TensorV, Value } from './values';

/** Index of parameter `name` in the signature, or −1. */
export function sigIndex(sig: LayerRule['sig'], name: string): number {
  for (let i = 0; i < sig.length; i++) if (sig[i][0] === name) return i;
  return -1;
}

export const ruleDocs = new Map<LayerRule, string>();
/** docUrl(rule), built once per rule rather than once per traced call. */
export function ruleDoc(rule: LayerRule): string {
  let d = ruleDocs.get(rule);
  if (d === undefined) ruleDocs.set(rule, (d = docUrl(rule)));
  return d;
}

export const ruleNames = new Map<LayerRule, string[]>();
/** A rule's parameter names in order, computed once per rule. */
export function sigNames(rule: LayerRule): string[] {
  let names = ruleNames.get(rule);
  if (!names) ruleNames.set(rule, (names = rule.sig.map((p) => p[0])));
  return names;
}

/** Stores the argument's config value; false when it is not a constant (the caller marks it unknown). */
export function bindConfig(values: LayerConfig, name: string, v: Value): boolean {
  const cv = toConfig(v);
  if (cv === undefined) return false;
  values[name] = cv;
  return true;
}

/** The unknown-argument set of the (many) layers whose arguments are all known; never written. */
export const NO_UNKNOWN_ARGS: ReadonlySet<string> = new Set();

/** Sizes PyTorch passes to torch.empty for a weight, which takes only ints. */
export const WEIGHT_SIZES = new Set([
  'in_features',
  'out_features',
  'in1_features',
  'in2_features',
  'in_channels',
  'out_channels',
  'num_features',
  'hidden_size',
  'input_size',
  'embedding_dim',
  'num_embeddings',
  'embed_dim',
  'proj_size',
]);

/** A float (an int-valued one too: 16.0) given for a weight's size; a conv's kernel size makes its weight too. */
export function isFloatSize(type: string, name: string, v: Value): boolean {
  if (!(WEIGHT_SIZES.has(name) || (name === 'kernel_size' && type.startsWith('Conv'))))
    return false;
  if (v.k === 'num') return v.float === true;
  return v.k === 'seq' && v.items.some((x) => x.k === 'num' && x.float === true);
}

export const badSize = (x: number): boolean => x < 0 || !Number.isInteger(x);
export const nonPositive = (x: number): boolean => x <= 0;
/** Whether a config value (a number or a list of them) has a number failing `bad`. */
export function someNum(v: ConfigValue, bad: (x: number) => boolean): boolean {
  if (typeof v === 'number') return bad(v);
  if (Array.isArray(v)) for (const x of v) if (typeof x === 'number' && bad(x)) return true;
  return false;
}

/**
 * Where a leaf's constructor argument `name` was written and whether it was a constant; null when it
 * was not given. A keyword wins over a positional for the same name, as Python binding would reject
 * and the old per-argument maps resolved.
 */
export function argSite(m: ModuleInst, name: string): { span: Span; isConst: boolean } | null {
  const c = m.ctorArgs;
  const rule = (m as Partial<ModuleWithRule>).rule;
  if (!c || !rule) return null;
  const i = sigNames(rule).indexOf(name);
  if (i < 0) return null;
  const byKw = c.kw.has(name);
  const p = posArg(c, i);
  const k = byKw ? kwArg(c, name) : undefined;
  const found = k ?? p;
  if (!found) return null;
  return { span: found.value, isConst: isConstArg(byKw ? k : p) };
}

/** The shared empty maps of leaves (see newModule); ownChildren/ownAttrs replace them before a write. */
export const NO_CHILDREN: ReadonlyMap<string, ModuleInst> = new Map();
export const NO_ATTRS: ReadonlyMap<string, Value> = new Map();
export function ownChildren(m: ModuleInst): Map<string, ModuleInst> {
  if (m.children === NO_CHILDREN) m.children = new Map();
  return m.children;
}
export function ownAttrs(m: ModuleInst): Map<string, Value> {
  if (m.attrs === NO_ATTRS) m.attrs = new Map();
  return m.attrs;
}

/**
 * What a layer rule's forward sees for one call. A class (methods on the prototype, the label built
 * only if a message needs it) instead of an object of fresh closures per layer call. One per call:
 * reusing a long-lived one measured slower, since each call's stores into an old object pay the
 * garbage collector's write barrier.
 */
export class LeafCall implements Fwd {
  readonly cfg: Cfg;
  readonly args: Value[];
  readonly kwargs: Map<string, Value>;
  /** Created by the first formula: most layers (activations, norms, linear) have none. */
  formulas: DimFormula[] | null = null;
  macs: number | null = null;
  constructor(
    private readonly it: Interp,
    private readonly m: ModuleWithRule,
    private readonly site: Span,
    a: CallArgs,
    readonly x: TensorV,
    private readonly name: string,
  ) {
    this.cfg = m.cfg;
    this.args = a.pos;
    this.kwargs = a.kw;
  }
  get label(): string {
    return `${this.name} (${this.m.type})`;
  }
  diag(code: string, sev: Severity, msg: string, arg?: string, fixValue?: number | string): void {
    this.it.argDiag(this.m, { code, severity: sev, message: msg, arg, fixValue }, this.site);
  }
  formula(dim: string, formula: string, worked: string): void {
    this.addFormula({ dim, formula, worked });
  }
  addFormula(f: DimFormula): void {
    if (this.formulas) this.formulas.push(f);
    else this.formulas = [f];
  }
  setMacs(n: number | null): void {
    this.macs = n;
  }
}

// ───────────────────────── helpers ─────────────────────────

export interface ModuleWithRule extends ModuleInst {
  rule: LayerRule;
  cfg: Cfg;
  /** Why the first constructor argument the analyser could not evaluate is unknown, for the output's reason. */
  argWhy: string | undefined;
}

export interface ParamTensor extends TensorV {
  param?: boolean;
  /** A layer's own weight or bias, read as `layer.weight`. */
  paramOf?: ModuleInst;
  paramName?: string;
  /** The identity of an nn.Parameter, shared by its copies, so two names for it count once. */
  pid?: object;
}

/** The shape of a leaf's parameter `name`, as its layer rule knows it; null when not known. */
export function paramShape(m: ModuleInst, name: string): D[] | null {
  const r = m as Partial<ModuleWithRule>;
  return r.rule?.paramShape && r.cfg ? r.rule.paramShape(r.cfg, name) : null;
}

export const SIZE_ARGS = new Set([
  'in_features',
  'out_features',
  'in1_features',
  'in2_features',
  'in_channels',
  'out_channels',
  'num_features',
  'num_channels',
  'num_groups',
  'hidden_size',
  'input_size',
  'num_layers',
  'embedding_dim',
  'num_embeddings',
  'embed_dim',
  'num_heads',
  'd_model',
  'nhead',
  'dim_feedforward',
  'padding',
  'dilation',
  'output_padding',
  'groups',
  'upscale_factor',
  'downscale_factor',
  'output_size',
  'proj_size',
]);

/**
 * External callables whose results are never modules: torch's tensor functions and data utilities,
 * Python's standard library, numpy. Anything else not understood may build one, including torch's
 * namespaces that return modules (quantization wrappers such as `QuantWrapper(nn.Linear(3, 5))`,
 * `torch.jit.script`, `torch.fx.symbolic_trace`, `torch.load`); of those, only the qconfig factories
 * (`get_default_qconfig`, `QConfig`) are known to build a config rather than a module.
 */
export const NOT_MODULES =
  /^(?:torch\.(?!nn\.|hub\.|ao\.|quantization\.|jit\.|fx\.|package\.|load$|compile$)|torch\.(?:ao\.)?quantization\.(?:[\w.]*\.)?\w*[qQ][cC]onfig\w*$|torchvision\.(?:transforms|datasets|io|utils)\.|builtins\.|math\.|numpy\.|seq\.|dict\.|str\.|tensor\.|typing\.|collections\.|os\.|sys\.|random\.|time\.|json\.|logging\.|warnings\.|itertools\.|functools\.)/;

/** The attribute holding the torch layer a user class derives from (a name no Python code can write). */
export const BASE_LAYER = '\u0000base';

/** Methods that may add a module to their receiver. */
export const BUILDING_METHODS = new Set([
  'add_module',
  'register_module',
  'register_parameter',
  'append',
  'extend',
  'insert',
  'update',
  '__setattr__',
  'setdefault',
]);

/**
 * Fills a container from its constructor's (or append's) arguments. An item that is not a module (an
 * unknown value: an imported class's instance, an unsupported layer) becomes the stand-in `opaque`
 * makes, so nothing after it is computed as if it were not there; a ModuleList or ModuleDict whose
 * whole contents are unknown loses its contents (see loseContents).
 */
export function addChildren(
  m: ModuleInst,
  items: Value[],
  sequential: boolean,
  opaque: (v: Value) => ModuleInst,
  start = 0,
): void {
  const first = items[0];
  ownChildren(m);
  if (items.length === 1 && first && first.k === 'dict') {
    first.keys.forEach((k, i) => {
      const v = first.vals[i];
      if (k.k === 'str') m.children.set(k.v, v.k === 'module' ? v.m : opaque(v));
      else loseContents(m, 'a key the analyser cannot evaluate');
    });
    return;
  }
  if (!sequential && items.length === 1 && first && first.k === 'seq') {
    // ModuleList([...]) / ModuleDict([(name, module), ...])
    if (m.kind === 'ModuleDict') {
      for (const it of first.items) {
        const [k, v] = it.k === 'seq' ? it.items : [];
        if (k && k.k === 'str' && v) m.children.set(k.v, v.k === 'module' ? v.m : opaque(v));
        else loseContents(m, 'an entry the analyser cannot evaluate');
      }
    } else
      first.items.forEach((v, i) =>
        m.children.set(String(start + i), v.k === 'module' ? v.m : opaque(v)),
      );
    return;
  }
  if (!sequential && items.length === 1 && first && first.k === 'unknown') {
    loseContents(m, first.why);
    return;
  }
  let i = start;
  for (const v of items) {
    if (v.k !== 'none') m.children.set(String(i), v.k === 'module' ? v.m : opaque(v));
    i++;
  }
}

/**
 * A container whose contents are not all known (filled from a list the analyser cannot enumerate, or
 * in a loop over one): its parameters are unknown, and so is what running or iterating it gives.
 */
export function loseContents(m: ModuleInst, why: string): void {
  m.opaque ??= why;
  m.ownParams = null;
}

/** Why a decorated name is unknown: the decorator returns something the analyser cannot know. */
export function decoratedWhy(d: Decorators): string {
  return `decorated with @${d.unknown[0]}, which the analyser does not know (it may return something other than what it decorates)`;
}
