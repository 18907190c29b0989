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

function fakeSet(dir: string, nTrain: number, nTest: number, gz: boolean): { images: Uint8Array; labels: Uint8Array } {
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
    assert.throws(() => loadMnist(dir), (e: Error) => e instanceof DataError && /wrong magic number 0x00000801 \(expected 0x00000803\)/.test(e.message) && e.message.includes(f) && !e.message.includes('\n'));
  });
});

test('mismatched image and label counts', () => {
  withTmp((dir) => {
    fakeSet(dir, 4, 2, true);
    writeIdx(join(dir, 'train-labels-idx1-ubyte.gz'), [3], new Uint8Array(3));
    assert.throws(() => loadMnist(dir), (e: Error) => e instanceof DataError && /has 4 images but train-labels-idx1-ubyte\.gz has 3 labels/.test(e.message));
  });
});

test('an empty training or test set is a data error, not NaN metrics', () => {
  withTmp((dir) => {
    fakeSet(dir, 4, 0, false);
    assert.throws(() => loadMnist(dir), (e: Error) => e instanceof DataError && /t10k-images-idx3-ubyte: holds no images/.test(e.message) && !e.message.includes('\n'));
  });
});

test('a truncated file, plain or gzipped', () => {
  withTmp((dir) => {
    fakeSet(dir, 4, 2, false);
    const f = join(dir, 't10k-images-idx3-ubyte');
    writeFileSync(f, readFileSync(f).subarray(0, 100));
    assert.throws(() => loadMnist(dir), (e: Error) => e instanceof DataError && /truncated/.test(e.message) && e.message.includes(f));
    const g = join(dir, 'x.gz');
    writeFileSync(g, gzipSync(Buffer.alloc(500)).subarray(0, 20));
    assert.throws(() => readIdx(g), (e: Error) => e instanceof DataError && /truncated or corrupt gzip/.test(e.message));
  });
});

test('a missing file and a bad folder', () => {
  withTmp((dir) => {
    fakeSet(dir, 4, 2, false);
    rmSync(join(dir, 't10k-labels-idx1-ubyte'));
    assert.throws(() => loadMnist(dir), (e: Error) => e instanceof DataError && /t10k-labels-idx1-ubyte: test labels missing/.test(e.message));
    assert.throws(() => loadData(join(dir, 'nope')), (e: Error) => e instanceof DataError && /folder not found/.test(e.message));
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    assert.throws(() => loadData(empty), (e: Error) => e instanceof DataError && /no train-images-idx3-ubyte/.test(e.message));
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
    for (const c of counts) assert.ok(c > 0.08 * split.count && c < 0.13 * split.count, `class counts ${counts.join(',')}`);
  }
  // Pixels are real digits: mostly background, some ink.
  let ink = 0;
  for (let i = 0; i < 784 * 100; i++) if (data.train.images[i] > 128) ink++;
  assert.ok(ink > 784 * 100 * 0.05 && ink < 784 * 100 * 0.4, `ink fraction ${ink / 78400}`);
});
