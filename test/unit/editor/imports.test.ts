// The editor's imports through the analysis cache, on a real folder: the files an analysis read reach
// the listener (so editing one redoes its importers), and an import of an installed library sends the
// analysis to the worker instead of reading the library on the host thread.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AnalysisCache, type Analyzer, type DocLike } from '../../../src/editor/analysisCache';
import { inProcessAnalyzer } from '../../../src/editor/engine';
import { fsModuleHost } from '../../../src/pyenv/moduleHost';
import { analyze } from '../../../src/shapes';
import type { AnalysisResult } from '../../../src/shapes/types';

const dir = mkdtempSync(join(tmpdir(), 'tensor-lens-editor-imports-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const ws = join(dir, 'ws');
const site = join(dir, 'site');
mkdirSync(join(site, 'fakelib'), { recursive: true });
mkdirSync(ws);
const BLOCK = `import torch.nn as nn\n\n\nclass Block(nn.Module):\n    def __init__(self, w):\n        super().__init__()\n        self.fc = nn.Linear(3, w)\n\n    def forward(self, x):\n        return self.fc(x)\n`;
writeFileSync(join(ws, 'blocks.py'), BLOCK);
writeFileSync(join(site, 'fakelib', '__init__.py'), BLOCK);

const net = (from: string) =>
  `import torch\nimport torch.nn as nn\nfrom ${from} import Block\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.b = Block(5)\n\n    def forward(self, x):\n        return self.b(x)\n\n\nNet()(torch.randn(2, 3))\n`;

function docOf(path: string, text: string): DocLike {
  return { key: `file://${path}`, version: 1, fileName: path, lineCount: 16, getText: () => text };
}

function setUp() {
  const routes: string[] = [];
  const logs: string[] = [];
  const seen: AnalysisResult[] = [];
  const worker: Analyzer = async (source, file, defaultInput, _signal, modules) => {
    routes.push('worker');
    return analyze(source, {
      file,
      defaultInput,
      modules: modules ? fsModuleHost(modules) : undefined,
    });
  };
  const cache = new AnalysisCache({
    inProcess: (...a) => {
      routes.push('host');
      return inProcessAnalyzer(...a);
    },
    offThread: worker,
    defaultInput: () => undefined,
    modules: () => ({ roots: [ws], library: { roots: [site] } }),
    log: { debug: (m) => logs.push(m) },
    heavyDelayMs: 0,
  });
  cache.onDidAnalyze((_k, _v, r) => seen.push(r));
  return { cache, routes, logs, seen };
}

test('a workspace import is read on the host, and the files read reach the listener', async () => {
  const { cache, routes, seen } = setUp();
  const r = await cache.get(docOf(join(ws, 'net.py'), net('blocks')));
  assert.deepEqual(routes, ['host']);
  assert.deepEqual(r?.models.find((m) => m.name === 'Net')?.output, [2, 5]);
  assert.deepEqual(seen[0].imported, [join(ws, 'blocks.py')]);
});

test('an installed library is never read on the host: the analysis goes to the worker', async () => {
  const { cache, routes, logs, seen } = setUp();
  const r = await cache.get(docOf(join(ws, 'lib_net.py'), net('fakelib')));
  assert.deepEqual(routes, ['host', 'worker']);
  assert.ok(logs.some((l) => /needs the worker \(it imports an installed library\)/.test(l)));
  assert.deepEqual(r?.models.find((m) => m.name === 'Net')?.output, [2, 5]);
  assert.equal(r?.budgetExceeded, undefined);
  assert.deepEqual(seen[0].imported, [join(site, 'fakelib', '__init__.py')]);
  // Its next versions go to the worker directly.
  await cache.get({ ...docOf(join(ws, 'lib_net.py'), net('fakelib')), version: 2 });
  assert.deepEqual(routes, ['host', 'worker', 'worker']);
});
