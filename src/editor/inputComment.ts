// The `# input: (1, 1, 28, 28)` comment: parsing what the user types (Set Input Shape…, the
// tensorLens.defaultInput setting), writing the comment above a model, and guessing a sensible
// default when the engine found no input. Pure: no `vscode` import.
import type { Dim, ModelResult, Shape, SourceRange } from '../shapes/types';
import { formatShape } from './format';

export type ParseResult = { ok: true; shapes: Dim[][] } | { ok: false; message: string };

const MAX_DIM = 1_000_000_000;
const MAX_RANK = 8;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parse an input shape as a user types it: `1, 1, 28, 28`, `(1, 1, 28, 28)`, `[1, 784]`,
 * `(10,)`, `(B, 3, H, W)`, or several inputs `(1, 300), (1, 300)`. The message says what is wrong
 * and how to write it, for `showInputBox`'s validateInput.
 */
export function parseInputShapes(text: string): ParseResult {
  const t = text.trim().replace(/^#\s*input\s*:\s*/i, '');
  if (t === '')
    return {
      ok: false,
      message: 'Type a shape such as 1, 1, 28, 28 — or several inputs as (1, 300), (1, 300).',
    };
  const groups: string[] = [];
  if (/^[([]/.test(t)) {
    // Several bracketed groups separated by commas.
    let rest = t;
    while (rest.length > 0) {
      const open = rest[0];
      const close = open === '(' ? ')' : open === '[' ? ']' : '';
      if (!close)
        return { ok: false, message: `Expected "(" to start a shape at "${clip(rest)}".` };
      const end = rest.indexOf(close);
      if (end < 0) return { ok: false, message: `Missing "${close}" to close the shape.` };
      const inner = rest.slice(1, end);
      if (/[()[\]]/.test(inner))
        return {
          ok: false,
          message: 'Shapes cannot be nested; write (1, 300), (1, 300) for several inputs.',
        };
      groups.push(inner);
      rest = rest.slice(end + 1).trim();
      if (rest.startsWith(',')) {
        rest = rest.slice(1).trim();
        if (rest === '') break;
      } else if (rest.length > 0) {
        return { ok: false, message: `Expected "," between shapes at "${clip(rest)}".` };
      }
    }
  } else {
    if (/[()[\]]/.test(t))
      return {
        ok: false,
        message: 'Either bracket every shape, (1, 300), (1, 300), or none: 1, 1, 28, 28.',
      };
    groups.push(t);
  }
  const shapes: Dim[][] = [];
  for (const g of groups) {
    const parts = g.split(',').map((p) => p.trim());
    // A trailing comma is Python's one-element tuple `(10,)`.
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    if (parts.length === 1 && parts[0] === '')
      return { ok: false, message: 'A shape needs at least one dimension, e.g. (1, 784).' };
    if (parts.length > MAX_RANK)
      return { ok: false, message: `At most ${MAX_RANK} dimensions per shape.` };
    const dims: Dim[] = [];
    for (const p of parts) {
      if (p === '') return { ok: false, message: 'Empty dimension: remove the extra comma.' };
      if (/^\d+$/.test(p)) {
        const n = Number(p);
        if (n < 1) return { ok: false, message: `Dimension ${p} must be at least 1.` };
        if (n > MAX_DIM) return { ok: false, message: `Dimension ${p} is too large.` };
        dims.push(n);
      } else if (IDENT.test(p)) {
        dims.push(p);
      } else if (/^-?\d+(\.\d*)?$/.test(p)) {
        return { ok: false, message: `Dimension ${p} must be a whole number of at least 1.` };
      } else {
        return {
          ok: false,
          message: `"${clip(p)}" is neither a number nor a name such as B or H.`,
        };
      }
    }
    shapes.push(dims);
  }
  return { ok: true, shapes };
}

function clip(s: string): string {
  return s.length > 20 ? s.slice(0, 20) + '…' : s;
}

/** The validateInput callback: undefined when valid, else the message. */
export function validateInputShape(text: string): string | undefined {
  const r = parseInputShapes(text);
  return r.ok ? undefined : r.message;
}

/** The tensorLens.defaultInput setting: empty means none; an invalid value is reported, not used. */
export function parseDefaultInput(setting: unknown): { shapes?: Shape[]; error?: string } {
  if (typeof setting !== 'string' || setting.trim() === '') return {};
  const r = parseInputShapes(setting);
  return r.ok ? { shapes: r.shapes } : { error: r.message };
}

export function formatInputShapes(shapes: readonly Shape[]): string {
  return shapes.map((s) => formatShape(s)).join(', ');
}

export function inputCommentText(shapes: readonly Shape[]): string {
  return `# input: ${formatInputShapes(shapes)}`;
}

const INPUT_COMMENT = /^\s*#\s*input\s*:/i;

export interface TextEdit1 {
  /** 1-based, end exclusive, like the engine's ranges. */
  range: SourceRange;
  newText: string;
}

/**
 * The edit that writes `# input: …` on the line above the model: replaces an existing input
 * comment there, else inserts a new line with the model line's indentation.
 */
export function inputCommentEdit(
  lines: readonly string[],
  model: ModelResult,
  shapes: readonly Shape[],
): TextEdit1 {
  const line = Math.max(1, Math.min(model.line, lines.length || 1));
  const modelText = lines[line - 1] ?? '';
  const indent = /^[ \t]*/.exec(modelText)?.[0] ?? '';
  const comment = indent + inputCommentText(shapes);
  const above = line >= 2 ? lines[line - 2] : undefined;
  if (above !== undefined && INPUT_COMMENT.test(above)) {
    return {
      range: { line: line - 1, column: 1, endLine: line - 1, endColumn: above.length + 1 },
      newText: comment,
    };
  }
  return { range: { line, column: 1, endLine: line, endColumn: 1 }, newText: comment + '\n' };
}

/** Whether the line above the model already holds an `# input:` comment. */
export function hasInputComment(lines: readonly string[], model: ModelResult): boolean {
  const above = model.line >= 2 ? lines[model.line - 2] : undefined;
  return above !== undefined && INPUT_COMMENT.test(above);
}

function isConcrete(shapes: readonly Shape[]): shapes is Dim[][] {
  return (
    shapes.length > 0 && shapes.every((s) => s !== null && s.every((d) => typeof d === 'number'))
  );
}

export interface SuggestedInput {
  shapes: Dim[][];
  /** Where it came from, for the quick fix title. */
  source: 'inferred' | 'setting' | 'first layer' | 'example';
  /** Sure enough to be the preferred quick fix. */
  confident: boolean;
}

/**
 * The input to propose for a model: what the engine inferred when it is concrete, else the
 * tensorLens.defaultInput setting, else a guess from the first layer's constructor arguments
 * (Conv2d(1, …) → (1, 1, 28, 28), Linear(784, …) → (1, 784)), else the MNIST image shape.
 */
export function suggestInput(model: ModelResult, defaultInput?: Shape[]): SuggestedInput {
  if (
    model.inputSource !== 'symbolic' &&
    model.input.length > 0 &&
    model.input.every((s) => s !== null)
  ) {
    // Inferred (a call, a dataset, the setting): pin it as found, symbols such as B included.
    return {
      shapes: (model.input as Dim[][]).map((s) => [...s]),
      source: model.inputSource === 'option' ? 'setting' : 'inferred',
      confident: true,
    };
  }
  if (defaultInput && isConcrete(defaultInput))
    return { shapes: defaultInput.map((s) => [...s]), source: 'setting', confident: true };
  const guess = guessFromFirstLayer(model);
  if (guess) return { shapes: [guess], source: 'first layer', confident: false };
  return { shapes: [[1, 1, 28, 28]], source: 'example', confident: false };
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

function guessFromFirstLayer(model: ModelResult): number[] | undefined {
  const first = model.layers.find((l) => !l.functional);
  if (!first || !first.config) return undefined;
  const c = first.config;
  switch (first.type) {
    case 'Conv2d': {
      const ch = num(c.in_channels);
      // 1 channel reads as MNIST-like 28×28, 3 channels as CIFAR-like 32×32.
      return ch === undefined ? undefined : [1, ch, ch === 1 ? 28 : 32, ch === 1 ? 28 : 32];
    }
    case 'Conv1d': {
      const ch = num(c.in_channels);
      return ch === undefined ? undefined : [1, ch, 128];
    }
    case 'Conv3d': {
      const ch = num(c.in_channels);
      return ch === undefined ? undefined : [1, ch, 16, 32, 32];
    }
    case 'Linear': {
      const f = num(c.in_features);
      return f === undefined ? undefined : [1, f];
    }
    case 'Embedding':
      return [1, 16];
    case 'LSTM':
    case 'GRU':
    case 'RNN': {
      const f = num(c.input_size);
      if (f === undefined) return undefined;
      return c.batch_first === true ? [1, 16, f] : [16, 1, f];
    }
    default:
      return undefined;
  }
}
