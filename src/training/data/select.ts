// Which data a model can train on follows from its input shape and its number of classes:
//   (1, 28, 28), (28, 28) or (784) with 10 classes: MNIST, FashionMNIST, KMNIST (IDX files) or the
//     embedded MNIST subset; (28, 28) is how a recurrent model reads a digit, one row per step;
//   (3, 32, 32) or (3072): CIFAR-10 (10 classes) or CIFAR-100 (100), in any of torchvision's layouts;
//   any (C, H, W) with C = 1 or 3: an image folder (imagefolder.ts), resized to (H, W).
// The folder comes from --data, else from a `root=` the user's file gives a torchvision dataset, else
// (for MNIST-shaped models) the embedded subset. When nothing fits, the message says what to download
// and where to put it.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MNIST_MEAN, MNIST_STD } from '../fit';
import { DataError, loadData, loadMnist } from '../idx';
import { findCifar, loadCifar } from './cifar';
import { findImageFolder, loadImageFolder } from './imagefolder';
import { channelStats } from './stats';
import type { ModelResult } from '../../shapes/types';
import type { NetSpec } from '../spec';
import { TranslateError } from '../translate';
import type { ImageDataset } from './types';

export interface DataNeed {
  /** The model's input without the batch dimension, in PyTorch's order. */
  input: number[];
  /** Width of its class-score output. */
  classes: number;
  /** The user's file, whose torchvision `root=` is a place to look. */
  source?: { text: string; file: string };
}

type Family = 'mnist' | 'cifar' | 'image';

const IDX_SETS: { name: string; sub: string; classes: string[] }[] = [
  { name: 'MNIST', sub: 'MNIST', classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] },
  {
    name: 'FashionMNIST',
    sub: 'FashionMNIST',
    classes: [
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ],
  },
  {
    name: 'KMNIST',
    sub: 'KMNIST',
    classes: ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo'],
  },
];

const shapeText = (s: number[]): string => `(${s.join(', ')})`;

/** Which kind of data an input shape can take; null when none can. */
export function inputFamilies(input: number[]): Family[] {
  const key = input.join(',');
  if (key === '1,28,28' || key === '28,28' || key === '784') return ['mnist', 'image'];
  if (key === '3,32,32' || key === '3072') return ['cifar', 'image'];
  if (input.length === 3 && (input[0] === 1 || input[0] === 3) && input[1] > 0 && input[2] > 0)
    return ['image'];
  return [];
}

/** What to download for a model of this shape, and where it goes: the end of every "nothing fits" message. */
export function downloadHint(need: DataNeed): string {
  const fam = inputFamilies(need.input);
  if (fam.includes('cifar') && (need.classes === 10 || need.classes === 100)) {
    const cls = need.classes === 10 ? 'CIFAR10' : 'CIFAR100';
    const folder = need.classes === 10 ? 'cifar-10-batches-py' : 'cifar-100-python';
    return `download it with torchvision.datasets.${cls}('data', download=True) (it lands in data/${folder}) and pass --data data`;
  }
  if (fam.includes('mnist') && need.classes === 10)
    return "download it with torchvision.datasets.MNIST('data', download=True) (FashionMNIST and KMNIST work too) and pass --data data, or leave --data out for the embedded subset";
  const [c, h, w] = need.input.length === 3 ? need.input : [1, ...need.input];
  return `put an image folder there: train/ and test/ with one subfolder of PNG or JPEG images per class (${need.classes} classes; images are resized to ${h}×${w}${c === 1 ? ', grey' : ', RGB'}) and pass --data FOLDER`;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The IDX folders under `dir` (or `dir` itself), with the data set each one is. */
function findIdx(dir: string): { dir: string; name: string; classes: string[] }[] {
  const out: { dir: string; name: string; classes: string[] }[] = [];
  const hasTrain = (d: string): boolean =>
    isDir(d) &&
    ['train-images-idx3-ubyte', 'train-images-idx3-ubyte.gz', 'train-images.idx3-ubyte'].some((f) =>
      existsSync(join(d, f)),
    );
  for (const set of IDX_SETS) {
    for (const d of [join(dir, set.sub, 'raw'), join(dir, 'data', set.sub, 'raw')])
      if (hasTrain(d)) out.push({ dir: d, name: set.name, classes: set.classes });
  }
  if (out.length === 0 && hasTrain(dir)) {
    const set =
      IDX_SETS.find((s) =>
        new RegExp(`(^|[\\\\/])${s.sub}([\\\\/]raw)?[\\\\/]*$`, 'i').test(dir),
      ) ?? IDX_SETS[0];
    out.push({ dir, name: set.name, classes: set.classes });
  }
  return out;
}

interface Candidate {
  /** e.g. "CIFAR-100 (3, 32, 32), 100 classes" — for the mismatch message. */
  what: string;
  fits: boolean;
  load(): ImageDataset;
}

/** Every data set in `dir` this module can read, each marked whether it fits the model. */
function candidates(dir: string, need: DataNeed): Candidate[] {
  const fam = inputFamilies(need.input);
  const out: Candidate[] = [];
  for (const idx of findIdx(dir)) {
    out.push({
      what: `${idx.name} (1, 28, 28) images of 10 classes`,
      fits: fam.includes('mnist') && need.classes === 10,
      load: () => {
        const d = loadMnist(idx.dir, idx.name);
        const stats =
          idx.name === 'MNIST' ? { mean: [MNIST_MEAN], std: [MNIST_STD] } : channelStats(d.train);
        return { ...d, classes: idx.classes, ...stats };
      },
    });
  }
  for (const c of findCifar(dir)) {
    const k = c.layout === 'cifar-100-python' ? 100 : 10;
    out.push({
      what: `${k === 100 ? 'CIFAR-100' : 'CIFAR-10'} (3, 32, 32) images of ${k} classes`,
      fits: fam.includes('cifar') && need.classes === k,
      load: () => loadCifar(c.dir, c.layout),
    });
  }
  const folder = findImageFolder(dir);
  if (folder) {
    const [ch, h, w] = need.input.length === 3 ? need.input : [1, 0, 0];
    out.push({
      what: `an image folder of ${folder.classes.length} classes`,
      fits:
        fam.includes('image') && need.input.length === 3 && folder.classes.length === need.classes,
      load: () => loadImageFolder(folder, { channels: ch, rows: h, cols: w }),
    });
  }
  return out;
}

/** Folders a torchvision dataset in the user's file names as its root (`root='./data'` or the first argument). */
export function rootsInSource(text: string): string[] {
  const roots: string[] = [];
  const patterns = [
    /\broot\s*=\s*(?:r|f|rb|br)?(['"])([^'"\n]+)\1/g,
    /\b(?:MNIST|FashionMNIST|KMNIST|EMNIST|CIFAR10|CIFAR100|ImageFolder|DatasetFolder)\s*\(\s*(?:r)?(['"])([^'"\n]+)\1/g,
  ];
  for (const re of patterns)
    for (const m of text.matchAll(re)) if (!roots.includes(m[2])) roots.push(m[2]);
  return roots;
}

/** The data set a run trains on (see the file comment for the rules). */
export function loadDataFor(
  need: DataNeed,
  dataPath: string | undefined,
  mediaRoot?: string,
): ImageDataset {
  const fam = inputFamilies(need.input);
  if (fam.length === 0)
    throw new DataError(
      `no data set fits a model whose input is ${shapeText(need.input)}: training takes images, (C, H, W) with C = 1 or 3, or (28, 28) rows of a digit; set '# input: (1, C, H, W)' or adapt the model`,
    );
  const given = dataPath?.trim() ?? '';
  if (given !== '') {
    if (!existsSync(given))
      throw new DataError(`--data ${given}: folder not found; ${downloadHint(need)}`);
    if (!isDir(given)) throw new DataError(`--data ${given}: not a folder; ${downloadHint(need)}`);
    const found = candidates(given, need);
    const hit = found.find((c) => c.fits);
    if (hit) return hit.load();
    if (found.length > 0) {
      throw new DataError(
        `--data ${given} holds ${found.map((c) => c.what).join(' and ')}, but the model takes ${shapeText(need.input)} with ${need.classes} classes; ${downloadHint(need)}`,
      );
    }
    // Keep the IDX reader's own messages for MNIST-shaped models (a folder with half the files, say).
    if (fam.includes('mnist') && need.classes === 10) return mnistDataset(loadMnist(given));
    throw new DataError(
      `--data ${given}: no MNIST IDX files, CIFAR folder or image folder here; ${downloadHint(need)}`,
    );
  }
  const looked: string[] = [];
  if (need.source) {
    const base = dirname(resolve(need.source.file));
    for (const r of rootsInSource(need.source.text)) {
      for (const dir of [...new Set([resolve(base, r), resolve(r)])]) {
        if (!isDir(dir)) continue;
        looked.push(dir);
        const hit = candidates(dir, need).find((c) => c.fits);
        if (hit) return hit.load();
      }
    }
  }
  if (fam.includes('mnist') && need.classes === 10) {
    const d = loadData(undefined, mediaRoot);
    return mnistDataset(d);
  }
  const where =
    looked.length > 0 ? ` (looked in ${looked.join(', ')}, the root= of ${need.source?.file})` : '';
  throw new DataError(
    `no data for a model taking ${shapeText(need.input)} with ${need.classes} classes${where}; ${downloadHint(need)}`,
  );
}

function mnistDataset(d: ReturnType<typeof loadMnist>): ImageDataset {
  const set = IDX_SETS.find((s) => s.name === d.name) ?? IDX_SETS[0];
  const stats =
    d.name === 'FashionMNIST' || d.name === 'KMNIST'
      ? channelStats(d.train)
      : { mean: [MNIST_MEAN], std: [MNIST_STD] };
  return { ...d, classes: set.classes, ...stats };
}

/**
 * What data a translated model needs: its input and class count. Refused with the model's line when its
 * output is not (B, K) class scores or it starts with an Embedding (token indices, not pixels).
 */
export function needOf(
  model: ModelResult,
  spec: NetSpec,
  source?: { text: string; file: string },
): DataNeed {
  const emb = spec.layers.find((l) => l.op === 'embedding');
  if (emb)
    throw new TranslateError(
      `${emb.type} at line ${emb.line ?? model.line}: an Embedding takes token indices, and the image data sets give pixel intensities; this model cannot be trained on them`,
      emb.line ?? model.line,
    );
  const out = model.output;
  const k = out?.length === 2 ? out[1] : null;
  if (typeof k !== 'number' || k < 2) {
    throw new TranslateError(
      `${model.name} (line ${model.line}): its output is (${(out ?? ['?']).join(', ')}) but training needs (B, K) class scores with K ≥ 2`,
      model.line,
    );
  }
  if (inputFamilies(spec.input).length === 0) {
    throw new TranslateError(
      `${model.name} (line ${model.line}): its input is (B, ${spec.input.join(', ')}), and training takes images (B, C, H, W) with C = 1 or 3, (B, 28, 28) rows or (B, 784); set '# input: (1, 3, 32, 32)' or similar`,
      model.line,
    );
  }
  return { input: spec.input, classes: k, ...(source ? { source } : {}) };
}
