// Which model of a file the PyTorch runner builds, and how: the class (with the constructor arguments
// the shape engine saw at the file's own instantiation) or the module-level nn.Sequential, and how
// MNIST batches are shaped for it. The runner executes the real code, so nothing here needs to be
// translatable to tfjs; it only has to be unambiguous.
import type { ModelResult } from '../../shapes/types';
import { TranslateError } from '../translate';

export interface RunnerModel {
  name: string;
  kind: 'module' | 'sequential';
  line: number;
  /** JSON for the runner's --ctor. */
  ctor: string;
  /** (B, 1, 28, 28), (B, 784) or (B, 28, 28). */
  layout: 'image' | 'flat' | 'hw';
}

const fits = (d: number | string | undefined, n: number): boolean =>
  d === n || typeof d === 'string';

/** The input layout a model's first input accepts, or null when it takes something MNIST is not. */
export function inputLayout(m: ModelResult): RunnerModel['layout'] | null {
  const inp = m.input[0];
  if (!inp) return null;
  const rest = inp.slice(1);
  if (rest.length === 1 && fits(rest[0], 784)) return 'flat';
  if (rest.length === 3 && fits(rest[0], 1) && fits(rest[1], 28) && fits(rest[2], 28))
    return 'image';
  if (rest.length === 2 && fits(rest[0], 28) && fits(rest[1], 28)) return 'hw';
  return null;
}

function plan(m: ModelResult, file: string): RunnerModel {
  const layout = inputLayout(m);
  if (!layout) {
    const shown = m.input[0] ? m.input[0].join(', ') : 'unknown';
    throw new TranslateError(
      `${file}:${m.line}: ${m.name}'s input is (${shown}) but MNIST digits are (B, 1, 28, 28) or (B, 784); set '# input: (1, 1, 28, 28)' above it or adapt the model`,
      m.line,
    );
  }
  const out = m.output;
  if (out && (out.length !== 2 || (typeof out[1] === 'number' && out[1] !== 10))) {
    throw new TranslateError(
      `${file}:${m.line}: ${m.name}'s output is (${out.join(', ')}) but MNIST training needs (B, 10) class scores`,
      m.line,
    );
  }
  if (m.kind === 'module' && m.construct === null) {
    throw new TranslateError(
      `${file}:${m.line}: ${m.name} is built with arguments that are not constants, so the runner cannot rebuild it; instantiate it once in the file with literal arguments (e.g. ${m.name}(128))`,
      m.line,
    );
  }
  return {
    name: m.name,
    kind: m.kind,
    line: m.line,
    ctor: JSON.stringify(m.construct ?? { args: [], kwargs: {} }),
    layout,
  };
}

/** The named model, else the first one whose input and output fit MNIST; else the first one's reason. */
export function planRunnerModel(
  models: ModelResult[],
  file: string,
  className?: string,
): RunnerModel {
  if (models.length === 0)
    throw new TranslateError(`${file}: no PyTorch model (nn.Module class or nn.Sequential) found`);
  if (className) {
    const hit = models.find((x) => x.name === className);
    if (!hit)
      throw new TranslateError(
        `${file}: no model named ${className} (found: ${models.map((x) => x.name).join(', ')})`,
      );
    return plan(hit, file);
  }
  let firstError: unknown = null;
  for (const m of models) {
    try {
      return plan(m, file);
    } catch (e) {
      firstError ??= e;
    }
  }
  throw firstError;
}
