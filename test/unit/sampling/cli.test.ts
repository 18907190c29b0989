// `tensor-lens sample`: the JSON contract, the CSV, and one-line errors with exit code 2.
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
    // What src/cli.ts does with a CliError: print its one line, exit with its code.
    if (e instanceof CliError) return { code: e.exitCode, out, err: err + e.message + '\n' };
    throw e;
  }
}

test('--json prints one object with the contract fields, and --out writes chain,draw,x', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-sample-'));
  const csv = join(dir, 'draws.csv');
  const r = await run([
    'exp(-x^2/2) * (1 + sin(3x)^2)',
    '--sampler',
    'mh',
    '--n',
    '500',
    '--chains',
    '2',
    '--seed',
    '3',
    '--json',
    '--out',
    csv,
  ]);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 1);
  const j = JSON.parse(lines[0]) as Record<string, unknown>;
  for (const k of [
    'sampler',
    'n',
    'chains',
    'acceptance',
    'essBulk',
    'essTail',
    'rhat',
    'ks',
    'seconds',
    'drawsPerSec',
  ])
    assert.ok(k in j, k);
  assert.equal(j.sampler, 'mh');
  assert.equal(j.n, 500);
  assert.equal(j.chains, 2);
  assert.ok(
    typeof (j.ks as { D: number }).D === 'number' && typeof (j.ks as { p: number }).p === 'number',
  );
  const rows = readFileSync(csv, 'utf8').trim().split('\n');
  assert.equal(rows[0], 'chain,draw,x');
  assert.equal(rows.length, 1 + 2 * 500);
  assert.match(rows[501], /^1,0,-?\d/);
});

test('2-D draws get a y column; the summary is readable text', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-sample-'));
  const csv = join(dir, 'd.csv');
  const r = await run([
    'exp(-(x^2/2 + (y - x^2)^2))',
    '--sampler',
    'slice',
    '--n',
    '200',
    '--chains',
    '1',
    '--out',
    csv,
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /slice on .* \(2-D\)/);
  assert.match(r.out, /R-hat/);
  assert.equal(readFileSync(csv, 'utf8').split('\n')[0], 'chain,draw,x,y');
});

test('bad input: one line on stderr, exit 2, no stack trace', async () => {
  const cases: [string[], RegExp][] = [
    [['x.constructor'], /property access.*column 2/],
    [['exp(-x^2', '--sampler', 'gibbs'], /--sampler must be one of/],
    [['exp(-x^2'], /column/],
    [['exp(x)'], /not integrable/],
    [['x'], /negative/],
    [[], /give a density/],
    [['exp(-x)', '--range', '0,banana'], /--range must be A,B/],
    [['exp(-x^2-y^2)', '--sampler', 'inverse-cdf'], /1-D only/],
    [['exp(-x^2)', '--n', '0'], /at least 1/],
  ];
  for (const [argv, re] of cases) {
    const r = await run(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, re);
    assert.doesNotMatch(r.err, /at .*\.ts:\d+/);
  }
});

test('--range 0,inf samples the exponential', async () => {
  const r = await run([
    'exp(-x)',
    '--range',
    '0,inf',
    '--sampler',
    'inverse-cdf',
    '--n',
    '2000',
    '--json',
  ]);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as { mean: number; mcseMean: number; ks: { p: number } };
  assert.ok(Math.abs(j.mean - 1) < 4 * j.mcseMean);
  assert.ok(j.ks.p > 0.001);
});

test('seeds must be whole numbers within ±2^53, warm-up at most 100,000, ranges not degenerate', async () => {
  for (const [args, re] of [
    [['--seed', '1.5'], /--seed must be an integer/],
    [['--seed', '1e300'], /--seed must be a whole number from/],
    [['--warmup', '100001'], /--warmup must be at most 100000/],
    [['--range', '2,2'], /A < B/],
    [['--range', '1,1.0000000000000002'], /too narrow/],
  ] as [string[], RegExp][]) {
    const r = await run(['exp(-x^2/2)', '--n', '100', ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, re, args.join(' '));
    assert.equal(r.err.trim().split('\n').length, 1);
  }
  const ok = await run([
    'exp(-x^2/2)',
    '--n',
    '100',
    '--chains',
    '1',
    '--seed',
    '-7',
    '--warmup',
    '100000',
    '--sampler',
    'mh',
    '--json',
  ]);
  assert.equal(ok.code, 0, ok.err);
  assert.equal((JSON.parse(ok.out) as { status: string }).status, 'ok');
});
