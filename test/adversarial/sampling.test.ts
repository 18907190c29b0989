// Adversarial inputs to `tensor-lens sample`, one fixture per class of bug (test/adversarial/sampling/
// *.json): the CLI runs as its own process under a timeout (a sampler that never ends fails here
// instead of hanging the suite), and each fixture states its outcome: exit 2 with a message, or an
// exact distribution (KS against a closed-form CDF from test/unit/sampling/truth.ts, thinned by ESS
// for MCMC, and the mean within 4 MCSE).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ksThinned, mcseMean } from '../../src/sampling/diagnostics';
import { isSamplerName, samplerSpec } from '../../src/sampling/samplers';
import { betaCdf, erf, gammaCdf, Phi, SIGNED_TARGETS } from '../unit/sampling/truth';

interface Fixture {
  class: string;
  args: string[];
  expect: {
    exit: number;
    stderr?: string;
    status?: string;
    cdf?: string;
    mean?: number;
    below?: number;
  };
}

const EXACT: Record<string, (x: number) => number> = {
  x2exp: (x) => (erf(x) + 1) / 2 - (x * Math.exp(-x * x)) / Math.sqrt(Math.PI),
  normal: Phi,
  normal5: (x) => Phi(x - 5),
  normalSin2:
    SIGNED_TARGETS.find((t) => t.expr === 'exp(-x^2/2)*sin(x)*sin(x)')?.cdf ?? (() => NaN),
  sqrt: (x) => (x <= 0 ? 0 : x >= 1 ? 1 : Math.sqrt(x)),
  beta25: betaCdf(2, 5),
  gamma3: gammaCdf(3),
};

const DIR = join(__dirname, 'sampling');
const ROOT = join(__dirname, '..', '..');
const TIMEOUT_MS = 180_000;

for (const file of readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  const fx = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Fixture;
  test(`${file}: ${fx.class}`, () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tl-adv-')), 'draws.csv');
    const extra = fx.expect.cdf ? ['--json', '--out', out, '--seed', '23'] : [];
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src', 'cli.ts'), 'sample', ...fx.args, ...extra],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: TIMEOUT_MS,
        killSignal: 'SIGKILL',
      },
    );
    assert.equal(
      r.signal,
      null,
      `${file}: killed after ${TIMEOUT_MS / 1000} s (did not terminate)`,
    );
    assert.equal(r.status, fx.expect.exit, `${file}: exit ${r.status}, stderr: ${r.stderr}`);
    if (fx.expect.stderr !== undefined) {
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${file}: one line expected, got: ${r.stderr}`);
      assert.ok(
        lines[0].includes(fx.expect.stderr),
        `${file}: '${lines[0]}' lacks '${fx.expect.stderr}'`,
      );
      assert.ok(!/\bat .+:\d+:\d+/.test(r.stderr), `${file}: stack trace in stderr`);
    }
    if (fx.expect.status !== undefined) {
      const j = JSON.parse(r.stdout) as { status?: string; warnings?: string[] };
      assert.equal(j.status, fx.expect.status, `${file}: status`);
      assert.ok((j.warnings ?? []).length > 0, `${file}: no warnings in the JSON`);
    }
    if (fx.expect.cdf) {
      const cdf = EXACT[fx.expect.cdf];
      assert.ok(cdf, `${file}: unknown cdf '${fx.expect.cdf}'`);
      const j = JSON.parse(r.stdout) as { sampler: string; essBulk: number; status?: string };
      assert.notEqual(j.status, 'failed', `${file}: run reported failed`);
      const rows = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','));
      const chains: number[][] = [];
      for (const [c, , x] of rows) (chains[Number(c)] ??= []).push(Number(x));
      const xs = chains.map((c) => Float64Array.from(c));
      assert.ok(isSamplerName(j.sampler), `${file}: unknown sampler ${j.sampler}`);
      const iid = samplerSpec(j.sampler).kind === 'iid';
      const ks = ksThinned(xs, cdf, j.essBulk, iid);
      const m = mcseMean(xs);
      assert.ok(
        ks.p > 0.001,
        `${file}: KS against the exact CDF: D = ${ks.D}, p = ${ks.p} (thin ${ks.thin})`,
      );
      assert.ok(
        Math.abs(m.mean - (fx.expect.mean as number)) < 4 * m.mcse,
        `${file}: mean ${m.mean} vs ${fx.expect.mean}, MCSE ${m.mcse}`,
      );
      if (fx.expect.below !== undefined) {
        // The region next to the wall is visited about as often as its probability says.
        const all = xs.flatMap((c) => Array.from(c));
        const frac = all.filter((v) => v < (fx.expect.below as number)).length / all.length;
        const p = cdf(fx.expect.below);
        assert.ok(
          frac > 0.5 * p && frac < 1.5 * p,
          `${file}: fraction below ${fx.expect.below} is ${frac}, exact ${p}`,
        );
      }
    }
  });
}
