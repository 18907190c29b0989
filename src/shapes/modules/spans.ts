// Every analysed file's spans live in one number line: the analysed file's own offsets are below
// FOREIGN_BASE, and each imported file gets a window of its own above it. A span then says by itself
// which file it is in, so the interpreter's values need no file field, and positions in the analysed
// file (hints, diagnostics) can be told apart from code read elsewhere.
import type { ParsedFile } from '../syntax/ast';

/** Where imported files start: beyond any offset of the analysed file. */
export const FOREIGN_BASE = 2 ** 32;
/** Room per imported file (files are read up to MAX_MODULE_CHARS). */
const WINDOW = 2 ** 28;
export const MAX_MODULE_CHARS = WINDOW - 1;

export function isForeign(offset: number): boolean {
  return offset >= FOREIGN_BASE;
}

/** The window of the n-th imported file (n from 0). */
export function windowBase(n: number): number {
  return FOREIGN_BASE + n * WINDOW;
}

export function windowOf(offset: number): number {
  return Math.floor((offset - FOREIGN_BASE) / WINDOW);
}

/**
 * Moves every span of a freshly parsed file by `base`. The tree may share objects (constant empty
 * lists), so each object is moved once.
 */
export function shiftSpans(parsed: ParsedFile, base: number): void {
  const seen = new Set<object>();
  const stack: unknown[] = [parsed.stmts];
  while (stack.length) {
    const o = stack.pop();
    if (typeof o !== 'object' || o === null || seen.has(o)) continue;
    seen.add(o);
    if (Array.isArray(o)) {
      for (const x of o) stack.push(x);
      continue;
    }
    const rec = o as Record<string, unknown>;
    if (typeof rec.from === 'number' && typeof rec.to === 'number') {
      rec.from += base;
      rec.to += base;
    }
    for (const k in rec) {
      const v = rec[k];
      if (typeof v === 'object' && v !== null) stack.push(v);
    }
  }
}
