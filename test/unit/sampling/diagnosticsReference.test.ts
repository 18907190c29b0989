// The diagnostics against values computed independently by scripts/diagnostics-reference.py (numpy,
// the formulas of Vehtari et al. 2021 as ArviZ implements them, FFT autocovariance, Beta quantiles
// by numerical integration) on fixed draws committed in diagnostics-reference.json. Regenerate with
//   /usr/bin/python3 scripts/diagnostics-reference.py > test/unit/sampling/diagnostics-reference.json
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convergence, essBulk, essTail, mcseMean, rhat } from '../../../src/sampling/diagnostics';
import { ebfmi } from '../../../src/sampling/energy';
import { summarize, type ConvergenceSummary } from '../../../src/sampling/summarize';

interface Fixture {
  cases: { name: string; draws: number[][]; expected: Record<string, number> }[];
  energy: { name: string; energy: number[][]; ebfmi: number[] }[];
}
const fx = JSON.parse(
  readFileSync(join(__dirname, 'diagnostics-reference.json'), 'utf8'),
) as Fixture;

const close = (a: number, b: number, tol: number, msg: string): void =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${msg}: ${a} vs reference ${b}`);

test('the fixture covers several cases, with R-hat and ESS flags on both sides', () => {
  assert.ok(fx.cases.length >= 6);
  assert.ok(fx.cases.some((c) => c.expected.rhat > 1.01));
  assert.ok(fx.cases.some((c) => c.expected.rhat < 1.01));
  assert.ok(fx.energy.some((e) => e.ebfmi.some((v) => v < 0.3)));
});

for (const c of fx.cases) {
  test(`summarize matches the numpy reference: ${c.name}`, () => {
    const chains = c.draws.map((d) => Float64Array.from(d));
    const got: ConvergenceSummary = summarize(chains);
    const numbers = got as unknown as Record<string, number>;
    for (const k of Object.keys(c.expected))
      close(numbers[k], c.expected[k], 1e-8, `${c.name}: ${k}`);
    // The rank plot counts every draw once, each chain its own.
    assert.equal(got.rankCounts.length, chains.length);
    for (const rc of got.rankCounts)
      assert.equal(
        rc.reduce((a, b) => a + b, 0),
        chains[0].length,
      );
  });
  test(`the one-at-a-time functions agree with the reference: ${c.name}`, () => {
    const chains = c.draws.map((d) => Float64Array.from(d));
    close(rhat(chains), c.expected.rhat, 1e-8, 'rhat');
    close(essBulk(chains), c.expected.essBulk, 1e-8, 'essBulk');
    close(essTail(chains), c.expected.essTail, 1e-8, 'essTail');
    close(mcseMean(chains).mcse, c.expected.mcseMean, 1e-8, 'mcseMean');
    const cv = convergence(chains);
    close(cv.rhat, c.expected.rhat, 1e-8, 'convergence().rhat');
    close(cv.essBulk, c.expected.essBulk, 1e-8, 'convergence().essBulk');
  });
}

for (const e of fx.energy) {
  test(`E-BFMI matches the numpy reference: ${e.name}`, () => {
    e.energy.forEach((chain, i) => close(ebfmi(chain), e.ebfmi[i], 1e-12, `chain ${i}`));
  });
}

test('E-BFMI is unknown, not a number, when it cannot be estimated', () => {
  assert.ok(Number.isNaN(ebfmi([1, 2])));
  assert.ok(Number.isNaN(ebfmi([3, 3, 3, 3])));
  assert.ok(Number.isNaN(ebfmi([1, NaN, 2, 3])));
});
