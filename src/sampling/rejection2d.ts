// Rejection sampling in 2-D: uniform proposals over the effective support box (where log f is
// within 40 of its maximum, as the support scan found it), accepted with probability f / M.
// - M: the largest f on a 160 × 160 grid over the box, refined by coordinate-wise golden section
//   from the best grid points, times 1.1.
// - Runtime guard, as in 1-D: a proposal with f > M proves M wrong; M is raised past it and every
//   chain restarts from zero draws (EnvelopeRestart), so biased draws are never returned.
// The box leaves out mass below e^-40 of the peak density per unit area: negligible next to what
// the diagnostics can see.
import { EnvelopeRestart } from './rejection';
import type { Rng } from '../common/rng';
import { goldenMax } from './support';
import { emptyStats, logTarget, type Chain, type Target } from './target';

const MARGIN = Math.log(1.1);
const GRID = 160;

export interface Envelope2D {
  x: [number, number];
  y: [number, number];
  /** log M: every f(x, y) in the box is below M. */
  logM: number;
  restarts: number;
}

export function findEnvelope2D(t: Target): Envelope2D {
  const x: [number, number] = [Math.max(t.xLo, t.sxLo), Math.min(t.xHi, t.sxHi)];
  const y: [number, number] = [Math.max(t.yLo, t.syLo), Math.min(t.yHi, t.syHi)];
  const at = (i: number, a: [number, number]): number => a[0] + ((a[1] - a[0]) * i) / GRID;
  const best: { v: number; x: number; y: number }[] = [];
  for (let i = 0; i <= GRID; i++)
    for (let j = 0; j <= GRID; j++) {
      const px = at(i, x),
        py = at(j, y);
      const v = logTarget(t, px, py);
      if (v > -Infinity) best.push({ v, x: px, y: py });
    }
  best.sort((a, b) => b.v - a.v);
  let logM = Math.max(t.logMax, best.length ? best[0].v : -Infinity);
  const hx = (x[1] - x[0]) / GRID,
    hy = (y[1] - y[0]) / GRID;
  for (const p of best.slice(0, 8)) {
    let px = p.x,
      py = p.y;
    for (let round = 0; round < 3; round++) {
      px = goldenMax((u) => logTarget(t, u, py), px - hx, px + hx, 30);
      py = goldenMax((u) => logTarget(t, px, u), py - hy, py + hy, 30);
    }
    logM = Math.max(logM, logTarget(t, px, py));
  }
  if (!(logM > -Infinity) || !(x[0] < x[1]) || !(y[0] < y[1]))
    throw new Error('rejection: could not place an envelope over the density');
  return { x, y, logM: logM + MARGIN, restarts: 0 };
}

export class RejectionChain2D implements Chain {
  stats = emptyStats();

  constructor(
    private readonly t: Target,
    private readonly rng: Rng,
    private readonly env: Envelope2D,
  ) {}

  warmup(): void {
    /* i.i.d.: nothing to warm up */
  }
  endWarmup(): void {
    /* i.i.d. */
  }

  draw(xs: Float64Array, ys: Float64Array | null, from: number, to: number): void {
    const rng = this.rng,
      env = this.env,
      t = this.t;
    const [x0, x1] = env.x,
      [y0, y1] = env.y;
    for (let k = from; k < to; k++) {
      for (let tries = 0; ; tries++) {
        if (tries > 10_000_000)
          throw new Error(
            'rejection: fewer than 1 in 10 million proposals accepted; use an MCMC sampler',
          );
        const px = x0 + (x1 - x0) * rng.uniform();
        const py = y0 + (y1 - y0) * rng.uniform();
        this.stats.proposals++;
        const lr = logTarget(t, px, py) - env.logM;
        if (lr > 0) {
          env.logM += lr + MARGIN;
          env.restarts++;
          throw new EnvelopeRestart();
        }
        if (Math.log(rng.uniform()) < lr) {
          xs[k] = px;
          if (ys) ys[k] = py;
          this.stats.accepted++;
          break;
        }
      }
    }
  }

  position(): [number, number] {
    return [NaN, NaN];
  }
}

/** The box and its bound as the run's diagnostics name them. */
export function describeEnvelope2D(e: Envelope2D): string {
  const r = (v: number): string => v.toPrecision(4);
  return `uniform on [${r(e.x[0])}, ${r(e.x[1])}] × [${r(e.y[0])}, ${r(e.y[1])}], M = ${Math.exp(e.logM).toPrecision(5)}`;
}
