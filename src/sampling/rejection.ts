// Rejection sampling with an automatically found envelope c·g ≥ f.
// - Proposal g by support and tails: uniform on a bounded range (over its effective support); otherwise Student-t with ν = 3
//   centred at the mode with scale (−ℓ''(m))^(−1/2) (or the numeric sd), so its tails are heavier
//   than any density with a finite variance.
// - c: r(x) = log f(x) − log g(x) on a dense grid over the effective support, local maxima refined
//   by golden section, then log c = max r + log 1.1 (a 10% safety margin).
// - Runtime guard: a proposal with f(y) > c·g(y) proves the envelope wrong; c is raised and every
//   chain restarts from zero draws (the driver catches EnvelopeRestart), so biased draws are never
//   returned.
import type { Rng } from '../common/rng';
import { goldenMax } from './support';
import { emptyStats, logTarget, type Chain, type Target } from './target';

const MARGIN = Math.log(1.1);
// log of the Student-t(3) normalising constant 2/(π√3).
const LOG_T3 = Math.log(2 / (Math.PI * Math.sqrt(3)));

export class EnvelopeRestart extends Error {
  constructor() {
    super('rejection envelope too low; restarting with a larger c');
  }
}

export interface Envelope {
  kind: 'uniform' | 'student-t';
  center: number;
  scale: number;
  lo: number;
  hi: number;
  logC: number;
  restarts: number;
}

function logG(env: Envelope, x: number): number {
  if (env.kind === 'uniform')
    return x >= env.lo && x <= env.hi ? -Math.log(env.hi - env.lo) : -Infinity;
  const z = (x - env.center) / env.scale;
  return LOG_T3 - 2 * Math.log1p((z * z) / 3) - Math.log(env.scale);
}

/** log c for proposal `env` over the effective support: grid of r = log f − log g, local maxima refined. */
function envelopeLogC(t: Target, env: Envelope): number {
  const r = (x: number): number => {
    const v = logTarget(t, x, 0) - logG(env, x);
    return Number.isNaN(v) ? -Infinity : v;
  };
  const lo = Math.max(t.sxLo, t.xLo),
    hi = Math.min(t.sxHi, t.xHi);
  const n = 4096;
  const xs = new Float64Array(n + 1),
    rs = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    xs[i] = lo + ((hi - lo) * i) / n;
    rs[i] = r(xs[i]);
  }
  let best = -Infinity;
  for (let i = 0; i <= n; i++) {
    const isMax = (i === 0 || rs[i] >= rs[i - 1]) && (i === n || rs[i] >= rs[i + 1]);
    if (!isMax || rs[i] === -Infinity) continue;
    const xm = goldenMax(r, xs[Math.max(0, i - 1)], xs[Math.min(n, i + 1)], 40);
    best = Math.max(best, rs[i], r(xm));
  }
  return best;
}

/**
 * Finds g and c for a 1-D target. For the Student-t, several centres (mode, mean) and scales
 * (the curvature scale at the mode, and multiples of the numeric sd) are tried and the smallest c
 * wins, since the acceptance rate is Z/c.
 */
export function findEnvelope(t: Target, mean: number): Envelope {
  const bounded = Number.isFinite(t.xLo) && Number.isFinite(t.xHi);
  if (bounded) {
    // Uniform over where the mass is, not over the whole range: on ±1e7 around a unit normal a
    // uniform over the range would accept one proposal in millions. Outside the effective support
    // f < e^-40 of its maximum (the CDF table makes the same cut).
    const lo = Math.max(t.xLo, t.sxLo),
      hi = Math.min(t.xHi, t.sxHi);
    const env: Envelope = { kind: 'uniform', center: 0, scale: 1, lo, hi, logC: 0, restarts: 0 };
    const best = envelopeLogC(t, env);
    if (best === -Infinity)
      throw new Error('rejection: could not place an envelope over the density');
    env.logC = best + MARGIN;
    return env;
  }
  const m = t.mode[0];
  const sd = t.sd[0];
  const h = 1e-4 * Math.max(sd, 1e-12);
  const l0 = logTarget(t, m, 0);
  const d2 = (logTarget(t, m + h, 0) - 2 * l0 + logTarget(t, m - h, 0)) / (h * h);
  const scales = [0.6, 0.8, 1, 1.25].map((k) => k * sd);
  if (d2 < 0 && Number.isFinite(d2)) scales.push(1 / Math.sqrt(-d2));
  let chosen: Envelope | undefined;
  for (const center of [m, mean]) {
    for (const scale of scales) {
      if (!(scale > 0) || !Number.isFinite(center)) continue;
      const env: Envelope = {
        kind: 'student-t',
        center,
        scale,
        lo: -Infinity,
        hi: Infinity,
        logC: 0,
        restarts: 0,
      };
      env.logC = envelopeLogC(t, env);
      if (env.logC > -Infinity && (!chosen || env.logC < chosen.logC)) chosen = env;
    }
  }
  if (!chosen) throw new Error('rejection: could not place an envelope over the density');
  chosen.logC += MARGIN;
  return chosen;
}

export class RejectionChain implements Chain {
  stats = emptyStats();

  constructor(
    private readonly t: Target,
    private readonly rng: Rng,
    private readonly env: Envelope,
  ) {
    this.stats.stepSize = NaN;
  }

  warmup(): void {
    /* i.i.d.: nothing to warm up */
  }
  endWarmup(): void {
    /* i.i.d. */
  }

  draw(xs: Float64Array, _ys: Float64Array | null, from: number, to: number): void {
    const rng = this.rng,
      env = this.env,
      t = this.t;
    const uniform = env.kind === 'uniform';
    for (let k = from; k < to; k++) {
      for (let tries = 0; ; tries++) {
        // An acceptance this low means the density is far narrower than any envelope we found.
        if (tries > 10_000_000)
          throw new Error(
            'rejection: fewer than 1 in 10 million proposals accepted; use inverse-cdf or an MCMC sampler',
          );
        const y = uniform
          ? env.lo + (env.hi - env.lo) * rng.uniform()
          : env.center + env.scale * rng.studentT3();
        this.stats.proposals++;
        const lr = logTarget(t, y, 0) - logG(env, y) - env.logC;
        if (lr > 0) {
          // f > c·g: the envelope was wrong. Raise c past this point and start over.
          env.logC += lr + MARGIN;
          env.restarts++;
          throw new EnvelopeRestart();
        }
        if (Math.log(rng.uniform()) < lr) {
          xs[k] = y;
          this.stats.accepted++;
          break;
        }
      }
    }
  }

  position(): [number, number] {
    return [NaN, 0];
  }
}

/** The envelope as the run's diagnostics name it. */
export function describeEnvelope(e: Envelope): string {
  const shape =
    e.kind === 'uniform'
      ? `uniform(${e.lo}, ${e.hi})`
      : `student-t(3, ${e.center.toPrecision(4)}, ${e.scale.toPrecision(4)})`;
  return `${shape}, c = ${Math.exp(e.logC).toPrecision(5)}`;
}
