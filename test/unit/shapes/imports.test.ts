// Imports through an in-memory module host: what resolves, what stays unknown and why, cycles,
// relative imports outside a package, the parse kept per content. The shapes themselves are checked
// against PyTorch in imports-projects.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../../src/shapes';
import type { ModuleHost } from '../../../src/shapes/modules/host';

function memoryHost(
  files: Record<string, string>,
  library: { roots: string[]; error?: string } = { roots: [] },
): ModuleHost & { reads: string[] } {
  const reads: string[] = [];
  const dirs = new Set<string>();
  for (const f of Object.keys(files))
    for (let i = f.indexOf('/', 1); i > 0; i = f.indexOf('/', i + 1)) dirs.add(f.slice(0, i));
  return {
    roots: ['/ws'],
    reads,
    library: () => library,
    kind: (p) => (files[p] !== undefined ? 'file' : dirs.has(p) ? 'dir' : undefined),
    read: (p) => {
      reads.push(p);
      return files[p] !== undefined ? { text: files[p] } : { error: 'ENOENT' };
    },
  };
}

const NET = `import torch
import torch.nn as nn
from blocks import Block, WIDTH


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.b = Block(3)
        self.fc = nn.Linear(WIDTH, 2)

    def forward(self, x):
        return self.fc(self.b(x))


Net()(torch.randn(4, 3))
`;

const BLOCKS = `import torch.nn as nn
WIDTH = 8


class Block(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.fc = nn.Linear(cin, WIDTH)

    def forward(self, x):
        return self.fc(x)
`;

const net = (r: ReturnType<typeof analyze>) => r.models.find((m) => m.name === 'Net');

test('a class and a constant of another file are used; the layers inside show at the call', () => {
  const host = memoryHost({ '/ws/net.py': NET, '/ws/blocks.py': BLOCKS });
  const r = analyze(NET, { file: '/ws/net.py', modules: host, strict: true });
  const m = net(r);
  assert.deepEqual(m?.output, [4, 2]);
  assert.equal(m?.params, 3 * 8 + 8 + 8 * 2 + 2);
  assert.deepEqual(
    m?.layers.map((l) => [l.name, l.line]),
    [
      ['b.fc', 13],
      ['fc', 13],
    ],
  );
  assert.deepEqual(r.imported, ['/ws/blocks.py']);
  // Without a host the same file knows nothing of Block.
  assert.equal(net(analyze(NET, { file: '/ws/net.py' }))?.params, null);
});

test('the imported file is parsed once per content; an edit is seen by the next analysis', () => {
  const files = { '/ws/net.py': NET, '/ws/blocks.py': BLOCKS };
  const host = memoryHost(files);
  analyze(NET, { file: '/ws/net.py', modules: host });
  files['/ws/blocks.py'] = BLOCKS.replace('WIDTH = 8', 'WIDTH = 5');
  assert.deepEqual(
    net(analyze(NET, { file: '/ws/net.py', modules: host }))?.params,
    3 * 5 + 5 + 5 * 2 + 2,
  );
});

test('a missing package and an unknown Python stay unknown with the reason', () => {
  const src = `import torch\nimport torch.nn as nn\nimport torchvision\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.m = torchvision.models.resnet18()\n\n    def forward(self, x):\n        return self.m(x)\n\n\nNet()(torch.randn(1, 3, 32, 32))\n`;
  const host = memoryHost(
    { '/ws/net.py': src },
    { roots: [], error: "no Python at 'python3' to find installed libraries" },
  );
  const m = analyze(src, { file: '/ws/net.py', modules: host }).models.find(
    (x) => x.name === 'Net',
  );
  assert.equal(m?.output, null);
  assert.equal(m?.params, null);
  const why = m?.layers[0]?.unknownReason ?? '';
  assert.match(why, /torchvision is not in the workspace, and no Python at 'python3'/);
});

test('an import cycle is safe: names are looked up when used, after both modules ran', () => {
  const a = `import torch.nn as nn\nfrom . import b\nN = 3\n\n\nclass A(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(N, b.M)\n\n    def forward(self, x):\n        return self.fc(x)\n`;
  const b = `from . import a\nM = 6\n\n\ndef width():\n    return a.N\n`;
  const main = `import torch\nfrom pkg.a import A\n\nA()(torch.randn(2, 3))\n`;
  const host = memoryHost({
    '/ws/main.py': main,
    '/ws/pkg/__init__.py': '',
    '/ws/pkg/a.py': a,
    '/ws/pkg/b.py': b,
  });
  const r = analyze(main, { file: '/ws/main.py', modules: host, strict: true });
  assert.equal(r.diagnostics.filter((d) => d.severity === 'error').length, 0);
  // A is imported, not a model of main.py.
  assert.equal(r.models.length, 0);
  // pkg/__init__.py is read too: a name it binds would shadow the submodule `pkg.b`.
  assert.deepEqual(r.imported, ['/ws/pkg/a.py', '/ws/pkg/__init__.py', '/ws/pkg/b.py']);
});

test('star imports, __all__, and a relative import outside any package', () => {
  const blocks = BLOCKS + `\n__all__ = ['Block']\n`;
  const src = `import torch\nimport torch.nn as nn\nfrom blocks import *\nfrom .x import y\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.b = Block(3)\n        self.w = y\n\n    def forward(self, x):\n        return self.b(x)\n\n\nNet()(torch.randn(4, 3))\n`;
  const host = memoryHost({ '/ws/net.py': src, '/ws/blocks.py': blocks });
  const m = analyze(src, { file: '/ws/net.py', modules: host, strict: true }).models.find(
    (x) => x.name === 'Net',
  );
  assert.deepEqual(m?.output, [4, 8]);
});

test('an imported top level runs once: a later analysis reuses it, even on a budget it would not fit', () => {
  // 40,000 loop steps at blocks' top level: more than the 20,000-step budget of the second analysis.
  const blocks = BLOCKS.replace('WIDTH = 8', 'WIDTH = 0\nfor _ in range(40000):\n    WIDTH = 8');
  const files = { '/ws/kept/net.py': NET, '/ws/kept/blocks.py': blocks };
  const first = analyze(NET, { file: '/ws/kept/net.py', modules: memoryHost(files) });
  assert.equal(first.budgetExceeded, undefined);
  assert.equal(net(first)?.params, 3 * 8 + 8 + 8 * 2 + 2);
  const small = { steps: 20_000 };
  const again = analyze(NET, {
    file: '/ws/kept/net.py',
    modules: memoryHost(files),
    budget: small,
  });
  assert.equal(again.budgetExceeded, undefined);
  assert.equal(net(again)?.params, 3 * 8 + 8 + 8 * 2 + 2);
  assert.deepEqual(again.imported, ['/ws/kept/blocks.py']);
  // The same file changed is run again, and then does not fit the small budget.
  files['/ws/kept/blocks.py'] = blocks.replace('WIDTH = 8', 'WIDTH = 7');
  const edited = analyze(NET, {
    file: '/ws/kept/net.py',
    modules: memoryHost(files),
    budget: small,
  });
  assert.equal(edited.budgetExceeded, 'steps');
});

test('editing a file that the imported file imports refreshes the importer', () => {
  const consts = 'WIDTH = 8\n';
  const blocks = BLOCKS.replace('WIDTH = 8', 'from consts import WIDTH');
  const files = {
    '/ws/deep/net.py': NET,
    '/ws/deep/blocks.py': blocks,
    '/ws/deep/consts.py': consts,
  };
  const run = () =>
    analyze(NET, { file: '/ws/deep/net.py', modules: memoryHost(files), strict: true });
  const r = run();
  assert.equal(net(r)?.params, 3 * 8 + 8 + 8 * 2 + 2);
  assert.deepEqual(r.imported, ['/ws/deep/blocks.py', '/ws/deep/consts.py']);
  // Kept: the files it read are still reported, so the editor knows whom an edit concerns.
  assert.deepEqual(run().imported, ['/ws/deep/blocks.py', '/ws/deep/consts.py']);
  files['/ws/deep/consts.py'] = 'WIDTH = 5\n';
  assert.equal(net(run())?.params, 3 * 5 + 5 + 5 * 2 + 2);
  // A file that appears earlier on the path now answers the same import.
  const shadowed = { ...files, '/ws/consts.py': 'WIDTH = 4\n' };
  const r2 = analyze(NET, { file: '/ws/deep/net.py', modules: memoryHost(shadowed), strict: true });
  assert.equal(net(r2)?.params, 3 * 4 + 4 + 4 * 2 + 2);
});

test("importers change their own copy of an imported list, dict or class, never each other's", () => {
  const shared = `import torch.nn as nn\nSIZES = [4]\nTABLE = {'w': 6}\n\n\nclass Cfg:\n    width = 8\n`;
  const writer = `import torch\nimport torch.nn as nn\nimport shared\nfrom shared import SIZES, TABLE, Cfg\n\nSIZES.append(5)\nTABLE['w'] = 7\nCfg.width = 9\nshared.SIZES.append(6)\n\n\nclass W(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.a = nn.Linear(len(SIZES), TABLE['w'])\n        self.b = nn.Linear(TABLE['w'], Cfg.width)\n\n    def forward(self, x):\n        return self.b(self.a(x))\n\n\nW()(torch.randn(2, 3))\n`;
  const reader = `import torch\nimport torch.nn as nn\nfrom shared import SIZES, TABLE, Cfg\n\n\nclass R(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.a = nn.Linear(len(SIZES), TABLE['w'])\n        self.b = nn.Linear(TABLE['w'], Cfg.width)\n\n    def forward(self, x):\n        return self.b(self.a(x))\n\n\nR()(torch.randn(2, 1))\n`;
  const files = { '/ws/mut/shared.py': shared, '/ws/mut/w.py': writer, '/ws/mut/r.py': reader };
  const host = () => memoryHost(files);
  const one = (src: string, file: string) =>
    analyze(src, { file, modules: host(), strict: true }).models[0];
  const readerFirst = one(reader, '/ws/mut/r.py');
  assert.deepEqual([readerFirst.output, readerFirst.params], [[2, 8], 1 * 6 + 6 + 6 * 8 + 8]);
  // The writer sees its own changes: three sizes, w = 7, width 9 …
  for (let i = 0; i < 2; i++) {
    const w = one(writer, '/ws/mut/w.py');
    assert.deepEqual([w.input, w.output], [[[2, 3]], [2, 9]]);
    assert.equal(w.params, 3 * 7 + 7 + 7 * 9 + 9);
  }
  // … and the reader, analysed after it, sees none of them.
  const r = one(reader, '/ws/mut/r.py');
  assert.deepEqual([r.output, r.params], [[2, 8], 1 * 6 + 6 + 6 * 8 + 8]);
});

test('an import cycle is not kept: each analysis runs it, entered from either side', () => {
  const a = `import torch.nn as nn\nfrom . import b\nN = 3\n\n\nclass A(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(N, b.M)\n\n    def forward(self, x):\n        return self.fc(x)\n`;
  const b = `from . import a\nM = 6\nEARLY = getattr(a, 'N', 0)\n`;
  const viaA = `import torch\nfrom pkg.a import A\n\nA()(torch.randn(2, 3))\n`;
  const viaB = `import torch\nimport torch.nn as nn\nfrom pkg.b import M, EARLY\nfrom pkg.a import A\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.a = A()\n        self.fc = nn.Linear(M, 2)\n\n    def forward(self, x):\n        return self.fc(self.a(x))\n\n\nNet()(torch.randn(2, 3))\n`;
  const files = {
    '/ws/cyc/pkg/__init__.py': '',
    '/ws/cyc/pkg/a.py': a,
    '/ws/cyc/pkg/b.py': b,
    '/ws/cyc/via_a.py': viaA,
    '/ws/cyc/via_b.py': viaB,
  };
  for (let i = 0; i < 2; i++) {
    const ra = analyze(viaA, {
      file: '/ws/cyc/via_a.py',
      modules: memoryHost(files),
      strict: true,
    });
    assert.equal(ra.diagnostics.filter((d) => d.severity === 'error').length, 0);
    const rb = analyze(viaB, {
      file: '/ws/cyc/via_b.py',
      modules: memoryHost(files),
      strict: true,
    });
    const m = rb.models.find((x) => x.name === 'Net');
    assert.deepEqual(m?.output, [2, 2]);
    assert.equal(m?.params, 3 * 6 + 6 + 6 * 2 + 2);
  }
});

test('a standard-library import never asks for the site folders (no Python is run for it)', () => {
  const src = `import os\nimport json\nimport torch\nimport torch.nn as nn\n\nROOT = os.path.join(os.path.dirname(__file__), 'data')\nCFG = json.loads('{}')\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 2)\n\n    def forward(self, x):\n        return self.fc(x)\n\n\nNet()(torch.randn(3, 4))\n`;
  let asked = 0;
  const host = memoryHost({ '/ws/std/net.py': src });
  host.library = () => {
    asked++;
    return { roots: [] };
  };
  const r = analyze(src, { file: '/ws/std/net.py', modules: host, strict: true });
  assert.deepEqual(net(r)?.output, [3, 2]);
  assert.equal(asked, 0);
  // A package that is neither: asked (fsModuleHost runs the Python once per process).
  const tv = src
    .replace('import json', 'import torchvision')
    .replace("json.loads('{}')", 'torchvision.models.resnet18()');
  analyze(tv, { file: '/ws/std/net.py', modules: host });
  assert.ok(asked > 0);
});

test('a value nested too deep to copy is used as it is, by one analysis at a time', () => {
  const deep = `x = []\nfor _ in range(3000):\n    x = [x]\nWIDTH = 6\n`;
  const src = `import torch\nimport torch.nn as nn\nfrom deep import x, WIDTH\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(len(x) + 2, WIDTH)\n\n    def forward(self, x):\n        return self.fc(x)\n\n\nNet()(torch.randn(2, 3))\n`;
  const files = { '/ws/deepval/net.py': src, '/ws/deepval/deep.py': deep };
  for (let i = 0; i < 2; i++) {
    const r = analyze(src, {
      file: '/ws/deepval/net.py',
      modules: memoryHost(files),
      strict: true,
    });
    assert.deepEqual(net(r)?.output, [2, 6]);
    assert.equal(net(r)?.params, 3 * 6 + 6);
  }
});
