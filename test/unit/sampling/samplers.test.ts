// Every sampler, seeded, on targets with a known CDF: pass when the KS p-value (thinned by ESS for
// MCMC) exceeds 0.001 and the mean lies within 4 MCSE of the true mean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSampler, SampleCancelled, SamplingInputError } from '../../../src/sampling';
import { ksThinned, mcseMean } from '../../../src/sampling/diagnostics';
import { compileDensity } from '../../../src/sampling/expr';
import { SAMPLERS as ALL_SAMPLERS, samplerSpec } from '../../../src/sampling/samplers';
import { findSupport1D } from '../../../src/sampling/support';
import { buildCdf } from '../../../src/sampling/cdf';
import { findEnvelope, RejectionChain, EnvelopeRestart } from '../../../src/sampling/rejection';
import { Rng } from '../../../src/common/rng';
import type { Target } from '../../../src/sampling/target';
import type { SampleRequestParams, SamplerName } from '../../../src/sampling/types';
import { NOTE_Z, Phi, TARGETS } from './truth';

async function draws(
  params: SampleRequestParams,
): Promise<{ xs: Float64Array[]; ys: Float64Array[] | null; essBulk: number }> {
  let xs: Float64Array[] = [];
  let ys: Float64Array[] | null = null;
  const r = await runSampler(params, {
    onProgress: () => undefined,
    onDraws: (a, b) => {
      xs = a;
      ys = b;
    },
  });
  return { xs, ys, essBulk: r.essBulk };
}

// Every registered sampler that takes a 1-D density.
const SAMPLERS = ALL_SAMPLERS.filter((s) => samplerSpec(s).dims.includes(1));

for (const sampler of SAMPLERS) {
  test(`${sampler}: KS p > 0.001 and |mean − μ| < 4 MCSE on every 1-D target`, async () => {
    const iid = samplerSpec(sampler).kind === 'iid';
    for (const t of TARGETS) {
      const { xs, essBulk } = await draws({
        expr: t.expr,
        sampler,
        n: iid ? 4000 : 2000,
        chains: 2,
        seed: 11,
        range: t.range,
      });
      const ks = ksThinned(xs, t.cdf, essBulk, iid);
      const m = mcseMean(xs);
      assert.ok(
        ks.p > 0.001,
        `${sampler} on ${t.name}: KS D = ${ks.D}, p = ${ks.p} (thin ${ks.thin})`,
      );
      assert.ok(
        Math.abs(m.mean - t.mean) < 4 * m.mcse,
        `${sampler} on ${t.name}: mean ${m.mean} vs ${t.mean}, MCSE ${m.mcse}`,
      );
    }
  });
}

for (const sampler of ['mh', 'slice', 'hmc', 'nuts'] as SamplerName[]) {
  test(`${sampler}: a correlated 2-D normal has standard normal marginals`, async () => {
    // ρ = 0.6: f ∝ exp(−(x² − 2ρxy + y²)/(2(1 − ρ²))); both marginals are N(0, 1).
    const { xs, ys, essBulk } = await draws({
      expr: 'exp(-(x^2 - 1.2*x*y + y^2)/(2*0.64))',
      sampler,
      n: 2000,
      chains: 2,
      seed: 5,
    });
    assert.ok(ys);
    for (const c of [xs, ys as Float64Array[]]) {
      const ks = ksThinned(c, Phi, essBulk, false);
      const m = mcseMean(c);
      assert.ok(ks.p > 0.001, `${sampler} 2-D: KS p = ${ks.p}`);
      assert.ok(Math.abs(m.mean) < 4 * m.mcse, `${sampler} 2-D: mean ${m.mean}, MCSE ${m.mcse}`);
    }
  });
}

test('same seed ⇒ same draws; another seed ⇒ other draws', async () => {
  for (const sampler of SAMPLERS) {
    const p: SampleRequestParams = {
      expr: 'exp(-x^2/2) * (1 + sin(3x)^2)',
      sampler,
      n: 200,
      chains: 2,
      seed: 7,
      warmup: 100,
    };
    const a = await draws(p),
      b = await draws(p);
    assert.deepEqual(a.xs, b.xs, sampler);
    if (sampler === 'mh' || sampler === 'inverse-cdf')
      assert.notDeepEqual(a.xs, (await draws({ ...p, seed: 8 })).xs, sampler);
    assert.notDeepEqual(a.xs[0], a.xs[1], `${sampler}: chains must differ`);
  }
});

test('cancellation stops a long run promptly with SampleCancelled', async () => {
  const ac = new AbortController();
  let events = 0;
  const started = Date.now();
  await assert.rejects(
    runSampler(
      { expr: 'exp(-x^2/2)', sampler: 'slice', n: 1_000_000, chains: 4, seed: 1 },
      {
        signal: ac.signal,
        onProgress: () => {
          if (++events === 3) ac.abort();
        },
      },
    ),
    (e: unknown) => e instanceof SampleCancelled,
  );
  assert.ok(events >= 3);
  // Not a timing assertion on speed: the run would take minutes, so stopping at all shows the check.
  assert.ok(Date.now() - started < 60_000);
});

test('progress streams in batches, thinned, with done/total', async () => {
  const evs: { start: number; n: number; done: number; total: number; stride?: number }[] = [];
  await runSampler(
    { expr: 'exp(-x^2/2)', sampler: 'mh', n: 20000, chains: 1, seed: 1, warmup: 500 },
    {
      onProgress: (e) =>
        evs.push({ start: e.start, n: e.x.length, done: e.done, total: e.total, stride: e.stride }),
    },
  );
  const sampling = evs.filter((e) => e.n > 0);
  assert.ok(sampling.length >= 1 && sampling.length < 20000 / 10, 'batched, not per draw');
  assert.equal(evs[evs.length - 1].done, 20500);
  assert.equal(
    sampling.reduce((s, e) => s + e.n, 0),
    20000 / (sampling[0].stride ?? 1),
  );
});

test('bad densities are refused with one clear line before anything runs', async () => {
  const cases: [string, RegExp, [number, number]?][] = [
    ['x', /negative/],
    ['sin(x)', /negative/],
    ['log(x)', /not a number|negative/],
    ['exp(x)', /not integrable/],
    ['1/abs(x)', /infinite|not integrable|decay/],
    ['1', /depend on x/],
    ['exp(-x)', /not integrable|infinity/],
    ['exp(-x^2) * 0', /0 everywhere/],
    ['exp(-x^2)', /A < B/, [2, 1]],
  ];
  for (const [expr, re, range] of cases) {
    await assert.rejects(
      runSampler(
        { expr, sampler: 'mh', n: 100, chains: 1, seed: 1, range },
        { onProgress: () => undefined },
      ),
      (e: unknown) => e instanceof Error && re.test(e.message) && !e.message.includes('\n'),
      expr,
    );
  }
  await assert.rejects(
    runSampler(
      { expr: 'exp(-x^2)', sampler: 'gibbs' as SamplerName, n: 100, chains: 1, seed: 1 },
      { onProgress: () => undefined },
    ),
    /unknown sampler/,
  );
  await assert.rejects(
    runSampler(
      { expr: 'exp(-x^2-y^2)', sampler: 'inverse-cdf', n: 100, chains: 1, seed: 1 },
      { onProgress: () => undefined },
    ),
    /1-D only/,
  );
  // bins comes from the webview's message: a fraction or a negative count was a RangeError from new Array.
  for (const bins of [1.5, -3, 0]) {
    await assert.rejects(
      runSampler(
        { expr: 'exp(-x^2)', sampler: 'inverse-cdf', n: 100, chains: 1, seed: 1, bins },
        { onProgress: () => undefined },
      ),
      (e: unknown) => e instanceof SamplingInputError && /bins must be/.test(e.message),
      String(bins),
    );
  }
});

test('inverse-CDF table: Z of the note density and the u-error', () => {
  const d = compileDensity('exp(-x^2/2) * (1 + sin(3x)^2)');
  const s = findSupport1D(d.raw, d.logf, false);
  const t = buildCdf((x) => d.logf(x, 0), s.lo, s.hi, s.logMax, { edges: s.edges });
  const z = t.z * Math.exp(t.shift);
  assert.ok(Math.abs(z - NOTE_Z) < 1e-12 * NOTE_Z, `Z ${z} vs ${NOTE_Z}`);
  assert.ok(t.uError <= 1e-10, `u-error ${t.uError}`);
  // Monotone inverse, and F(F̂⁻¹(u)) ≈ u against the independent exact CDF.
  let prev = -Infinity;
  for (let u = 0.0005; u < 1; u += 0.001) {
    const x = t.quantile(u);
    assert.ok(x >= prev);
    prev = x;
    assert.ok(Math.abs(TARGETS[3].cdf(x) - u) < 1e-6, `u ${u}`);
  }
});

test('rejection: a too-low envelope is detected at run time and c is raised past f/g', () => {
  const d = compileDensity('exp(-x^2/2) * (1 + sin(3x)^2)');
  const target: Target = {
    dims: 1,
    isLog: false,
    f: d.f,
    logf: d.logf,
    dlogfdx: d.dlogfdx,
    dlogfdy: d.dlogfdy,
    xLo: -Infinity,
    xHi: Infinity,
    yLo: -Infinity,
    yHi: Infinity,
    sxLo: -9,
    sxHi: 9,
    syLo: 0,
    syHi: 0,
    mode: [0, 0],
    logMax: Math.log(2),
    sd: [1, 1],
  };
  const env = findEnvelope(target, 0);
  const good = env.logC;
  env.logC = good - Math.log(3);
  const chain = new RejectionChain(target, new Rng(1), env);
  assert.throws(
    () => chain.draw(new Float64Array(10000), null, 0, 10000),
    (e: unknown) => e instanceof EnvelopeRestart,
  );
  assert.equal(env.restarts, 1);
  assert.ok(env.logC > good - Math.log(3));
});

test('a 2-D density restricted to a quadrant: half-normal marginals (HMC/NUTS through the log transform at the walls)', async () => {
  // f ∝ exp(−(x² + y²)/2) on [0, ∞)²: each marginal is half-normal, F(x) = 2Φ(x) − 1, mean √(2/π).
  for (const sampler of ['mh', 'slice', 'hmc', 'nuts'] as SamplerName[]) {
    const { xs, ys, essBulk } = await draws({
      expr: 'exp(-(x^2 + y^2)/2)',
      sampler,
      n: 2000,
      chains: 2,
      seed: 9,
      range: [0, Infinity],
    });
    for (const c of [xs, ys as Float64Array[]]) {
      for (const arr of c)
        assert.ok(
          arr.every((v) => v >= 0),
          `${sampler}: a draw left the range`,
        );
      const ks = ksThinned(c, (x) => (x <= 0 ? 0 : 2 * Phi(x) - 1), essBulk, false);
      const m = mcseMean(c);
      assert.ok(ks.p > 0.001, `${sampler} quadrant: KS p = ${ks.p}`);
      assert.ok(
        Math.abs(m.mean - Math.sqrt(2 / Math.PI)) < 4 * m.mcse,
        `${sampler} quadrant: mean ${m.mean}, MCSE ${m.mcse}`,
      );
    }
  }
});
