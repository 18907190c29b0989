// Multi-file projects against PyTorch 1.13: test/fixtures/shapes-projects/truth.json, recorded by
// scripts/record-shapes-projects.py from the same files. The engine reads each project as it is laid
// out on disk (the project's folder as the workspace root), and torchvision where Debian installs it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { toJson } from '../../../src/cli/shapes';
import { fsModuleHost } from '../../../src/pyenv/moduleHost';
import { sitePathsSync } from '../../../src/pyenv/sysPath';
import { analyze } from '../../../src/shapes';

const DIR = join(__dirname, '..', '..', 'fixtures', 'shapes-projects');
const PYTHON = '/usr/bin/python3';

interface Truth {
  project: string;
  file: string;
  class: string;
  input: number[];
  output: number[];
  params: number;
  layers: [string, string, number[] | null, number][];
}
interface JsonModel {
  name: string;
  input: unknown[];
  inputSource: string;
  output: unknown;
  params: number | null;
  layers: { name: string; type: string; output: unknown; params: number | null }[];
}

const truth = JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as { models: Truth[] };
const hasTorchvision = existsSync('/usr/lib/python3/dist-packages/torchvision/models/resnet.py');

for (const t of truth.models) {
  const needsTv = t.project === 'torchvision-wrap';
  test(
    `${t.project}/${t.file}: ${t.class} matches PyTorch entry for entry`,
    {
      skip:
        needsTv && !hasTorchvision
          ? 'python3-torchvision is not installed (bash scripts/setup-python.sh)'
          : false,
    },
    () => {
      const root = join(DIR, t.project);
      const file = join(root, t.file);
      const modules = fsModuleHost({ roots: [root], library: () => sitePathsSync(PYTHON) });
      const r = analyze(readFileSync(file, 'utf8'), {
        file,
        modules,
        strict: true,
        budget: { timeMs: 60_000 },
      });
      const models = (toJson(r) as { models: JsonModel[] }).models;
      const m = models.find((x) => x.name === t.class);
      assert.ok(m, `no model ${t.class} among ${models.map((x) => x.name).join(', ')}`);
      assert.ok(['call', 'comment'].includes(m.inputSource), m.inputSource);
      assert.deepEqual(m.input, [t.input]);
      const got = m.layers.map((l) => [l.name, l.type, l.output, l.params]);
      assert.deepEqual(got, t.layers);
      assert.deepEqual(m.output, t.output);
      assert.equal(m.params, t.params);
      assert.deepEqual(
        r.diagnostics.filter((d) => d.severity === 'error'),
        [],
      );
    },
  );
}
