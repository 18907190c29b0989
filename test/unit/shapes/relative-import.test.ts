// `from ...blocks import Block` (torchvision's quantization models import `...ops.misc`): the
// tokenizer reads three dots as one Ellipsis token, which is three levels up all the same.
// PyTorch 1.13, running a/b/c/mod.py as a module of the package: output (4, 2), 50 parameters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModuleHost } from '../../../src/shapes/modules/host';
import { analyze } from './strictAnalyze';

const FILES: Record<string, string> = {
  '/ws/a/__init__.py': '',
  '/ws/a/b/__init__.py': '',
  '/ws/a/b/c/__init__.py': '',
  '/ws/a/blocks.py': `import torch.nn as nn


class Block(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.fc = nn.Linear(cin, 8)

    def forward(self, x):
        return self.fc(x)
`,
};

const MOD = `import torch
import torch.nn as nn
from ...blocks import Block


class Sub(Block):
    def __init__(self):
        super().__init__(3)
        self.head = nn.Linear(8, 2)

    def forward(self, x):
        return self.head(super().forward(x))


y = Sub()(torch.randn(4, 3))
`;

function host(files: Record<string, string>): ModuleHost {
  const dirs = new Set<string>();
  for (const f of Object.keys(files))
    for (let i = f.indexOf('/', 1); i > 0; i = f.indexOf('/', i + 1)) dirs.add(f.slice(0, i));
  return {
    roots: ['/ws'],
    library: () => ({ roots: [] }),
    kind: (p) => (files[p] !== undefined ? 'file' : dirs.has(p) ? 'dir' : undefined),
    read: (p) => (files[p] !== undefined ? { text: files[p] } : { error: 'ENOENT' }),
  };
}

test('a relative import three levels up (one Ellipsis token) resolves', () => {
  const r = analyze(MOD, { file: '/ws/a/b/c/mod.py', modules: host(FILES) });
  const m = r.models.find((x) => x.name === 'Sub');
  assert.ok(m);
  assert.deepEqual(
    m.layers.map((l) => [l.name, l.output]),
    [
      ['fc', [4, 8]],
      ['head', [4, 2]],
    ],
  );
  assert.equal(m.params, 50);
});
