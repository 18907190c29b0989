// Hamiltonian Monte Carlo and the No-U-Turn Sampler.
// - Bounded ranges: the chain moves in an unconstrained space u with Stan's transforms (x = lo + e^u
//   for a lower bound, hi − e^u for an upper one, lo + (hi − lo)·logistic(u) for both) and the log
//   density gains the log-Jacobian. Reflecting at a wall instead leaves the region next to a wall
//   where f → 0 almost unvisited (x(1−x)^4 on [0, 1] had no draws below 0.01 in 80,000). A range
//   end far from the mass (±1e300 around a unit normal) is not transformed: a logistic over 2e300
//   could not resolve x near 5, and f there is 0 to double precision anyway.
// - Metric: diagonal, set from the marginal variances of u under the numerically integrated
//   density (a known good scale, so no mass-matrix windows are needed).
// - Step size: Nesterov dual averaging during warm-up (Hoffman & Gelman 2014, §3.2; γ = 0.05,
//   t₀ = 10, κ = 0.75), frozen at ε̄ afterwards; target acceptance 0.65 for HMC, 0.8 for NUTS.
// - HMC: leapfrog with a jittered number of steps; divergence when the energy error exceeds 1000.
// - NUTS: trajectory doubling in a random direction until a U-turn ((θ⁺−θ⁻)·M⁻¹r⁻ < 0 or
//   (θ⁺−θ⁻)·M⁻¹r⁺ < 0) on the whole tree or any subtree, a divergence, or depth 10; the next state
//   is drawn with multinomial weights (uniform within a subtree, biased progressive at the top, as
//   in Stan and Betancourt 2017).
// - Tuning the user gives (SamplerTuning) replaces what warm-up would adapt: a fixed step size is
//   never changed, a fixed number of steps is not jittered.
import type { Rng } from '../common/rng';
import { logAddExp } from './special';
import {
  emptyStats,
  initialPoint,
  logTarget,
  type Chain,
  type MoveEvent,
  type Target,
} from './target';
import type { SamplerTuning } from './types';
import { axisTransform, type AxisTransform } from './transform';

export const MAX_DEPTH = 10;
/** Divergent draws remembered per chain for the trace; the count itself is never capped. */
const MAX_MARKED = 1000;
const DIVERGENCE = 1000;

/** Position, momentum, gradient and log density at one point of a trajectory. */
interface Point {
  q: Float64Array;
  p: Float64Array;
  g: Float64Array;
  lp: number;
}

class DualAveraging {
  private mu: number;
  private hbar = 0;
  m = 0;
  logEpsBar = 0;
  constructor(
    eps0: number,
    private readonly delta: number,
  ) {
    this.mu = Math.log(10 * eps0);
  }
  restart(eps0: number): void {
    this.mu = Math.log(10 * eps0);
    this.hbar = 0;
    this.m = 0;
    this.logEpsBar = 0;
  }
  /** Feeds one accept statistic; returns the next step size to use in warm-up. */
  update(acceptStat: number): number {
    this.m++;
    const m = this.m,
      t0 = 10;
    const a = Number.isFinite(acceptStat) ? Math.min(1, acceptStat) : 0;
    this.hbar = (1 - 1 / (m + t0)) * this.hbar + (this.delta - a) / (m + t0);
    const logEps = this.mu - (Math.sqrt(m) / 0.05) * this.hbar;
    const w = Math.pow(m, -0.75);
    this.logEpsBar = w * logEps + (1 - w) * this.logEpsBar;
    return Math.exp(logEps);
  }
}

/** sd of u = T⁻¹(x) under the marginal of x (quadrature nodes and normalised weights). */
function sdOf(tr: AxisTransform, m: { x: Float64Array; w: Float64Array } | undefined): number {
  if (!m) return 1;
  let s0 = 0,
    s1 = 0,
    s2 = 0;
  for (let i = 0; i < m.x.length; i++) {
    const u = tr.toU(m.x[i]);
    if (!Number.isFinite(u) || !(m.w[i] > 0)) continue;
    s0 += m.w[i];
    s1 += m.w[i] * u;
    s2 += m.w[i] * u * u;
  }
  if (!(s0 > 0)) return 1;
  const mean = s1 / s0;
  return Math.sqrt(Math.max(0, s2 / s0 - mean * mean));
}

abstract class HamiltonianChain implements Chain {
  protected readonly d: number;
  protected readonly minv: Float64Array;
  /** x(u) per axis. */
  protected readonly tr: AxisTransform[];
  protected readonly sqrtM: Float64Array;
  protected cur: Point;
  protected eps: number;
  protected readonly da: DualAveraging;
  /** A step size the user fixed: warm-up leaves it alone. */
  private readonly fixedEps: number | undefined;
  stats = emptyStats();
  observe?: (e: MoveEvent) => void;
  /** Hamiltonian of each kept state (E-BFMI, the energy plot), filled by draw(). */
  energy: Float64Array | undefined;
  /** Indices of the kept draws whose transition diverged (marked on the trace). */
  divergentAt: number[] = [];
  /** Set by transition(): the kept state's energy, and whether the trajectory diverged. */
  protected lastEnergy = NaN;
  protected lastDivergent = false;

  constructor(
    protected readonly t: Target,
    protected readonly rng: Rng,
    delta: number,
    tuning: SamplerTuning,
  ) {
    this.d = t.dims;
    this.tr = [
      axisTransform(t.xLo, t.xHi, t.sxLo, t.sxHi),
      axisTransform(t.yLo, t.yHi, t.syLo, t.syHi),
    ];
    this.minv = new Float64Array(this.d);
    this.sqrtM = new Float64Array(this.d);
    for (let i = 0; i < this.d; i++) {
      const sd = this.tr[i].kind === 'none' ? t.sd[i] : sdOf(this.tr[i], t.marginals?.[i]);
      const v = sd > 0 && Number.isFinite(sd) ? sd ** 2 : 1;
      this.minv[i] = v;
      this.sqrtM[i] = 1 / Math.sqrt(v);
    }
    const [x, y] = initialPoint(t, rng);
    // A start exactly on a bound has u = ±∞: start from the mode instead.
    const u0 = [x, y].map((v, i) => {
      const u = this.tr[i].toU(v);
      return Number.isFinite(u) ? u : this.tr[i].toU(t.mode[i]);
    });
    this.cur = this.point(u0.map((u) => (Number.isFinite(u) ? u : 0)));
    this.fixedEps = tuning.stepSize;
    this.eps = tuning.stepSize ?? this.initialStepSize();
    this.da = new DualAveraging(this.eps, tuning.targetAccept ?? delta);
  }

  protected point(q0: number[]): Point {
    const p: Point = {
      q: new Float64Array(this.d),
      p: new Float64Array(this.d),
      g: new Float64Array(this.d),
      lp: 0,
    };
    for (let i = 0; i < this.d; i++) p.q[i] = q0[i];
    this.evaluate(p);
    return p;
  }

  protected copy(a: Point): Point {
    return { q: a.q.slice(), p: a.p.slice(), g: a.g.slice(), lp: a.lp };
  }

  /** The point in the user's coordinates. */
  protected toX(q: Float64Array): [number, number] {
    return [this.tr[0].toX(q[0]), this.d === 2 ? this.tr[1].toX(q[1]) : 0];
  }

  /** Sets lp and g at p.q: log f(x(u)) + log|dx/du| and its gradient in u. */
  protected evaluate(pt: Point): void {
    const t = this.t;
    const [x, y] = this.toX(pt.q);
    const tx = this.tr[0],
      ty = this.tr[1];
    const lf = logTarget(t, x, y);
    if (lf === -Infinity) {
      pt.lp = -Infinity;
      pt.g.fill(0);
      return;
    }
    pt.lp = lf + tx.logJ(pt.q[0]) + (this.d === 2 ? ty.logJ(pt.q[1]) : 0);
    pt.g[0] = t.dlogfdx(x, y) * tx.dxdu(pt.q[0]) + tx.dlogJ(pt.q[0]);
    if (this.d === 2) pt.g[1] = t.dlogfdy(x, y) * ty.dxdu(pt.q[1]) + ty.dlogJ(pt.q[1]);
    if (!(pt.lp < Infinity) || Number.isNaN(pt.g[0]) || (this.d === 2 && Number.isNaN(pt.g[1]))) {
      pt.lp = -Infinity;
      pt.g.fill(0);
    }
  }

  protected kinetic(p: Float64Array): number {
    let k = 0;
    for (let i = 0; i < this.d; i++) k += p[i] * p[i] * this.minv[i];
    return 0.5 * k;
  }

  /** Tells the observer (if any) where a leapfrog step landed. */
  protected observeStep(pt: Point, h0: number): void {
    if (this.observe)
      this.observe({
        kind: 'leapfrog',
        at: this.toX(pt.q),
        energyError: this.hamiltonian(pt) - h0,
      });
  }

  protected hamiltonian(pt: Point): number {
    return -pt.lp + this.kinetic(pt.p);
  }

  protected sampleMomentum(p: Float64Array): void {
    for (let i = 0; i < this.d; i++) p[i] = this.rng.normal() * this.sqrtM[i];
  }

  /**
   * One leapfrog step of size eps (signed) in place, in u. An untransformed finite end (one far
   * from the mass) is outside the support: log f = −∞ there, so such a step is a divergence.
   */
  protected leapfrog(pt: Point, eps: number): void {
    const d = this.d;
    for (let i = 0; i < d; i++) pt.p[i] += 0.5 * eps * pt.g[i];
    for (let i = 0; i < d; i++) pt.q[i] += eps * this.minv[i] * pt.p[i];
    this.evaluate(pt);
    if (pt.lp === -Infinity || Number.isNaN(pt.lp)) return;
    for (let i = 0; i < d; i++) pt.p[i] += 0.5 * eps * pt.g[i];
  }

  /** Hoffman & Gelman Algorithm 4: double or halve ε until one-step acceptance crosses 0.5. */
  private initialStepSize(): number {
    let eps = 1;
    const probe = (e: number): number => {
      const pt = this.copy(this.cur);
      this.sampleMomentum(pt.p);
      const h0 = this.hamiltonian(pt);
      this.leapfrog(pt, e);
      const dh = h0 - this.hamiltonian(pt);
      return Number.isNaN(dh) ? -Infinity : dh;
    };
    let logA = probe(eps);
    const dir = logA > Math.log(0.5) ? 1 : -1;
    for (let k = 0; k < 60; k++) {
      if (dir === 1 ? !(logA > Math.log(0.5)) : !(logA < Math.log(0.5))) break;
      eps = dir === 1 ? eps * 2 : eps / 2;
      logA = probe(eps);
    }
    // Going up, the last doubling is the one that failed: return the step before it.
    return dir === 1 && eps > 1 ? eps / 2 : eps;
  }

  /** One transition; returns the accept statistic and updates the stats when `keep`. */
  protected abstract transition(eps: number, keep: boolean): number;

  warmup(iters: number): void {
    for (let i = 0; i < iters; i++) {
      const a = this.transition(this.eps, false);
      if (this.fixedEps === undefined) this.eps = this.da.update(a);
    }
  }

  endWarmup(): void {
    // Without warm-up there is no averaged step size: keep the initial heuristic one.
    if (this.da.m > 0 && this.fixedEps === undefined) this.eps = Math.exp(this.da.logEpsBar);
    if (!(this.eps > 0 && Number.isFinite(this.eps))) this.eps = 1e-3;
    this.stats.stepSize = this.eps;
  }

  draw(xs: Float64Array, ys: Float64Array | null, from: number, to: number): void {
    if (!this.energy || this.energy.length !== xs.length) this.energy = new Float64Array(xs.length);
    for (let k = from; k < to; k++) {
      this.transition(this.eps, true);
      const [x, y] = this.toX(this.cur.q);
      xs[k] = x;
      if (ys) ys[k] = y;
      this.energy[k] = this.lastEnergy;
      if (this.lastDivergent && this.divergentAt.length < MAX_MARKED) this.divergentAt.push(k);
    }
  }

  position(): [number, number] {
    return this.toX(this.cur.q);
  }
}

export class HmcChain extends HamiltonianChain {
  private readonly steps: number | undefined;
  private readonly jitter: boolean;
  constructor(t: Target, rng: Rng, tuning: SamplerTuning = {}) {
    super(t, rng, 0.65, tuning);
    this.steps = tuning.steps;
    this.jitter = tuning.stepSize === undefined;
  }

  protected transition(eps0: number, keep: boolean): number {
    // Jitter ε by ±10% and integrate for a time drawn around π/2 (a quarter period of a unit
    // Gaussian in the scaled metric), so the path length never locks onto a resonance.
    const eps = this.jitter ? eps0 * (0.9 + 0.2 * this.rng.uniform()) : eps0;
    const time = this.steps === undefined ? (Math.PI / 2) * (0.5 + this.rng.uniform()) : 0;
    const L = this.steps ?? Math.max(1, Math.min(1000, Math.round(time / eps)));
    const pt = this.copy(this.cur);
    this.sampleMomentum(pt.p);
    const h0 = this.hamiltonian(pt);
    let divergent = false;
    for (let l = 0; l < L; l++) {
      this.leapfrog(pt, eps);
      this.observeStep(pt, h0);
      const h = this.hamiltonian(pt);
      if (!(h - h0 <= DIVERGENCE)) {
        divergent = true;
        break;
      }
    }
    const dh = divergent ? -Infinity : h0 - this.hamiltonian(pt);
    const acceptProb = dh >= 0 ? 1 : Number.isNaN(dh) ? 0 : Math.exp(dh);
    const accept = this.rng.uniform() < acceptProb;
    if (accept) this.cur = pt;
    // Stan's energy__: the Hamiltonian of the state kept, with its momentum (the fresh one if
    // the proposal was rejected).
    this.lastEnergy = accept ? this.hamiltonian(pt) : h0;
    this.lastDivergent = divergent;
    this.observe?.({ kind: 'hmc-end', acceptProb, accepted: accept, divergent });
    if (keep) {
      this.stats.proposals++;
      if (accept) this.stats.accepted++;
      if (divergent) this.stats.divergences++;
      this.stats.acceptStat += acceptProb;
      this.stats.leapfrogs += L;
    }
    return acceptProb;
  }
}

/** The result of building one subtree. */
interface Tree {
  minus: Point;
  plus: Point;
  proposal: Point;
  logW: number;
  valid: boolean;
  divergent: boolean;
  n: number;
  sumAccept: number;
}

export class NutsChain extends HamiltonianChain {
  private readonly maxDepth: number;
  constructor(t: Target, rng: Rng, tuning: SamplerTuning = {}) {
    super(t, rng, 0.8, tuning);
    this.maxDepth = tuning.maxDepth ?? MAX_DEPTH;
  }

  /** (θ⁺ − θ⁻)·M⁻¹r⁻ ≥ 0 and (θ⁺ − θ⁻)·M⁻¹r⁺ ≥ 0: no U-turn yet. */
  private noUturn(minus: Point, plus: Point): boolean {
    let a = 0,
      b = 0;
    for (let i = 0; i < this.d; i++) {
      const dq = plus.q[i] - minus.q[i];
      a += dq * this.minv[i] * minus.p[i];
      b += dq * this.minv[i] * plus.p[i];
    }
    return a >= 0 && b >= 0;
  }

  private build(from: Point, dir: number, depth: number, eps: number, h0: number): Tree {
    if (depth === 0) {
      const pt = this.copy(from);
      this.leapfrog(pt, dir * eps);
      this.observeStep(pt, h0);
      const h = this.hamiltonian(pt);
      const energyError = h - h0;
      const divergent = !(energyError <= DIVERGENCE);
      const logW = Number.isNaN(h) ? -Infinity : -energyError;
      const acc = Number.isNaN(energyError) ? 0 : Math.min(1, Math.exp(-energyError));
      return {
        minus: pt,
        plus: pt,
        proposal: pt,
        logW,
        valid: !divergent,
        divergent,
        n: 1,
        sumAccept: acc,
      };
    }
    const first = this.build(from, dir, depth - 1, eps, h0);
    if (!first.valid) return first;
    const edge = dir > 0 ? first.plus : first.minus;
    const second = this.build(edge, dir, depth - 1, eps, h0);
    const n = first.n + second.n;
    const sumAccept = first.sumAccept + second.sumAccept;
    if (!second.valid) return { ...second, n, sumAccept, valid: false };
    const logW = logAddExp(first.logW, second.logW);
    // Uniform (multinomial) choice within the subtree: take the second half with prob w₂/(w₁+w₂).
    const proposal =
      Math.log(this.rng.uniform()) < second.logW - logW ? second.proposal : first.proposal;
    const minus = dir > 0 ? first.minus : second.minus;
    const plus = dir > 0 ? second.plus : first.plus;
    const valid = this.noUturn(minus, plus);
    return { minus, plus, proposal, logW, valid, divergent: false, n, sumAccept };
  }

  protected transition(eps: number, keep: boolean): number {
    const start = this.copy(this.cur);
    this.sampleMomentum(start.p);
    const h0 = this.hamiltonian(start);
    let minus = start,
      plus = start;
    // The start carries the fresh momentum: if no subtree is taken, its energy is H0.
    let sample = start;
    let logW = 0;
    let depth = 0;
    let n = 0,
      sumAccept = 0;
    let divergent = false;
    let stop: 'u-turn' | 'subtree-u-turn' | 'divergence' | 'max-depth' = 'max-depth';
    while (depth < this.maxDepth) {
      const dir = this.rng.uniform() < 0.5 ? -1 : 1;
      this.observe?.({ kind: 'doubling', dir });
      const tree = this.build(dir > 0 ? plus : minus, dir, depth, eps, h0);
      n += tree.n;
      sumAccept += tree.sumAccept;
      if (tree.divergent) divergent = true;
      depth++;
      if (!tree.valid) {
        stop = tree.divergent ? 'divergence' : 'subtree-u-turn';
        break;
      }
      if (dir > 0) plus = tree.plus;
      else minus = tree.minus;
      // Biased progressive sampling: move to the new subtree with prob min(1, w_new / w_old).
      if (Math.log(this.rng.uniform()) < tree.logW - logW) sample = tree.proposal;
      logW = logAddExp(logW, tree.logW);
      if (!this.noUturn(minus, plus)) {
        stop = 'u-turn';
        break;
      }
    }
    this.cur = sample;
    this.lastEnergy = this.hamiltonian(sample);
    this.lastDivergent = divergent;
    this.observe?.({ kind: 'nuts-end', depth, stop });
    const a = n > 0 ? sumAccept / n : 0;
    if (keep) {
      if (depth >= MAX_DEPTH) this.stats.depthHits++;
      this.stats.proposals++;
      this.stats.acceptStat += a;
      if (divergent) this.stats.divergences++;
      this.stats.treeDepth += depth;
      this.stats.leapfrogs += n;
    }
    return a;
  }
}
