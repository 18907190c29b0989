// `not` binds tighter than `and` and `or`: Python reads `not a and b` as `(not a) and b`. The parse
// trees (lezer's and pyparse.ts's) group it as `not (a and b)`; lowering regroups. The expected
// groupings are Python 3's own `ast.parse` (printed by /usr/bin/python3); the model below is
// torchvision's MViT `Pool` pattern, whose output PyTorch 1.13 gives as [2, 3, 4, 4].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Expr } from '../../../src/shapes/syntax/ast';
import { parseFile } from '../../../src/shapes/syntax/lower';
import { analyze } from './strictAnalyze';

function show(e: Expr): string {
  if (e.t === 'name') return e.id;
  if (e.t === 'unary') return `(${e.op} ${show(e.e)})`;
  if (e.t === 'bin')
    return `(${show(e.l)} ${e.op === 'and' || e.op === 'or' ? e.op : 'cmp'} ${show(e.r)})`;
  return '?';
}

const PYTHON: [string, string][] = [
  ['not a and b', '((not a) and b)'],
  ['x and not a or b', '((x and (not a)) or b)'],
  ['not a or b and c', '((not a) or (b and c))'],
  ['x or not a and b', '(x or ((not a) and b))'],
  ['not a and not b or c', '(((not a) and (not b)) or c)'],
  ['not (a and b)', '(not (a and b))'],
  ['not a == b', '(not (a cmp b))'],
  ['a and b or c', '((a and b) or c)'],
  ['not not a and b', '((not (not a)) and b)'],
  ['not a and b is not c', '((not a) and (b cmp c))'],
];

test('not, and, or group as Python groups them', () => {
  for (const [src, want] of PYTHON) {
    const s = parseFile(`y = ${src}\n`).stmts[0];
    assert.ok(s.t === 'assign', src);
    assert.equal(show(s.value), want, src);
  }
});

test('`if not flag and norm is not None` skips a None norm (MViT Pool)', () => {
  const m = analyze(`import torch
import torch.nn as nn

class Pool(nn.Module):
    def __init__(self, pool, norm):
        super().__init__()
        self.pool = pool
        layers = []
        if norm is not None:
            layers.append(norm)
        self.norm_act = nn.Sequential(*layers) if layers else None
        self.norm_before_pool = False

    def forward(self, x):
        x = self.pool(x)
        if not self.norm_before_pool and self.norm_act is not None:
            x = self.norm_act(x)
        return x

m = Pool(nn.MaxPool2d(2), None)
m(torch.randn(2, 3, 8, 8))
`).models[0];
  assert.deepEqual(m.output, [2, 3, 4, 4]);
});
