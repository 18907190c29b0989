// torchvision's ImageFolder layout: one subfolder of PNG or JPEG images per class, class index = position
// of the folder name in sorted order. A data folder holds train/ and test/ (or val/) in that layout;
// a folder that is itself the class folders is split here, every fifth image of each class (in file-name
// order) going to the test set. Images are decoded by pngjs / jpeg-js (pure JS), converted as PIL's
// convert('RGB') / convert('L') does, and resized to the model's input with PIL's antialiased bilinear
// filter, then kept as bytes like every other data set.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataError } from '../idx';
import { channelStats } from './stats';
import type { ImageDataset, ImageSplit } from './types';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);
/** jpeg-js refuses images that would need more than this to decode: a guard against decompression bombs. */
const MAX_DECODE_MB = 512;
const TEST_EVERY = 5;

export interface ImageFolderLayout {
  root: string;
  classes: string[];
  /** Files per split, each with its class index. */
  train: { file: string; label: number }[];
  test: { file: string; label: number }[];
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

function images(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && IMAGE_EXT.has(extname(e.name).toLowerCase()))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** Class folders of `dir` that hold at least one image (sorted, as torchvision's find_classes). */
function classFolders(dir: string): string[] {
  return subdirs(dir).filter((c) => images(join(dir, c)).length > 0);
}

/** The ImageFolder layout at `dir`, or null when `dir` is not one. */
export function findImageFolder(dir: string): ImageFolderLayout | null {
  const trainDir = join(dir, 'train');
  const testName = ['test', 'val'].find((n) => classFolders(join(dir, n)).length > 0);
  const trainClasses = classFolders(trainDir);
  if (trainClasses.length > 0 && testName) {
    const testDir = join(dir, testName);
    const testClasses = classFolders(testDir);
    const stray = testClasses.filter((c) => !trainClasses.includes(c));
    if (stray.length > 0)
      throw new DataError(
        `${testDir}: class folder${stray.length > 1 ? 's' : ''} ${stray.join(', ')} not in ${trainDir}; the test classes must be training classes`,
      );
    const list = (d: string) =>
      trainClasses.flatMap((c, label) =>
        images(join(d, c)).map((f) => ({ file: join(d, c, f), label })),
      );
    return { root: dir, classes: trainClasses, train: list(trainDir), test: list(testDir) };
  }
  const classes = classFolders(dir);
  if (classes.length === 0) return null;
  const train: { file: string; label: number }[] = [];
  const test: { file: string; label: number }[] = [];
  classes.forEach((c, label) =>
    images(join(dir, c)).forEach((f, i) =>
      (i % TEST_EVERY === TEST_EVERY - 1 ? test : train).push({ file: join(dir, c, f), label }),
    ),
  );
  return { root: dir, classes, train, test };
}

/** Decoded pixels as RGBA bytes. */
function decode(file: string): { width: number; height: number; rgba: Uint8Array } {
  let buf: Buffer;
  try {
    if (statSync(file).size === 0) throw new Error('empty file');
    buf = readFileSync(file);
  } catch (e) {
    throw new DataError(
      `${file}: cannot read (${e instanceof Error ? e.message : String(e)}); remove it or replace it with a PNG or JPEG image`,
    );
  }
  try {
    if (buf.length >= 8 && buf.readUInt32BE(0) === 0x89504e47) {
      const png = PNG.sync.read(buf);
      return { width: png.width, height: png.height, rgba: png.data };
    }
    if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) {
      const img = jpeg.decode(buf, {
        useTArray: true,
        formatAsRGBA: true,
        maxMemoryUsageInMB: MAX_DECODE_MB,
      });
      return { width: img.width, height: img.height, rgba: img.data };
    }
  } catch (e) {
    throw new DataError(
      `${file}: not a readable image (${e instanceof Error ? e.message : String(e)}); remove it or re-save it as PNG or JPEG`,
    );
  }
  throw new DataError(
    `${file}: neither PNG nor JPEG data despite its name; remove it or re-save it as PNG or JPEG`,
  );
}

/** PIL's fixed-point precision for 8-bit resampling: coefficients are integers scaled by 2^22. */
const PRECISION_BITS = 22;

/**
 * PIL's resampling with its bilinear ("triangle") filter: support widened by the scale when shrinking,
 * so every source pixel contributes (antialiasing). Per output index: the first source index and the
 * integer coefficients PIL computes (normalised weights × 2^22, rounded).
 */
export function resampleWeights(
  inSize: number,
  outSize: number,
): { start: number; w: Int32Array }[] {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // the triangle filter's support is 1
  const out: { start: number; w: Int32Array }[] = [];
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(0, Math.trunc(center - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(center + support + 0.5));
    const f = new Float64Array(hi - lo);
    let sum = 0;
    for (let k = lo; k < hi; k++) {
      const t = Math.abs((k - center + 0.5) / filterScale);
      const v = t < 1 ? 1 - t : 0;
      f[k - lo] = v;
      sum += v;
    }
    const w = new Int32Array(f.length);
    for (let k = 0; k < f.length; k++)
      w[k] = Math.trunc((sum > 0 ? f[k] / sum : 0) * 2 ** PRECISION_BITS + 0.5);
    out.push({ start: lo, w });
  }
  return out;
}

/** One output byte: PIL's rounding (start at half a unit) and clipping. */
function clip8(acc: number): number {
  const v = Math.floor(acc / 2 ** PRECISION_BITS);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Planes (CHW bytes) of one image converted to `channels` and resized to rows×cols, written at `offset`. */
export function toPlanes(
  img: { width: number; height: number; rgba: Uint8Array },
  channels: number,
  rows: number,
  cols: number,
  out: Uint8Array,
  offset: number,
): void {
  const { width, height, rgba } = img;
  const n = width * height;
  // PIL: convert('RGB') drops alpha; convert('L') is (R·19595 + G·38470 + B·7471 + 2^15) >> 16.
  const planes: Uint8Array[] = [];
  if (channels === 1) {
    const p = new Uint8Array(n);
    for (let i = 0; i < n; i++)
      p[i] =
        (rgba[4 * i] * 19595 + rgba[4 * i + 1] * 38470 + rgba[4 * i + 2] * 7471 + 0x8000) >>> 16;
    planes.push(p);
  } else {
    for (let c = 0; c < 3; c++) {
      const p = new Uint8Array(n);
      for (let i = 0; i < n; i++) p[i] = rgba[4 * i + c];
      planes.push(p);
    }
  }
  const wx = resampleWeights(width, cols);
  const wy = resampleWeights(height, rows);
  const half = 2 ** (PRECISION_BITS - 1);
  const tmp = new Uint8Array(height * cols);
  planes.forEach((p, c) => {
    // Horizontal pass, then vertical, each rounded to bytes, as PIL does.
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < cols; x++) {
        const { start, w } = wx[x];
        let s = half;
        for (let k = 0; k < w.length; k++) s += w[k] * p[y * width + start + k];
        tmp[y * cols + x] = clip8(s);
      }
    }
    const base = offset + c * rows * cols;
    for (let y = 0; y < rows; y++) {
      const { start, w } = wy[y];
      for (let x = 0; x < cols; x++) {
        let s = half;
        for (let k = 0; k < w.length; k++) s += w[k] * tmp[(start + k) * cols + x];
        out[base + y * cols + x] = clip8(s);
      }
    }
  });
}

function loadSplit(
  files: { file: string; label: number }[],
  classes: number,
  channels: number,
  rows: number,
  cols: number,
  what: string,
  root: string,
): ImageSplit {
  if (files.length === 0)
    throw new DataError(`${root}: no ${what} images; put PNG or JPEG files in the class folders`);
  const px = channels * rows * cols;
  const imagesOut = new Uint8Array(files.length * px);
  const labels = classes > 255 ? new Uint16Array(files.length) : new Uint8Array(files.length);
  files.forEach((f, i) => {
    toPlanes(decode(f.file), channels, rows, cols, imagesOut, i * px);
    labels[i] = f.label;
  });
  return { images: imagesOut, labels, count: files.length, rows, cols, channels };
}

export function loadImageFolder(
  layout: ImageFolderLayout,
  size: { channels: number; rows: number; cols: number },
): ImageDataset {
  const { channels, rows, cols } = size;
  if ((channels !== 1 && channels !== 3) || rows < 1 || cols < 1)
    throw new DataError(
      `${layout.root}: images can be resized to (1|3, H, W), not (${channels}, ${rows}, ${cols})`,
    );
  const train = loadSplit(
    layout.train,
    layout.classes.length,
    channels,
    rows,
    cols,
    'training',
    layout.root,
  );
  const test = loadSplit(
    layout.test,
    layout.classes.length,
    channels,
    rows,
    cols,
    'test',
    layout.root,
  );
  return {
    train,
    test,
    dir: layout.root,
    name: 'ImageFolder',
    classes: layout.classes,
    ...channelStats(train),
  };
}
