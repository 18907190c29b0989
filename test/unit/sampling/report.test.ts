// The diagnostics report of real runs (what HMC and NUTS record per draw, the flags) and the flag
// rules at their thresholds: a number past its threshold is flagged with what to change, a number
// that could not be estimated (NaN) is never flagged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSampler } from '../../../src/sampling';
import { cliAdvice, diagnosticFlags } from '../../../src/sampling/report';
import { fixedAgainst } from '../../../src/common/nearThreshold';
import { isSampleResult } from '../../../src/common/guards';

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

test('a value near its threshold shows the digits that put it on its side', () => {
  assert.equal(fixedAgainst(1.0104, 1.01, 3), '1.0104');
  assert.equal(fixedAgainst(1.013, 1.01, 3), '1.013');
  assert.equal(fixedAgainst(1.00999, 1.01, 3), '1.00999');
  assert.equal(fixedAgainst(399.6, 400, 0), '399.6');
  assert.equal(fixedAgainst(0.2996, 0.3, 2), '0.2996');
  assert.equal(fixedAgainst(1.01, 1.01, 3), '1.010');
  assert.equal(fixedAgainst(1 + 1e-17, 1, 3), '1.000', 'the same double as the threshold');
  assert.equal(fixedAgainst(1.01 + 2.3e-16, 1.01, 3), String(1.01 + 2.3e-16));
  assert.equal(fixedAgainst(NaN, 1.01, 3), 'NaN');
  const flags = diagnosticFlags(
    'nuts',
    4,
    { rhat: 1.0104, essBulk: 399.6, essTail: 1000 },
    { draws: 1000, ebfmi: [0.2996] },
  );
  const msg = flags.map((f) => f.message).join('\n');
  assert.match(msg, /R-hat 1\.0104 > 1\.01/);
  assert.match(msg, /bulk ESS 399\.6 < 100 per chain \(400\)/);
  const one = diagnosticFlags(
    'mh',
    1,
    { rhat: NaN, essBulk: 99.96, essTail: 250 },
    { draws: 1000 },
  );
  assert.match(one[0].message, /bulk ESS 99\.96 < 100 per chain \(100\)/);
  assert.match(msg, /E-BFMI 0\.2996 \(chain 0\) < 0\.3/);
});

test('advice names the CLI flags in the CLI and keeps each setting apart for the panel', () => {
  const [rhat, ess] = diagnosticFlags(
    'mh',
    2,
    { rhat: 1.2, essBulk: 10, essTail: 1000 },
    { draws: 100 },
  );
  assert.match(rhat.fix, /a longer warm-up \(--warmup\) and more draws \(--n\)/);
  assert.match(ess.fix, /more draws \(--n\)/);
  for (const f of [rhat, ess]) {
    assert.ok(f.advice, f.metric);
    assert.equal(cliAdvice(f.advice), f.fix);
    const panel = f.advice.map((p) => (typeof p === 'string' ? p : p.text)).join('');
    assert.ok(!panel.includes('--'), panel);
    assert.ok(
      f.advice.some((p) => typeof p !== 'string' && p.setting === 'warmup'),
      f.metric,
    );
  }
});

test('divergences and saturated trees name the tuning controls that fix them', async () => {
  const flags = diagnosticFlags(
    'nuts',
    2,
    { rhat: 1, essBulk: 1000, essTail: 1000 },
    { draws: 1000, divergences: 3, treeDepthSaturation: 0.2 },
  );
  const div = flags.find((f) => f.metric === 'divergences');
  const depth = flags.find((f) => f.metric === 'treeDepth');
  assert.ok(div?.advice && depth?.advice);
  const settings = (a: NonNullable<typeof div.advice>): string[] =>
    a.flatMap((p) => (typeof p === 'string' ? [] : [p.setting]));
  assert.deepEqual(settings(div.advice), ['targetAccept', 'warmup', 'range']);
  assert.match(div.fix, /a higher target acceptance \(--target-accept\) \(smaller steps\)/);
  assert.deepEqual(settings(depth.advice), ['maxDepth', 'warmup', 'range']);
  assert.match(depth.fix, /^a larger max depth \(--max-depth\), or a longer warm-up \(--warmup\)/);
  // A result's flags cross to the page: its guard knows every setting the advice names.
  const r = await run('exp(-x^2/2)', 'nuts', 200);
  assert.ok(r.report);
  const wire = JSON.parse(JSON.stringify({ ...r, report: { ...r.report, flags } })) as unknown;
  assert.ok(isSampleResult(wire));
});
