// The abstract values the interpreter computes with: Python constants, containers, tensors (whose
// shape, and dtype where known, we track), modules under construction, functions and classes from the file,
// and "unknown" with the reason, which is what anything we cannot evaluate becomes.
import type { D } from '../library/dims';
import type { Arg, Expr, MethodBinding, Param, Span, Stmt } from '../syntax/ast';
import type { LayerConfig } from '../types';
import { allocate } from './budget';
import type { DType } from './dtype';

export interface TensorV {
  k: 'tensor';
  /** null when unknown; `why` then says where knowledge was lost. */
  shape: D[] | null;
  why?: string;
  /** The element type where it is known (eval/dtype.ts); absent when it is not. */
  dtype?: DType;
  /**
   * Data flow while a forward is traced: the layer calls (indices in the trace's layer list; −1 − k
   * for the model's k-th input) whose outputs this tensor comes from, through any untraced tensor
   * arithmetic in between; sorted, no repeats. Absent for tensors made inside forward (torch.zeros,
   * parameters). Valid only for the trace in `srcTrace`, so a tensor kept from another run says nothing.
   */
  src?: readonly number[];
  srcTrace?: object;
}

export interface ClassInfo {
  name: string;
  span: Span;
  nameSpan: Span;
  bases: Value[];
  body: Stmt[];
  methods: Map<string, FuncV>;
  attrs: Map<string, Value>;
  isModule: boolean;
  /** Method lookups already resolved through the bases (see findMethod in calls.ts). */
  resolved?: Map<string, { fn: FuncV; cls: ClassInfo } | null>;
  /** A `@dataclass`'s fields in order (eval/dataclass.ts), for `dataclasses.asdict`. */
  dataclassFields?: string[];
}

export interface LegacyKeyword {
  legacy: string;
  param: string;
}

export interface FuncV {
  k: 'func';
  name: string;
  params: Param[];
  body: Stmt[] | Expr;
  scope: Scope;
  self?: Value;
  span: Span;
  binding?: MethodBinding;
  /**
   * Keywords with which a call is unknown: a library decorator that returns the function unchanged
   * except when given them (see modules/decorators.ts). `param` is the keyword the decorator turns a
   * false `legacy` into (`pretrained=False` becomes `weights=None`).
   */
  refuses?: readonly LegacyKeyword[];
}

export type Value =
  | { k: 'num'; v: D; float?: boolean }
  | { k: 'str'; v: string }
  | { k: 'bool'; v: boolean }
  | { k: 'none' }
  | { k: 'seq'; kind: 'tuple' | 'list'; items: Value[] }
  | { k: 'dict'; keys: Value[]; vals: Value[] }
  | TensorV
  | { k: 'module'; m: ModuleInst }
  | FuncV
  | { k: 'class'; cls: ClassInfo }
  | { k: 'ext'; path: string; self?: Value }
  | { k: 'obj'; cls?: ClassInfo; attrs: Map<string, Value> }
  | UnknownV;

/**
 * A value the analyser does not know. `call` marks the result of a call it did not understand:
 * 'opaque' when the callee may have mutated its receiver and arguments, 'module' when the result may
 * moreover be a module (an imported class, an unsupported layer), whose output and parameters are unknown.
 */
export interface UnknownV {
  k: 'unknown';
  why: string;
  call?: 'opaque' | 'module';
}

export class Scope {
  readonly vars = new Map<string, Value>();
  constructor(readonly parent?: Scope) {}
  /** A sibling with a copy of this scope's own variables, for running one branch of an unknown `if`. */
  fork(): Scope {
    const s = new Scope(this.parent);
    // Lists and dicts are copied one level deep, so `outs.append(...)` in one branch is not seen by
    // the other (and the merge then compares the two).
    // The copies are charged to the budget: an unknown condition in a loop over a long list would
    // otherwise copy it on every iteration unseen. One over the budget is unknown in the branch.
    for (const [k, v] of this.vars) {
      const over =
        v.k === 'seq'
          ? allocate(v.items.length, `a copy of '${k}'`)
          : v.k === 'dict'
            ? allocate(2 * v.keys.length, `a copy of '${k}'`)
            : null;
      if (over) s.vars.set(k, unknown(over));
      else if (v.k === 'seq') s.vars.set(k, { k: 'seq', kind: v.kind, items: [...v.items] });
      else if (v.k === 'dict') s.vars.set(k, { k: 'dict', keys: [...v.keys], vals: [...v.vals] });
      else s.vars.set(k, v);
    }
    return s;
  }
  lookup(name: string): Value | undefined {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let s: Scope | undefined = this;
    while (s) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
      s = s.parent;
    }
    return undefined;
  }
}

/** A construction-time error of a layer, at its constructor argument `arg` when that was written. */
export interface CtorDiag {
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  arg?: string;
  fixValue?: number | string;
}

/**
 * A call's arguments as the interpreter passes them: the values, and the AST arguments they were
 * written as. The AST side is read only when a diagnostic needs a span or a constant test (argSite in
 * interp.ts), so it is kept as references into the call's own argument list rather than built per call.
 */
export interface CtorArgs {
  pos: readonly Value[];
  kw: ReadonlyMap<string, Value>;
  /**
   * posArgs[i] is the argument pos[i] was written as (undefined for values the analyser made). Valid
   * only below pos.length: when nothing was unpacked it is the call's whole argument list, so it may
   * run on into the keywords.
   */
  posArgs: readonly (Arg | undefined)[];
  /** Arguments among which the keywords are found by name (a later one wins); others have no name. */
  kwArgs: readonly Arg[];
}

export interface ModuleInst {
  id: number;
  /** PyTorch class name or the user's class name. */
  type: string;
  kind: 'leaf' | 'Sequential' | 'ModuleList' | 'ModuleDict' | 'user';
  config: LayerConfig;
  /**
   * A leaf's constructor call (for diagnostics at the exact argument and their quick fixes), bound to
   * the rule's parameter names only when a diagnostic needs it (see argSite in modules.ts), so building
   * a layer creates no per-argument objects.
   */
  ctorArgs?: CtorArgs;
  /** Submodules. Empty leaves share one map until something is added (see ownChildren in modules.ts). */
  children: Map<string, ModuleInst>;
  attrs: Map<string, Value>;
  /** Parameters owned directly (nn.Parameter attributes, or a leaf layer's weights); null if unknown. */
  ownParams: number | null;
  cls?: ClassInfo;
  defSpan?: Span;
  /** Name of the top-level variable a Sequential was assigned to, for input discovery. */
  origin?: string;
  /** Parameters of this module that are another module's tensors (weight tying), counted once. */
  sharedParams?: number;
  /**
   * Parameters held as attributes (nn.Parameter, ParameterList, a weight tied to another layer's), by
   * attribute name, counted by identity in eval/params.ts.
   */
  paramAttrs?: Map<string, Value>;
  /** Set when PyTorch would refuse to construct it (negative size, zero stride). */
  invalid?: string;
  /** Why the module could not be built fully. */
  why?: string;
  /**
   * Set when something gave the module attributes by names the analyser could not read
   * (`setattr(self, name, v)` with an unknown name): no attribute can then be said to be absent.
   */
  openAttrs?: string;
  /** Attributes set in one branch of a condition the analyser could not decide: maybe absent. */
  maybeAttrs?: Set<string>;
  /**
   * Set for a stand-in the analyser could not build (an imported class, an unsupported layer, a
   * container filled from something it cannot enumerate): its output and its parameters are unknown.
   */
  opaque?: string;
  /** What PyTorch raises when this module is constructed, reported for each analysed model holding it. */
  ctorDiags?: CtorDiag[];
  /** The one `{ k: 'module', m }` value for this module (see modValue), so reads allocate nothing. */
  ref?: Value;
  /**
   * The latest walk over a model's tree that reached this module (Interp.newWalk), and for a naming
   * walk the dotted path it was first reached by: marks on the modules instead of a map and a set per model.
   */
  walk?: number;
  path?: string;
  /**
   * Built by torch's own Python (prelude.ts): its spans are not in the file. A mark on the module, not
   * a set of the analysis, so that a kept imported module's copy (modules/copy.ts) keeps it.
   */
  torchBuilt?: true;
}

/** The value that refers to module `m`; one per module, since module values are never mutated. */
export function modValue(m: ModuleInst): Value {
  return (m.ref ??= { k: 'module', m });
}

export const unknown = (why: string): Value => ({ k: 'unknown', why });
export const none: Value = { k: 'none' };
