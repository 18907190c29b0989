// The diagnostics report of real runs (what HMC and NUTS record per draw, the flags) and the flag
// rules at their thresholds: a number past its threshold is flagged with what to change, a number
// that could not be estimated (NaN) is never flagged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSampler } from '../../../src/sampling';
import { diagnosticFlags } from '../../../src/sampling/report';

const run = (expr: string, sampler: 'hmc' | 'nuts' | 'mh', n = 2000, chains = 2) =>
  runSampler({ expr, sampler, n, chains, seed: 1 }, { onProgress: () => undefined });

test('HMC records each divergent draw, and the flag says what to change', async () => {
  // A quartic well this narrow makes the adapted step overshoot in the walls.
  const r = await run('exp(-x^4*100)', 'hmc');
  const rep = r.report;
  assert.ok(rep?.divergentDraws);
  assert.ok((r.divergences ?? 0) > 0, 'this density diverges');
  assert.equal(
    rep.divergentDraws.reduce((s, d) => s + d.length, 0),
    r.divergences,
  );
  for (const d of rep.divergentDraws) for (const k of d) assert.ok(k >= 0 && k < r.n);
  const f = rep.flags.find((x) => x.metric === 'divergences');
  assert.ok(f);
  assert.match(f.fix, /target acceptance|warm-up/);
});

test('NUTS reports E-BFMI per chain, tree-depth saturation and the energy plot', async () => {
  const r = await run('exp(-x^2/2)', 'nuts');
  const rep = r.report;
  assert.ok(rep?.ebfmi && rep.energy);
  assert.equal(rep.ebfmi.length, 2);
  // A Gaussian is the easy case: energy moves freely between levels.
  for (const v of rep.ebfmi) assert.ok(v > 0.3, `E-BFMI ${v}`);
  assert.equal(rep.treeDepthSaturation, 0);
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  assert.equal(sum(rep.energy.marginal), r.n * r.chains);
  assert.equal(sum(rep.energy.transition), (r.n - 1) * r.chains);
  assert.equal(rep.energy.edges.length, rep.energy.marginal.length + 1);
  assert.equal(sum(rep.pit), rep.ksDraws);
});

test('a Cauchy under NUTS saturates its trees now and then, and is flagged', async () => {
  const r = await run('1/(1+x^2)', 'nuts');
  assert.ok((r.report?.treeDepthSaturation ?? 0) > 0);
  assert.ok(r.report?.flags.some((f) => f.metric === 'treeDepth'));
});

test('MH reports no Hamiltonian diagnostics', async () => {
  const r = await run('exp(-x^2/2)', 'mh', 500);
  assert.equal(r.report?.ebfmi, undefined);
  assert.equal(r.report?.energy, undefined);
  assert.equal(r.report?.treeDepthSaturation, undefined);
});

test('flags at their thresholds, and never on an unknown number', () => {
  const ok = { rhat: 1.01, essBulk: 400, essTail: 400 };
  assert.deepEqual(diagnosticFlags('nuts', 4, ok, { draws: 1000, ebfmi: [0.3, 0.5] }), []);
  const bad = diagnosticFlags(
    'nuts',
    4,
    { rhat: 1.0101, essBulk: 399, essTail: 399.9 },
    { draws: 1000, divergences: 1, treeDepthSaturation: 0.001, ebfmi: [0.29, 0.5] },
  );
  assert.deepEqual(
    bad.map((f) => f.metric),
    ['rhat', 'essBulk', 'essTail', 'divergences', 'treeDepth', 'ebfmi'],
  );
  for (const f of bad) assert.ok(f.fix.length > 10, f.metric);
  assert.match(bad[5].message, /0\.29 \(chain 0\)/);
  const unknown = diagnosticFlags(
    'mh',
    2,
    { rhat: NaN, essBulk: NaN, essTail: NaN },
    { draws: 10, ebfmi: [NaN] },
  );
  assert.deepEqual(unknown, []);
});
