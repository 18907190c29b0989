// The IDX reader against files we write ourselves (round trip, each kind of corruption) and against
// the embedded subset that scripts/build-mnist.mjs generates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError, loadData, loadMnist, readIdx, writeIdx } from '../../../src/training/idx';

const root = join(__dirname, '..', '..', '..');

function fakeSet(
  dir: string,
  nTrain: number,
  nTest: number,
  gz: boolean,
): { images: Uint8Array; labels: Uint8Array } {
  mkdirSync(dir, { recursive: true });
  const ext = gz ? '.gz' : '';
  const images = new Uint8Array(nTrain * 784).map((_, i) => (i * 31) % 256);
  const labels = new Uint8Array(nTrain).map((_, i) => i % 10);
  writeIdx(join(dir, `train-images-idx3-ubyte${ext}`), [nTrain, 28, 28], images);
  writeIdx(join(dir, `train-labels-idx1-ubyte${ext}`), [nTrain], labels);
  writeIdx(join(dir, `t10k-images-idx3-ubyte${ext}`), [nTest, 28, 28], new Uint8Array(nTest * 784));
  writeIdx(join(dir, `t10k-labels-idx1-ubyte${ext}`), [nTest], new Uint8Array(nTest));
  return { images, labels };
}

function withTmp(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tl-idx-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('round-trips gzipped and plain IDX files, and finds torchvision layouts', () => {
  withTmp((dir) => {
    for (const gz of [true, false]) {
      const raw = join(dir, gz ? 'a' : 'b', 'MNIST', 'raw');
      const { images, labels } = fakeSet(raw, 12, 5, gz);
      // Given the parent of MNIST/raw, as torchvision's `root` argument would be.
      const data = loadMnist(join(dir, gz ? 'a' : 'b'));
      assert.equal(data.dir, raw);
      assert.equal(data.train.count, 12);
      assert.equal(data.test.count, 5);
      assert.deepEqual(Array.from(data.train.images), Array.from(images));
      assert.deepEqual(Array.from(data.train.labels), Array.from(labels));
    }
    const fashion = join(dir, 'c', 'FashionMNIST', 'raw');
    fakeSet(fashion, 3, 2, false);
    assert.equal(loadMnist(join(dir, 'c')).name, 'FashionMNIST');
  });
});

test('a wrong magic number is named with the file', () => {
  withTmp((dir) => {
    fakeSet(dir, 4, 2, false);
    const f = join(dir, 'train-images-idx3-ubyte');
    const buf = readFileSync(f);
    buf.writeUInt32BE(0x00000801, 0);
    writeFileSync(f, buf);
    assert.throws(
      () => loadMnist(dir),
      (e: Error) =>
        e instanceof DataError &&
        /wrong magic number 0x00000801 \(expected 0x00000803\)/.test(e.message) &&
        e.message.includes(f) &&
        !e.message.includes('\n'),
    );
  });
});

test('mismatched image and label counts', () => {
  withTmp((dir) => {
    fakeSet(dir, 4, 2, true);
    writeIdx(join(dir, 'train-labels-idx1-ubyte.gz'), [3], new Uint8Array(3));
    assert.throws(
      () => loadMnist(dir),
      (e: Error) =>
        e instanceof DataError &&
        /has 4 images but train-labels-idx1-ubyte\.gz has 3 labels/.test(e.message),
    );
  });
});

test('an empty training or test set is a data error, not NaN metrics', () => {
  withTmp((dir) => {
    fakeSet(dir, 4, 0, false);
    assert.throws(
      () => loadMnist(dir),
      (e: Error) =>
        e instanceof DataError &&
        /t10k-images-idx3-ubyte: holds no images/.test(e.message) &&
        !e.message.includes('\n'),
    );
  });
});

test('a truncated file, plain or gzipped', () => {
  withTmp((dir) => {
    fakeSet(dir, 4, 2, false);
    const f = join(dir, 't10k-images-idx3-ubyte');
    writeFileSync(f, readFileSync(f).subarray(0, 100));
    assert.throws(
      () => loadMnist(dir),
      (e: Error) => e instanceof DataError && /truncated/.test(e.message) && e.message.includes(f),
    );
    const g = join(dir, 'x.gz');
    writeFileSync(g, gzipSync(Buffer.alloc(500)).subarray(0, 20));
    assert.throws(
      () => readIdx(g),
      (e: Error) => e instanceof DataError && /truncated or corrupt gzip/.test(e.message),
    );
  });
});

test('a missing file and a bad folder', () => {
  withTmp((dir) => {
    fakeSet(dir, 4, 2, false);
    rmSync(join(dir, 't10k-labels-idx1-ubyte'));
    assert.throws(
      () => loadMnist(dir),
      (e: Error) =>
        e instanceof DataError && /t10k-labels-idx1-ubyte: test labels missing/.test(e.message),
    );
    assert.throws(
      () => loadData(join(dir, 'nope')),
      (e: Error) => e instanceof DataError && /folder not found/.test(e.message),
    );
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    assert.throws(
      () => loadData(empty),
      (e: Error) => e instanceof DataError && /no train-images-idx3-ubyte/.test(e.message),
    );
  });
});

test('the embedded subset: 8,000 / 2,000, every class present in its share', () => {
  const data = loadData(undefined, join(root, 'media'));
  assert.equal(data.train.count, 8000);
  assert.equal(data.test.count, 2000);
  for (const split of [data.train, data.test]) {
    const counts = new Array<number>(10).fill(0);
    for (const l of split.labels) counts[l]++;
    // MNIST's classes are 9–11 % each; a stratified split keeps that in both halves.
    for (const c of counts)
      assert.ok(
        c > 0.08 * split.count && c < 0.13 * split.count,
        `class counts ${counts.join(',')}`,
      );
  }
  // Pixels are real digits: mostly background, some ink.
  let ink = 0;
  for (let i = 0; i < 784 * 100; i++) if (data.train.images[i] > 128) ink++;
  assert.ok(ink > 784 * 100 * 0.05 && ink < 784 * 100 * 0.4, `ink fraction ${ink / 78400}`);
});

/** An IDX header for unsigned bytes with the given dims, as raw bytes. */
function idxHeader(dims: number[]): Buffer {
  const h = Buffer.alloc(4 + 4 * dims.length);
  h.writeUInt32BE(0x800 + dims.length, 0);
  dims.forEach((d, i) => h.writeUInt32BE(d, 4 + 4 * i));
  return h;
}

test('a gzip file that inflates past what its header declares stops at the declared size', () => {
  withTmp((dir) => {
    fakeSet(dir, 2, 2, true);
    // Declares 2 images (1,568 bytes) but holds 16 MB of zeros: a few kB compressed.
    const bomb = gzipSync(Buffer.concat([idxHeader([2, 28, 28]), Buffer.alloc(16 * 1024 * 1024)]), {
      level: 9,
    });
    assert.ok(bomb.length < 200_000);
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), bomb);
    assert.throws(
      () => loadMnist(dir),
      (e: Error) =>
        e instanceof DataError &&
        /train-images-idx3-ubyte\.gz: decompresses to more than the 1584 bytes its header declares \(2×28×28\)/.test(
          e.message,
        ) &&
        !e.message.includes('\n'),
    );
    // One byte more than declared, plain or gzipped, is refused too.
    const extra = Buffer.concat([idxHeader([3]), Buffer.from([1, 2, 3, 4])]);
    writeFileSync(join(dir, 'l.gz'), gzipSync(extra));
    assert.throws(
      () => readIdx(join(dir, 'l.gz'), 1),
      (e: Error) =>
        e instanceof DataError && /decompresses to more than the 11 bytes/.test(e.message),
    );
    writeFileSync(join(dir, 'l'), extra);
    assert.throws(
      () => readIdx(join(dir, 'l'), 1),
      (e: Error) =>
        e instanceof DataError &&
        /1 bytes follow the 3 = 3 bytes of data its header declares/.test(e.message),
    );
  });
});

test('a header declaring more than the limit is refused before anything is inflated', () => {
  withTmp((dir) => {
    fakeSet(dir, 2, 2, true);
    // 4 billion images: the header alone, then a little data; a naive reader would try to allocate 3 TB.
    writeFileSync(
      join(dir, 'train-images-idx3-ubyte.gz'),
      gzipSync(Buffer.concat([idxHeader([4_000_000_000, 28, 28]), Buffer.alloc(784)])),
    );
    writeIdx(join(dir, 'train-labels-idx1-ubyte.gz'), [2], new Uint8Array(2));
    assert.throws(
      () => loadMnist(dir),
      (e: Error) =>
        e instanceof DataError &&
        /declares 4000000000×28×28 = 3136000000000 bytes of data, more than the 1073741824/.test(
          e.message,
        ) &&
        !e.message.includes('\n'),
    );
    const f = join(dir, 'big');
    writeFileSync(f, Buffer.concat([idxHeader([65536, 65536]), Buffer.alloc(16)]));
    assert.throws(
      () => readIdx(f),
      (e: Error) =>
        e instanceof DataError && /more than the 1073741824 an IDX file may hold/.test(e.message),
    );
  });
});

test('image and label counts are compared from the headers, before either file is inflated', () => {
  withTmp((dir) => {
    fakeSet(dir, 2, 2, true);
    // Images that lie about their size, and labels that disagree with their count: the count
    // mismatch is what is reported, so the image data was never inflated.
    writeFileSync(
      join(dir, 'train-images-idx3-ubyte.gz'),
      gzipSync(Buffer.concat([idxHeader([5, 28, 28]), Buffer.alloc(8 * 1024 * 1024)])),
    );
    writeIdx(join(dir, 'train-labels-idx1-ubyte.gz'), [4], new Uint8Array(4));
    assert.throws(
      () => loadMnist(dir),
      (e: Error) =>
        e instanceof DataError &&
        /has 5 images but train-labels-idx1-ubyte\.gz has 4 labels/.test(e.message),
    );
    // Images that are not 28×28 are refused from the header as well.
    writeIdx(join(dir, 'train-images-idx3-ubyte.gz'), [4, 32, 32], new Uint8Array(4 * 1024));
    assert.throws(
      () => loadMnist(dir),
      (e: Error) =>
        e instanceof DataError && /images are 32×32, the models expect 28×28/.test(e.message),
    );
  });
});

test('a gzip header with a long file name field still finds the IDX header', () => {
  withTmp((dir) => {
    const data = new Uint8Array(30).map((_, i) => i);
    const body = gzipSync(Buffer.concat([idxHeader([30]), Buffer.from(data)]));
    // Rebuild the member with FNAME set (flag 0x08) and a 3,000-byte name, as a tool might write.
    const name = Buffer.concat([Buffer.alloc(3000, 0x61), Buffer.from([0])]);
    const flagged = Buffer.from(body.subarray(0, 10));
    flagged[3] |= 0x08;
    const f = join(dir, 'named.gz');
    writeFileSync(f, Buffer.concat([flagged, name, body.subarray(10)]));
    assert.deepEqual(Array.from(readIdx(f, 1).data), Array.from(data));
  });
});
