// IDX files (the MNIST format): the embedded subset in media/mnist and what torchvision downloads to
// data/MNIST/raw or data/FashionMNIST/raw, gzipped or not. Pixels stay Uint8Array (one byte each), so
// the full 60,000-image set costs 47 MB; batches are turned into float tensors on the fly.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

/** A bad data folder or a corrupt file: the message is one line that names the file and the fix. */
export class DataError extends Error {}

/** IDX element types (third byte of the magic number); MNIST uses only unsigned bytes. */
const UBYTE = 0x08;

export interface IdxFile {
  dims: number[];
  data: Uint8Array;
}

export interface MnistSplit {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

export interface MnistData {
  train: MnistSplit;
  test: MnistSplit;
  /** The folder the files came from. */
  dir: string;
  /** "MNIST", "FashionMNIST" or "embedded MNIST subset" — for messages. */
  name: string;
}

const FIX = 're-download it (torchvision.datasets.MNIST(root, download=True)) or run `npm run build` for the embedded files';

/** Reads one IDX file of unsigned bytes; `expectDims` is 3 for images, 1 for labels. */
export function readIdx(file: string, expectDims?: number): IdxFile {
  if (!existsSync(file)) throw new DataError(`${file}: file not found; ${FIX}`);
  let buf: Buffer = readFileSync(file);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new DataError(`${file}: truncated or corrupt gzip data (${why}); ${FIX}`);
    }
  }
  if (buf.length < 4) throw new DataError(`${file}: truncated (${buf.length} bytes, no IDX header); ${FIX}`);
  const magic = buf.readUInt32BE(0);
  const type = (magic >> 8) & 0xff;
  const ndims = magic & 0xff;
  if (magic >>> 16 !== 0 || type !== UBYTE || ndims < 1 || ndims > 4 || (expectDims !== undefined && ndims !== expectDims)) {
    const want = expectDims === undefined ? '0x0000080N' : '0x' + (0x800 + expectDims).toString(16).padStart(8, '0');
    throw new DataError(`${file}: wrong magic number 0x${magic.toString(16).padStart(8, '0')} (expected ${want}); not an MNIST IDX file of unsigned bytes — ${FIX}`);
  }
  const header = 4 + 4 * ndims;
  if (buf.length < header) throw new DataError(`${file}: truncated header (${buf.length} bytes); ${FIX}`);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  if (buf.length < header + size) {
    throw new DataError(`${file}: truncated: the header promises ${dims.join('×')} = ${size} bytes of data but ${buf.length - header} are there; ${FIX}`);
  }
  // A view, not a copy: the decompressed buffer is ours alone.
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + header, size) };
}

/** Writes an IDX file of unsigned bytes (gzip when the name ends in .gz). Used by tests and tools. */
export function writeIdx(file: string, dims: number[], data: Uint8Array): void {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  const raw = Buffer.concat([header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
  writeFileSync(file, file.endsWith('.gz') ? gzipSync(raw, { level: 6 }) : raw);
}

/** Finds `<prefix>-images-idx3-ubyte[.gz]` (torchvision) or `<prefix>-images.idx3-ubyte` (yann.lecun.com mirrors). */
function findFile(dir: string, prefix: 'train' | 't10k', kind: 'images' | 'labels'): string | undefined {
  const idx = kind === 'images' ? 'idx3' : 'idx1';
  const re = new RegExp(`^${prefix}-${kind}[-.]${idx}-ubyte(\\.gz)?$`);
  const names = readdirSync(dir).filter((n) => re.test(n)).sort();
  // Prefer the uncompressed file when both exist: torchvision extracts next to the .gz.
  const plain = names.find((n) => !n.endsWith('.gz'));
  const pick = plain ?? names[0];
  return pick ? join(dir, pick) : undefined;
}

function hasIdx(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && findFile(dir, 'train', 'images') !== undefined;
  } catch {
    return false;
  }
}

/**
 * The folder that holds the IDX files: `dir` itself, or the torchvision layouts under it
 * (MNIST/raw, FashionMNIST/raw, data/MNIST/raw, raw).
 */
export function findIdxDir(dir: string): string {
  if (!existsSync(dir)) throw new DataError(`--data ${dir}: folder not found; give a folder with MNIST IDX files (torchvision's data/MNIST/raw) or leave it out for the embedded subset`);
  if (!statSync(dir).isDirectory()) throw new DataError(`--data ${dir}: not a folder; give the folder that holds train-images-idx3-ubyte(.gz), e.g. data/MNIST/raw`);
  const candidates = [dir, join(dir, 'MNIST', 'raw'), join(dir, 'FashionMNIST', 'raw'), join(dir, 'data', 'MNIST', 'raw'), join(dir, 'data', 'FashionMNIST', 'raw'), join(dir, 'raw')];
  const hit = candidates.find(hasIdx);
  if (!hit) throw new DataError(`--data ${dir}: no train-images-idx3-ubyte(.gz) here or in MNIST/raw or FashionMNIST/raw; download with torchvision.datasets.MNIST('${dir}', download=True)`);
  return hit;
}

function readSplit(dir: string, prefix: 'train' | 't10k'): MnistSplit {
  const what = prefix === 'train' ? 'training' : 'test';
  const imgFile = findFile(dir, prefix, 'images');
  const lblFile = findFile(dir, prefix, 'labels');
  if (!imgFile) throw new DataError(`${join(dir, `${prefix}-images-idx3-ubyte`)}: ${what} images missing (neither it nor .gz is there); ${FIX}`);
  if (!lblFile) throw new DataError(`${join(dir, `${prefix}-labels-idx1-ubyte`)}: ${what} labels missing (neither it nor .gz is there); ${FIX}`);
  const img = readIdx(imgFile, 3);
  const lbl = readIdx(lblFile, 1);
  const [count, rows, cols] = img.dims;
  if (lbl.dims[0] !== count) {
    throw new DataError(`${basename(imgFile)} has ${count} images but ${basename(lblFile)} has ${lbl.dims[0]} labels (in ${dir}); the two files come from different downloads — ${FIX}`);
  }
  // An empty split would train on nothing and report 0/0 = NaN losses and accuracies.
  if (count === 0) throw new DataError(`${imgFile}: holds no images; ${FIX}`);
  if (rows !== 28 || cols !== 28) throw new DataError(`${imgFile}: images are ${rows}×${cols}, the models expect 28×28 (MNIST or FashionMNIST)`);
  for (let i = 0; i < count; i++) {
    if (lbl.data[i] > 9) throw new DataError(`${lblFile}: label ${lbl.data[i]} at index ${i} is not a digit class 0–9; ${FIX}`);
  }
  return { images: img.data, labels: lbl.data, count, rows, cols };
}

/** Loads the training and test sets from a folder of IDX files (see findIdxDir for the layouts accepted). */
export function loadMnist(dir: string, name?: string): MnistData {
  const idxDir = findIdxDir(dir);
  const guessed = /fashion/i.test(idxDir) ? 'FashionMNIST' : 'MNIST';
  return { train: readSplit(idxDir, 'train'), test: readSplit(idxDir, 't10k'), dir: idxDir, name: name ?? guessed };
}

/**
 * Where the embedded subset lives: `<mediaRoot>/mnist`. From a bundle in dist/ the media folder is
 * one level up; from sources (tests, tsx) it is at the repository root, two levels up from here.
 */
export function embeddedMnistDir(mediaRoot?: string): string {
  if (mediaRoot) return join(mediaRoot, 'mnist');
  const candidates = [join(__dirname, '..', 'media', 'mnist'), join(__dirname, '..', '..', 'media', 'mnist')];
  return candidates.find((d) => existsSync(d)) ?? candidates[0];
}

/** The data a run uses: `dataPath` when given, else the embedded subset. */
export function loadData(dataPath: string | undefined, mediaRoot?: string): MnistData {
  if (dataPath && dataPath.trim() !== '') return loadMnist(dataPath.trim());
  const dir = embeddedMnistDir(mediaRoot);
  if (!existsSync(dir)) throw new DataError(`${dir}: the embedded MNIST subset is missing; run \`npm run build\` (node scripts/build-mnist.mjs) or pass --data DIR`);
  return loadMnist(dir, 'embedded MNIST subset');
}
