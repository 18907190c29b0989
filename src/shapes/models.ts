// Which models a file holds and where each one's input comes from, in the order of docs/cli-contract.md:
// a `# input:` comment, a call in the file, a torchvision dataset, the caller's default, symbols.
import { type D, dimFromInput } from './library/dims';
import type { ParsedFile, Span } from './syntax/ast';

/** One bracketed group of an input comment; global, so reset lastIndex before each scan. */
const GROUP = /[([]([^()[\]]*)[)\]]/g;

/** Parses "(1, 1, 28, 28), (B, 300)" into shapes; null when it is not that form. */
export function parseInputComment(text: string): (number | string)[][] | null {
  const m = /^#\s*input\s*:\s*(.+)$/i.exec(text.trim());
  if (!m) return null;
  // An exec loop rather than matchAll, which clones the expression on every call (every model's comment).
  const groups: string[] = [];
  GROUP.lastIndex = 0;
  for (let g = GROUP.exec(m[1]); g !== null; g = GROUP.exec(m[1])) groups.push(g[1]);
  if (groups.length === 0) return null;
  const out: (number | string)[][] = [];
  for (const g of groups) {
    const dims = g
      .split(',')
      .map((d) => d.trim())
      .filter((d) => d !== '');
    const shape: (number | string)[] = [];
    for (const d of dims) {
      if (/^\d+$/.test(d)) shape.push(Number(d));
      else if (/^[A-Za-z_]\w*$/.test(d)) shape.push(d);
      else return null;
    }
    out.push(shape);
  }
  return out;
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

/**
 * A torchvision dataset constructed in the file, with a DataLoader's literal batch size if any.
 * `outside` is the text outside the model classes (the training code): when it flattens the images
 * before the model (`images.reshape(-1, 28*28)`, `x.view(x.size(0), -1)`, `torch.flatten(x, 1)`),
 * the guess is the flattened shape; when it reshapes them some other way, there is no guess.
 */
export function datasetInput(src: string, outside: string = src): (number | string)[] | null {
  const m =
    /\b(?:datasets|torchvision\.datasets)\.(MNIST|FashionMNIST|KMNIST|EMNIST|QMNIST|CIFAR100|CIFAR10|SVHN)\s*\(/.exec(
      src,
    ) ?? /\b(MNIST|FashionMNIST|KMNIST|EMNIST|QMNIST|CIFAR100|CIFAR10|SVHN)\s*\(/.exec(src);
  if (!m) return null;
  const dims = DATASETS[m[1]];
  const sizes = new Set<number>();
  for (const dl of src.matchAll(/\bDataLoader\s*\(/g)) {
    const tail = src.slice(dl.index ?? 0, (dl.index ?? 0) + 400);
    const bs = /batch_size\s*=\s*(\d+)/.exec(tail);
    if (bs) sizes.add(Number(bs[1]));
  }
  const batch: number | string = sizes.size === 1 ? [...sizes][0] : 'B';
  const size = dims.reduce((a, b) => a * b, 1);
  let flat = false;
  // `.view(-1)` and `.view_as(...)` reshape labels and outputs, not what a model is given.
  for (const r of outside.matchAll(/\.(?:reshape|view)\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)/g)) {
    const args = r[1]
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    if (args.length < 2) continue;
    if (args.length !== 2) return null;
    const last = args[1];
    const prod = /^\d+(?:\s*\*\s*\d+)*$/.test(last)
      ? last.split('*').reduce((a, b) => a * Number(b.trim()), 1)
      : null;
    if (last === '-1' || prod === size) flat = true;
    else return null;
  }
  if (/\bflatten\s*\(\s*(?:\w+\s*,\s*)?(?:start_dim\s*=\s*)?1\s*\)/.test(outside)) flat = true;
  return flat ? [batch, size] : [batch, ...dims];
}

export function toDims(shape: (number | string)[]): D[] {
  return shape.map(dimFromInput);
}
