// Slice sampling (Neal 2003, Ann. Stat. 31:705–767): stepping out with width w and at most m
// steps, then shrinkage. In 2-D, slice-within-Gibbs: a 1-D slice update of x given y, then of y
// given x; each update leaves the joint density invariant, so the sweep does too. The width is
// tuned during warm-up only (to about twice the mean jump) and then frozen.
// Every update ends: stepping out is capped at MAX_STEPS, and shrinkage stops once the bracket is
// below the float resolution around the current point (relative, so it also ends at x = 1e6, where
// an absolute 1e-300 bound never would), or after MAX_SHRINK proposals. A point of zero density
// has no slice: the update leaves it in place, and the driver reports a chain that never moves.
import type { Rng } from '../common/rng';
import {
  emptyStats,
  initialPoint,
  logTarget,
  type Chain,
  type MoveEvent,
  type Target,
} from './target';

const MAX_STEPS = 32;
const MAX_SHRINK = 2000;

const width = (w: number): number => (w > 0 && Number.isFinite(w) ? w : 1);

export class SliceChain implements Chain {
  private q: [number, number];
  private lq: number;
  private readonly w: [number, number];
  private jump: [number, number] = [0, 0];
  private jumps = 0;
  stats = emptyStats();
  observe?: (e: MoveEvent) => void;

  constructor(
    private readonly t: Target,
    private readonly rng: Rng,
  ) {
    this.q = initialPoint(t, rng);
    this.lq = logTarget(t, this.q[0], this.q[1]);
    this.w = [width(2 * t.sd[0]), width(2 * t.sd[1])];
  }

  /** One slice update of coordinate `axis`; returns the number of density evaluations. */
  private update(axis: 0 | 1): number {
    const rng = this.rng,
      t = this.t,
      q = this.q;
    const lp = (v: number): number => (axis === 0 ? logTarget(t, v, q[1]) : logTarget(t, q[0], v));
    const x0 = q[axis];
    if (!(this.lq > -Infinity)) return 0;
    const w = this.w[axis];
    const logy = this.lq - rng.exponential();
    let L = x0 - w * rng.uniform();
    let R = L + w;
    let J = Math.floor(MAX_STEPS * rng.uniform());
    let K = MAX_STEPS - 1 - J;
    let evals = 0;
    const obs = this.observe;
    obs?.({ kind: 'slice', axis, x0, logLevel: logy, L, R });
    while (J > 0 && logy < lp(L)) {
      L -= w;
      J--;
      evals++;
    }
    while (K > 0 && logy < lp(R)) {
      R += w;
      K--;
      evals++;
    }
    evals += 2;
    obs?.({ kind: 'slice-out', L, R });
    const tiny = 1e-13 * (Math.abs(x0) + w);
    for (let k = 0; k < MAX_SHRINK; k++) {
      const x1 = L + rng.uniform() * (R - L);
      const l1 = lp(x1);
      evals++;
      obs?.({ kind: 'slice-shrink', at: x1, inside: logy < l1 });
      if (logy < l1) {
        q[axis] = x1;
        this.lq = l1;
        this.jump[axis] += Math.abs(x1 - x0);
        return evals;
      }
      if (x1 < x0) L = x1;
      else R = x1;
      // The bracket collapsed onto x0, which is in the slice: only rounding gets here.
      if (R - L <= tiny) break;
    }
    return evals;
  }

  private sweep(): number {
    let e = this.update(0);
    if (this.t.dims === 2) e += this.update(1);
    return e;
  }

  warmup(iters: number, done: number): void {
    for (let i = 0; i < iters; i++) {
      this.sweep();
      this.jumps++;
      const it = done + i + 1;
      // Re-tune w at 50, 100, 200, … iterations from the mean jump so far.
      const k = it / 50;
      if (Number.isInteger(k) && (k & (k - 1)) === 0) {
        for (const a of [0, 1] as const) {
          const mj = this.jump[a] / this.jumps;
          if (mj > 0 && Number.isFinite(mj)) this.w[a] = width(2 * mj);
        }
        this.jump = [0, 0];
        this.jumps = 0;
      }
    }
  }

  endWarmup(): void {
    this.stats.stepSize = this.w[0];
  }

  draw(xs: Float64Array, ys: Float64Array | null, from: number, to: number): void {
    let evals = 0;
    for (let k = from; k < to; k++) {
      evals += this.sweep();
      xs[k] = this.q[0];
      if (ys) ys[k] = this.q[1];
    }
    this.stats.evals += evals;
    this.stats.proposals += to - from;
  }

  position(): [number, number] {
    return [this.q[0], this.q[1]];
  }
}
