// The Beta distribution's quantile, which the MCSE of a quantile needs (Vehtari et al. 2021, §4.3:
// the 16 % and 84 % quantiles of Beta(ESS·p + 1, ESS·(1 − p) + 1) bracket ±1 sd of the quantile's
// rank). Parameters reach 10⁵ and more, where series in a and b lose precision, so the incomplete
// beta integral is the continued fraction (Lentz), which needs O(√max(a, b)) terms.

/** log Γ(x) for x > 0, Lanczos (g = 7, n = 9), about 1e-15 relative. */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let s = c[0];
  for (let i = 1; i < 9; i++) s += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Continued fraction for I_x(a, b) (modified Lentz), valid for x < (a + 1)/(a + b + 2). */
function betaCf(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b,
    qap = a + 1,
    qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  const maxIt = 20000 + 20 * Math.ceil(Math.sqrt(Math.max(a, b)));
  for (let m = 1; m <= maxIt; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function betaCdf(x: number, a: number, b: number): number {
  if (!(x > 0)) return 0;
  if (!(x < 1)) return 1;
  const lbt = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lbt) * betaCf(a, b, x)) / a;
  return 1 - (Math.exp(lbt) * betaCf(b, a, 1 - x)) / b;
}

/** The p-quantile of Beta(a, b), by bracketed root finding on the CDF. */
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || !(p >= 0 && p <= 1)) return NaN;
  // Bracket within 40 sd of the mean first: at large a + b the mass is a narrow spike, and each
  // CDF costs O(√max(a, b)) terms.
  const mu = a / (a + b),
    sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
  let lo = Math.max(0, mu - 40 * sd),
    hi = Math.min(1, mu + 40 * sd);
  if (!(betaCdf(lo, a, b) <= p && betaCdf(hi, a, b) >= p)) {
    lo = 0;
    hi = 1;
  }
  // Illinois (regula falsi that halves the stale end's weight): superlinear like the secant
  // method, yet never leaves the bracket, so it converges whatever the shape.
  const tol = Math.max(1e-15, 1e-12 * sd);
  let flo = betaCdf(lo, a, b) - p,
    fhi = betaCdf(hi, a, b) - p;
  let side = 0;
  for (let i = 0; i < 200 && hi - lo > tol; i++) {
    let mid = (lo * fhi - hi * flo) / (fhi - flo);
    if (!(mid > lo && mid < hi)) mid = (lo + hi) / 2;
    const fm = betaCdf(mid, a, b) - p;
    if (Math.abs(fm) < 1e-15) return mid;
    if (fm < 0) {
      lo = mid;
      flo = fm;
      if (side === -1) fhi /= 2;
      side = -1;
    } else {
      hi = mid;
      fhi = fm;
      if (side === 1) flo /= 2;
      side = 1;
    }
  }
  return (lo + hi) / 2;
}
