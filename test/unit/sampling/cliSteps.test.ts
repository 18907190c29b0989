// `tensor-lens sample --trace-steps N` and the tuning flags: the trace's positions are the draws
// `--out` writes for chain 0, a given value reaches the sampler unchanged, and bad values are one
// line with exit code 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleCommand } from '../../../src/cli/sample';
import { CliError } from '../../../src/cli/args';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '',
    err = '';
  const io = {
    out: (t: string) => {
      out += t + '\n';
    },
    err: (t: string) => {
      err += t + '\n';
    },
    interrupted: new AbortController().signal,
  };
  try {
    return { code: await sampleCommand(argv, io), out, err };
  } catch (e) {
    if (e instanceof CliError) return { code: e.exitCode, out, err: err + e.message + '\n' };
    throw e;
  }
}

test('--trace-steps records the draws --out writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-steps-'));
  for (const sampler of ['mh', 'slice', 'hmc', 'nuts']) {
    const common = ['exp(-(x^2/2 + (y - x^2)^2))', '--sampler', sampler, '--n', '25'];
    const more = ['--chains', '1', '--warmup', '120', '--seed', '11', '--step-size', 'auto'];
    const csv = join(dir, `${sampler}.csv`);
    const a = await run([...common, ...more, '--out', csv, '--json']);
    assert.equal(a.code, 0, a.err);
    const b = await run([...common, ...more, '--trace-steps', '25']);
    assert.equal(b.code, 0, b.err);
    const trace = JSON.parse(b.out) as { sampler: string; dims: number; steps: { to: number[] }[] };
    assert.equal(trace.sampler, sampler);
    assert.equal(trace.dims, 2);
    const rows = readFileSync(csv, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number));
    assert.equal(rows.length, 25);
    // The CSV writes shortest round-trip decimals, so the numbers compare exactly.
    assert.deepEqual(
      trace.steps.map((s) => s.to),
      rows.map((r) => [r[2], r[3]]),
    );
  }
});

test('a tuning value reaches the sampler as given; auto adapts', async () => {
  const base = ['exp(-x^2/2)', '--n', '500', '--chains', '1', '--json'];
  const fixed = JSON.parse((await run([...base, '--sampler', 'mh', '--mh-scale', '0.3'])).out) as {
    stepSize: number;
  };
  assert.equal(fixed.stepSize, 0.3);
  const auto = JSON.parse((await run([...base, '--sampler', 'mh', '--mh-scale', 'auto'])).out) as {
    stepSize: number;
  };
  assert.notEqual(auto.stepSize, 0.3);
  const hmc = JSON.parse(
    (await run([...base, '--sampler', 'hmc', '--step-size', '0.2', '--steps', '5'])).out,
  ) as { stepSize: number; leapfrogsPerDraw: number };
  assert.equal(hmc.stepSize, 0.2);
  assert.equal(hmc.leapfrogsPerDraw, 5);
});

test('bad tuning or trace flags: one line, exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['exp(-x^2)', '--step-size', 'fast'], /--step-size must be a number or auto/],
    [['exp(-x^2)', '--max-depth', '99'], /tree depth must be a whole number from 1 to 15/],
    [['exp(-x^2)', '--steps', '2.5', '--sampler', 'hmc'], /leapfrog steps/],
    [['exp(-x^2)', '--target-accept', '1.5'], /target acceptance/],
    [['exp(-x^2)', '--trace-steps', '9999'], /from 1 to 500/],
    [['exp(-x^2)', '--trace-steps', '5', '--sampler', 'inverse-cdf'], /records mh, slice/],
  ];
  for (const [argv, re] of cases) {
    const r = await run(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, re);
  }
});
