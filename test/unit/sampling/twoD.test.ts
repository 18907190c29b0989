// The 2-D samplers on the playground's gallery, against marginal CDFs computed here by quadrature,
// independently of src/sampling (each density written out by hand in JavaScript, integrated by
// composite Simpson, or in closed form in one variable for the funnel): KS on each marginal,
// thinned by ESS for MCMC, must give p > 0.001. The run's own numeric marginals (the overlays the
// panel draws) must match these too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSampler } from '../../../src/sampling';
import { ksThinned } from '../../../src/sampling/diagnostics';
import { GALLERY_2D } from '../../../src/common/gallery2d';
import type { SampleResult, SamplerName } from '../../../src/sampling/types';
import { Phi } from './truth';

interface Marginals {
  cdfX(x: number): number;
  cdfY(y: number): number;
  pdfX(x: number): number;
  pdfY(y: number): number;
}

/** A CDF and density tabulated on a uniform grid, read by linear interpolation. */
function tabulated(
  lo: number,
  hi: number,
  pdf: Float64Array,
): { cdf: (v: number) => number; pdf: (v: number) => number } {
  const n = pdf.length - 1,
    h = (hi - lo) / n;
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cum[i + 1] = cum[i] + (h / 2) * (pdf[i] + pdf[i + 1]);
  const z = cum[n];
  const read = (a: Float64Array, v: number): number => {
    if (v <= lo) return 0;
    if (v >= hi) return a === cum ? z : 0;
    const p = (v - lo) / h,
      i = Math.min(n - 1, Math.floor(p));
    return a[i] + (p - i) * (a[i + 1] - a[i]);
  };
  return { cdf: (v) => read(cum, v) / z, pdf: (v) => read(pdf, v) / z };
}

/** Marginals of f on a box by composite Simpson across, trapezoid along (grid fine enough for both). */
function gridMarginals(
  f: (x: number, y: number) => number,
  bx: [number, number],
  by: [number, number],
  n = 1200,
): Marginals {
  const hx = (bx[1] - bx[0]) / n,
    hy = (by[1] - by[0]) / n;
  const w = (i: number): number => (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) / 3;
  const px = new Float64Array(n + 1),
    py = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++)
    for (let j = 0; j <= n; j++) {
      const v = f(bx[0] + i * hx, by[0] + j * hy);
      px[i] += w(j) * hy * v;
      py[j] += w(i) * hx * v;
    }
  const mx = tabulated(bx[0], bx[1], px),
    my = tabulated(by[0], by[1], py);
  return { cdfX: mx.cdf, pdfX: mx.pdf, cdfY: my.cdf, pdfY: my.pdf };
}

/** 1-D composite Simpson. */
function simpson(g: (t: number) => number, a: number, b: number, n = 2000): number {
  const h = (b - a) / n;
  let s = g(a) + g(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * g(a + i * h);
  return (s * h) / 3;
}

/** Neal's funnel on [−30, 30] × [−4, 4]: x | y is normal with sd e^y, so one integral is Φ. */
function funnelMarginals(): Marginals {
  const X = 30;
  // ∫ e^{−y²/2 − y − x²/(2e^{2y})} dx over [a, b] = √(2π) e^{−y²/2} (Φ(b e^{−y}) − Φ(a e^{−y})).
  const inner = (y: number, a: number, b: number): number =>
    Math.exp((-y * y) / 2) * (Phi(b * Math.exp(-y)) - Phi(a * Math.exp(-y)));
  const z = simpson((y) => inner(y, -X, X), -4, 4);
  const pdfYraw = (y: number): number => (y < -4 || y > 4 ? 0 : inner(y, -X, X));
  const py = new Float64Array(4001);
  for (let j = 0; j <= 4000; j++) py[j] = pdfYraw(-4 + j * 0.002);
  const my = tabulated(-4, 4, py);
  return {
    cdfX: (x) => (x <= -X ? 0 : x >= X ? 1 : simpson((y) => inner(y, -X, x), -4, 4) / z),
    pdfX: (x) =>
      x < -X || x > X
        ? 0
        : simpson(
            (y) => Math.exp((-y * y) / 2 - y - (x * x) / (2 * Math.exp(2 * y))),
            -4,
            4,
            4000,
          ) /
          (z * Math.sqrt(2 * Math.PI)),
    cdfY: my.cdf,
    pdfY: my.pdf,
  };
}

const sq = (v: number): number => v * v;
const TRUTH: Record<string, () => Marginals> = {
  banana: () => gridMarginals((x, y) => Math.exp((-x * x) / 2 - sq(y - x * x)), [-8, 8], [-8, 72]),
  donut: () =>
    gridMarginals((x, y) => Math.exp(-sq(Math.hypot(x, y) - 2) / 0.08), [-4, 4], [-4, 4]),
  funnel: funnelMarginals,
  multimodal: () =>
    gridMarginals(
      (x, y) =>
        Math.exp(-(sq(x - 2) + sq(y - 2)) / 0.5) +
        Math.exp(-(sq(x + 2) + sq(y + 1)) / 0.5) +
        Math.exp(-(sq(x - 1.5) + sq(y + 2.5)) / 0.5),
      [-7, 7],
      [-7, 7],
    ),
  squiggle: () =>
    gridMarginals(
      (x, y) => Math.exp((-x * x) / 8 - 5 * sq(y + Math.sin(2 * x))),
      [-14, 14],
      [-4, 4],
    ),
};

// Local samplers do not cross between the multimodal target's modes in a short run: that is what
// the gallery shows, so only rejection is held to its marginals there.
const MIXES: Record<string, SamplerName[]> = {
  banana: ['rejection', 'nuts', 'hmc', 'mh', 'slice'],
  donut: ['rejection', 'nuts', 'hmc', 'mh', 'slice'],
  funnel: ['rejection', 'nuts', 'mh', 'slice'],
  multimodal: ['rejection'],
  squiggle: ['rejection', 'nuts', 'hmc', 'mh', 'slice'],
};

for (const g of GALLERY_2D) {
  test(`${g.name}: marginals of every sampler that mixes agree with quadrature`, async () => {
    const truth = TRUTH[g.name]();
    for (const sampler of MIXES[g.name]) {
      let xs: Float64Array[] = [],
        ys: Float64Array[] = [];
      const r: SampleResult = await runSampler(
        { expr: g.expr, sampler, n: 3000, chains: 2, seed: 3, range: g.range, rangeY: g.rangeY },
        {
          onProgress: () => undefined,
          onDraws: (a, b) => {
            xs = a;
            ys = b ?? [];
          },
        },
      );
      const iid = sampler === 'rejection';
      const kx = ksThinned(xs, truth.cdfX, r.essBulk, iid);
      const ky = ksThinned(ys, truth.cdfY, r.essBulk, iid);
      assert.ok(kx.n >= 20 && ky.n >= 20, `${sampler}: too few thinned draws (ESS ${r.essBulk})`);
      assert.ok(kx.p > 0.001, `${g.name} ${sampler}: KS on x, p = ${kx.p} (D ${kx.D}, n ${kx.n})`);
      assert.ok(ky.p > 0.001, `${g.name} ${sampler}: KS on y, p = ${ky.p} (D ${ky.D}, n ${ky.n})`);
      // The overlays the panel draws: the run's numeric marginals against these.
      const peakX = Math.max(...r.density.y),
        dY = r.densityY as { x: number[]; y: number[] };
      const peakY = Math.max(...dY.y);
      r.density.x.forEach((x, i) =>
        assert.ok(Math.abs(r.density.y[i] - truth.pdfX(x)) < 0.03 * peakX, `x-marginal at ${x}`),
      );
      dY.x.forEach((y, i) =>
        assert.ok(Math.abs(dY.y[i] - truth.pdfY(y)) < 0.03 * peakY, `y-marginal at ${y}`),
      );
    }
  });
}

test('the KS check can fail: draws from the banana are not the donut', async () => {
  const donut = TRUTH.donut();
  let xs: Float64Array[] = [];
  const banana = GALLERY_2D.find((g) => g.name === 'banana');
  assert.ok(banana);
  await runSampler(
    { expr: banana.expr, sampler: 'rejection', n: 3000, chains: 1, seed: 3 },
    { onProgress: () => undefined, onDraws: (a) => (xs = a) },
  );
  assert.ok(ksThinned(xs, donut.cdfX, 3000, true).p < 1e-6);
});
