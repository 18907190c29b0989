// The ESS's lagged sums: diagnostics.ts's JS loop (lagSums8) against the WebAssembly SIMD kernel
// (src/sampling/lagKernel.ts) on the same 2,000,000 centred draws, one pass of eight lags each, the
// two interleaved round by round so that a busy moment slows both; the median of 11 rounds. The
// kernel runs over an unshared and a shared memory (the summary's helper thread reads shared ones).
// Every pass's sums are compared bit for bit: a faster kernel that differs would be no kernel.
import { loadavg } from 'node:os';
import { Rng } from '../src/common/rng';
import { lagSums8 } from '../src/sampling/diagnostics';
import { lagKernel, lagMemory } from '../src/sampling/lagKernel';
import type { BenchSection } from './run';

const N = 2_000_000;
const ROUNDS = 11;

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1];

function timed(work: () => void): number {
  const t0 = performance.now();
  work();
  return performance.now() - t0;
}

export async function run(): Promise<BenchSection> {
  const load0 = loadavg()[0];
  const r = new Rng(7);
  // An AR(1) series, centred, as the ESS's sums see MH draws.
  const draws = new Float64Array(N);
  let v = 0;
  for (let i = 0; i < N; i++) draws[i] = v = 0.9 * v + Math.sqrt(0.19) * r.normal();
  let m = 0;
  for (const x of draws) m += x;
  m /= N;
  for (let i = 0; i < N; i++) draws[i] -= m;
  const kernels = [false, true].map((shared) => {
    const memory = lagMemory(N, shared);
    new Float64Array(memory.buffer).set(draws);
    const k = lagKernel(memory);
    if (!k) throw new Error('this Node has no WebAssembly SIMD');
    return k;
  });
  const rows = [
    `| lag t (eight lags t … t+7, ${N / 1e6} M draws) | JS lagSums8 ms | kernel ms (unshared) | kernel ms (shared) | JS / kernel |`,
    '|---|---|---|---|---|',
  ];
  for (const t of [0, 8, 16]) {
    const end = N - t - 7;
    const js: number[] = [],
      unshared: number[] = [],
      shared: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const a = new Float64Array(8),
        b = new Float64Array(8),
        c = new Float64Array(8);
      js.push(timed(() => lagSums8(draws, t, end, a)));
      unshared.push(timed(() => kernels[0].sums8(0, t, end, b)));
      shared.push(timed(() => kernels[1].sums8(0, t, end, c)));
      for (let k = 0; k < 8; k++)
        if (!Object.is(a[k], b[k]) || !Object.is(a[k], c[k]))
          throw new Error(`lag ${t + k}: the kernel's sum differs from the JS loop's`);
    }
    const [j, u, s] = [js, unshared, shared].map(median);
    rows.push(
      `| ${t} | ${j.toFixed(2)} | ${u.toFixed(2)} | ${s.toFixed(2)} | ${(j / u).toFixed(2)}× |`,
    );
  }
  rows.push(
    '',
    `Median of ${ROUNDS} interleaved rounds; every sum identical bit for bit. Load average (1 min) ${load0.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after.`,
  );
  return {
    title: 'ESS lagged sums: JS loop against the WebAssembly SIMD kernel',
    markdown: rows.join('\n'),
  };
}
