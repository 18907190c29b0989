// Random-walk Metropolis–Hastings. Gaussian proposals; the step size adapts during warm-up only
// (Robbins–Monro on log σ toward acceptance 0.44 in 1-D, Roberts & Rosenthal 2001; in 2-D the
// proposal shape follows the running covariance as in Haario et al. 2001, target 0.35), then is
// frozen, so the kept chain is exactly invariant. A scale the user gives (tuning.mhScale) is an
// isotropic proposal standard deviation that warm-up leaves alone.
import type { Rng } from '../common/rng';
import {
  emptyStats,
  initialPoint,
  logTarget,
  type Chain,
  type MoveEvent,
  type Target,
} from './target';

export class MhChain1D implements Chain {
  private x: number;
  /** f(x) when comparing densities, else log f(x) (whichever the hot loop compares). */
  private vx: number;
  sigma: number;
  stats = emptyStats();

  /** Compare densities (no logarithm per step) unless f itself would under- or overflow. */
  private readonly ratio: boolean;
  private readonly adapt: boolean;

  constructor(
    private readonly t: Target,
    private readonly rng: Rng,
    scale?: number,
  ) {
    this.ratio = !t.isLog && t.logMax > -300 && t.logMax < 300;
    this.x = initialPoint(t, rng)[0];
    this.vx = this.value(this.x);
    this.adapt = scale === undefined;
    this.sigma = scale ?? 2.4 * t.sd[0];
  }

  private value(x: number): number {
    const t = this.t;
    if (!this.ratio) return logTarget(t, x, 0);
    if (!(x >= t.xLo && x <= t.xHi)) return 0;
    const v = t.f(x, 0);
    return v > 0 ? v : 0;
  }

  warmup(iters: number, done: number): void {
    const rng = this.rng;
    for (let i = 0; i < iters; i++) {
      const y = this.x + this.sigma * rng.normal();
      const vy = this.value(y);
      const ratio = this.ratio ? Math.min(1, vy / this.vx) : Math.exp(Math.min(0, vy - this.vx));
      const alpha = Number.isNaN(ratio) ? 0 : ratio;
      if (rng.uniform() < alpha) {
        this.x = y;
        this.vx = vy;
      }
      // Robbins–Monro with the Rao-Blackwellised acceptance probability; gain n^-0.6.
      if (this.adapt) this.sigma *= Math.exp(Math.pow(done + i + 1, -0.6) * (alpha - 0.44));
    }
  }

  endWarmup(): void {
    this.stats.stepSize = this.sigma;
  }

  draw(xs: Float64Array, _ys: Float64Array | null, from: number, to: number): void {
    if (!this.ratio) {
      this.drawLog(xs, from, to);
      return;
    }
    // The hot loop: one normal, one uniform, one density evaluation per step; no allocation.
    // Comparing U·f(x) < f(y) needs no logarithm; f(y) = NaN or 0 is never accepted.
    const rng = this.rng,
      f = this.t.f,
      lo = this.t.xLo,
      hi = this.t.xHi,
      sigma = this.sigma;
    let x = this.x,
      fx = this.vx,
      acc = 0;
    for (let k = from; k < to; k++) {
      const y = x + sigma * rng.normal();
      if (y >= lo && y <= hi) {
        const fy = f(y, 0);
        // Uphill moves are always accepted, so they need no uniform (fewer RNG calls per step).
        if (fy >= fx || rng.uniform() * fx < fy) {
          x = y;
          fx = fy;
          acc++;
        }
      }
      xs[k] = x;
    }
    this.x = x;
    this.vx = fx;
    this.stats.accepted += acc;
    this.stats.proposals += to - from;
  }

  private drawLog(xs: Float64Array, from: number, to: number): void {
    const rng = this.rng,
      t = this.t,
      sigma = this.sigma;
    let x = this.x,
      lx = this.vx,
      acc = 0;
    for (let k = from; k < to; k++) {
      const y = x + sigma * rng.normal();
      const ly = logTarget(t, y, 0);
      if (ly - lx > -rng.exponential()) {
        x = y;
        lx = ly;
        acc++;
      }
      xs[k] = x;
    }
    this.x = x;
    this.vx = lx;
    this.stats.accepted += acc;
    this.stats.proposals += to - from;
  }

  position(): [number, number] {
    return [this.x, 0];
  }
}

export class MhChain2D implements Chain {
  private x: number;
  private y: number;
  private lx: number;
  private scale = 2.38 / Math.SQRT2;
  // Proposal Cholesky factor [[l11, 0], [l21, l22]] and running moments for Haario adaptation.
  private l11: number;
  private l21 = 0;
  private l22: number;
  private n = 0;
  private mx = 0;
  private my = 0;
  private sxx = 0;
  private sxy = 0;
  private syy = 0;
  private readonly adapt: boolean;
  stats = emptyStats();
  observe?: (e: MoveEvent) => void;

  constructor(
    private readonly t: Target,
    private readonly rng: Rng,
    scale?: number,
  ) {
    [this.x, this.y] = initialPoint(t, rng);
    this.lx = logTarget(t, this.x, this.y);
    this.adapt = scale === undefined;
    this.l11 = scale === undefined ? t.sd[0] : 1;
    this.l22 = scale === undefined ? t.sd[1] : 1;
    if (scale !== undefined) this.scale = scale;
  }

  private step(adapt: number): number {
    const rng = this.rng;
    const z1 = rng.normal(),
      z2 = rng.normal();
    const px = this.x + this.scale * this.l11 * z1;
    const py = this.y + this.scale * (this.l21 * z1 + this.l22 * z2);
    const lp = logTarget(this.t, px, py);
    const d = lp - this.lx;
    const alpha = d >= 0 ? 1 : Number.isNaN(d) ? 0 : Math.exp(d);
    let acc = 0;
    const x0 = this.x,
      y0 = this.y;
    if (rng.uniform() < alpha) {
      this.x = px;
      this.y = py;
      this.lx = lp;
      acc = 1;
    }
    if (this.observe)
      this.observe({
        kind: 'proposal',
        from: [x0, y0],
        proposal: [px, py],
        acceptProb: alpha,
        accepted: acc === 1,
      });
    if (adapt > 0 && this.adapt) this.scale *= Math.exp(Math.pow(adapt, -0.6) * (alpha - 0.35));
    return acc;
  }

  warmup(iters: number, done: number, total: number): void {
    for (let i = 0; i < iters; i++) {
      const it = done + i + 1;
      this.step(it);
      // Welford running covariance over the second half of warm-up (the first half is burn-in).
      if (this.adapt && it > total / 4) {
        this.n++;
        const dx = this.x - this.mx,
          dy = this.y - this.my;
        this.mx += dx / this.n;
        this.my += dy / this.n;
        this.sxx += dx * (this.x - this.mx);
        this.syy += dy * (this.y - this.my);
        this.sxy += dx * (this.y - this.my);
        if (this.n > 50 && this.n % 25 === 0) this.refactor();
      }
    }
  }

  private refactor(): void {
    const eps = 1e-6;
    const cxx = this.sxx / (this.n - 1) + eps * this.t.sd[0] ** 2;
    const cyy = this.syy / (this.n - 1) + eps * this.t.sd[1] ** 2;
    const cxy = this.sxy / (this.n - 1);
    const l11 = Math.sqrt(cxx);
    const l21 = cxy / l11;
    const r = cyy - l21 * l21;
    if (!(l11 > 0) || !(r > 0)) return;
    this.l11 = l11;
    this.l21 = l21;
    this.l22 = Math.sqrt(r);
  }

  endWarmup(): void {
    this.stats.stepSize = this.scale;
  }

  draw(xs: Float64Array, ys: Float64Array | null, from: number, to: number): void {
    let acc = 0;
    for (let k = from; k < to; k++) {
      acc += this.step(0);
      xs[k] = this.x;
      if (ys) ys[k] = this.y;
    }
    this.stats.accepted += acc;
    this.stats.proposals += to - from;
  }

  position(): [number, number] {
    return [this.x, this.y];
  }
}
