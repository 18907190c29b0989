// The tokenizer behind the fast Python parser (pyparse.ts). It mirrors @lezer/python's tokens (the
// grammar's @tokens block and its external tokenizers for newlines, indentation and strings) for the
// Python that model files use, and throws GiveUp on anything it does not mirror exactly, so the caller
// can hand that text to lezer instead. Tokens are produced one at a time with no lookahead, because
// strings are scanned by the parser (f-string replacements hold whole expressions).

/** Thrown when the text holds something the fast path does not reproduce; caught by pyparse. */
export class GiveUp {}
export const GIVE_UP = new GiveUp();

// Token types.
export const NAME = 0;
export const KW = 1;
export const NUM = 2;
/** A string's prefix and opening quotes; the parser scans the body. */
export const STR = 3;
export const OP = 4;
/** Real (one character) at a line end, zero-width at the end of the text (lezer's `eof`). */
export const NEWLINE = 5;
export const INDENT = 6;
export const DEDENT = 7;
export const EOF = 8;
/** `!r` / `!s` / `!a` inside an f-string replacement. */
export const CONV = 9;

// String flags.
export const S_RAW = 1;
export const S_FORMAT = 2;
export const S_LONG = 4;

/** lezer's kw<…> words (always keywords, never names) and the Boolean specialisation. */
const KEYWORDS = new Set([
  'async',
  'def',
  'if',
  'elif',
  'else',
  'while',
  'for',
  'in',
  'try',
  'except',
  'finally',
  'with',
  'as',
  'class',
  'del',
  'pass',
  'break',
  'continue',
  'return',
  'raise',
  'from',
  'import',
  'global',
  'nonlocal',
  'assert',
  'lambda',
  'or',
  'and',
  'not',
  'is',
  'await',
  'yield',
  'None',
  'True',
  'False',
]);

function isIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

export class Lexer {
  pos: number;
  /** Current token. */
  type = EOF;
  from = 0;
  to = 0;
  /** Operator or keyword text of the current token (the node name lezer gives it). */
  val = '';
  /** For STR: S_* flags and the quote character code. */
  strFlags = 0;
  quote = 0;
  /** Open brackets (and f-string replacements): newlines inside are plain whitespace. */
  depth = 0;
  /** f-string replacements we are inside; comments there are not mirrored. */
  fdepth = 0;
  /** Comments seen since the parser last took them, as from/to pairs. */
  comments: number[] = [];
  private indents: number[] = [0];
  private dedents = 0;
  /** A token has been produced on the current logical line (so a line break ends a statement). */
  private lineHasTokens = false;
  /** Blank and comment-only lines skipped so far (the parser's guard against lezer's big-reduction limit). */
  blankLines = 0;
  private atLineStart = true;
  private eofNewlineDone = false;

  constructor(
    readonly src: string,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
    // lezer does not run its indentation tokenizer on the text's first line, so an indented first
    // line parses there as if it were not indented; not mirrored.
    const c = src.charCodeAt(start);
    if (start < end && (c === 32 || c === 9)) {
      let p = start;
      while (p < end && (src.charCodeAt(p) === 32 || src.charCodeAt(p) === 9)) p++;
      const d = p < end ? src.charCodeAt(p) : 10;
      if (d !== 10 && d !== 35) throw GIVE_UP;
    }
  }

  private set(type: number, from: number, to: number, val: string): void {
    this.type = type;
    this.from = from;
    this.to = to;
    this.val = val;
  }

  next(): void {
    if (this.dedents > 0) {
      this.dedents--;
      this.set(DEDENT, this.pos, this.pos, '');
      return;
    }
    const src = this.src;
    const end = this.end;
    for (;;) {
      if (this.atLineStart && this.depth === 0) {
        // Measure the line's indentation as lezer does (tabs to the next multiple of 8); blank and
        // comment-only lines do not count.
        let p = this.pos;
        let col = 0;
        for (; p < end; p++) {
          const c = src.charCodeAt(p);
          if (c === 32) col++;
          else if (c === 9) col += 8 - (col % 8);
          else break;
        }
        const c = p < end ? src.charCodeAt(p) : -1;
        // A continuation backslash opening a line meets lezer's indentation tokenizer; not mirrored.
        if (c === 92) throw GIVE_UP;
        if (c < 0 && col > 0) {
          // lezer counts a last line of only spaces (no newline after it) as indentation: deeper than
          // the block, or between two levels, is an error there.
          const top = this.indents[this.indents.length - 1];
          if (col > top || !this.indents.includes(col)) throw GIVE_UP;
        }
        if (c === 10 || c === 35 || c < 0) {
          this.pos = p;
          if (c >= 0) this.blankLines++;
          if (c === 10) {
            this.pos++;
            continue;
          }
          if (c === 35) {
            this.comment();
            continue;
          }
        } else {
          this.atLineStart = false;
          const top = this.indents[this.indents.length - 1];
          if (col > top) {
            this.indents.push(col);
            const from = this.pos;
            this.pos = p;
            this.set(INDENT, from, p, '');
            return;
          }
          if (col < top) {
            let n = 0;
            while (this.indents[this.indents.length - 1] > col) {
              this.indents.pop();
              n++;
            }
            if (this.indents[this.indents.length - 1] !== col) throw GIVE_UP;
            this.dedents = n - 1;
            this.pos = p;
            this.set(DEDENT, p, p, '');
            return;
          }
          this.pos = p;
        }
      }
      const p = this.pos;
      if (p >= end) {
        if (this.depth > 0) throw GIVE_UP;
        if (this.lineHasTokens && !this.eofNewlineDone) {
          // lezer ends the last statement with its zero-width `eof` token.
          this.eofNewlineDone = true;
          this.lineHasTokens = false;
          this.set(NEWLINE, p, p, '');
          return;
        }
        if (this.indents.length > 1) {
          this.indents.pop();
          this.set(DEDENT, p, p, '');
          return;
        }
        this.set(EOF, p, p, '');
        return;
      }
      const c = src.charCodeAt(p);
      if (c === 32 || c === 9) {
        this.pos++;
        continue;
      }
      if (c === 10) {
        if (this.depth > 0) {
          this.pos++;
          continue;
        }
        this.pos++;
        this.atLineStart = true;
        if (this.lineHasTokens) {
          this.lineHasTokens = false;
          this.set(NEWLINE, p, p + 1, '');
          return;
        }
        continue;
      }
      if (c === 35) {
        if (this.fdepth > 0) throw GIVE_UP;
        this.comment();
        continue;
      }
      if (c === 92) {
        // A line continuation is whitespace. When the next line starts in column 0 outside brackets,
        // lezer's newline and indentation tokenizers see a line start there; not mirrored.
        if (src.charCodeAt(p + 1) !== 10 || p + 2 >= end) throw GIVE_UP;
        const d = src.charCodeAt(p + 2);
        if (this.depth === 0 && d !== 32 && d !== 9) throw GIVE_UP;
        this.pos = p + 2;
        continue;
      }
      this.lineHasTokens = true;
      this.token(p, c);
      return;
    }
  }

  private comment(): void {
    const src = this.src;
    const from = this.pos;
    let p = from;
    while (p < this.end && src.charCodeAt(p) !== 10) p++;
    this.comments.push(from, p);
    this.pos = p;
  }

  private token(p: number, c: number): void {
    const src = this.src;
    if (isIdStart(c)) {
      let q = p + 1;
      while (q < this.end && isIdChar(src.charCodeAt(q))) q++;
      const n = src.charCodeAt(q);
      if ((n === 39 || n === 34) && q - p <= 2 && this.stringStart(p, q, n)) return;
      // lezer's identifiers also take any character from U+00A1 on; not mirrored.
      if (n >= 128) throw GIVE_UP;
      this.pos = q;
      const len = q - p;
      if (len <= 8) {
        const w = src.slice(p, q);
        if (KEYWORDS.has(w)) {
          this.set(KW, p, q, w);
          return;
        }
        this.set(NAME, p, q, w);
        return;
      }
      this.set(NAME, p, q, '');
      return;
    }
    if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(p + 1)))) {
      this.number(p, c);
      return;
    }
    if (c === 39 || c === 34) {
      this.stringStart(p, p, c);
      return;
    }
    const n = src.charCodeAt(p + 1);
    let len = 1;
    let v: string;
    switch (c) {
      case 40:
        v = '(';
        this.depth++;
        break;
      case 91:
        v = '[';
        this.depth++;
        break;
      case 123:
        v = '{';
        this.depth++;
        break;
      case 41:
      case 93:
      case 125:
        v = c === 41 ? ')' : c === 93 ? ']' : '}';
        if (this.depth === 0) throw GIVE_UP;
        this.depth--;
        break;
      case 44:
        v = ',';
        break;
      case 59:
        v = ';';
        break;
      case 58:
        if (n === 61) {
          v = ':=';
          len = 2;
        } else v = ':';
        break;
      case 46:
        if (n === 46 && src.charCodeAt(p + 2) === 46) {
          v = '...';
          len = 3;
        } else v = '.';
        break;
      case 61:
        if (n === 61) {
          v = '==';
          len = 2;
        } else v = '=';
        break;
      case 42:
        if (n === 42) {
          if (src.charCodeAt(p + 2) === 61) {
            v = '**=';
            len = 3;
          } else {
            v = '**';
            len = 2;
          }
        } else if (n === 61) {
          v = '*=';
          len = 2;
        } else v = '*';
        break;
      case 47:
        if (n === 47) {
          if (src.charCodeAt(p + 2) === 61) {
            v = '//=';
            len = 3;
          } else {
            v = '//';
            len = 2;
          }
        } else if (n === 61) {
          v = '/=';
          len = 2;
        } else v = '/';
        break;
      case 60:
      case 62: {
        // < > << >> <= >= <<= >>=; `<>` is lezer's CompareOp but not Python 3: not mirrored.
        const lt = c === 60;
        if (n === c) {
          if (src.charCodeAt(p + 2) === 61) {
            v = lt ? '<<=' : '>>=';
            len = 3;
          } else {
            v = lt ? '<<' : '>>';
            len = 2;
          }
        } else if (n === 61) {
          v = lt ? '<=' : '>=';
          len = 2;
        } else if (lt && n === 62) throw GIVE_UP;
        else v = lt ? '<' : '>';
        break;
      }
      case 33:
        if (n === 61) {
          v = '!=';
          len = 2;
        } else if (this.fdepth > 0 && (n === 115 || n === 114 || n === 97)) {
          this.pos = p + 2;
          this.set(CONV, p, p + 2, '');
          return;
        } else throw GIVE_UP;
        break;
      case 45:
        if (n === 62) {
          v = '->';
          len = 2;
        } else if (n === 61) {
          v = '-=';
          len = 2;
        } else v = '-';
        break;
      case 43:
      case 37:
      case 38:
      case 124:
      case 94:
      case 64:
        if (n === 61) {
          v =
            c === 43
              ? '+='
              : c === 37
                ? '%='
                : c === 38
                  ? '&='
                  : c === 124
                    ? '|='
                    : c === 94
                      ? '^='
                      : '@=';
          len = 2;
        } else
          v =
            c === 43
              ? '+'
              : c === 37
                ? '%'
                : c === 38
                  ? '&'
                  : c === 124
                    ? '|'
                    : c === 94
                      ? '^'
                      : '@';
        break;
      case 126:
        v = '~';
        break;
      default:
        throw GIVE_UP;
    }
    this.pos = p + len;
    this.set(OP, p, p + len, v);
  }

  /** lezer's Number token; a number run straight into a letter, digit or dot is not mirrored. */
  private number(p: number, c: number): void {
    const src = this.src;
    let q = p;
    const digits = (): void => {
      while (q < this.end) {
        const d = src.charCodeAt(q);
        if (isDigit(d) || d === 95) q++;
        else break;
      }
    };
    const n = src.charCodeAt(p + 1) | 32;
    if (c === 48 && (n === 120 || n === 111 || n === 98)) {
      q = p + 2;
      const start = q;
      while (q < this.end) {
        const d = src.charCodeAt(q);
        const ok =
          d === 95 ||
          (n === 120 ? isHex(d) : n === 111 ? d >= 48 && d <= 55 : d === 48 || d === 49);
        if (!ok) break;
        q++;
      }
      if (q === start) throw GIVE_UP;
    } else {
      if (c !== 46) digits();
      if (src.charCodeAt(q) === 46 && isDigit(src.charCodeAt(q + 1))) {
        q++;
        digits();
      }
      const e = src.charCodeAt(q);
      if (e === 101 || e === 69) {
        let r = q + 1;
        const s = src.charCodeAt(r);
        if (s === 43 || s === 45) r++;
        if (isDigit(src.charCodeAt(r))) {
          q = r;
          digits();
        }
      }
      const j = src.charCodeAt(q);
      if (j === 106 || j === 74) q++;
    }
    const after = src.charCodeAt(q);
    if (isIdChar(after) || after === 46 || after >= 128) throw GIVE_UP;
    this.pos = q;
    this.set(NUM, p, q, '');
  }

  /** A string start: prefix letters p..q (lezer's stringPrefix* sets) then the quote at q. */
  private stringStart(p: number, q: number, quote: number): boolean {
    let flags = 0;
    if (q > p) {
      const a = this.src.charCodeAt(p) | 32;
      const b = q - p === 2 ? this.src.charCodeAt(p + 1) | 32 : 0;
      // u b r f; rb br; rf fr (either case).
      if (b === 0) {
        if (a === 114) flags = S_RAW;
        else if (a === 102) flags = S_FORMAT;
        else if (a !== 117 && a !== 98) return false;
      } else if ((a === 114 && b === 98) || (a === 98 && b === 114)) flags = S_RAW;
      else if ((a === 114 && b === 102) || (a === 102 && b === 114)) flags = S_RAW | S_FORMAT;
      else return false;
    }
    let to = q + 1;
    if (this.src.charCodeAt(q + 1) === quote && this.src.charCodeAt(q + 2) === quote) {
      flags |= S_LONG;
      to = q + 3;
    }
    this.strFlags = flags;
    this.quote = quote;
    this.pos = to;
    this.set(STR, p, to, '');
    return true;
  }
}

/** Length of an escape's tail after `\` and its letter, as lezer's skipEscape reads it. */
export function escapeEnd(src: string, q: number, end: number, ch: number): number {
  if (ch === 111) {
    for (let i = 0; i < 2 && q < end && src.charCodeAt(q) >= 48 && src.charCodeAt(q) <= 55; i++)
      q++;
  } else if (ch === 120) {
    for (let i = 0; i < 2 && q < end && isHex(src.charCodeAt(q)); i++) q++;
  } else if (ch === 117) {
    for (let i = 0; i < 4 && q < end && isHex(src.charCodeAt(q)); i++) q++;
  } else if (ch === 85) {
    for (let i = 0; i < 8 && q < end && isHex(src.charCodeAt(q)); i++) q++;
  } else if (ch === 78) {
    if (src.charCodeAt(q) === 123) {
      q++;
      while (q < end) {
        const c = src.charCodeAt(q);
        if (c === 125 || c === 39 || c === 34 || c === 10) break;
        q++;
      }
      if (src.charCodeAt(q) === 125) q++;
    }
  }
  return q;
}
