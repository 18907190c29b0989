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
  assert.deepEqual(r.imported, ['/ws/pkg/a.py', '/ws/pkg/b.py']);
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
