// IDX files (the MNIST format): the embedded subset in media/mnist and what torchvision downloads to
// data/MNIST/raw or data/FashionMNIST/raw, gzipped or not. Pixels stay Uint8Array (one byte each), so
// the full 60,000-image set costs 47 MB; batches are turned into float tensors on the fly.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { constants as zlibConstants, gunzipSync, gzipSync } from 'node:zlib';

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

const FIX =
  're-download it (torchvision.datasets.MNIST(root, download=True)) or run `npm run build` for the embedded files';

/**
 * The most data bytes one IDX file may declare: 1 GiB, about 1.37 M images of 28×28 (full MNIST is
 * 47 MB, EMNIST ByClass 547 MB). The pixels stay in memory as bytes, so a header that declares more
 * is refused before anything is inflated or allocated.
 */
export const MAX_IDX_DATA_BYTES = 2 ** 30;

/** IDX headers are at most 4 + 4·4 bytes (the reader accepts 1 to 4 dimensions). */
const MAX_HEADER = 20;
/** Compressed bytes inflated to find the header: real files have it in their first block. */
const HEADER_SEARCH = [1024, 16 * 1024];

/** An IDX file whose header has been read and checked, and whose data has not been inflated yet. */
export interface IdxHeader {
  file: string;
  dims: number[];
  /** Bytes of data the header declares (the product of dims). */
  size: number;
  /** Bytes of header before the data. */
  offset: number;
  gzip: boolean;
  /** The file as it is on disk (compressed when `gzip`). */
  raw: Buffer;
}

function gzipError(file: string, e: unknown): DataError {
  const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return new DataError(`${file}: truncated or corrupt gzip data (${why}); ${FIX}`);
}

/**
 * The first bytes of a gzip file's content, from growing prefixes of the compressed input, so the
 * header is known before the whole file is inflated (a small file that decompresses to gigabytes
 * must not be inflated to find out what it claims to hold).
 */
function gzipHead(file: string, raw: Buffer): Buffer {
  let out = Buffer.alloc(0);
  for (const n of HEADER_SEARCH) {
    if (n >= raw.length) {
      // The whole file is this small: inflate it strictly, so a cut-off stream is reported as such.
      try {
        return gunzipSync(raw);
      } catch (e) {
        throw gzipError(file, e);
      }
    }
    try {
      // Z_SYNC_FLUSH returns what a cut-off prefix decodes to instead of failing on its missing end.
      out = gunzipSync(raw.subarray(0, n), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch (e) {
      throw gzipError(file, e);
    }
    if (out.length >= MAX_HEADER) return out;
  }
  return out;
}

/** Reads and checks an IDX header; `expectDims` is 3 for images, 1 for labels. Inflates only the first bytes. */
export function readIdxHeader(file: string, expectDims?: number): IdxHeader {
  if (!existsSync(file)) throw new DataError(`${file}: file not found; ${FIX}`);
  const bytes = statSync(file).size;
  // Even stored (uncompressed) gzip blocks add well under 1 % to the data.
  if (bytes > MAX_IDX_DATA_BYTES * 1.01 + 1024) {
    throw new DataError(
      `${file}: ${bytes} bytes, more than an IDX file may hold here (${MAX_IDX_DATA_BYTES} bytes of data); ${FIX}`,
    );
  }
  const raw = readFileSync(file);
  const gzip = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
  const head = gzip ? gzipHead(file, raw) : raw.subarray(0, MAX_HEADER);
  if (head.length < 4)
    throw new DataError(`${file}: truncated (${head.length} bytes, no IDX header); ${FIX}`);
  const magic = head.readUInt32BE(0);
  const type = (magic >> 8) & 0xff;
  const ndims = magic & 0xff;
  if (
    magic >>> 16 !== 0 ||
    type !== UBYTE ||
    ndims < 1 ||
    ndims > 4 ||
    (expectDims !== undefined && ndims !== expectDims)
  ) {
    const want =
      expectDims === undefined
        ? '0x0000080N'
        : '0x' + (0x800 + expectDims).toString(16).padStart(8, '0');
    throw new DataError(
      `${file}: wrong magic number 0x${magic.toString(16).padStart(8, '0')} (expected ${want}); not an MNIST IDX file of unsigned bytes — ${FIX}`,
    );
  }
  const offset = 4 + 4 * ndims;
  if (head.length < offset)
    throw new DataError(`${file}: truncated header (${head.length} bytes); ${FIX}`);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(head.readUInt32BE(4 + 4 * i));
  // Four 32-bit dims multiply to at most 2^128: exact enough in a double to compare with the limit.
  const size = dims.reduce((a, b) => a * b, 1);
  if (size > MAX_IDX_DATA_BYTES) {
    throw new DataError(
      `${file}: the header declares ${dims.join('×')} = ${size} bytes of data, more than the ${MAX_IDX_DATA_BYTES} an IDX file may hold here; a corrupt file — ${FIX}`,
    );
  }
  return { file, dims, size, offset, gzip, raw };
}

/** The data of a checked header: inflated to at most the size it declares, which must be exact. */
export function readIdxData(h: IdxHeader): IdxFile {
  const { file, dims, size, offset } = h;
  const total = offset + size;
  let buf = h.raw;
  if (h.gzip) {
    try {
      // The limit stops zlib as soon as the output passes what the header declared.
      buf = gunzipSync(h.raw, { maxOutputLength: total });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new DataError(
          `${file}: decompresses to more than the ${total} bytes its header declares (${dims.join('×')}); a corrupt or mislabelled file — ${FIX}`,
        );
      }
      throw gzipError(file, e);
    }
  }
  if (buf.length < total) {
    throw new DataError(
      `${file}: truncated: the header promises ${dims.join('×')} = ${size} bytes of data but ${buf.length - offset} are there; ${FIX}`,
    );
  }
  if (buf.length > total) {
    throw new DataError(
      `${file}: ${buf.length - total} bytes follow the ${dims.join('×')} = ${size} bytes of data its header declares; a corrupt or mislabelled file — ${FIX}`,
    );
  }
  // A view, not a copy: the decompressed buffer is ours alone.
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + offset, size) };
}

/** Reads one IDX file of unsigned bytes; `expectDims` is 3 for images, 1 for labels. */
export function readIdx(file: string, expectDims?: number): IdxFile {
  return readIdxData(readIdxHeader(file, expectDims));
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
function findFile(
  dir: string,
  prefix: 'train' | 't10k',
  kind: 'images' | 'labels',
): string | undefined {
  const idx = kind === 'images' ? 'idx3' : 'idx1';
  const re = new RegExp(`^${prefix}-${kind}[-.]${idx}-ubyte(\\.gz)?$`);
  const names = readdirSync(dir)
    .filter((n) => re.test(n))
    .sort();
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
  if (!existsSync(dir))
    throw new DataError(
      `--data ${dir}: folder not found; give a folder with MNIST IDX files (torchvision's data/MNIST/raw) or leave it out for the embedded subset`,
    );
  if (!statSync(dir).isDirectory())
    throw new DataError(
      `--data ${dir}: not a folder; give the folder that holds train-images-idx3-ubyte(.gz), e.g. data/MNIST/raw`,
    );
  const candidates = [
    dir,
    join(dir, 'MNIST', 'raw'),
    join(dir, 'FashionMNIST', 'raw'),
    join(dir, 'data', 'MNIST', 'raw'),
    join(dir, 'data', 'FashionMNIST', 'raw'),
    join(dir, 'raw'),
  ];
  const hit = candidates.find(hasIdx);
  if (!hit)
    throw new DataError(
      `--data ${dir}: no train-images-idx3-ubyte(.gz) here or in MNIST/raw or FashionMNIST/raw; download with torchvision.datasets.MNIST('${dir}', download=True)`,
    );
  return hit;
}

function readSplit(dir: string, prefix: 'train' | 't10k'): MnistSplit {
  const what = prefix === 'train' ? 'training' : 'test';
  const imgFile = findFile(dir, prefix, 'images');
  const lblFile = findFile(dir, prefix, 'labels');
  if (!imgFile)
    throw new DataError(
      `${join(dir, `${prefix}-images-idx3-ubyte`)}: ${what} images missing (neither it nor .gz is there); ${FIX}`,
    );
  if (!lblFile)
    throw new DataError(
      `${join(dir, `${prefix}-labels-idx1-ubyte`)}: ${what} labels missing (neither it nor .gz is there); ${FIX}`,
    );
  // Both headers are checked against each other before either file's data is inflated.
  const imgHead = readIdxHeader(imgFile, 3);
  const lblHead = readIdxHeader(lblFile, 1);
  const [count, rows, cols] = imgHead.dims;
  if (lblHead.dims[0] !== count) {
    throw new DataError(
      `${basename(imgFile)} has ${count} images but ${basename(lblFile)} has ${lblHead.dims[0]} labels (in ${dir}); the two files come from different downloads — ${FIX}`,
    );
  }
  // An empty split would train on nothing and report 0/0 = NaN losses and accuracies.
  if (count === 0) throw new DataError(`${imgFile}: holds no images; ${FIX}`);
  if (rows !== 28 || cols !== 28)
    throw new DataError(
      `${imgFile}: images are ${rows}×${cols}, the models expect 28×28 (MNIST or FashionMNIST)`,
    );
  const img = readIdxData(imgHead);
  const lbl = readIdxData(lblHead);
  for (let i = 0; i < count; i++) {
    if (lbl.data[i] > 9)
      throw new DataError(
        `${lblFile}: label ${lbl.data[i]} at index ${i} is not a digit class 0–9; ${FIX}`,
      );
  }
  return { images: img.data, labels: lbl.data, count, rows, cols };
}

/** Loads the training and test sets from a folder of IDX files (see findIdxDir for the layouts accepted). */
export function loadMnist(dir: string, name?: string): MnistData {
  const idxDir = findIdxDir(dir);
  const guessed = /fashion/i.test(idxDir) ? 'FashionMNIST' : 'MNIST';
  return {
    train: readSplit(idxDir, 'train'),
    test: readSplit(idxDir, 't10k'),
    dir: idxDir,
    name: name ?? guessed,
  };
}

/**
 * Where the embedded subset lives: `<mediaRoot>/mnist`. From a bundle in dist/ the media folder is
 * one level up; from sources (tests, tsx) it is at the repository root, two levels up from here.
 */
export function embeddedMnistDir(mediaRoot?: string): string {
  if (mediaRoot) return join(mediaRoot, 'mnist');
  const candidates = [
    join(__dirname, '..', 'media', 'mnist'),
    join(__dirname, '..', '..', 'media', 'mnist'),
  ];
  return candidates.find((d) => existsSync(d)) ?? candidates[0];
}

/** The data a run uses: `dataPath` when given, else the embedded subset. */
export function loadData(dataPath: string | undefined, mediaRoot?: string): MnistData {
  if (dataPath && dataPath.trim() !== '') return loadMnist(dataPath.trim());
  const dir = embeddedMnistDir(mediaRoot);
  if (!existsSync(dir))
    throw new DataError(
      `${dir}: the embedded MNIST subset is missing; run \`npm run build\` (node scripts/build-mnist.mjs) or pass --data DIR`,
    );
  return loadMnist(dir, 'embedded MNIST subset');
}
