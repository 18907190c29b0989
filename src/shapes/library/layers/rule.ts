// What a layer rule is: PyTorch's constructor signature (names, order, defaults), how many parameters
// the layer owns, and how it maps input shapes to output shapes. Families live in sibling files.
import type { CtorDiag, TensorV, Value } from '../../eval/values';
import type { ConfigValue, DimFormula, LayerConfig, Severity } from '../../types';

/** Marks a constructor argument without a default. */
export const REQUIRED = '\u0000required';
export type Default = ConfigValue | typeof REQUIRED;

export interface Fwd {
  cfg: Cfg;
  /** Positional tensor-ish arguments of the forward call. */
  args: Value[];
  kwargs: Map<string, Value>;
  /** The first argument as a tensor (unknown-shape tensor if it is not one). */
  x: TensorV;
  /** Reports a problem at the constructor argument `arg` (or at the call when absent). */
  diag(
    code: string,
    severity: Severity,
    message: string,
    arg?: string,
    fixValue?: number | string,
  ): void;
  formula(dim: string, formula: string, worked: string): void;
  /** formula(), for an entry already built (by the size functions of formulas.ts). */
  addFormula(f: DimFormula): void;
  setMacs(n: number | null): void;
  /** Name used in messages: "Conv2d(1, 32, 3)" as written, or the type. */
  label: string;
}

export interface LayerRule {
  type: string;
  sig: [string, Default][];
  /** Rewrites scalar-or-tuple arguments into per-axis lists, fills derived defaults. */
  normalize?(c: Cfg): void;
  params?(c: Cfg): number | null;
  /**
   * The shape of the parameter PyTorch allocates as attribute `name` (`weight`, `bias`), for code that
   * reads it (`self.fc.weight`) or ties it to another layer's; null when the layer has no such
   * parameter or its shape is unknown.
   */
  paramShape?(c: Cfg, name: string): number[] | null;
  forward(f: Fwd): Value;
  /**
   * What PyTorch raises in the constructor for these arguments (checked when the layer is built, so a
   * layer forward never reaches is still reported); `why` becomes the unknown output's reason.
   */
  check?(c: Cfg): (CtorDiag & { why: string }) | null;
  /** A symbolic input this layer accepts, for models whose input nothing in the file states. */
  probe?(c: Cfg): (number | string)[] | null;
  /**
   * The layer takes inputs of any rank (Linear, LayerNorm, Embedding), so the probe's rank is a
   * guess: what follows from that rank may be wrong and is never an error diagnostic.
   */
  probeRankGuessed?: true;
  /** Documentation page name when it differs from torch.nn.<type>. */
  doc?: string;
}

/** Evaluated constructor arguments, with accessors that say "unknown" instead of guessing. */
export class Cfg {
  constructor(
    readonly values: LayerConfig,
    readonly unknownArgs: Set<string>,
  ) {}

  has(name: string): boolean {
    return name in this.values && !this.unknownArgs.has(name);
  }
  raw(name: string): ConfigValue | undefined {
    return this.unknownArgs.size !== 0 && this.unknownArgs.has(name)
      ? undefined
      : this.values[name];
  }
  int(name: string): number | null {
    const v = this.raw(name);
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    return null;
  }
  num(name: string): number | null {
    const v = this.raw(name);
    return typeof v === 'number' ? v : null;
  }
  bool(name: string): boolean | null {
    const v = this.raw(name);
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    if (v === null) return false;
    return null;
  }
  str(name: string): string | null {
    const v = this.raw(name);
    return typeof v === 'string' ? v : null;
  }
  /** An int or a tuple of ints, as n per-axis ints (PyTorch's _ntuple). */
  ints(name: string, n: number): number[] | null {
    const v = this.raw(name);
    if (typeof v === 'number' && Number.isInteger(v)) return repeat(v, n);
    if (Array.isArray(v) && v.every(isInt)) {
      const arr = v as number[];
      if (arr.length === n) return arr;
      if (arr.length === 1) return repeat(arr[0], n);
    }
    return null;
  }
  /** Stores the per-axis form so consumers of `config` see one shape of value. */
  expand(name: string, n: number): void {
    const e = this.ints(name, n);
    if (e) this.values[name] = e;
  }
  missing(names: string[]): string | null {
    for (const n of names) if (this.unknownArgs.has(n)) return n;
    return null;
  }
}

/**
 * n copies of v. Literals for one to three axes: Array(n).fill(v) goes through a runtime call, and
 * building and running a layer asks for several of these.
 */
export function repeat<T>(v: T, n: number): T[] {
  return n === 2 ? [v, v] : n === 1 ? [v] : n === 3 ? [v, v, v] : (Array(n).fill(v) as T[]);
}

function isInt(e: ConfigValue): boolean {
  return typeof e === 'number' && Number.isInteger(e);
}

export function docUrl(rule: LayerRule): string {
  return `https://pytorch.org/docs/stable/generated/${rule.doc ?? 'torch.nn.' + rule.type}.html`;
}

/** Resolves a possibly negative dim index against a rank; null when out of range. */
export function normDim(dim: number, rank: number): number | null {
  const d = dim < 0 ? dim + rank : dim;
  return d >= 0 && d < rank ? d : null;
}

export const unknownTensor = (why: string): TensorV => ({ k: 'tensor', shape: null, why });
