// CIFAR loaders on small files in torchvision's three download layouts (written by
// `scripts/training-fixtures.py --data`, which also records what torchvision itself reads from them):
// the same images and labels from the Python 2 pickles, the Python 3 pickles and the binary records, each
// pixel where the CHW formula puts it; and pickles that are not plain data are refused, not run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCifar, loadCifar } from '../../../src/training/data/cifar';
import { PickleError, readPickle } from '../../../src/training/data/pickle';
import type { ImageSplit } from '../../../src/training/data/types';
import { DataError } from '../../../src/training/idx';

const root = join(__dirname, '..', '..', 'fixtures', 'training', 'data');
interface Expected {
  trainLabels: number[];
  testLabels: number[];
  trainFirst: number;
  testFirst: number;
  trainSums: number[];
  testSums: number[];
  classes: string[];
}
const expected = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as {
  cifar10: Expected;
  cifar100: Expected;
};

function checkSplit(
  s: ImageSplit,
  labels: number[],
  sums: number[],
  first: number,
  what: string,
): void {
  assert.equal(s.count, labels.length, what);
  assert.deepEqual(Array.from(s.labels), labels, what);
  assert.equal(s.channels, 3);
  for (let i = 0; i < s.count; i++) {
    const img = s.images.subarray(i * 3072, (i + 1) * 3072);
    assert.equal(
      img.reduce((a, b) => a + b, 0),
      sums[i],
      `${what} image ${i}: torchvision's pixel sum`,
    );
    for (const [c, y, x] of [
      [0, 0, 0],
      [1, 5, 9],
      [2, 31, 30],
      [2, 17, 3],
    ]) {
      assert.equal(
        img[c * 1024 + y * 32 + x],
        (13 * (first + i) + 71 * c + 7 * y + 3 * x + 11 * labels[i]) % 256,
        `${what} image ${i} (${c}, ${y}, ${x})`,
      );
    }
  }
}

test('the three layouts are found at the folder, under it, or under its data/', () => {
  assert.deepEqual(
    findCifar(root).map((f) => f.layout),
    ['cifar-10-batches-py', 'cifar-100-python', 'cifar-10-batches-bin'],
  );
  assert.deepEqual(findCifar(join(root, 'cifar-100-python')), [
    { layout: 'cifar-100-python', dir: join(root, 'cifar-100-python') },
  ]);
  assert.deepEqual(findCifar(join(root, 'cifar-10-batches-py')), [
    { layout: 'cifar-10-batches-py', dir: join(root, 'cifar-10-batches-py') },
  ]);
  assert.deepEqual(findCifar(__dirname), []);
});

test('CIFAR-10 from Python 2 pickles and from binary records: what torchvision reads', () => {
  const e = expected.cifar10;
  for (const layout of ['cifar-10-batches-py', 'cifar-10-batches-bin'] as const) {
    const d = loadCifar(join(root, layout), layout);
    assert.equal(d.name, 'CIFAR-10');
    assert.deepEqual(d.classes, e.classes);
    checkSplit(d.train, e.trainLabels, e.trainSums, e.trainFirst, `${layout} train`);
    checkSplit(d.test, e.testLabels, e.testSums, e.testFirst, `${layout} test`);
    assert.equal(d.mean.length, 3);
  }
});

test('CIFAR-100 from Python 3 pickles (str keys, bytes through _codecs.encode): fine labels and names', () => {
  const e = expected.cifar100;
  const d = loadCifar(join(root, 'cifar-100-python'), 'cifar-100-python');
  assert.equal(d.name, 'CIFAR-100');
  assert.equal(d.classes.length, 100);
  assert.deepEqual(d.classes, e.classes);
  checkSplit(d.train, e.trainLabels, e.trainSums, e.trainFirst, 'train');
  checkSplit(d.test, e.testLabels, e.testSums, e.testFirst, 'test');
  // Normalisation statistics from the training bytes, checked against a direct computation.
  for (let c = 0; c < 3; c++) {
    const vals: number[] = [];
    for (let i = 0; i < d.train.count; i++)
      for (let j = 0; j < 1024; j++) vals.push(d.train.images[i * 3072 + c * 1024 + j] / 255);
    const m = vals.reduce((a, b) => a + b, 0) / vals.length;
    const sd = Math.sqrt(vals.reduce((a, b) => a + (b - m) ** 2, 0) / vals.length);
    assert.ok(Math.abs(d.mean[c] - m) < 1e-12 && Math.abs(d.std[c] - sd) < 1e-12, `channel ${c}`);
  }
});

test('pickles that call anything but the array rebuild are refused with the callable named', () => {
  // cos\nsystem\n ('ls',) R . — what a hostile "data" file looks like.
  const evil = Buffer.concat([
    Buffer.from([0x80, 0x02]),
    Buffer.from('cos\nsystem\n'),
    Buffer.from([0x58, 2, 0, 0, 0]),
    Buffer.from('ls'),
    Buffer.from([0x85, 0x52, 0x2e]),
  ]);
  assert.throws(
    () => readPickle(evil, 'evil'),
    (e: Error) => e instanceof PickleError && /refers to os\.system/.test(e.message),
  );
  const builtins = Buffer.concat([
    Buffer.from([0x80, 0x02]),
    Buffer.from('c__builtin__\neval\n'),
    Buffer.from([0x2e]),
  ]);
  assert.throws(() => readPickle(builtins, 'b'), /refers to __builtin__\.eval/);
  // INST / OBJ (protocol 0/1 object creation) are not data either.
  assert.throws(() => readPickle(Buffer.from('(ios\nsystem\n.'), 'inst'), /opcode 0x69/);
  assert.throws(() => readPickle(Buffer.from([0x80, 5, 0x2e]), 'p5'), /protocol 5/);
  assert.throws(() => readPickle(Buffer.from([0x80, 2, 0x7d, 0x71]), 'cut'), /truncated/);
});

test('a corrupt or missing CIFAR file gives one line naming it and the download', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-cifar-'));
  try {
    const py = join(dir, 'cifar-10-batches-py');
    cpSync(join(root, 'cifar-10-batches-py'), py, { recursive: true });
    const good = readFileSync(join(py, 'data_batch_3'));
    writeFileSync(join(py, 'data_batch_3'), good.subarray(0, 3000));
    assert.throws(
      () => loadCifar(py, 'cifar-10-batches-py'),
      (e: Error) =>
        e instanceof DataError &&
        /data_batch_3: truncated pickle/.test(e.message) &&
        /CIFAR10\(root, download=True\)/.test(e.message) &&
        !e.message.includes('\n'),
    );
    rmSync(join(py, 'data_batch_3'));
    assert.throws(
      () => loadCifar(py, 'cifar-10-batches-py'),
      /data_batch_3: missing from the cifar-10-batches-py folder/,
    );
    const bin = join(dir, 'cifar-10-batches-bin');
    cpSync(join(root, 'cifar-10-batches-bin'), bin, { recursive: true });
    writeFileSync(join(bin, 'test_batch.bin'), Buffer.alloc(3074));
    assert.throws(
      () => loadCifar(bin, 'cifar-10-batches-bin'),
      /test_batch\.bin: 3074 bytes is not a whole number of 3073-byte/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('batches of different sizes load whole and in order (the split grows past the first guess)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-cifar-'));
  try {
    const bin = join(dir, 'cifar-10-batches-bin');
    cpSync(join(root, 'cifar-10-batches-bin'), bin, { recursive: true });
    // Record k of the whole split: label k mod 10, every pixel byte k.
    const sizes = [1, 3, 2, 1, 3];
    let k = 0;
    sizes.forEach((n, b) => {
      const buf = Buffer.alloc(n * 3073);
      for (let i = 0; i < n; i++, k++) {
        buf[i * 3073] = k % 10;
        buf.fill(k, i * 3073 + 1, (i + 1) * 3073);
      }
      writeFileSync(join(bin, `data_batch_${b + 1}.bin`), buf);
    });
    const train = loadCifar(bin, 'cifar-10-batches-bin').train;
    assert.equal(train.count, 10);
    assert.equal(train.images.length, 10 * 3072);
    assert.deepEqual(Array.from(train.labels), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (let i = 0; i < 10; i++)
      assert.ok(
        train.images.subarray(i * 3072, (i + 1) * 3072).every((v) => v === i),
        `image ${i}`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
