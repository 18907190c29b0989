// A hand-written recursive-descent parser that builds, for the Python model files use, exactly the
// plain tree (node.ts's SyntaxNode) that @lezer/python's parse gives: the same node names, ranges and
// child order, punctuation and keyword nodes where lezer keeps them, and Comment nodes where lezer's
// LR parser leaves them. It is several times faster than lezer, whose parse was most of the engine's
// time on long files. It gives up (returns null) on anything it does not mirror, including every
// syntax error, so the caller falls back to lezer and error recovery stays lezer's.
//
// How lezer's tree is reproduced:
// - A node spans from its first token to the end of its last non-skipped, non-empty token (so a
//   Body or a Decorator ends after the newline that ends its last line, and an ExpressionStatement
//   before it).
// - A comment lands in the deepest node that holds both the token before it and the token after it
//   (lezer moves trailing skipped tokens out of a node it reduces). Here: comments wait in the lexer
//   until the parser next opens a node or takes a token, and go into the node open at that moment;
//   closing a node does not take them. Zero-width tokens (a dedent, the end of the text) do not count.
// - Left-recursive shapes (a BinaryExpression, a call, a member access, a ContinuedString) are built
//   by wrapping the operand just finished, so a comment between an operand and its operator lands
//   inside the wrapper as it does in lezer.
import type { SyntaxNode } from './node';
import {
  CONV,
  DEDENT,
  EOF,
  GIVE_UP,
  GiveUp,
  INDENT,
  KW,
  Lexer,
  NAME,
  NEWLINE,
  NUM,
  OP,
  STR,
  S_FORMAT,
  S_LONG,
  S_RAW,
  escapeEnd,
} from './pylex';

// Binary operator precedences (lezer's @precedence, higher binds tighter).
const OR = 1;
const AND = 2;
const COMPARE = 4;
const BITOR = 5;
const XOR = 6;
const BITAND = 7;
const SHIFT = 8;
const PLUS = 9;
const TIMES = 10;
const POWER = 12;

// lezer's big-reduction guard (see Parser.bump): its size threshold, its count is 300.
const BIG = 2000;
const BIG_MAX = 200;
const LATE_KIDS_MAX = 100;

function node(name: string, from: number, to: number): SyntaxNode {
  return { name, from, to, firstChild: null, nextSibling: null };
}

class Parser {
  private readonly lx: Lexer;
  private readonly src: string;
  // Open nodes: the node, its last child and the child before that (to detach the last for a wrap).
  private readonly stack: SyntaxNode[] = [];
  private readonly lasts: (SyntaxNode | null)[] = [];
  private readonly prevs: (SyntaxNode | null | undefined)[] = [];
  /** Per open node: whether it has a comma list (1) or not (-1), and its late children (see bump). */
  private readonly commas: number[] = [];
  private readonly lateKids: number[] = [];
  /** Big reductions per start position (see bump); made on first need. */
  private big: Map<number, number> | null = null;
  /** End of the last real token taken: where a node closed now ends. */
  private lastEnd: number;

  constructor(src: string, from: number, to: number) {
    this.src = src;
    this.lx = new Lexer(src, from, to);
    this.lastEnd = from;
  }

  parse(from: number, to: number): SyntaxNode {
    const root = node('Script', from, to);
    this.push(root);
    const lx = this.lx;
    lx.next();
    const listStart = lx.from;
    while (lx.type !== EOF) {
      const blanks = lx.blankLines;
      this.statement();
      this.listed(listStart, blanks);
    }
    this.flush();
    return root;
  }

  // ---- tree building -------------------------------------------------------------------------

  private push(n: SyntaxNode): void {
    this.stack.push(n);
    this.lasts.push(null);
    this.prevs.push(null);
    this.commas.push(-1);
    this.lateKids.push(0);
  }

  private append(n: SyntaxNode): void {
    const i = this.stack.length - 1;
    const last = this.lasts[i];
    if (last) last.nextSibling = n;
    else this.stack[i].firstChild = n;
    this.prevs[i] = last;
    this.lasts[i] = n;
    // Statement lists and comma lists are counted exactly (listed, comma); other repetitions here.
    if (
      n.to - this.stack[i].from >= BIG &&
      i > 0 &&
      this.commas[i] < 0 &&
      n.name !== 'Comment' &&
      ++this.lateKids[i] > LATE_KIDS_MAX
    ) {
      const p = this.stack[i].name;
      if (p !== 'Body' && p !== 'Script') throw GIVE_UP;
    }
  }

  /**
   * lezer force-ends a production once more than 300 reductions of 2,000+ characters in a row share a
   * start position (its guard against trees too deep to walk), which turns valid long text into an
   * error. Measured on lezer (a patched copy logging those reductions): each link of a long operator,
   * call or member chain makes two or three such reductions at the chain's start, and a statement list
   * makes one at its first statement each time a blank or comment-only line separates two of its
   * statements; comma lists make none. Those are counted per start here (a node's reduction weighs 2,
   * which covers the chains' repeats) and the fast path gives up well before lezer's limit. Other
   * repetitions are bounded by the late children of one node (append).
   */
  private bump(key: number, weight: number): void {
    const big = this.big ?? (this.big = new Map());
    const n = (big.get(key) ?? 0) + weight;
    if (n > BIG_MAX) throw GIVE_UP;
    big.set(key, n);
  }

  private comma(): void {
    this.commas[this.stack.length - 1] = 1;
    this.leaf(',');
  }

  /** Between statements of a list that started at listStart, blank lines seen before at `blanks`. */
  private listed(listStart: number, blanks: number): void {
    const gap = this.lx.blankLines - blanks;
    if (gap > 0 && this.lastEnd - listStart >= BIG) this.bump(listStart, gap > 1 ? 2 : 1);
  }

  /** Pending comments go into the node open now. */
  private flush(): void {
    const c = this.lx.comments;
    if (c.length === 0) return;
    for (let i = 0; i < c.length; i += 2) this.append(node('Comment', c[i], c[i + 1]));
    c.length = 0;
  }

  private open(name: string): void {
    this.flush();
    this.push(node(name, this.lx.from, this.lx.from));
  }

  private close(): SyntaxNode {
    const n = this.stack.pop() as SyntaxNode;
    this.lasts.pop();
    this.prevs.pop();
    this.commas.pop();
    this.lateKids.pop();
    n.to = this.lastEnd;
    if (n.to - n.from >= BIG) this.bump(n.from, 2);
    this.append(n);
    return n;
  }

  /** Reopens the node just appended as the first child of a new node `name`. */
  private wrap(name: string): void {
    const i = this.stack.length - 1;
    const x = this.lasts[i];
    const prev = this.prevs[i];
    if (!x || prev === undefined) throw GIVE_UP;
    if (prev) prev.nextSibling = null;
    else this.stack[i].firstChild = null;
    this.lasts[i] = prev;
    this.prevs[i] = undefined;
    const w = node(name, x.from, x.to);
    w.firstChild = x;
    this.stack.push(w);
    this.lasts.push(x);
    this.prevs.push(null);
    this.commas.push(-1);
    this.lateKids.push(0);
  }

  /** Takes the current token as a leaf node `name`. */
  private leaf(name: string): SyntaxNode {
    this.flush();
    const lx = this.lx;
    const n = node(name, lx.from, lx.to);
    this.append(n);
    this.lastEnd = lx.to;
    lx.next();
    return n;
  }

  /** Takes a token lezer keeps out of the tree ("->", "/", a newline, an indent). */
  private skip(): void {
    const lx = this.lx;
    if (lx.to > lx.from) {
      this.flush();
      this.lastEnd = lx.to;
    }
    lx.next();
  }

  /** The current token's type, read afresh: TypeScript would keep a narrowing across the calls that advance it. */
  private tok(): number {
    return this.lx.type;
  }

  private isOp(v: string): boolean {
    return this.lx.type === OP && this.lx.val === v;
  }

  private isKw(v: string): boolean {
    return this.lx.type === KW && this.lx.val === v;
  }

  private op(v: string): void {
    if (this.lx.type !== OP || this.lx.val !== v) throw GIVE_UP;
    this.leaf(v);
  }

  private kw(v: string): void {
    if (this.lx.type !== KW || this.lx.val !== v) throw GIVE_UP;
    this.leaf(v);
  }

  private name(): void {
    if (this.lx.type !== NAME) throw GIVE_UP;
    this.leaf('VariableName');
  }

  // ---- statements ----------------------------------------------------------------------------

  private statement(): void {
    const lx = this.lx;
    if (lx.type === KW) {
      switch (lx.val) {
        case 'if':
          return this.ifStatement();
        case 'while':
          this.open('WhileStatement');
          this.leaf('while');
          this.testNamed();
          this.body();
          this.elseClause();
          this.close();
          return;
        case 'for':
          return this.forStatement();
        case 'try':
          return this.tryStatement();
        case 'with':
          return this.withStatement();
        case 'def':
          return this.funcDef();
        case 'class':
          return this.classDef();
      }
    } else if (lx.type === OP && lx.val === '@') {
      this.open('DecoratedStatement');
      while (this.isOp('@')) this.decorator();
      if (this.isKw('def')) this.funcDef();
      else if (this.isKw('class')) this.classDef();
      else throw GIVE_UP;
      this.close();
      return;
    }
    this.simpleStatement();
  }

  private simpleStatement(): void {
    this.smallStatement();
    const lx = this.lx;
    if (lx.type === OP && lx.val === ';') {
      this.wrap('StatementGroup');
      while (this.isOp(';')) {
        this.leaf(';');
        if (this.tok() !== NEWLINE) this.smallStatement();
      }
      this.newline();
      this.close();
      return;
    }
    this.newline();
  }

  private newline(): void {
    if (this.lx.type !== NEWLINE) throw GIVE_UP;
    this.skip();
  }

  private smallStatement(): void {
    const lx = this.lx;
    if (lx.type === KW) {
      switch (lx.val) {
        case 'pass':
          return this.keywordStatement('PassStatement');
        case 'break':
          return this.keywordStatement('BreakStatement');
        case 'continue':
          return this.keywordStatement('ContinueStatement');
        case 'return':
          this.open('ReturnStatement');
          this.leaf('return');
          if (this.startsExpr() || this.isOp('*')) this.commaSepStarTest();
          this.close();
          return;
        case 'raise':
          this.open('RaiseStatement');
          this.leaf('raise');
          if (this.startsExpr()) {
            this.test();
            if (this.isKw('from')) {
              this.leaf('from');
              this.test();
            } else if (this.isOp(',')) {
              this.comma();
              this.test();
              if (this.isOp(',')) {
                this.comma();
                this.test();
              }
            }
          }
          this.close();
          return;
        case 'del':
          return this.keywordList(
            'DeleteStatement',
            'del',
            () => this.expression(),
            () => this.startsExpr(),
          );
        case 'global':
        case 'nonlocal':
          return this.keywordList(
            'ScopeStatement',
            lx.val,
            () => this.name(),
            () => this.tok() === NAME,
          );
        case 'assert':
          return this.keywordList(
            'AssertStatement',
            'assert',
            () => this.test(),
            () => this.startsExpr(),
          );
        case 'import':
        case 'from':
          return this.importStatement();
        case 'yield':
          return this.yieldExpr('YieldStatement');
      }
    } else if (lx.type === NAME && lx.to - lx.from <= 5) {
      this.softKeywordCheck();
    }
    // AssignStatement, UpdateStatement or ExpressionStatement: named once we see what follows.
    this.open('ExpressionStatement');
    this.commaSepStarTest();
    const top = this.stack[this.stack.length - 1];
    if (lx.type === OP) {
      const v = lx.val;
      if (v === '=' || v === ':') {
        top.name = 'AssignStatement';
        if (v === ':') this.typeDef();
        while (this.isOp('=')) {
          this.leaf('AssignOp');
          if (this.isKw('yield')) this.yieldExpr('YieldExpression');
          else this.commaSepStarTest();
        }
      } else if (
        v.length >= 2 &&
        v.charCodeAt(v.length - 1) === 61 &&
        v !== '==' &&
        v !== '<=' &&
        v !== '>=' &&
        v !== '!=' &&
        v !== ':='
      ) {
        top.name = 'UpdateStatement';
        this.leaf('UpdateOp');
        if (this.isKw('yield')) this.yieldExpr('YieldExpression');
        else {
          this.test();
          while (this.isOp(',')) {
            this.comma();
            if (!this.startsExpr()) break;
            this.test();
          }
        }
      }
    }
    this.close();
  }

  /**
   * `print x` (lezer's legacy print statement), `match`, `case` and `type x = …` statements are
   * parsed by lezer in ways not mirrored here; a plain use of those names is fine.
   */
  private softKeywordCheck(): void {
    const lx = this.lx;
    const w = lx.val;
    if (w === 'match' || w === 'case') throw GIVE_UP;
    if (w !== 'print' && w !== 'type') return;
    let p = lx.to;
    while (p < lx.end && (this.src.charCodeAt(p) === 32 || this.src.charCodeAt(p) === 9)) p++;
    const c = p < lx.end ? this.src.charCodeAt(p) : -1;
    if (w === 'print') {
      if (c !== 40 && c !== 46 && c !== 10 && c !== 35) throw GIVE_UP;
    } else if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128) throw GIVE_UP;
  }

  /** yield from x | yield a, *b (lezer has no bare `yield`: that is an error there). */
  private yieldExpr(name: string): void {
    this.open(name);
    this.leaf('yield');
    if (this.isKw('from')) {
      this.leaf('from');
      this.test();
    } else {
      if (!this.startsExpr() && !this.isOp('*')) throw GIVE_UP;
      this.commaSepStarTest();
    }
    this.close();
  }

  private keywordStatement(name: string): void {
    this.open(name);
    this.leaf(this.lx.val);
    this.close();
  }

  private typeDef(): void {
    this.open('TypeDef');
    this.leaf(':');
    this.test();
    this.close();
  }

  /** commaSep<"*" expression | test> (lezer's `expressions`, and return's list). */
  private commaSepStarTest(): void {
    this.starOrTest();
    while (this.isOp(',')) {
      this.comma();
      if (!this.startsExpr() && !this.isOp('*')) break;
      this.starOrTest();
    }
  }

  private starOrTest(): void {
    if (this.isOp('*')) {
      this.leaf('*');
      this.expression();
    } else this.test();
  }

  /** `del a, b` / `global x, y` / `assert c, msg`: a keyword, then items separated by commas (a trailing one allowed). */
  private keywordList(node: string, kw: string, item: () => void, startsItem: () => boolean): void {
    this.open(node);
    this.leaf(kw);
    item();
    while (this.isOp(',')) {
      this.comma();
      if (!startsItem()) break;
      item();
    }
    this.close();
  }

  private importStatement(): void {
    this.open('ImportStatement');
    const lx = this.lx;
    if (this.isKw('from')) {
      this.leaf('from');
      if (this.isOp('.') || this.isOp('...')) {
        while (this.isOp('.') || this.isOp('...')) this.leaf(lx.val === '.' ? '.' : 'Ellipsis');
        if (lx.type === NAME) this.dottedName();
      } else this.dottedName();
      this.kw('import');
      if (this.isOp('*')) this.leaf('*');
      else this.importNames();
    } else {
      this.leaf('import');
      this.importNames();
    }
    this.close();
  }

  private importNames(): void {
    const paren = this.isOp('(');
    if (paren) this.leaf('(');
    for (;;) {
      this.dottedName();
      if (this.isKw('as')) {
        this.leaf('as');
        this.name();
      }
      if (!this.isOp(',')) break;
      this.comma();
      if (this.lx.type !== NAME) break;
    }
    if (paren) this.op(')');
  }

  private dottedName(): void {
    this.name();
    while (this.isOp('.')) {
      this.leaf('.');
      this.name();
    }
  }

  private decorator(): void {
    this.open('Decorator');
    this.leaf('At');
    this.dottedName();
    if (this.isOp('(')) this.argList();
    this.newline();
    this.close();
  }

  private body(): void {
    const lx = this.lx;
    if (!this.isOp(':')) throw GIVE_UP;
    this.open('Body');
    this.leaf(':');
    if (lx.type === NEWLINE) {
      this.skip();
      if (this.tok() !== INDENT) throw GIVE_UP;
      this.skip();
      const listStart = lx.from;
      while (this.tok() !== DEDENT) {
        if (this.tok() === EOF) throw GIVE_UP;
        const blanks = lx.blankLines;
        this.statement();
        this.listed(listStart, blanks);
      }
      lx.next();
    } else this.simpleStatement();
    this.close();
  }

  private elseClause(): void {
    if (this.isKw('else')) {
      this.leaf('else');
      this.body();
    }
  }

  private ifStatement(): void {
    this.open('IfStatement');
    this.leaf('if');
    this.testNamed();
    this.body();
    while (this.isKw('elif')) {
      this.leaf('elif');
      if (!this.isOp(':')) this.testNamed();
      this.body();
    }
    this.elseClause();
    this.close();
  }

  private forStatement(): void {
    this.open('ForStatement');
    this.leaf('for');
    for (;;) {
      if (this.isOp('*')) this.leaf('*');
      this.expression();
      if (!this.isOp(',')) break;
      this.comma();
      if (this.isKw('in')) break;
    }
    this.kw('in');
    this.test();
    while (this.isOp(',')) {
      this.comma();
      if (!this.startsExpr()) break;
      this.test();
    }
    this.body();
    this.elseClause();
    this.close();
  }

  private tryStatement(): void {
    this.open('TryStatement');
    this.leaf('try');
    this.body();
    while (this.isKw('except')) {
      this.leaf('except');
      if (this.isOp('*')) this.leaf('*');
      if (!this.isOp(':')) {
        this.test();
        if (this.isKw('as') || this.isOp(',')) {
          this.leaf(this.lx.val);
          this.name();
        }
      }
      this.body();
    }
    this.elseClause();
    if (this.isKw('finally')) {
      this.leaf('finally');
      this.body();
    }
    this.close();
  }

  private withStatement(): void {
    this.open('WithStatement');
    this.leaf('with');
    for (;;) {
      this.test();
      if (this.isKw('as')) {
        this.leaf('as');
        this.name();
      }
      if (!this.isOp(',')) break;
      this.comma();
      if (this.isOp(':')) break;
    }
    this.body();
    this.close();
  }

  private funcDef(): void {
    this.open('FunctionDefinition');
    this.leaf('def');
    this.name();
    if (!this.isOp('(')) throw GIVE_UP;
    this.open('ParamList');
    this.leaf('(');
    while (!this.isOp(')')) {
      const lx = this.lx;
      if (lx.type === NAME) {
        this.name();
        if (this.isOp(':')) this.typeDef();
        if (this.isOp('=')) {
          this.leaf('AssignOp');
          this.test();
        }
      } else if (this.isOp('*')) {
        this.leaf('*');
        if (lx.type === NAME) {
          this.name();
          if (this.isOp(':')) this.typeDef();
        }
      } else if (this.isOp('**')) {
        this.leaf('**');
        this.name();
        if (this.isOp(':')) this.typeDef();
      } else if (this.isOp('/')) this.skip();
      else throw GIVE_UP;
      if (!this.isOp(',')) break;
      this.comma();
    }
    this.op(')');
    this.close();
    if (this.isOp('->')) {
      this.open('TypeDef');
      this.skip();
      this.test();
      this.close();
    }
    this.body();
    this.close();
  }

  private classDef(): void {
    this.open('ClassDefinition');
    this.leaf('class');
    this.name();
    if (this.isOp('(')) this.argList();
    this.body();
    this.close();
  }

  // ---- expressions ---------------------------------------------------------------------------

  private startsExpr(): boolean {
    const lx = this.lx;
    switch (lx.type) {
      case NAME:
      case NUM:
      case STR:
        return true;
      case OP: {
        const v = lx.val;
        return (
          v === '(' || v === '[' || v === '{' || v === '-' || v === '+' || v === '~' || v === '...'
        );
      }
      case KW: {
        const v = lx.val;
        return (
          v === 'None' ||
          v === 'True' ||
          v === 'False' ||
          v === 'not' ||
          v === 'lambda' ||
          v === 'await' ||
          v === 'yield'
        );
      }
    }
    return false;
  }

  /** test, or NamedExpression { test ":=" test }. */
  private testNamed(): void {
    this.test();
    if (this.isOp(':=')) {
      this.wrap('NamedExpression');
      this.leaf('AssignOp');
      this.test();
      this.close();
    }
  }

  /** lezer's `test`: an or-test, a conditional expression or a lambda. Returns the node built. */
  private test(noCond = false): SyntaxNode {
    if (this.isKw('lambda')) return this.lambda(noCond);
    const n = this.binary(OR, true);
    if (noCond || !this.isKw('if')) return n;
    this.wrap('ConditionalExpression');
    this.leaf('if');
    this.binary(OR, true);
    this.kw('else');
    this.test();
    return this.close();
  }

  private lambda(noCond: boolean): SyntaxNode {
    if (this.lx.fdepth > 0) throw GIVE_UP;
    this.open('LambdaExpression');
    this.leaf('lambda');
    const lx = this.lx;
    if (this.isOp(':')) {
      // An empty parameter list is an empty ParamList node where the colon starts.
      this.flush();
      this.append(node('ParamList', lx.from, lx.from));
    } else {
      this.open('ParamList');
      for (;;) {
        if (lx.type === NAME) {
          this.name();
          if (this.isOp('=')) {
            this.leaf('AssignOp');
            this.test();
          }
        } else if (this.isOp('*')) {
          this.leaf('*');
          if (lx.type === NAME) this.name();
        } else if (this.isOp('**')) {
          this.leaf('**');
          this.name();
        } else throw GIVE_UP;
        if (!this.isOp(',')) break;
        this.comma();
      }
      this.close();
    }
    this.op(':');
    this.test(noCond);
    return this.close();
  }

  /** Precedence of the current token as a binary operator, 0 if it is none. */
  private binPrec(): number {
    const lx = this.lx;
    if (lx.type === OP) {
      switch (lx.val) {
        case '|':
          return BITOR;
        case '^':
          return XOR;
        case '&':
          return BITAND;
        case '<<':
        case '>>':
          return SHIFT;
        case '+':
        case '-':
          return PLUS;
        case '*':
        case '@':
        case '/':
        case '%':
        case '//':
          return TIMES;
        case '**':
          return POWER;
        case '<':
        case '>':
        case '==':
        case '>=':
        case '<=':
        case '!=':
          return COMPARE;
      }
      return 0;
    }
    if (lx.type === KW) {
      switch (lx.val) {
        case 'or':
          return OR;
        case 'and':
          return AND;
        case 'in':
        case 'not':
        case 'is':
          return COMPARE;
      }
    }
    return 0;
  }

  /**
   * Operators at `minPrec` and above by precedence climbing. `tests` allows the test-level operators
   * (or, and, comparisons) and a leading `not`, which in lezer takes everything after it.
   */
  private binary(minPrec: number, tests: boolean): SyntaxNode {
    let n: SyntaxNode;
    if (tests && this.isKw('not')) {
      this.open('UnaryExpression');
      this.leaf('not');
      this.binary(OR, true);
      return this.close();
    }
    n = this.unary();
    for (;;) {
      const p = this.binPrec();
      if (p === 0 || p < minPrec || (p <= COMPARE && !tests)) return n;
      this.wrap('BinaryExpression');
      const lx = this.lx;
      const v = lx.val;
      if (lx.type === KW) {
        if (v === 'not') {
          this.leaf('not');
          this.kw('in');
        } else {
          this.leaf(v);
          if (v === 'is' && this.isKw('not')) this.leaf('not');
        }
      } else if (p === COMPARE) this.leaf('CompareOp');
      else if (p >= PLUS) {
        if (v === '*' || v === '@' || v === '**') {
          this.open('ArithOp');
          this.leaf(v);
          this.close();
        } else this.leaf('ArithOp');
      } else this.leaf('BitOp');
      // ** is right-associative; the rest left-associative.
      this.binary(p === POWER ? POWER : p + 1, p <= COMPARE);
      n = this.close();
    }
  }

  /** lezer's `expression` level (no comparisons, and, or, not). */
  private expression(): SyntaxNode {
    return this.binary(BITOR, false);
  }

  private unary(): SyntaxNode {
    const lx = this.lx;
    if (lx.type === OP && (lx.val === '-' || lx.val === '+' || lx.val === '~')) {
      this.open('UnaryExpression');
      this.leaf(lx.val === '~' ? 'BitOp' : 'ArithOp');
      this.binary(POWER, false);
      return this.close();
    }
    let n = this.atom();
    for (;;) {
      if (lx.type !== OP) return n;
      const v = lx.val;
      if (v === '(') {
        this.wrap('CallExpression');
        this.argList();
      } else if (v === '[') {
        this.wrap('MemberExpression');
        this.subscript();
      } else if (v === '.') {
        this.wrap('MemberExpression');
        this.leaf('.');
        if (this.tok() !== NAME) throw GIVE_UP;
        this.leaf('PropertyName');
      } else return n;
      n = this.close();
    }
  }

  private atom(): SyntaxNode {
    const lx = this.lx;
    switch (lx.type) {
      case NAME:
        return this.leaf('VariableName');
      case NUM:
        return this.leaf('Number');
      case STR:
        return this.strings();
      case KW:
        if (lx.val === 'None') return this.leaf('None');
        if (lx.val === 'True' || lx.val === 'False') return this.leaf('Boolean');
        throw GIVE_UP;
      case OP:
        switch (lx.val) {
          case '(':
            return this.paren();
          case '[':
            return this.bracket();
          case '{':
            return this.brace();
          case '...':
            return this.leaf('Ellipsis');
        }
    }
    throw GIVE_UP;
  }

  /** Parenthesised expression, tuple or generator expression. */
  private paren(): SyntaxNode {
    this.open('ParenthesizedExpression');
    this.leaf('(');
    const top = this.stack[this.stack.length - 1];
    if (this.isOp(')')) top.name = 'TupleExpression';
    else {
      if (this.isKw('yield')) {
        this.yieldExpr('YieldExpression');
        if (!this.isOp(')')) throw GIVE_UP;
      } else this.element();
      if (this.isKw('for')) {
        top.name = 'ComprehensionExpression';
        this.compFor();
      } else if (this.isOp(',')) {
        top.name = 'TupleExpression';
        while (this.isOp(',')) {
          this.comma();
          if (this.isOp(')')) break;
          this.element();
        }
      }
    }
    this.op(')');
    return this.close();
  }

  /** testNamed | "*" expression. */
  private element(): void {
    if (this.isOp('*')) {
      this.leaf('*');
      this.expression();
    } else this.testNamed();
  }

  private bracket(): SyntaxNode {
    this.open('ArrayExpression');
    this.leaf('[');
    if (!this.isOp(']')) {
      this.element();
      if (this.isKw('for')) {
        this.stack[this.stack.length - 1].name = 'ArrayComprehensionExpression';
        this.compFor();
      } else {
        while (this.isOp(',')) {
          this.comma();
          if (this.isOp(']')) break;
          this.element();
        }
      }
    }
    this.op(']');
    return this.close();
  }

  private brace(): SyntaxNode {
    this.open('DictionaryExpression');
    this.leaf('{');
    const top = this.stack[this.stack.length - 1];
    if (!this.isOp('}')) {
      const dict = this.braceItem(0);
      if (this.isKw('for')) {
        top.name = dict ? 'DictionaryComprehensionExpression' : 'SetComprehensionExpression';
        this.compFor();
      } else {
        if (!dict) top.name = 'SetExpression';
        while (this.isOp(',')) {
          this.comma();
          if (this.isOp('}')) break;
          this.braceItem(dict ? 1 : 2);
        }
      }
    }
    this.op('}');
    return this.close();
  }

  /** A dict entry (`k: v` or `**e`) or set element (`e` or `*e`); `want` 0 = either, 1 = dict, 2 = set. */
  private braceItem(want: number): boolean {
    if (this.isOp('**')) {
      if (want === 2) throw GIVE_UP;
      this.leaf('**');
      this.expression();
      return true;
    }
    if (this.isOp('*')) {
      if (want === 1) throw GIVE_UP;
      this.leaf('*');
      this.expression();
      return false;
    }
    this.test();
    if (this.isOp(':')) {
      if (want === 2) throw GIVE_UP;
      this.leaf(':');
      this.test();
      return true;
    }
    if (want === 1) throw GIVE_UP;
    return false;
  }

  /** compFor, flat in the enclosing comprehension or argument list. */
  private compFor(): void {
    this.leaf('for');
    for (;;) {
      this.expression();
      if (!this.isOp(',')) break;
      this.comma();
      if (this.isKw('in')) break;
    }
    this.kw('in');
    this.binary(OR, true);
    for (;;) {
      if (this.isKw('for')) return this.compFor();
      if (!this.isKw('if')) return;
      this.leaf('if');
      this.test(true);
    }
  }

  private argList(): void {
    this.open('ArgList');
    this.leaf('(');
    const lx = this.lx;
    while (!this.isOp(')')) {
      if (this.isOp('**') || this.isOp('*')) {
        this.leaf(lx.val);
        this.test();
      } else {
        const n = this.test();
        if ((this.isOp('=') || this.isOp(':=')) && n.name === 'VariableName') {
          this.leaf('AssignOp');
          this.test();
        }
        if (this.isKw('for')) this.compFor();
      }
      if (!this.isOp(',')) break;
      this.comma();
    }
    this.op(')');
    this.close();
  }

  /** A subscript's contents, flat in the MemberExpression. */
  private subscript(): void {
    this.leaf('[');
    for (;;) {
      if (this.isOp(']')) throw GIVE_UP;
      if (!this.isOp(':')) this.testNamed();
      if (this.isOp(':')) {
        this.leaf(':');
        if (this.startsExpr()) this.testNamed();
        if (this.isOp(':')) {
          this.leaf(':');
          if (this.startsExpr()) this.testNamed();
        }
      }
      if (!this.isOp(',')) break;
      this.comma();
      if (this.isOp(']')) break;
    }
    this.op(']');
  }

  // ---- strings -------------------------------------------------------------------------------

  /** One string, or adjacent strings as a ContinuedString. */
  private strings(): SyntaxNode {
    const n = this.oneString();
    if (this.lx.type !== STR) return n;
    this.wrap('ContinuedString');
    while (this.lx.type === STR) this.oneString();
    return this.close();
  }

  /** Scans a string body as lezer's string tokenizer does: Escape nodes, f-string replacements. */
  private oneString(): SyntaxNode {
    const lx = this.lx;
    const src = this.src;
    const end = lx.end;
    const flags = lx.strFlags;
    const quote = lx.quote;
    const raw = (flags & S_RAW) !== 0;
    const format = (flags & S_FORMAT) !== 0;
    const long = (flags & S_LONG) !== 0;
    this.open(format ? 'FormatString' : 'String');
    let p = lx.to;
    for (;;) {
      if (p >= end) throw GIVE_UP;
      const c = src.charCodeAt(p);
      if (c === 123 && format) {
        if (src.charCodeAt(p + 1) === 123) p += 2;
        else p = this.replacement(p, quote);
      } else if (c === 92) {
        if (p + 1 >= end) throw GIVE_UP;
        if (raw) p += 2;
        else {
          const q = escapeEnd(src, p + 2, end, src.charCodeAt(p + 1));
          this.append(node('Escape', p, q));
          p = q;
        }
      } else if (
        c === quote &&
        (!long || (src.charCodeAt(p + 1) === quote && src.charCodeAt(p + 2) === quote))
      ) {
        p += long ? 3 : 1;
        break;
      } else if (c === 10 && !long) throw GIVE_UP;
      else p++;
    }
    this.lastEnd = p;
    lx.pos = p;
    lx.next();
    return this.close();
  }

  /** A FormatReplacement starting at the `{` at p; returns the position after its `}`. */
  private replacement(p: number, quote: number): number {
    const lx = this.lx;
    this.push(node('FormatReplacement', p, p));
    this.append(node('{', p, p + 1));
    this.lastEnd = p + 1;
    lx.pos = p + 1;
    lx.depth++;
    lx.fdepth++;
    lx.next();
    if (this.isKw('yield')) throw GIVE_UP;
    for (;;) {
      if (this.isOp('*')) this.leaf('*');
      this.test();
      if (!this.isOp(',')) break;
      this.comma();
      if (!this.startsExpr() && !this.isOp('*')) break;
    }
    if (this.isOp('=')) {
      this.open('FormatSelfDoc');
      this.skip();
      this.close();
    }
    if (lx.type === CONV) this.leaf('FormatConversion');
    let after: number;
    if (this.isOp(':')) {
      // FormatSpec: ":" then text and nested replacements up to the closing brace.
      this.open('FormatSpec');
      this.append(node(':', lx.from, lx.to));
      this.lastEnd = lx.to;
      let q = lx.to;
      for (;;) {
        if (q >= lx.end) throw GIVE_UP;
        const c = this.src.charCodeAt(q);
        if (c === 125) break;
        if (c === 123) q = this.replacement(q, quote);
        else if (c === quote || c === 10 || c === 92) throw GIVE_UP;
        else {
          q++;
          this.lastEnd = q;
        }
      }
      this.close();
      this.append(node('}', q, q + 1));
      lx.depth--;
      after = q + 1;
    } else if (this.isOp('}')) {
      this.append(node('}', lx.from, lx.to));
      after = lx.to;
    } else throw GIVE_UP;
    lx.fdepth--;
    this.lastEnd = after;
    this.close();
    return after;
  }
}

/**
 * The tree @lezer/python gives for src.slice(from, to), positions in src's coordinates, or null when
 * the text holds anything this parser does not mirror (then parse it with lezer).
 */
export function fastParse(src: string, from = 0, to = src.length): SyntaxNode | null {
  try {
    return fastParseStrict(src, from, to);
  } catch {
    // A failure other than giving up is a bug here, not in the user's code; lezer still parses the text.
    return null;
  }
}

/** fastParse that lets a bug (any exception other than giving up) through, for the tests. */
export function fastParseStrict(src: string, from = 0, to = src.length): SyntaxNode | null {
  // Carriage returns and form feeds take lezer's tokenizers down paths not mirrored here.
  const cr = src.indexOf('\r', from);
  if (cr >= 0 && cr < to) return null;
  const ff = src.indexOf('\f', from);
  if (ff >= 0 && ff < to) return null;
  try {
    return new Parser(src, from, to).parse(from, to);
  } catch (e) {
    // Very deep nesting runs out of stack: lezer copes with it its own way.
    if (e instanceof GiveUp || e instanceof RangeError) return null;
    throw e;
  }
}
