// A graph-only layer (spec.ts) as tfjs variables and a forward over all its tensor inputs, returning
// every tensor it outputs; buildNet (net.ts) calls it once per module, so repeated calls share weights.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Tf } from '../backend';
import { buildMultiheadAttention } from '../attention';
import type { MakeVar } from '../layers';
import { buildCell } from './cells';
import { buildConv3d, buildPool3d } from './conv3d';
import type { ModuleSpec } from './spec';

/** xs: the inputs in the order rules.ts gives them; null where the call left an optional one out. */
export type ModuleForward = (xs: (Tensor | null)[], training: boolean) => Tensor[];

export function buildModule(
  tf: Tf,
  m: ModuleSpec,
  name: string,
  v: MakeVar,
  rand: () => number,
  dropSeed: () => number,
): ModuleForward {
  const prefix = `${name}.`;
  const first = (xs: (Tensor | null)[]): Tensor => {
    const x = xs[0];
    if (!x) throw new Error(`${name}: its input is missing`);
    return x;
  };
  switch (m.kind) {
    case 'cell': {
      const step = buildCell(tf, m, v, rand, prefix);
      return (xs) => step(first(xs), xs[1] ?? null, xs[2] ?? null);
    }
    case 'mha': {
      const mha = buildMultiheadAttention(tf, m, v, rand, prefix, dropSeed);
      return (xs, training) => {
        const q = first(xs);
        const k = xs[1] ?? q;
        const r = mha.forward(q, k, xs[2] ?? k, training);
        return [r.output, r.weights];
      };
    }
    case 'conv3d': {
      const conv = buildConv3d(tf, m, v, rand, prefix);
      return (xs) => [conv(first(xs))];
    }
    case 'maxpool3d':
    case 'avgpool3d': {
      const pool = buildPool3d(tf, m, name);
      return (xs) => [pool(first(xs))];
    }
  }
}
