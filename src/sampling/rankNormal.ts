// The normal scores of rank normalisation, z_r = Φ⁻¹((r − 3/8)/(S + 1/4)) for r = 1 … S (Blom's
// offsets, as ArviZ uses): the same S for the bulk and the folded ranks, so one table serves both.
import { normQuantile } from './special';

/** Below this many draws every score is Φ⁻¹ itself (the Taylor steps below need a fine grid). */
const TAYLOR_MIN_DRAWS = 1 << 20;
/** Scores between two exact Φ⁻¹ anchors; each anchor serves ANCHOR_STEP/2 ranks either side. */
const ANCHOR_STEP = 16;
/** Probabilities below this (and above 1 − this) are Φ⁻¹ itself: the tails curve too fast. */
const TAYLOR_FROM_P = 0.02;

/**
 * z_r at index r − 1 for every rank of S draws. Φ⁻¹(1 − p) = −Φ⁻¹(p) gives the upper half from the
 * lower. At millions of draws neighbouring ranks differ in p by h = 1/(S + 1/4), so away from the
 * tails each score is a third-order Taylor step from an exact anchor at most 8 ranks away, using
 * (Φ⁻¹)' = 1/φ(z), (Φ⁻¹)'' = z/φ², (Φ⁻¹)''' = (1 + 2z²)/φ³: with |z| ≤ 2.06 and a step of at most 8h
 * ≤ 8·2⁻²⁰, the first term left out, (7z + 6z³)/φ⁴·(8h)⁴/24, stays below 2e-15, and one Φ⁻¹ and
 * one exp serve 16 ranks. `into` (S long) receives them instead of a new array: a shared buffer
 * when another thread computes the table.
 */
export function zOfRanks(S: number, into?: Float64Array): Float64Array {
  const z = into ?? new Float64Array(S);
  const h = 1 / (S + 0.25);
  // Ranks 1 … lower (indices 0 … lower − 1) are computed; the rest mirror them.
  const lower = S - Math.floor(S / 2);
  let i = 0;
  const exactTo = S < TAYLOR_MIN_DRAWS ? lower : Math.min(lower, Math.ceil(TAYLOR_FROM_P * S));
  for (; i < exactTo; i++) z[i] = normQuantile((i + 1 - 0.375) / (S + 0.25));
  const SQRT_2PI = Math.sqrt(2 * Math.PI);
  for (; i + ANCHOR_STEP <= lower; i += ANCHOR_STEP) {
    const c = i + ANCHOR_STEP / 2;
    const zc = normQuantile((c + 1 - 0.375) / (S + 0.25));
    const d1 = SQRT_2PI * Math.exp((zc * zc) / 2);
    const d2 = (zc * d1 * d1) / 2,
      d3 = ((1 + 2 * zc * zc) * d1 * d1 * d1) / 6;
    for (let k = i; k < i + ANCHOR_STEP; k++) {
      const dp = (k - c) * h;
      z[k] = zc + dp * (d1 + dp * (d2 + dp * d3));
    }
  }
  for (; i < lower; i++) z[i] = normQuantile((i + 1 - 0.375) / (S + 0.25));
  for (let j = lower; j < S; j++) z[j] = -z[S - 1 - j];
  return z;
}

/**
 * z at the average rank k + 3/2 of a tie over positions k … k + 1 (or any run whose average rank is
 * a half): Φ⁻¹((k + 3/2 − 3/8)/(S + 1/4)). Where the table takes Taylor steps, this is the midpoint
 * of the two neighbouring scores a and b less the curvature, z'' = z·z'² with h·z' ≈ b − a:
 * z = (a + b)/2 − z̄·(b − a)²/8. The terms left out are of order (h/φ)⁴ ≤ (2·10⁻⁵)⁴ there, so this
 * agrees with Φ⁻¹ as closely as the table does (tested), where a Φ⁻¹ per tie cost a tenth of the
 * diagnostics on MH draws, half of whose values repeat. Elsewhere it is Φ⁻¹ itself (the upper half
 * mirrored from the lower, as in the table).
 */
export function zOfHalfRank(k: number, S: number, zOfRank: Float64Array): number {
  if (S >= TAYLOR_MIN_DRAWS && k >= TAYLOR_FROM_P * S && k + 1 <= (1 - TAYLOR_FROM_P) * S) {
    return betweenScores(zOfRank[k], zOfRank[k + 1]);
  }
  return halfRankExact(k, S);
}

/** The Taylor step between two neighbouring scores a and b (zOfHalfRank's comment). */
function betweenScores(a: number, b: number): number {
  const mid = (a + b) / 2;
  return mid - (mid * (b - a) * (b - a)) / 8;
}

/**
 * zOfHalfRank outside the table's Taylor region. A function of its own so that the common path
 * above stays small enough for V8 to inline into the loops over millions of ties.
 */
function halfRankExact(k: number, S: number): number {
  // The upper half from the lower, as the table does: 1 − p near 1 keeps fewer digits than p.
  const r = k + 1.5;
  return r - 1 > S - r
    ? -normQuantile((S + 1 - r - 0.375) / (S + 0.25))
    : normQuantile((r - 0.375) / (S + 0.25));
}

/** z of the average rank (i + j)/2 + 1 of a run of ties at sorted positions i … j. */
export function tiedZ(i: number, j: number, S: number, zOfRank: Float64Array): number {
  return (i + j) % 2 === 0 ? zOfRank[(i + j) / 2] : zOfHalfRank((i + j - 1) / 2, S, zOfRank);
}

/**
 * z of ties by sorted position, for the loops over millions of them: zOfHalfRank's Taylor region
 * worked out once as bounds on k, in a method small enough for V8 to inline (the plain functions,
 * not inlined, cost half again as much per tie).
 */
export class TieScores {
  /** zOfHalfRank takes its Taylor step for k in [lo, hi]. */
  private readonly lo: number;
  private readonly hi: number;
  constructor(
    private readonly S: number,
    private readonly zOfRank: Float64Array,
  ) {
    this.lo = S >= TAYLOR_MIN_DRAWS ? Math.ceil(TAYLOR_FROM_P * S) : Infinity;
    this.hi = Math.floor((1 - TAYLOR_FROM_P) * S) - 1;
  }

  /**
   * z of a tie of w draws from sorted position pos on (w = 1: no tie): the middle position's score
   * when w is odd, else the half rank between the two middle ones, as tiedZ gives them. Positions
   * stay below 2^31 (such a pool would not fit in memory), so `>> 1` and `& 1` are exact.
   */
  z(pos: number, w: number): number {
    const m = pos + (w >> 1);
    const t = this.zOfRank;
    // An odd tie's score is t[m] itself, which is betweenScores(t[m], t[m]) exactly: one path for
    // both parities, with no branch on the run lengths, which come in random order.
    const k = m - 1 + (w & 1);
    const between = betweenScores(t[k], t[m]);
    // Both bounds are compared every time (no short circuit): a comparison first met after V8 has
    // optimised the loop would throw that code away midway through it.
    if (((w & 1) | (+(k >= this.lo) & +(k <= this.hi))) !== 0) return between;
    return halfRankExact(k, this.S);
  }
}
