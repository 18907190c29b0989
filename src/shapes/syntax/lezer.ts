// The lezer bridge: the concrete tree of a file, from pyparse where it can and from @lezer/python
// otherwise, long files parsed in pieces.
import type { Tree } from '@lezer/common';
import type { SyntaxNode } from './node';
import { fastParse } from './pyparse';

type LezerPython = typeof import('@lezer/python');
let lezer: LezerPython['parser'] | undefined;
/**
 * @lezer/python, loaded on first use: it builds its parse tables when loaded, which was a third of
 * `tensor-lens shapes`' start-up, and most files never reach it (pyparse reads them).
 */
function lezerParser(): LezerPython['parser'] {
  return (lezer ??= (require('@lezer/python') as LezerPython).parser);
}

/**
 * The tree is built by the hand-written parser in pyparse.ts wherever it can (the same tree, several
 * times faster), else by @lezer/python: pyparse gives up on syntax errors and on anything it does not
 * mirror, so half-typed code still gets lezer's error recovery.
 */
export function plainTree(src: string, chunkChars = CHUNK_CHARS, fast = true): SyntaxNode {
  if (src.length > 2 * chunkChars) {
    const chunked = chunkedTree(src, chunkChars, fast);
    if (chunked) return chunked;
  }
  return wholeTree(src, fast);
}

/** One parse of the whole text: pyparse, else lezer. */
export function wholeTree(src: string, fast: boolean): SyntaxNode {
  const quick = fast ? fastParse(src) : null;
  if (quick) {
    parseStats.fast++;
    return quick;
  }
  parseStats.lezer++;
  const root: SyntaxNode = {
    name: 'Script',
    from: 0,
    to: src.length,
    firstChild: null,
    nextSibling: null,
  };
  appendTree(lezerParser().parse(src), 0, root, { last: null });
  return root;
}

/** How many pieces (chunks, or whole texts) the last plainTree calls parsed with pyparse vs lezer. */
export const parseStats = { fast: 0, lezer: 0 };

/**
 * Long files are parsed as runs of top-level statements (split before a `class`, `def` or decorator
 * line at column 0) and the pieces joined: lezer's parse slows down per line as its one growing
 * buffer gets large (about 13 µs/line at 5,000 lines against 6 µs/line for a typical file), and a
 * piece pyparse gives up on costs only that piece's lezer parse. A piece that has any lezer parse
 * error (the split fell inside a string or brackets, or the file has a real error) makes the whole
 * file be parsed in one go, so the tree is always the one a single parse gives.
 */
export const CHUNK_CHARS = 2000;

/** Where a long file is cut into pieces: before a column-0 `class`/`def` (never after a decorator). */
function chunkStarts(src: string, chunkChars: number): number[] {
  const starts = [0];
  const re = /\n(?=(?:class|def)[ \t])/g;
  let last = 0;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    const at = m.index + 1;
    // Never between a decorator and what it decorates.
    if (src.charCodeAt(src.lastIndexOf('\n', m.index - 1) + 1) === 64) continue;
    if (at - last >= chunkChars && src.length - at >= chunkChars / 2) {
      starts.push(at);
      last = at;
    }
  }
  return starts;
}

/**
 * Hands each piece's tree (top-level statements as children of a piece root) to `visit`, in order,
 * pyparse first and lezer where it gives up. False, at once, when lezer reads a piece with an error
 * (or the text has no places to cut): the caller then parses the whole text in one go.
 */
export function eachPiece(
  src: string,
  chunkChars: number,
  fast: boolean,
  visit: (piece: SyntaxNode) => void,
): boolean {
  const starts = chunkStarts(src, chunkChars);
  if (starts.length < 2) return false;
  for (let i = 0; i < starts.length; i++) {
    const from = starts[i];
    const to = i + 1 < starts.length ? starts[i + 1] : src.length;
    let piece = fast ? fastParse(src, from, to) : null;
    if (piece) parseStats.fast++;
    else {
      parseStats.lezer++;
      piece = { name: 'Script', from, to, firstChild: null, nextSibling: null };
      if (!appendTree(lezerParser().parse(src.slice(from, to)), from, piece, { last: null }))
        return false;
    }
    visit(piece);
  }
  return true;
}

function chunkedTree(src: string, chunkChars: number, fast: boolean): SyntaxNode | null {
  const root: SyntaxNode = {
    name: 'Script',
    from: 0,
    to: src.length,
    firstChild: null,
    nextSibling: null,
  };
  let last: SyntaxNode | null = null;
  const joined = eachPiece(src, chunkChars, fast, (piece) => {
    for (let c = piece.firstChild; c; c = c.nextSibling) {
      if (last) last.nextSibling = c;
      else root.firstChild = c;
      last = c;
    }
  });
  return joined ? root : null;
}

/** Adds a parsed tree's nodes (shifted by `offset`) under `root`, after `top.last`; false on a parse error. */
function appendTree(
  tree: Tree,
  offset: number,
  root: SyntaxNode,
  top: { last: SyntaxNode | null },
): boolean {
  const stack: SyntaxNode[] = [];
  const last: (SyntaxNode | null)[] = [];
  let ok = true;
  tree.iterate({
    enter(n) {
      if (stack.length === 0) {
        stack.push(root);
        last[0] = top.last;
        return;
      }
      if (n.type.isError) ok = false;
      const node: SyntaxNode = {
        name: n.type.name,
        from: n.from + offset,
        to: n.to + offset,
        firstChild: null,
        nextSibling: null,
      };
      const depth = stack.length - 1;
      const prev = last[depth];
      if (prev) prev.nextSibling = node;
      else stack[depth].firstChild = node;
      last[depth] = node;
      stack.push(node);
      last[stack.length - 1] = null;
    },
    leave() {
      stack.pop();
    },
  });
  top.last = last[0];
  return ok;
}
