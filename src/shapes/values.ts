// The abstract values the interpreter computes with: Python constants, containers, tensors (whose only
// property we track is the shape), modules under construction, functions and classes from the file,
// and "unknown" with the reason, which is what anything we cannot evaluate becomes.
import type { Span, Stmt, Param, Expr } from './ast';
import type { D } from './dims';
import type { LayerConfig } from './types';

export interface TensorV {
  k: 'tensor';
  /** null when unknown; `why` then says where knowledge was lost. */
  shape: D[] | null;
  why?: string;
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
}

export interface FuncV {
  k: 'func';
  name: string;
  params: Param[];
  body: Stmt[] | Expr;
  scope: Scope;
  self?: Value;
  span: Span;
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
  | { k: 'unknown'; why: string };

export class Scope {
  readonly vars = new Map<string, Value>();
  constructor(readonly parent?: Scope) {}
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

export interface ModuleInst {
  id: number;
  /** PyTorch class name or the user's class name. */
  type: string;
  kind: 'leaf' | 'Sequential' | 'ModuleList' | 'ModuleDict' | 'user';
  config: LayerConfig;
  /** Evaluated arguments by PyTorch parameter name, for rules that need more than the config. */
  args: Map<string, Value>;
  /** Source span of each argument as written, for diagnostics at the exact argument. */
  argSpans: Map<string, Span>;
  /** Whether an argument was written as a constant expression (so a quick fix can replace it). */
  argConst: Map<string, boolean>;
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
  /** Set when PyTorch would refuse to construct it (negative size, zero stride). */
  invalid?: string;
  /** Why the module could not be built fully. */
  why?: string;
}

export const unknown = (why: string): Value => ({ k: 'unknown', why });
export const num = (v: D, float = false): Value => (float ? { k: 'num', v, float } : { k: 'num', v });
export const none: Value = { k: 'none' };
export const tensor = (shape: D[] | null, why?: string): TensorV => (shape ? { k: 'tensor', shape } : { k: 'tensor', shape: null, why: why ?? 'unknown shape' });
export const tuple = (items: Value[]): Value => ({ k: 'seq', kind: 'tuple', items });

