// Which models a file holds and where each one's input comes from, in DESIGN.md's order:
// a `# input:` comment, a call in the file, a torchvision dataset, the caller's default, symbols.
import type { ParsedFile, Span } from './ast';
import { dimFromInput, type D } from './dims';

/** JavaScript's `\s`, which is also what trim() removes. */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** What a regular expression's `.` does not match. */
function isLineEnd(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

const isBracket = (c: number): boolean => c === 40 || c === 41 || c === 91 || c === 93;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/**
 * Parses "(1, 1, 28, 28), (B, 300)" into shapes; null when it is not that form. Scanned by hand, as
 * `/^#\s*input\s*:\s*(.+)$/i`, then each `[([]([^()[\]]*)[)\]]` group, then `^\d+$` or an identifier
 * per size would match: the regular expressions cost several microseconds per model.
 */
export function parseInputComment(text: string): (number | string)[][] | null {
  const t = text.trim();
  const n = t.length;
  if (t.charCodeAt(0) !== 35) return null;
  let i = 1;
  while (i < n && isSpace(t.charCodeAt(i))) i++;
  // "input" in any case: ASCII letters only, as a non-unicode case-insensitive expression compares.
  for (let k = 0; k < 5; k++, i++) if (i >= n || (t.charCodeAt(i) | 0x20) !== 'input'.charCodeAt(k)) return null;
  while (i < n && isSpace(t.charCodeAt(i))) i++;
  if (i >= n || t.charCodeAt(i) !== 58) return null;
  i++;
  while (i < n && isSpace(t.charCodeAt(i))) i++;
  if (i >= n) return null;
  for (let k = i; k < n; k++) if (isLineEnd(t.charCodeAt(k))) return null;
  const groups: string[] = [];
  while (i < n) {
    const c = t.charCodeAt(i);
    if (c === 40 || c === 91) {
      let j = i + 1;
      while (j < n && !isBracket(t.charCodeAt(j))) j++;
      const close = j < n ? t.charCodeAt(j) : 0;
      if (close === 41 || close === 93) {
        groups.push(t.slice(i + 1, j));
        i = j + 1;
        continue;
      }
    }
    i++;
  }
  if (groups.length === 0) return null;
  const out: (number | string)[][] = [];
  for (const g of groups) {
    const shape: (number | string)[] = [];
    for (const part of g.split(',')) {
      const d = part.trim();
      if (d === '') continue;
      if (isAll(d, 0, isDigit)) shape.push(Number(d));
      else if (isIdStart(d.charCodeAt(0)) && isAll(d, 1, isWordChar)) shape.push(d);
      else return null;
    }
    out.push(shape);
  }
  return out;
}

const isWordChar = (c: number): boolean => isIdStart(c) || isDigit(c);

/** Whether every character of `s` from `from` on passes `ok`. */
function isAll(s: string, from: number, ok: (c: number) => boolean): boolean {
  for (let k = from; k < s.length; k++) if (!ok(s.charCodeAt(k))) return false;
  return true;
}

/** The `# input:` comment on the line directly above `at` (skipping decorators above a class). */
export function inputCommentAbove(file: ParsedFile, at: Span): (number | string)[][] | null {
  const src = file.src;
  let lineStart = src.lastIndexOf('\n', at.from - 1) + 1;
  for (let guard = 0; guard < 20 && lineStart > 0; guard++) {
    const prevEnd = lineStart - 1;
    const prevStart = src.lastIndexOf('\n', prevEnd - 1) + 1;
    const line = src.slice(prevStart, prevEnd).trim();
    if (line.startsWith('@')) {
      lineStart = prevStart;
      continue;
    }
    return line.startsWith('#') ? parseInputComment(line) : null;
  }
  return null;
}

const DATASETS: Record<string, number[]> = {
  MNIST: [1, 28, 28],
  FashionMNIST: [1, 28, 28],
  KMNIST: [1, 28, 28],
  EMNIST: [1, 28, 28],
  QMNIST: [1, 28, 28],
  CIFAR10: [3, 32, 32],
  CIFAR100: [3, 32, 32],
  SVHN: [3, 32, 32],
};

/** A torchvision dataset constructed in the file, with a DataLoader's literal batch size if any. */
export function datasetInput(src: string): (number | string)[] | null {
  const m = /\b(?:datasets|torchvision\.datasets)\.(MNIST|FashionMNIST|KMNIST|EMNIST|QMNIST|CIFAR100|CIFAR10|SVHN)\s*\(/.exec(src) ?? /\b(MNIST|FashionMNIST|KMNIST|EMNIST|QMNIST|CIFAR100|CIFAR10|SVHN)\s*\(/.exec(src);
  if (!m) return null;
  const dims = DATASETS[m[1]];
  const sizes = new Set<number>();
  for (const dl of src.matchAll(/\bDataLoader\s*\(/g)) {
    const tail = src.slice(dl.index ?? 0, (dl.index ?? 0) + 400);
    const bs = /batch_size\s*=\s*(\d+)/.exec(tail);
    if (bs) sizes.add(Number(bs[1]));
  }
  const batch: number | string = sizes.size === 1 ? [...sizes][0] : 'B';
  return [batch, ...dims];
}

export function toDims(shape: (number | string)[]): D[] {
  return shape.map(dimFromInput);
}
