// Reports what a .vsix holds and fails when it is not fit to ship:
//   node scripts/report-vsix.mjs tensor-lens.vsix [--max-mb 15] [--list]
// Prints the size, the file count and the top-level contents (with sizes), then checks that
//   - the package is no larger than --max-mb (15 MB: the budget without tfjs-node);
//   - every file the extension needs at run time is inside (bundles, tfjs .wasm binaries, MNIST data);
//   - nothing that only belongs to development slipped in (sources, tests, node_modules, source maps).
// Reads the zip's central directory itself, so it needs no dependency.
import { readFileSync, readdirSync, existsSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--')) ?? 'tensor-lens.vsix';
const maxMbIdx = args.indexOf('--max-mb');
const maxMb = maxMbIdx >= 0 ? Number(args[maxMbIdx + 1]) : 15;
const listAll = args.includes('--list');

function fail(msg) {
  console.error(`report-vsix: ${msg}`);
  process.exit(1);
}

if (!existsSync(file)) fail(`${file} not found; build it with \`npm run package\``);
const buf = readFileSync(file);

/** Lists the entries of a zip file from its central directory. */
function zipEntries(b) {
  // End of central directory record: signature 0x06054b50, at most 64 KiB of comment after it.
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (b.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail(`${file} is not a zip file (no end of central directory)`);
  let count = b.readUInt16LE(eocd + 10);
  let offset = b.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) {
    // zip64: the locator sits right before the EOCD record.
    const loc = eocd - 20;
    if (loc < 0 || b.readUInt32LE(loc) !== 0x07064b50) fail('zip64 archive without a locator');
    const z64 = Number(b.readBigUInt64LE(loc + 8));
    count = Number(b.readBigUInt64LE(z64 + 32));
    offset = Number(b.readBigUInt64LE(z64 + 48));
  }
  const out = [];
  for (let i = 0; i < count; i++) {
    if (b.readUInt32LE(offset) !== 0x02014b50) fail(`corrupt central directory at entry ${i}`);
    const compressed = b.readUInt32LE(offset + 20);
    const size = b.readUInt32LE(offset + 24);
    const nameLen = b.readUInt16LE(offset + 28);
    const extraLen = b.readUInt16LE(offset + 30);
    const commentLen = b.readUInt16LE(offset + 32);
    const name = b.toString('utf8', offset + 46, offset + 46 + nameLen);
    if (!name.endsWith('/')) out.push({ name, size, compressed });
    offset += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

const entries = zipEntries(buf);
const names = new Set(entries.map((e) => e.name));
const mb = (n) => (n / 1024 / 1024).toFixed(2) + ' MB';
const kb = (n) => (n / 1024).toFixed(0).padStart(6) + ' KB';

console.log(`${file}: ${mb(buf.length)}, ${entries.length} files`);

// Top-level contents below extension/, with their uncompressed and compressed sizes.
const groups = new Map();
for (const e of entries) {
  const rel = e.name.startsWith('extension/') ? e.name.slice('extension/'.length) : e.name;
  const parts = rel.split('/');
  const key = parts.length > 1 ? parts[0] + '/' : parts[0];
  const g = groups.get(key) ?? { files: 0, size: 0, compressed: 0 };
  g.files++;
  g.size += e.size;
  g.compressed += e.compressed;
  groups.set(key, g);
}
for (const [key, g] of [...groups].sort((a, b) => b[1].compressed - a[1].compressed)) {
  console.log(
    `  ${key.padEnd(28)} ${String(g.files).padStart(4)} files ${kb(g.size)} ${kb(g.compressed)} zipped`,
  );
}
if (listAll) for (const e of entries) console.log(`    ${e.name} ${kb(e.size)}`);

const problems = [];

if (buf.length > maxMb * 1024 * 1024) problems.push(`size ${mb(buf.length)} exceeds ${maxMb} MB`);

const required = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/dist/worker.js',
  'extension/dist/gradWorker.js',
  'extension/dist/summaryWorker.js',
  'extension/dist/webview.js',
  // The PyTorch backend's runner and the data readers it imports.
  'extension/python/tensor_lens_runner.py',
  'extension/python/tensor_lens_data.py',
];
// Every .wasm binary tfjs-backend-wasm ships (esbuild.mjs copies them to dist/); fall back to the
// known names when node_modules is absent.
const wasmDir = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
const wasm = existsSync(wasmDir)
  ? readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))
  : [
      'tfjs-backend-wasm.wasm',
      'tfjs-backend-wasm-simd.wasm',
      'tfjs-backend-wasm-threaded-simd.wasm',
    ];
for (const f of wasm) required.push(`extension/dist/${f}`);
for (const f of [
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
]) {
  required.push(`extension/media/mnist/${f}`);
}
// Files package.json points at (the activity bar icon, the extension icon) must be inside too.
try {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  if (pkg.icon) required.push(`extension/${pkg.icon.replace(/^\.\//, '')}`);
  for (const c of pkg.contributes?.viewsContainers?.activitybar ?? []) {
    if (typeof c.icon === 'string') required.push(`extension/${c.icon.replace(/^\.\//, '')}`);
  }
} catch {
  /* no package.json next to us: check the fixed list only */
}

for (const r of required) if (!names.has(r)) problems.push(`missing ${r}`);
// vsce stores LICENSE as LICENSE.txt and README.md as readme.md.
if (![...names].some((n) => /^extension\/LICENSE(\.txt|\.md)?$/i.test(n)))
  problems.push('missing extension/LICENSE(.txt)');

const forbidden = [
  [
    /^extension\/(src|test|bench|scripts|webview|node_modules|\.ci|\.vscode|\.git)\//,
    'development folder',
  ],
  [/\.map$/, 'source map'],
  [/\.ts$/, 'TypeScript source'],
  [
    /^extension\/(tsconfig\.json|esbuild\.mjs|eslint\.config\.mjs|package-lock\.json)$/,
    'build config',
  ],
];
for (const e of entries) {
  for (const [re, what] of forbidden)
    if (re.test(e.name)) {
      problems.push(`${what} in the package: ${e.name}`);
      break;
    }
}

if (problems.length) {
  for (const p of problems) console.error(`  FAIL ${p}`);
  fail(`${problems.length} problem(s); adjust .vscodeignore or the build`);
}
console.log(
  `ok: ${required.length} required files present, no development files, ${mb(buf.length)} ≤ ${maxMb} MB`,
);
