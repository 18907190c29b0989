// The typed AST the interpreter runs: plain objects, lowered from the concrete tree by lower.ts.
export interface Span {
  from: number;
  to: number;
}

export type Expr = Span &
  (
    | { t: 'num'; v: number; int: boolean }
    | { t: 'str'; v: string }
    | { t: 'name'; id: string }
    | { t: 'const'; v: boolean | null }
    | { t: 'ellipsis' }
    | { t: 'attr'; obj: Expr; name: string }
    | { t: 'sub'; obj: Expr; items: SliceItem[]; tuple: boolean }
    | { t: 'call'; fn: Expr; args: Arg[] }
    | { t: 'bin'; op: string; l: Expr; r: Expr; chain?: true }
    | { t: 'unary'; op: string; e: Expr }
    | { t: 'seq'; kind: 'tuple' | 'list' | 'set'; items: Expr[] }
    | { t: 'starred'; e: Expr }
    | { t: 'dict'; entries: [Expr, Expr][] }
    | { t: 'comp'; kind: 'list' | 'gen' | 'set' | 'dict'; elt: Expr; val?: Expr; gens: CompFor[] }
    | { t: 'ifexp'; test: Expr; body: Expr; orelse: Expr }
    | { t: 'lambda'; params: Param[]; body: Expr }
    | { t: 'fstr'; parts: (string | Expr)[] }
    | { t: 'unknown'; what: string }
  );

/** How a method decorated with @staticmethod, @classmethod or @property is reached through an instance. */
export type MethodBinding = 'static' | 'class' | 'property';

/**
 * Decorators other than the binding ones. `unknown` lists those the analyser does not know: what they
 * return could be anything, so the decorated name is unknown (never the undecorated function). `accessor`
 * is set for `@x.setter` / `.deleter` / `.getter`, which add to a property rather than rebind its name.
 */
export interface Decorators {
  unknown: string[];
  accessor: boolean;
}

export type SliceItem = Span &
  ({ t: 'index'; e: Expr } | { t: 'slice'; lo?: Expr; hi?: Expr; step?: Expr });

export interface Arg {
  name: string | undefined;
  star: '*' | '**' | undefined;
  value: Expr;
}

export interface CompFor {
  target: Expr;
  iter: Expr;
  ifs: Expr[];
}

export interface Param {
  name: string;
  star?: '*' | '**';
  def?: Expr;
}

export type Stmt = Span &
  (
    | { t: 'expr'; e: Expr }
    /** `annotation`: the text after the colon of `x: int = 5` (a dataclass field has one). */
    | { t: 'assign'; targets: Expr[]; value: Expr; annotation?: string }
    | { t: 'aug'; target: Expr; op: string; value: Expr }
    | { t: 'return'; value?: Expr }
    | { t: 'if'; test: Expr; body: Stmt[]; orelse: Stmt[] }
    | { t: 'for'; target: Expr; iter: Expr; body: Stmt[] }
    | { t: 'while'; test: Expr; body: Stmt[] }
    | {
        t: 'def';
        name: string;
        nameSpan: Span;
        params: Param[];
        body: Stmt[];
        binding?: MethodBinding;
        decorators?: Decorators;
      }
    | {
        t: 'class';
        name: string;
        nameSpan: Span;
        bases: Expr[];
        body: Stmt[];
        decorators?: Decorators;
      }
    | { t: 'del'; targets: Expr[] }
    | { t: 'import'; names: { path: string; alias: string }[] }
    | { t: 'block'; body: Stmt[] }
    | { t: 'flow'; what: 'pass' | 'break' | 'continue' | 'raise' | 'other' }
  );

export interface ParsedFile {
  src: string;
  stmts: Stmt[];
}
