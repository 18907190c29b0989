// `tensor-lens shapes --root DIR --python PATH`: imports read from the roots, a bad root refused
// with one line, and a Python that does not exist named in the unknown reason, never a crash.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../../src/cli';
import type { CliIO } from '../../../src/cli/output';

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

const PROJECTS = join(__dirname, '..', '..', 'fixtures', 'shapes-projects');
interface Truth {
  project: string;
  class: string;
  params: number;
}
const truth = (
  JSON.parse(readFileSync(join(PROJECTS, 'truth.json'), 'utf8')) as { models: Truth[] }
).models;

test('--root: a src/ layout project resolves, with the parameter total PyTorch counts', async () => {
  const root = join(PROJECTS, 'srclayout');
  const o = io();
  const code = await main(
    [
      'shapes',
      join(root, 'app', 'mnist.py'),
      '--root',
      root,
      '--python',
      '/nonexistent/python',
      '--json',
    ],
    o,
  );
  assert.equal(code, 0, o.stderr.join('\n'));
  const out = JSON.parse(o.stdout.join('')) as { models: { name: string; params: number }[] };
  const want = truth.find((t) => t.project === 'srclayout');
  assert.equal(out.models.find((m) => m.name === 'Net')?.params, want?.params);
});

test('--root that is not a folder is refused with one line naming it', async () => {
  const o = io();
  const code = await main(
    ['shapes', join(PROJECTS, 'cycle', 'main.py'), '--root', '/nonexistent-root'],
    o,
  );
  assert.equal(code, 2);
  assert.match(o.stderr.join('\n'), /--root \/nonexistent-root is not a folder/);
});

test('--python that does not exist: installed packages stay unknown, saying why', async () => {
  const o = io();
  const file = join(PROJECTS, 'torchvision-wrap', 'wrappers.py');
  const code = await main(['shapes', file, '--python', '/nonexistent/python', '--json'], o);
  assert.equal(code, 0);
  const out = JSON.parse(o.stdout.join('')) as {
    models: { name: string; params: number | null; layers: { unknownReason?: string }[] }[];
  };
  const m = out.models.find((x) => x.name === 'ResNetHead');
  assert.equal(m?.params, null);
  assert.ok(
    m?.layers.some((l) => /no Python at '\/nonexistent\/python'/.test(l.unknownReason ?? '')),
    JSON.stringify(m?.layers),
  );
});
