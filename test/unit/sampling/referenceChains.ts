// Draws and reference numbers shared by the summary's tests: AR(1) chains with MH-like repeats,
// every number of the summary as diagnostics.ts's one-at-a-time functions give it, and the sort of
// every draw rebuilt from sorted runs.
import { Rng } from '../../../src/common/rng';
import {
  essBulk,
  essTail,
  mcseMean,
  quantile,
  rhat,
  rhatBasic,
  splitChains,
  zScale,
  type Chains,
} from '../../../src/sampling/diagnostics';
import type { RankEntries } from '../../../src/sampling/drawRuns';

/**
 * AR(1) draws with unit variance. `repeat`: the chance a draw repeats the last one, as an MH
 * rejection does; `shift`: added to every draw.
 */
export function ar1(seed: number, n: number, phi: number, repeat = 0, shift = 0): Float64Array {
  const r = new Rng(seed);
  const x = new Float64Array(n);
  let v = r.normal();
  for (let i = 0; i < n; i++) {
    if (i === 0 || r.uniform() >= repeat) v = phi * v + Math.sqrt(1 - phi * phi) * r.normal();
    x[i] = v + shift;
  }
  return x;
}

/** The pool of the chains, chain after chain. */
export function pooled(chains: Chains): Float64Array {
  const all = new Float64Array(chains.reduce((s, c) => s + c.length, 0));
  let k = 0;
  for (const c of chains) {
    all.set(c, k);
    k += c.length;
  }
  return all;
}

/** Every number of the summary, from the one-at-a-time functions of diagnostics.ts. */
export function oneAtATime(chains: Chains): Record<string, number> {
  const z = zScale(splitChains(chains));
  const med = quantile(pooled(chains).sort(), 0.5);
  const folded = zScale(splitChains(chains.map((c) => c.map((v) => Math.abs(v - med)))));
  const m = mcseMean(chains);
  return {
    rhatBulk: rhatBasic(z),
    rhatTail: rhatBasic(folded),
    rhat: rhat(chains),
    essBulk: essBulk(chains),
    essTail: essTail(chains),
    essMean: m.ess,
    mcseMean: m.mcse,
  };
}

/**
 * Every draw of the sorted entries, with its split-pool index: the sort of the draws themselves
 * (ties in index order, as sortWithOrder gives them), rebuilt in one sequential pass.
 */
export function expandEntries(e: RankEntries, sorted: Float64Array, order: Uint32Array): void {
  const mask = (1 << e.lenBits) - 1;
  const R = e.sorted.length;
  let i = 0;
  for (let k = 0; k < R; k++) {
    const v = e.sorted[k],
      pk = e.packed[k];
    const p = pk >>> e.lenBits,
      L = (pk & mask) + 1;
    for (let q = 0; q < L; q++) {
      sorted[i] = v;
      order[i++] = p + q;
    }
  }
}
