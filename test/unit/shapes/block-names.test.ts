// A class named in another model class (`kinds = [Block]`, `mod.Block(...)`) is a building block: its
// analysis alone, on a guessed input, reports no diagnostics. "Named" is `\bName\b` in the other
// class's text, found from one word index of the classes (src/shapes/index.ts): a longer word that
// holds the name (`Block2`, `BlockBlock`, `Block_`) does not name it, a string or attribute does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/shapes';

function file(block: string, mention: string): string {
  return `import torch.nn as nn


class ${block}(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3)
        self.c2 = nn.Conv2d(4, 8, 3)

    def forward(self, x):
        return self.c2(self.c1(x))


class Net(nn.Module):
    kinds = [${mention}]

    def __init__(self):
        super().__init__()
        self.out = nn.Linear(3, 2)

    def forward(self, x):
        return self.out(x)
`;
}

/** Whether the block's own (symbolic) trace reported its channel mismatch: it did unless a block. */
function reported(block: string, mention: string): boolean {
  const r = analyze(file(block, mention), { strict: true });
  return r.diagnostics.some((d) => d.code === 'conv-in-channels');
}

test('a class named as a whole word in another class is a block (no diagnostics alone)', () => {
  for (const m of ['Block', 'mod.Block', '"Block"', '(Block, Block)'])
    assert.equal(reported('Block', m), false, m);
});

test('a longer word holding the name does not make it a block', () => {
  for (const m of ['Block2', 'BlockBlock', 'Block_', 'xBlock', '"ABlock"'])
    assert.equal(reported('Block', m), true, m);
});

test('its own text does not count: alone, the class is analysed as a model', () => {
  assert.equal(reported('Block', 'None'), true);
});

test('a non-ASCII class name is matched as \\bName\\b matches it', () => {
  assert.equal(reported('Blöck', 'Blöck'), false);
  assert.equal(reported('Blöck', 'xBlöck'), true);
});
