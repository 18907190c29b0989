// A package whose __init__ binds a name over its submodule of that name (timm.layers:
// `from .create_attn import create_attn`): `from pkg import make_head` is then the function, not the
// module. PyTorch 1.13 (/usr/bin/python3) on these files: output (2, 3), 15 parameters, and
// `import pkg.make_head as m` is the function too. With an empty __init__, the name is the module.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModuleHost } from '../../../src/shapes/modules/host';
import { analyze } from './strictAnalyze';

const HEAD = `import torch.nn as nn


def make_head(cin, n):
    return nn.Linear(cin, n)
`;

const main = (imp: string, call: string): string => `import torch
import torch.nn as nn
${imp}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = ${call}(4, 3)

    def forward(self, x):
        return self.head(x)


y = Net()(torch.randn(2, 4))
`;

function host(init: string): ModuleHost {
  const files: Record<string, string> = {
    '/ws/pkg/__init__.py': init,
    '/ws/pkg/make_head.py': HEAD,
  };
  return {
    roots: ['/ws'],
    library: () => ({ roots: [] }),
    kind: (p) => (files[p] !== undefined ? 'file' : p === '/ws/pkg' ? 'dir' : undefined),
    read: (p) => (files[p] !== undefined ? { text: files[p] } : { error: 'ENOENT' }),
  };
}

function net(src: string, init: string): { output: unknown; params: unknown } | undefined {
  const r = analyze(src, { file: '/ws/main.py', modules: host(init) });
  return r.models.find((x) => x.name === 'Net');
}

const SHADOW = 'from .make_head import make_head\n';

test("the package's binding wins over its submodule of the same name", () => {
  for (const [imp, call] of [
    ['from pkg import make_head', 'make_head'],
    ['import pkg.make_head as m', 'm'],
    ['import pkg', 'pkg.make_head'],
  ]) {
    const m = net(main(imp, call), SHADOW);
    assert.ok(m, imp);
    assert.deepEqual(m.output, [2, 3], imp);
    assert.equal(m.params, 15, imp);
  }
});

test('without such a binding the name is the submodule', () => {
  const m = net(main('from pkg import make_head', 'make_head.make_head'), '');
  assert.ok(m);
  assert.deepEqual(m.output, [2, 3]);
  assert.equal(m.params, 15);
});
