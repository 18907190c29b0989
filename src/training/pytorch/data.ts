// Which data folder the PyTorch runner trains on, found without reading the images: the runner reads
// them in Python (python/tensor_lens_data.py) and says what is wrong with a bad file, so the extension
// host never spends time decompressing them. The rules are the tfjs path's (data/select.ts): --data,
// else a torchvision `root=` in the user's file, else the embedded MNIST subset for a digit model. An
// image folder (torchvision's ImageFolder layout) fits a (1|3, H, W) model of as many classes as it has
// class folders; the runner resizes its pictures to (H, W).
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { findCifar, type CifarLayout } from '../data/cifar';
import { findImageFolder } from '../data/imagefolder';
import { downloadHint, rootsInSource } from '../data/select';
import { DataError } from '../idx';
import type { RunnerModel } from './plan';

export interface RunnerData {
  dir: string;
  /** The runner's --data-kind. */
  kind: 'idx' | CifarLayout | 'imagefolder';
  /** For the start event: "MNIST", "CIFAR-10", "embedded MNIST subset" … */
  name: string;
}

const IDX_SETS = ['MNIST', 'FashionMNIST', 'KMNIST'];
const IDX_TRAIN = [
  'train-images-idx3-ubyte',
  'train-images-idx3-ubyte.gz',
  'train-images.idx3-ubyte',
];

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};
const hasIdx = (d: string): boolean => isDir(d) && IDX_TRAIN.some((f) => existsSync(join(d, f)));

interface Found extends RunnerData {
  /** null: any (an image folder's pictures are converted to the model's channels). */
  channels: 1 | 3 | null;
  classes: number;
}

/** The data sets the runner reads in `dir`: torchvision's <Name>/raw and CIFAR folders, or dir itself. */
function found(dir: string): Found[] {
  const out: Found[] = [];
  for (const name of IDX_SETS)
    for (const d of [join(dir, name, 'raw'), join(dir, 'data', name, 'raw')])
      if (hasIdx(d)) out.push({ dir: d, kind: 'idx', name, channels: 1, classes: 10 });
  if (out.length === 0 && hasIdx(dir)) {
    const name =
      IDX_SETS.find((s) => new RegExp(`(^|[\\\\/])${s}([\\\\/]raw)?[\\\\/]*$`, 'i').test(dir)) ??
      'MNIST';
    out.push({ dir, kind: 'idx', name, channels: 1, classes: 10 });
  }
  for (const c of findCifar(dir)) {
    const k = c.layout === 'cifar-100-python' ? 100 : 10;
    out.push({
      dir: c.dir,
      kind: c.layout,
      name: k === 100 ? 'CIFAR-100' : 'CIFAR-10',
      channels: 3,
      classes: k,
    });
  }
  // Only the folder names are read here (DataError for a test class missing from train/).
  const folder = findImageFolder(dir);
  if (folder)
    out.push({
      dir,
      kind: 'imagefolder',
      name: 'ImageFolder',
      channels: null,
      classes: folder.classes.length,
    });
  return out;
}

/** MNIST and CIFAR fit their own sizes; an image folder is resized to any (C, H, W) image input. */
const fitsModel = (f: Found, m: RunnerModel): boolean =>
  (f.kind === 'imagefolder'
    ? m.layout === 'image'
    : f.channels === m.channels && m.rows === m.cols && m.rows === (f.channels === 1 ? 28 : 32)) &&
  (m.classes === null || m.classes === f.classes);

const strip = (f: Found): RunnerData => ({ dir: f.dir, kind: f.kind, name: f.name });

export function runnerData(
  model: RunnerModel,
  dataPath: string,
  source: { text: string; file: string },
  embeddedDir: string | undefined,
): RunnerData {
  const need = {
    input: [model.channels, model.rows, model.cols],
    classes: model.classes ?? 10,
  };
  const wants = `(${model.channels}, ${model.rows}, ${model.cols}) images${model.classes === null ? '' : ` of ${model.classes} classes`}`;
  const given = dataPath.trim();
  if (given) {
    if (!isDir(given))
      throw new DataError(
        `--data ${given}: ${existsSync(given) ? 'not a folder' : 'folder not found'}; ${downloadHint(need)}`,
      );
    const all = found(given);
    const hit = all.find((f) => fitsModel(f, model));
    if (hit) return strip(hit);
    throw new DataError(
      all.length
        ? `--data ${given} holds ${all.map((f) => f.name).join(' and ')}, but ${model.name} takes ${wants}; ${downloadHint(need)}`
        : `--data ${given}: no MNIST, FashionMNIST or KMNIST IDX files, no CIFAR folder and no image folder (class subfolders of PNG/JPEG) here; ${downloadHint(need)}`,
    );
  }
  const looked: string[] = [];
  const base = dirname(resolve(source.file));
  for (const r of rootsInSource(source.text)) {
    for (const dir of [...new Set([resolve(base, r), resolve(r)])]) {
      if (!isDir(dir)) continue;
      looked.push(dir);
      const hit = found(dir).find((f) => fitsModel(f, model));
      if (hit) return strip(hit);
    }
  }
  if (
    model.channels === 1 &&
    model.rows === 28 &&
    model.cols === 28 &&
    (model.classes === null || model.classes === 10)
  ) {
    if (!embeddedDir || !existsSync(embeddedDir))
      throw new DataError(
        'the embedded MNIST subset (media/mnist) is missing; run `npm run build` (node scripts/build-mnist.mjs) or pass --data DIR',
      );
    return { dir: embeddedDir, kind: 'idx', name: 'embedded MNIST subset' };
  }
  const where = looked.length
    ? ` (looked in ${looked.join(', ')}, the root= of ${source.file})`
    : '';
  throw new DataError(
    `no data for ${model.name}, which takes ${wants}${where}; ${downloadHint(need)}`,
  );
}
