// Seeded randomness for weights, shuffles and dropout: the same seed gives the same numbers on every
// backend and machine (tfjs's own random ops differ between backends).

import { Rng } from '../common/rng';

/** A uniform stream on (0, 1) from the project's one generator (xoshiro128**, src/common/rng.ts). */
export function uniformStream(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.uniform();
}

/** Derives an independent stream for a purpose ("init", "shuffle", ...) from the run's seed. */
export function subSeed(seed: number, purpose: string): number {
  let h = 2166136261 ^ (seed >>> 0);
  for (let i = 0; i < purpose.length; i++) h = Math.imul(h ^ purpose.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Fisher–Yates shuffle of 0..n−1. */
export function permutation(n: number, rand: () => number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
