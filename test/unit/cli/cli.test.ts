import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../../src/cli';
import { parseArgs, parseShapeList, CliError } from '../../../src/cli/args';
import type { CliIO } from '../../../src/cli/output';
import { version } from '../../../package.json';

function io(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    interrupted: new AbortController().signal,
  };
}

test('--help lists the three subcommands and exits 0', async () => {
  const o = io();
  assert.equal(await main(['--help'], o), 0);
  const text = o.stdout.join('\n');
  for (const c of ['shapes FILE.py', 'train ', 'sample EXPR'])
    assert.ok(text.includes(c), `help mentions ${c}`);
});

test('no arguments prints usage and exits 2', async () => {
  const o = io();
  assert.equal(await main([], o), 2);
  assert.match(o.stdout.join(''), /Usage:/);
});

test('--version prints the package version', async () => {
  const o = io();
  assert.equal(await main(['--version'], o), 0);
  assert.deepEqual(o.stdout, [version]);
});

test('an unknown command is one line on stderr, exit 2', async () => {
  const o = io();
  assert.equal(await main(['shape'], o), 2);
  assert.equal(o.stderr.length, 1);
  assert.match(o.stderr[0], /unknown command 'shape'.*shapes, train, sample/);
  // Names of Object.prototype's members are unknown commands too, not a crash setting exitCode.
  for (const name of ['constructor', 'toString', '__proto__']) {
    const p = io();
    assert.equal(await main([name], p), 2, name);
    assert.match(p.stderr[0], /unknown command/);
  }
});

const spec = {
  n: { kind: 'int', min: 1 },
  json: { kind: 'boolean' },
  sampler: { kind: 'string', choices: ['mh', 'nuts'] },
  range: { kind: 'string' },
} as const;

test('flags: forms, values and positionals', () => {
  const r = parseArgs(
    ['x^2', '--n', '10', '--json', '--sampler=mh', '--range', '-3,3'],
    spec,
    'sample',
  );
  assert.deepEqual(r.positionals, ['x^2']);
  assert.deepEqual(r.flags, { n: 10, json: true, sampler: 'mh', range: '-3,3' });
});

test('flags: each bad input names the flag and what it accepts', () => {
  const cases: [string[], RegExp][] = [
    [['--bogus'], /unknown option --bogus \(known: --n, --json, --sampler, --range/],
    [['--toString', '5'], /unknown option --toString/],
    [['--constructor=1'], /unknown option --constructor/],
    [['--n'], /--n needs a value/],
    [['--n', 'ten'], /--n must be an integer, not 'ten'/],
    [['--n', '2.5'], /--n must be an integer/],
    [['--n', '0'], /--n must be at least 1/],
    [['--sampler', 'gibbs'], /--sampler must be one of mh\|nuts, not 'gibbs'/],
    [['--json=1'], /--json takes no value/],
  ];
  for (const [argv, re] of cases) {
    assert.throws(
      () => parseArgs(argv, spec, 'sample'),
      (e: CliError) =>
        e instanceof CliError &&
        e.exitCode === 2 &&
        re.test(e.message) &&
        !e.message.includes('\n'),
    );
  }
});

test('input shapes: numbers, symbols, several inputs', () => {
  assert.deepEqual(parseShapeList('1,1,28,28'), [[1, 1, 28, 28]]);
  assert.deepEqual(parseShapeList('(B, 3, H, W)'), [['B', 3, 'H', 'W']]);
  assert.deepEqual(parseShapeList('(1, 300), (1, 300)'), [
    [1, 300],
    [1, 300],
  ]);
  assert.deepEqual(parseShapeList('1,300;1,300'), [
    [1, 300],
    [1, 300],
  ]);
  assert.throws(() => parseShapeList('1,-2'), /bad dimension '-2'/);
});
