// Imported files parsed once per content: the parse of a file is kept, with its spans moved into the
// file's own window (spans.ts), until its text changes. A file keeps its window for the life of the
// process, so a kept parse stays valid for every later analysis.
import type { ParsedFile } from '../syntax/ast';
import { parseFile } from '../syntax/lower';
import { shiftSpans, windowBase, windowOf } from './spans';

interface Kept {
  text: string;
  parsed: ParsedFile;
  /** Offsets of line starts, made on first use (for messages naming a line of the file). */
  starts?: number[];
}

const windows: string[] = [];
const windowByFile = new Map<string, number>();
const kept = new Map<string, Kept>();
/** Files kept at most; the least recently parsed goes first. */
const MAX_KEPT = 2000;

/** The parse of `file` with this text, its spans in the file's window. */
export function parsedModule(file: string, text: string): { parsed: ParsedFile; window: number } {
  const k = kept.get(file);
  if (k && k.text === text) return { parsed: k.parsed, window: windowByFile.get(file) as number };
  let w = windowByFile.get(file);
  if (w === undefined) {
    w = windows.length;
    windows.push(file);
    windowByFile.set(file, w);
  }
  const parsed = parseFile(text);
  shiftSpans(parsed, windowBase(w));
  kept.delete(file);
  if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value as string);
  kept.set(file, { text, parsed });
  return { parsed, window: w };
}

/** Which imported file an offset above FOREIGN_BASE is in, and its 1-based line there. */
export function foreignPlace(offset: number): { file: string; line: number } | undefined {
  const w = windowOf(offset);
  const file = windows[w];
  const k = file === undefined ? undefined : kept.get(file);
  if (!file || !k) return undefined;
  if (!k.starts) {
    const starts = [0];
    for (let i = k.text.indexOf('\n'); i >= 0; i = k.text.indexOf('\n', i + 1)) starts.push(i + 1);
    k.starts = starts;
  }
  const at = offset - windowBase(w);
  let lo = 0;
  let hi = k.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (k.starts[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return { file, line: lo + 1 };
}

/** The text of a span in an imported file ('' when the file is no longer kept). */
export function foreignText(from: number, to: number): string {
  const w = windowOf(from);
  const file = windows[w];
  const k = file === undefined ? undefined : kept.get(file);
  return k ? k.text.slice(from - windowBase(w), to - windowBase(w)) : '';
}
