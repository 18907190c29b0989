// Which model of a file the PyTorch runner builds, and how: the class (with the constructor arguments
// the shape engine saw at the file's own instantiation) or the module-level nn.Sequential, and how
// batches of MNIST-like (1, 28, 28), CIFAR (3, 32, 32) or image-folder (1|3, H, W) images are shaped
// for it. The runner executes the real code, so nothing here needs to be translatable to tfjs; it only
// has to be unambiguous.
import type { ModelResult } from '../../shapes/types';
import { TranslateError } from '../translate';

export interface RunnerModel {
  name: string;
  kind: 'module' | 'sequential';
  line: number;
  /** JSON for the runner's --ctor. */
  ctor: string;
  /** (B, C, H, W), (B, C·H·W) or (B, H, W) for grey images. */
  layout: 'image' | 'flat' | 'hw';
  /**
   * The images it takes: grey 28×28 (the MNIST family), colour 32×32 (CIFAR), or grey or colour of any
   * size as (C, H, W), which an image folder's pictures are resized to.
   */
  channels: 1 | 3;
  rows: number;
  cols: number;
  /** Width of its class scores; null when the shape engine could not tell (the runner checks). */
  classes: number | null;
}

type Input = Pick<RunnerModel, 'layout' | 'channels' | 'rows' | 'cols'>;

const fits = (d: number | string | undefined, n: number): boolean =>
  d === n || typeof d === 'string';

/** The images a model's first input accepts, or null when it takes neither MNIST's nor CIFAR's. */
export function inputLayout(m: ModelResult): Input | null {
  const inp = m.input[0];
  if (!inp) return null;
  const rest = inp.slice(1);
  // MNIST first: a fully symbolic input keeps the digits it always trained on.
  for (const [channels, size] of [
    [1, 28],
    [3, 32],
  ] as const) {
    if (rest.length === 1 && fits(rest[0], channels * size * size))
      return { layout: 'flat', channels, rows: size, cols: size };
    if (rest.length === 3 && fits(rest[0], channels) && fits(rest[1], size) && fits(rest[2], size))
      return { layout: 'image', channels, rows: size, cols: size };
  }
  if (rest.length === 2 && fits(rest[0], 28) && fits(rest[1], 28))
    return { layout: 'hw', channels: 1, rows: 28, cols: 28 };
  // Any other known (1|3, H, W): only an image folder, resized to it, can feed it.
  const [c, h, w] = rest;
  if (rest.length === 3 && (c === 1 || c === 3) && typeof h === 'number' && typeof w === 'number')
    return { layout: 'image', channels: c, rows: h, cols: w };
  return null;
}

function plan(m: ModelResult, file: string): RunnerModel {
  const input = inputLayout(m);
  if (!input) {
    const shown = m.input[0] ? m.input[0].join(', ') : 'unknown';
    throw new TranslateError(
      `${file}:${m.line}: ${m.name}'s input is (${shown}) but the runner's images are (B, 1, 28, 28) or (B, 784) (MNIST, FashionMNIST, KMNIST), (B, 3, 32, 32) (CIFAR) or (B, 1|3, H, W) (an image folder); set '# input: (1, 1, 28, 28)' above it or adapt the model`,
      m.line,
    );
  }
  const out = m.output;
  const k = out?.[1];
  const allowed = input.channels === 1 ? [10] : [10, 100];
  // (C, H, W) images may come from an image folder of any number of classes: the data step says
  // whether one fits. Flat and (H, W) inputs only ever get the MNIST family or CIFAR.
  const anyClasses = input.layout === 'image';
  if (out && (out.length !== 2 || (typeof k === 'number' && !anyClasses && !allowed.includes(k)))) {
    throw new TranslateError(
      `${file}:${m.line}: ${m.name}'s output is (${out.join(', ')}) but training on ${input.channels === 1 ? 'MNIST-like digits needs (B, 10)' : 'CIFAR needs (B, 10) or (B, 100)'} class scores`,
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
    ...input,
    classes: typeof k === 'number' ? k : null,
  };
}

/** The named model, else the first one whose input and output fit the runner's data; else the first one's reason. */
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
