// CIFAR-10 and CIFAR-100 in the layouts torchvision downloads: cifar-10-batches-py and cifar-100-python
// (Python pickles, read by pickle.ts as data only) and cifar-10-batches-bin (fixed-size records). Images
// are 3×32×32 bytes in CHW order in every layout, which is how they are kept.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DataError } from '../idx';
import { dictGet, PickleError, readPickle, type PyValue } from './pickle';
import { channelStats } from './stats';
import type { ImageDataset, ImageSplit } from './types';

const PX = 3 * 32 * 32;

export type CifarLayout = 'cifar-10-batches-py' | 'cifar-100-python' | 'cifar-10-batches-bin';
export const CIFAR_LAYOUTS: readonly CifarLayout[] = [
  'cifar-10-batches-py',
  'cifar-100-python',
  'cifar-10-batches-bin',
];

const FIX: Record<CifarLayout, string> = {
  'cifar-10-batches-py': 're-download it with torchvision.datasets.CIFAR10(root, download=True)',
  'cifar-100-python': 're-download it with torchvision.datasets.CIFAR100(root, download=True)',
  'cifar-10-batches-bin':
    're-download the binary version from https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
};

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** The CIFAR folders at `dir` itself or directly under it (or under its data/), in CIFAR_LAYOUTS order. */
export function findCifar(dir: string): { layout: CifarLayout; dir: string }[] {
  const found: { layout: CifarLayout; dir: string }[] = [];
  for (const layout of CIFAR_LAYOUTS) {
    const candidates =
      basename(dir) === layout ? [dir] : [join(dir, layout), join(dir, 'data', layout)];
    const hit = candidates.find(isDir);
    if (hit) found.push({ layout, dir: hit });
  }
  return found;
}

function readFile(file: string, layout: CifarLayout): Buffer {
  if (!existsSync(file))
    throw new DataError(`${file}: missing from the ${layout} folder; ${FIX[layout]}`);
  return readFileSync(file);
}

function pickleFile(file: string, layout: CifarLayout): PyValue {
  try {
    return readPickle(readFile(file, layout), file);
  } catch (e) {
    if (e instanceof PickleError) throw new DataError(`${e.message}; ${FIX[layout]}`);
    throw e;
  }
}

function intList(v: PyValue, where: string, count: number, classes: number): Uint8Array {
  const out = new Uint8Array(count);
  const items: ArrayLike<unknown> | null = Array.isArray(v) ? v : null;
  if (!items || items.length !== count)
    throw new DataError(
      `${where}: expected ${count} labels, found ${Array.isArray(v) ? v.length : 'no list'}; the file is corrupt`,
    );
  for (let i = 0; i < count; i++) {
    const l = items[i];
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l >= classes)
      throw new DataError(
        `${where}: label ${String(l)} at index ${i} is not a class 0–${classes - 1}; the file is corrupt`,
      );
    out[i] = l;
  }
  return out;
}

function names(v: PyValue, where: string): string[] {
  if (!Array.isArray(v))
    throw new DataError(`${where}: class names are not a list; the file is corrupt`);
  return v.map((n) =>
    typeof n === 'string'
      ? n
      : n instanceof Uint8Array
        ? Buffer.from(n).toString('latin1')
        : String(n),
  );
}

/** One pickled batch: its images (N×3072 bytes) and labels. */
function pickleBatch(
  file: string,
  layout: CifarLayout,
  labelKey: string,
  classes: number,
): { images: Uint8Array; labels: Uint8Array } {
  const d = pickleFile(file, layout);
  try {
    const data = dictGet(d, 'data', file);
    if (typeof data !== 'object' || data === null || !('kind' in data) || data.kind !== 'ndarray')
      throw new DataError(`${file}: 'data' is not a numpy array; ${FIX[layout]}`);
    if (
      data.dtype.replace(/^[|<>=]/, '') !== 'u1' ||
      data.shape.length !== 2 ||
      data.shape[1] !== PX ||
      data.fortran
    ) {
      throw new DataError(
        `${file}: 'data' is a ${data.dtype} array of shape (${data.shape.join(', ')}), not CIFAR's uint8 (N, 3072); ${FIX[layout]}`,
      );
    }
    const count = data.shape[0];
    return { images: data.data, labels: intList(dictGet(d, labelKey, file), file, count, classes) };
  } catch (e) {
    if (e instanceof PickleError) throw new DataError(`${e.message}; ${FIX[layout]}`);
    throw e;
  }
}

/** Fixed records: `labelBytes` label bytes (the last one is the class) then 3072 pixel bytes. */
function binBatch(file: string, classes: number): { images: Uint8Array; labels: Uint8Array } {
  const buf = readFile(file, 'cifar-10-batches-bin');
  const rec = 1 + PX;
  if (buf.length === 0 || buf.length % rec !== 0)
    throw new DataError(
      `${file}: ${buf.length} bytes is not a whole number of ${rec}-byte CIFAR-10 records; ${FIX['cifar-10-batches-bin']}`,
    );
  const count = buf.length / rec;
  const images = new Uint8Array(count * PX);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const l = buf[i * rec];
    if (l >= classes)
      throw new DataError(
        `${file}: label ${l} in record ${i} is not a class 0–${classes - 1}; ${FIX['cifar-10-batches-bin']}`,
      );
    labels[i] = l;
    images.set(buf.subarray(i * rec + 1, (i + 1) * rec), i * PX);
  }
  return { images, labels };
}

type Part = { images: Uint8Array; labels: Uint8Array };

/**
 * The batches read one at a time into one array, so at most one batch is held beside the split (all
 * five before the copy doubled the bytes held while loading).
 */
function concat(readers: (() => Part)[]): ImageSplit {
  let images = new Uint8Array(0);
  let labels = new Uint8Array(0);
  let count = 0;
  readers.forEach((read, i) => {
    const p = read();
    const n = p.labels.length;
    if (count + n > labels.length) {
      // Room for the rest at this batch's size: CIFAR's batches are all one size, so it grows once.
      const cap = count + n * (readers.length - i);
      const im = new Uint8Array(cap * PX);
      im.set(images.subarray(0, count * PX));
      const lb = new Uint8Array(cap);
      lb.set(labels.subarray(0, count));
      images = im;
      labels = lb;
    }
    images.set(p.images, count * PX);
    labels.set(p.labels, count);
    count += n;
  });
  if (count === 0) throw new DataError('a CIFAR split holds no images; re-download it');
  return {
    images: images.subarray(0, count * PX),
    labels: labels.subarray(0, count),
    count,
    rows: 32,
    cols: 32,
    channels: 3,
  };
}

const TRAIN_BATCHES = [1, 2, 3, 4, 5];

export function loadCifar(dir: string, layout: CifarLayout): ImageDataset {
  let classes: string[];
  let train: ImageSplit;
  let test: ImageSplit;
  if (layout === 'cifar-10-batches-py') {
    classes = names(
      dictGet(
        pickleFile(join(dir, 'batches.meta'), layout),
        'label_names',
        join(dir, 'batches.meta'),
      ),
      join(dir, 'batches.meta'),
    );
    const k = classes.length;
    train = concat(
      TRAIN_BATCHES.map(
        (i) => () => pickleBatch(join(dir, `data_batch_${i}`), layout, 'labels', k),
      ),
    );
    test = concat([() => pickleBatch(join(dir, 'test_batch'), layout, 'labels', k)]);
  } else if (layout === 'cifar-100-python') {
    classes = names(
      dictGet(pickleFile(join(dir, 'meta'), layout), 'fine_label_names', join(dir, 'meta')),
      join(dir, 'meta'),
    );
    const k = classes.length;
    train = concat([() => pickleBatch(join(dir, 'train'), layout, 'fine_labels', k)]);
    test = concat([() => pickleBatch(join(dir, 'test'), layout, 'fine_labels', k)]);
  } else {
    const metaFile = join(dir, 'batches.meta.txt');
    classes = readFile(metaFile, layout)
      .toString('utf8')
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (classes.length === 0) throw new DataError(`${metaFile}: no class names; ${FIX[layout]}`);
    train = concat(
      TRAIN_BATCHES.map((i) => () => binBatch(join(dir, `data_batch_${i}.bin`), classes.length)),
    );
    test = concat([() => binBatch(join(dir, 'test_batch.bin'), classes.length)]);
  }
  const { mean, std } = channelStats(train);
  return {
    train,
    test,
    dir,
    name: layout === 'cifar-100-python' ? 'CIFAR-100' : 'CIFAR-10',
    classes,
    mean,
    std,
  };
}
