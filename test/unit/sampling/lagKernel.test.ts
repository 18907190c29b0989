// The WebAssembly lagged sums (src/sampling/lagKernel.ts) against the JS loop they replace
// (lagSums8): the same doubles, bit for bit, wherever the sums start and end, in shared and unshared
// memories, on the main thread and in a worker; and ess() taking the kernel gives the same ESS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Rng } from '../../../src/common/rng';
import { runSampler } from '../../../src/sampling';
import { ess, lagSums8 } from '../../../src/sampling/diagnostics';
import {
  lagKernel,
  lagMemory,
  lagModuleBytes,
  type LagKernel,
  type LagMemory,
} from '../../../src/sampling/lagKernel';

/**
 * Draws whose magnitudes span sixteen orders, so that adding the products in any other order (or
 * from another start) changes the last bits of the sums.
 */
function wild(r: Rng, n: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = r.normal() * 10 ** Math.floor(r.uniform() * 16 - 8);
  return x;
}

const bits = (a: Float64Array): string[] =>
  Array.from(new BigUint64Array(a.buffer, a.byteOffset, a.length), (b) => b.toString(16));

function kernelOf(memory: LagMemory): LagKernel {
  const k = lagKernel(memory);
  assert.ok(k, 'Node 20 has WebAssembly SIMD, so the kernel must be available');
  return k;
}

/** Where the sums start: not zeros, since the sums add onto `out`. */
const START = new Float64Array([0.5, -3e-7, 1e5, 0, -2, 7e-3, 1, -1e9]);

/** Kernel and JS loop from the same start on v[base…]. */
function compare(k: LagKernel, v: Float64Array, base: number, t: number, end: number): void {
  const js = START.slice(),
    wasm = START.slice();
  lagSums8(v.subarray(base), t, end, js);
  k.sums8(base, t, end, wasm);
  assert.deepEqual(bits(wasm), bits(js), `base ${base}, t ${t}, end ${end}`);
}

for (const shared of [false, true]) {
  test(`${shared ? 'shared' : 'unshared'} memory: the kernel's sums are lagSums8's bit for bit`, () => {
    const n = 5000;
    const memory = lagMemory(n, shared);
    assert.equal(memory.buffer instanceof SharedArrayBuffer, shared);
    const v = new Float64Array(memory.buffer);
    assert.ok(v.length >= n);
    v.set(wild(new Rng(shared ? 2 : 1), v.length));
    const k = kernelOf(memory);
    for (const base of [0, 1, 5, 123])
      for (const end of [0, 1, 2, 3, 7, 8, 9, 100, 4000])
        for (const t of [0, 1, 7, 8, 16, 40, 333]) compare(k, v, base, t, end);
    // The lag as far as the memory allows: the last product reads its last double.
    for (const end of [1, 5, 8, 300]) {
      const base = 17;
      compare(k, v, base, v.length - base - end - 7, end);
    }
    assert.equal(lagKernel(memory), k, 'one kernel per memory');
  });
}

test('reads past the memory are refused with a clear error, not a trap', () => {
  const memory = lagMemory(1000, false);
  const k = kernelOf(memory);
  const doubles = memory.buffer.byteLength / 8;
  const out = new Float64Array(8);
  assert.throws(() => k.sums8(0, doubles - 10, 4, out), /read past the memory's \d+ doubles/);
  assert.throws(() => k.sums8(-1, 0, 4, out), /non-negative integers/);
  assert.throws(() => k.sums8(0.5, 0, 4, out), RangeError);
  assert.deepEqual(Array.from(out), new Array(8).fill(0));
  assert.throws(() => lagMemory(2 ** 29 + 1, false), /not a size wasm32 addresses/);
});

test('addresses past 2^31 bytes (a memory of 2^28 doubles, where the VM allows it)', (t) => {
  let memory: LagMemory;
  try {
    memory = lagMemory(2 ** 28, true);
  } catch (e) {
    t.skip(`this VM refuses a 2 GiB memory: ${String(e)}`);
    return;
  }
  const v = new Float64Array(memory.buffer);
  const base = v.length - 2000;
  v.set(wild(new Rng(3), 2000), base);
  const k = kernelOf(memory);
  for (const tLag of [0, 9, 500]) compare(k, v, base, tLag, 2000 - tLag - 7);
});

test('both module variants (unshared and shared memory) are valid WebAssembly', () => {
  const wasm = (globalThis as { WebAssembly?: { validate(b: Uint8Array): boolean } }).WebAssembly;
  assert.ok(wasm?.validate(lagModuleBytes(false)));
  assert.ok(wasm?.validate(lagModuleBytes(true)));
  assert.notDeepEqual(lagModuleBytes(false), lagModuleBytes(true));
});

test('real MH draws: the kernel gives lagSums8 bit for bit, and ess() with it the same ESS (shared and unshared)', async () => {
  let xs: Float64Array[] = [];
  await runSampler(
    { expr: 'exp(-x^2/2) * (1 + sin(3x)^2)', sampler: 'mh', n: 60_000, chains: 3, seed: 11 },
    { onProgress: () => undefined, onDraws: (a) => (xs = a) },
  );
  assert.equal(xs.length, 3);
  const total = xs.reduce((s, c) => s + c.length, 0);
  const plain = ess(xs);
  assert.ok(Number.isFinite(plain) && plain > 100);
  for (const shared of [false, true]) {
    const memory = lagMemory(total + 8, shared);
    const k = kernelOf(memory);
    // The draws centred as ess() centres them, chain after chain, at an odd offset into the memory.
    const v = new Float64Array(memory.buffer);
    let at = 3;
    for (const c of xs) {
      let m = 0;
      for (const x of c) m += x;
      m /= c.length;
      for (let i = 0; i < c.length; i++) v[at + i] = c[i] - m;
      for (const t of [0, 8, 16, 40]) compare(k, v, at, t, c.length - t - 7);
      at += c.length;
    }
    const into = new Float64Array(memory.buffer, 8 * 5, total);
    assert.ok(k.holds(into));
    let kernelPasses = 0;
    const counted: LagKernel = {
      holds: (view) => k.holds(view),
      sums8: (base, t, end, out) => {
        kernelPasses++;
        k.sums8(base, t, end, out);
      },
    };
    assert.ok(Object.is(ess(xs, into, counted), plain), `shared ${shared}`);
    assert.ok(kernelPasses >= xs.length, 'ess() ran its lagged sums in the kernel');
    // A kernel whose memory does not hold `centreInto` is not used: still the same ESS.
    kernelPasses = 0;
    assert.ok(Object.is(ess(xs, new Float64Array(total), counted), plain));
    assert.equal(kernelPasses, 0);
  }
});

test('in a worker thread: its own compiled module, over a memory shared with this thread', async () => {
  const n = 3000;
  const memory = lagMemory(n, true);
  const v = new Float64Array(memory.buffer);
  v.set(wild(new Rng(4), v.length));
  const tsx = createRequire(__filename).resolve('tsx/cjs');
  const kernelTs = join(__dirname, '../../../src/sampling/lagKernel.ts');
  // The worker sums the shared draws, and the same draws copied into a memory of its own.
  const src = `
    require(${JSON.stringify(tsx)});
    const { lagKernel, lagMemory } = require(${JSON.stringify(kernelTs)});
    const { parentPort, workerData } = require('node:worker_threads');
    const { memory, base, t, end, start } = workerData;
    const sharedOut = start.slice();
    lagKernel(memory).sums8(base, t, end, sharedOut);
    const own = lagMemory(${n}, false);
    new Float64Array(own.buffer).set(new Float64Array(memory.buffer));
    const ownOut = start.slice();
    lagKernel(own).sums8(base, t, end, ownOut);
    parentPort.postMessage({ sharedOut, ownOut });
  `;
  const [base, t, end] = [7, 24, 2500];
  const w = new Worker(src, { eval: true, workerData: { memory, base, t, end, start: START } });
  try {
    const got = await new Promise<{ sharedOut: Float64Array; ownOut: Float64Array }>(
      (resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      },
    );
    const js = START.slice();
    lagSums8(v.subarray(base), t, end, js);
    assert.deepEqual(bits(got.sharedOut), bits(js));
    assert.deepEqual(bits(got.ownOut), bits(js));
  } finally {
    await w.terminate();
  }
});
