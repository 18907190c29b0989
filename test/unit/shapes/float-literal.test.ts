// `0.` is a float literal in Python; the parser (lezer) reads the int 0 followed by a dot with no
// name, which made `rate > 0.` unknown. PyTorch 1.13 (/usr/bin/python3) on FILE: output (2, 20), 100
// parameters, `drop` is None. Where lezer takes the next keyword as the dot's name
// (`x if r > 0. else None`) the tree is broken past repair and the value stays unknown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';
import { parseFile } from '../../../src/shapes/syntax/lower';

const FILE = `import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, rate=0., scale=10.):
        super().__init__()
        self.drop = None
        if rate > 0.:
            self.drop = nn.Dropout(rate)
        self.fc = nn.Linear(4, int(scale * 2.) if isinstance(scale, float) else 3)

    def forward(self, x):
        if self.drop is not None:
            x = self.drop(x)
        return self.fc(x)


model = Net()
y = model(torch.randn(2, 4))
`;

test('a float literal ending in a dot is a float', () => {
  const m = analyze(FILE).models.find((x) => x.name === 'Net');
  assert.ok(m);
  assert.deepEqual(m.output, [2, 20]);
  assert.equal(m.params, 100);
  assert.deepEqual(
    m.layers.map((l) => l.name),
    ['fc'],
  );
});

test('the float literals 0. and 1. in a call, 1..real, and 3. before a keyword unknown', () => {
  const value = (src: string): unknown => {
    const s = parseFile(src).stmts[0];
    return s && s.t === 'assign' ? s.value : undefined;
  };
  assert.deepEqual(value('v = 0.\n'), { t: 'num', v: 0, int: false, from: 4, to: 6 });
  assert.notEqual((value('v = 3. if a else 2.\n') as { t: string }).t, 'num');
  const call = value('v = f(1.)\n') as { args: { value: unknown }[] };
  assert.deepEqual(call.args[0]?.value, { t: 'num', v: 1, int: false, from: 6, to: 8 });
  const attr = value('v = 1..real\n') as { t: string; obj: unknown };
  assert.equal(attr.t, 'attr');
  assert.deepEqual(attr.obj, { t: 'num', v: 1, int: false, from: 4, to: 6 });
});
