// Exact CDFs for the statistical tests, written independently of src/sampling (no shared code):
// erfc by the Numerical Recipes Chebyshev fit (fractional error < 1.2e-7, plenty for KS at n ≈ 10⁴).

export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
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
  const lo = -12, h = 1e-3, n = 24000;
  const g = (t: number): number => Math.exp(-t * t / 2) * Math.cos(6 * t);
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const a = lo + i * h;
    cum[i + 1] = cum[i] + (h / 6) * (g(a) + 4 * g(a + h / 2) + g(a + h));
  }
  return (x: number): number => {
    if (x <= lo) return 0;
    if (x >= lo + n * h) return cum[n];
    const p = (x - lo) / h, i = Math.floor(p);
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
  { name: 'exponential on [0, ∞)', expr: 'exp(-x)', range: [0, Infinity], cdf: (x) => (x <= 0 ? 0 : 1 - Math.exp(-x)), mean: 1 },
  {
    // f = e^{−x²/2}(1 + sin²3x) = e^{−x²/2}(3/2 − ½ cos 6x), so
    // F(x) = [(3/2)√(2π)Φ(x) − ½ ∫_{-∞}^x e^{−t²/2} cos 6t dt] / Z, and Z uses ∫ e^{−t²/2} cos 6t = √(2π)e^{−18}.
    name: "the note's density",
    expr: 'exp(-x^2/2) * (1 + sin(3x)^2)',
    cdf: (x) => (1.5 * SQRT2PI * Phi(x) - 0.5 * OSC(x)) / NOTE_Z,
    mean: 0,
  },
];
