// Every sampler, seeded, against exact CDFs (test/unit/sampling/truth.ts, no code from src/sampling)
// on densities whose log is easy to get wrong: products of negative factors, factors that change
// sign, bounded supports with f → 0 at a wall. Pass: KS p > 0.001 (thinned by ESS for MCMC) and
// |mean − μ| < 4 MCSE. Also: the run's own KS reference agrees with the exact CDF, so the KS the
// user sees cannot approve a wrong density.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSampler } from '../../../src/sampling';
import { ksThinned, mcseMean } from '../../../src/sampling/diagnostics';
import { compileDensity } from '../../../src/sampling/expr';
import { SAMPLERS as ALL_SAMPLERS, samplerSpec } from '../../../src/sampling/samplers';
import { SIGNED_TARGETS } from './truth';

// Every registered sampler that takes a 1-D density.
const SAMPLERS = ALL_SAMPLERS.filter((s) => samplerSpec(s).dims.includes(1));

for (const sampler of SAMPLERS) {
  test(`${sampler}: exact CDF and mean on signed-factor and bounded densities`, async () => {
    const iid = samplerSpec(sampler).kind === 'iid';
    for (const t of SIGNED_TARGETS) {
      let xs: Float64Array[] = [];
      const r = await runSampler(
        { expr: t.expr, sampler, n: iid ? 4000 : 2000, chains: 2, seed: 17, range: t.range },
        {
          onProgress: () => undefined,
          onDraws: (a) => {
            xs = a;
          },
        },
      );
      const ks = ksThinned(xs, t.cdf, r.essBulk, iid);
      const m = mcseMean(xs);
      assert.ok(
        ks.p > 0.001,
        `${sampler} on ${t.name}: KS D = ${ks.D}, p = ${ks.p} (thin ${ks.thin})`,
      );
      assert.ok(
        Math.abs(m.mean - t.mean) < 4 * m.mcse,
        `${sampler} on ${t.name}: mean ${m.mean} vs ${t.mean}, MCSE ${m.mcse}`,
      );
      assert.ok(
        Math.abs((r.trueMean ?? NaN) - t.mean) < 1e-6,
        `${sampler} on ${t.name}: numeric mean ${r.trueMean} vs ${t.mean}`,
      );
      if (t.range)
        for (const c of xs)
          assert.ok(
            c.every(
              (v) => v >= (t.range as [number, number])[0] && v <= (t.range as [number, number])[1],
            ),
            `${sampler} on ${t.name}: a draw left the range`,
          );
    }
  });
}

test('log f is the log of the density as typed, everywhere: NaN exactly where it is negative', () => {
  const exprs = [
    'x*x*exp(-x^2)',
    '(-x)*(-x)*exp(-x^2)',
    'exp(-x^2/2)*sin(x)*sin(x)',
    'exp(-x^2/2)*x/x',
    'x*exp(-x^2)',
    'x*(1-x)^4',
    '(x-1)*(x-2)*exp(-x^2)',
    'x^3*exp(-x)',
    '(-x)^3',
    'sqrt(x)*exp(-x)',
    'exp(-x)/x',
    'abs(x)*x*exp(-x^2)',
    '(x*exp(-x^2))^2',
    'x^2*(x-1)^3/(x+2)',
    'exp(-x^2)*(-1)',
    'sin(x)*cos(x)/(1+x^2)',
    '2^x*x',
    'x^0*exp(-x^2)',
  ];
  for (const e of exprs) {
    const d = compileDensity(e);
    for (let x = -5; x <= 5; x += 0.0625 + 1e-9) {
      const v = d.raw(x, 0),
        l = d.logf(x, 0),
        want = Math.log(v);
      if (Number.isNaN(want))
        assert.ok(Number.isNaN(l), `${e} at ${x}: f = ${v}, log f gave ${l}, want NaN`);
      else
        assert.ok(
          l === want || Math.abs(l - want) <= 1e-12 * Math.max(1, Math.abs(want)),
          `${e} at ${x}: log f ${l} vs log(${v}) = ${want}`,
        );
    }
  }
  // Where f underflows, log f still carries the tail (the reason log f is built symbolically).
  const g = compileDensity('x*x*exp(-x^2)');
  assert.equal(g.raw(-40, 0), 0);
  assert.ok(Math.abs(g.logf(-40, 0) - (2 * Math.log(40) - 1600)) < 1e-9);
});
