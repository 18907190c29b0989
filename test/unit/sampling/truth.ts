// Exact CDFs for the statistical tests, written independently of src/sampling (no shared code):
// erfc by the Numerical Recipes Chebyshev fit (fractional error < 1.2e-7, plenty for KS at n ≈ 10⁴).

export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export const Phi = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

export interface Truth {
  name: string;
  expr: string;
  range?: [number, number];
  cdf: (x: number) => number;
  mean: number;
}

/** ∫_{-∞}^{x} e^{−t²/2} cos 6t dt, tabulated once by composite Simpson (h = 1e-3) on [−12, 12]. */
const OSC = (() => {
  const lo = -12,
    h = 1e-3,
    n = 24000;
  const g = (t: number): number => Math.exp((-t * t) / 2) * Math.cos(6 * t);
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const a = lo + i * h;
    cum[i + 1] = cum[i] + (h / 6) * (g(a) + 4 * g(a + h / 2) + g(a + h));
  }
  return (x: number): number => {
    if (x <= lo) return 0;
    if (x >= lo + n * h) return cum[n];
    const p = (x - lo) / h,
      i = Math.floor(p);
    return cum[i] + (p - i) * (cum[i + 1] - cum[i]);
  };
})();

const SQRT2PI = Math.sqrt(2 * Math.PI);
/** The note's normaliser √(2π)(1 + ½(1 − e^{−18})). */
export const NOTE_Z = SQRT2PI * (1 + 0.5 * (1 - Math.exp(-18)));

export const TARGETS: Truth[] = [
  { name: 'standard normal', expr: 'exp(-x^2/2)', cdf: Phi, mean: 0 },
  {
    // 0.4·N(−1, 1) + 0.6·N(1.5, 0.7²): overlapping enough that every MCMC sampler can cross.
    name: 'two-component mixture',
    expr: '0.4*exp(-(x+1)^2/2) + 0.6/0.7*exp(-(x-1.5)^2/(2*0.49))',
    cdf: (x) => 0.4 * Phi(x + 1) + 0.6 * Phi((x - 1.5) / 0.7),
    mean: 0.4 * -1 + 0.6 * 1.5,
  },
  {
    name: 'exponential on [0, ∞)',
    expr: 'exp(-x)',
    range: [0, Infinity],
    cdf: (x) => (x <= 0 ? 0 : 1 - Math.exp(-x)),
    mean: 1,
  },
  {
    // f = e^{−x²/2}(1 + sin²3x) = e^{−x²/2}(3/2 − ½ cos 6x), so
    // F(x) = [(3/2)√(2π)Φ(x) − ½ ∫_{-∞}^x e^{−t²/2} cos 6t dt] / Z, and Z uses ∫ e^{−t²/2} cos 6t = √(2π)e^{−18}.
    name: "the note's density",
    expr: 'exp(-x^2/2) * (1 + sin(3x)^2)',
    cdf: (x) => (1.5 * SQRT2PI * Phi(x) - 0.5 * OSC(x)) / NOTE_Z,
    mean: 0,
  },
];

export const erf = (x: number): number => 1 - erfc(x);

/** ∫_{-∞}^{x} e^{−t²/2} cos(k t) dt by composite Simpson (h = 1e-3) on [−12, 12], tabulated once per k. */
function oscillatory(k: number): (x: number) => number {
  const lo = -12,
    h = 1e-3,
    n = 24000;
  const g = (t: number): number => Math.exp((-t * t) / 2) * Math.cos(k * t);
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const a = lo + i * h;
    cum[i + 1] = cum[i] + (h / 6) * (g(a) + 4 * g(a + h / 2) + g(a + h));
  }
  return (x: number): number => {
    if (x <= lo) return 0;
    if (x >= lo + n * h) return cum[n];
    const p = (x - lo) / h,
      i = Math.floor(p);
    return cum[i] + (p - i) * (cum[i + 1] - cum[i]);
  };
}
const OSC2 = oscillatory(2);

/** Regularised incomplete beta I_x(a, b) for whole a, b: the binomial tail Σ_{j≥a} C(n, j) x^j (1−x)^(n−j), n = a + b − 1. */
export function betaCdf(a: number, b: number): (x: number) => number {
  const n = a + b - 1;
  const choose = (k: number): number => {
    let c = 1;
    for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
    return c;
  };
  return (x) => {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    let s = 0;
    for (let j = a; j <= n; j++) s += choose(j) * x ** j * (1 - x) ** (n - j);
    return s;
  };
}

/** Regularised lower incomplete gamma P(k, x) for whole k: 1 − e^{−x} Σ_{j<k} x^j / j!. */
export function gammaCdf(k: number): (x: number) => number {
  return (x) => {
    if (x <= 0) return 0;
    let term = 1,
      s = 1;
    for (let j = 1; j < k; j++) {
      term *= x / j;
      s += term;
    }
    return 1 - Math.exp(-x) * s;
  };
}

/**
 * Densities whose naive log splits into logs of negative factors, factors that change sign, and
 * bounded supports. Each CDF is an antiderivative worked out by hand (or a closed-form
 * Beta/Gamma function), written here without any code from src/sampling.
 */
export const SIGNED_TARGETS: Truth[] = [
  {
    // ∫ t² e^{−t²} dt = (√π/4) erf t − (t/2) e^{−t²}; Z = √π/2.
    name: 'x*x*exp(-x^2) (x < 0 is a product of two negatives)',
    expr: 'x*x*exp(-x^2)',
    cdf: (x) => (erf(x) + 1) / 2 - (x * Math.exp(-x * x)) / Math.sqrt(Math.PI),
    mean: 0,
  },
  {
    name: '(-x)*(-x)*exp(-x^2)',
    expr: '(-x)*(-x)*exp(-x^2)',
    cdf: (x) => (erf(x) + 1) / 2 - (x * Math.exp(-x * x)) / Math.sqrt(Math.PI),
    mean: 0,
  },
  {
    // sin²t = (1 − cos 2t)/2, and ∫ e^{−t²/2} cos 2t over ℝ = √(2π) e^{−2}.
    name: 'exp(-x^2/2)*sin(x)*sin(x) (sign-changing factors)',
    expr: 'exp(-x^2/2)*sin(x)*sin(x)',
    cdf: (x) => (SQRT2PI * Phi(x) - OSC2(x)) / (SQRT2PI * (1 - Math.exp(-2))),
    mean: 0,
  },
  { name: 'exp(-x^2/2)*x/x (0/0 at one point)', expr: 'exp(-x^2/2)*x/x', cdf: Phi, mean: 0 },
  {
    // f = (1 + t²) e^{−t²/2}: ∫ = 2√(2π) Φ(x) − x e^{−x²/2}; Z = 2√(2π). Both factors are negative everywhere.
    name: '(-1-x^2)*(-exp(-x^2/2)) (two negative factors everywhere)',
    expr: '(-1-x^2)*(-exp(-x^2/2))',
    cdf: (x) => Phi(x) - (x * Math.exp((-x * x) / 2)) / (2 * SQRT2PI),
    mean: 0,
  },
  {
    name: 'exp(-x^2/2)*sign(x-1)*sign(x-1)',
    expr: 'exp(-x^2/2)*sign(x-1)*sign(x-1)',
    cdf: Phi,
    mean: 0,
  },
  {
    name: 'Beta(3, 5): x^2*(1-x)^4 on [0, 1]',
    expr: 'x^2*(1-x)^4',
    range: [0, 1],
    cdf: betaCdf(3, 5),
    mean: 3 / 8,
  },
  {
    name: 'Beta(2, 5): x*(1-x)^4 on [0, 1] (f → 0 at the wall)',
    expr: 'x*(1-x)^4',
    range: [0, 1],
    cdf: betaCdf(2, 5),
    mean: 2 / 7,
  },
  {
    name: 'Gamma(3): x^2*exp(-x) on [0, inf)',
    expr: 'x^2*exp(-x)',
    range: [0, Infinity],
    cdf: gammaCdf(3),
    mean: 3,
  },
  {
    name: 'Gamma(3) written with negative factors: (-x)*(-x)*exp(-x) on [0, inf)',
    expr: '(-x)*(-x)*exp(-x)',
    range: [0, Infinity],
    cdf: gammaCdf(3),
    mean: 3,
  },
];
