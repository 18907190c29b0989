// The built command line (dist/, made by `npm test` before the unit tests) loads only what a
// subcommand needs: `--help` its small entry alone, `shapes` the entry and the shapes bundle, and
// neither touches tfjs. Which files a run loads is read from require.cache when the process exits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const dist = join(root, 'dist');
const built = ['cli.js', 'cli-shapes.js', 'cli-train.js', 'cli-sample.js'].every((f) =>
  existsSync(join(dist, f)),
);

/** Runs `node dist/cli.js …args` and returns its exit code, output and the files it loaded. */
function runCli(
  args: string[],
  entry = join(dist, 'cli.js'),
): { code: number | null; stdout: string; loaded: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'tl-cli-'));
  try {
    const report = join(dir, 'loaded.json');
    const preload = join(dir, 'preload.js');
    writeFileSync(
      preload,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(Object.keys(require.cache))));\n`,
    );
    const r = spawnSync(process.execPath, ['--require', preload, entry, ...args], {
      cwd: root,
      encoding: 'utf8',
    });
    const loaded = (JSON.parse(readFileSync(report, 'utf8')) as string[])
      .filter((f) => f !== preload)
      .map((f) => relative(root, f));
    return { code: r.status, stdout: r.stdout, loaded };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const hasTfjs = (file: string): boolean =>
  /tfjs-core|registerKernel/.test(readFileSync(join(dist, file), 'utf8'));

test(
  '--help loads the entry bundle alone',
  { skip: !built && 'dist/ is not built: run npm run build (npm test does)' },
  () => {
    const r = runCli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage:/);
    assert.deepEqual(r.loaded, [join('dist', 'cli.js')]);
    assert.equal(hasTfjs('cli.js'), false);
  },
);

test(
  'shapes loads the entry and the shapes bundle, which hold no tfjs',
  { skip: !built && 'dist/ is not built' },
  () => {
    const r = runCli(['shapes', join('examples', 'mnist_cnn.py')]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Total params: 1,199,882/);
    assert.deepEqual(r.loaded, [join('dist', 'cli.js'), join('dist', 'cli-shapes.js')]);
    assert.equal(hasTfjs('cli-shapes.js'), false);
    assert.equal(hasTfjs('cli-sample.js'), false);
    // The check itself can see tfjs where it is.
    assert.equal(hasTfjs('cli-train.js'), true);
  },
);

test(
  'sample --help and a bad flag load the sample bundle without the samplers (mathjs); a run loads them',
  { skip: !built && 'dist/ is not built' },
  () => {
    const help = runCli(['sample', '--help']);
    assert.equal(help.code, 0);
    // Generated from the sampler registry, which the light bundle holds.
    assert.match(help.stdout, /nuts +NUTS \(MCMC, 1-D and 2-D\)/);
    assert.deepEqual(help.loaded, [join('dist', 'cli.js'), join('dist', 'cli-sample.js')]);
    const bad = runCli(['sample', 'x', '--warmup', 'many']);
    assert.equal(bad.code, 2);
    assert.deepEqual(bad.loaded, [join('dist', 'cli.js'), join('dist', 'cli-sample.js')]);
    assert.equal(
      /mathjs|typed-function/.test(readFileSync(join(dist, 'cli-sample.js'), 'utf8')),
      false,
    );
    const run = runCli(['sample', 'exp(-x^2/2)', '--n', '50', '--chains', '1', '--json']);
    assert.equal(run.code, 0);
    assert.ok(run.loaded.includes(join('dist', 'cli-sampling-engine.js')));
  },
);

test(
  'each subcommand runs from its bundle through bin/tensor-lens.js; errors cross bundles as one line',
  { skip: !built && 'dist/ is not built' },
  () => {
    const bin = join(root, 'bin', 'tensor-lens.js');
    const help = runCli(['train', '--help'], bin);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: tensor-lens train/);
    assert.ok(help.loaded.includes(join('dist', 'cli-train.js')));
    const sample = runCli(['sample', 'exp(-x^2/2)', '--n', '50', '--chains', '1', '--json'], bin);
    assert.equal(sample.code, 0);
    assert.equal((JSON.parse(sample.stdout) as { n: number }).n, 50);
    // A CliError thrown inside cli-shapes.js is still recognised by the entry: exit 2, not 1.
    const r = spawnSync(process.execPath, [bin, 'shapes', 'no-such-file.py'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /cannot read no-such-file\.py/);
  },
);
