// `not` binds tighter than `and`/`or` in Python, though lezer's tree gives it everything after it:
// `not a and b` is `(not a) and b`. Each expected value is what Python 3 evaluates the expression to
// (`/usr/bin/python3 -c "a, b, c = …; print(<expr>)"`); the model returns x[:, :1] when it is true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const CASES: [string, string, boolean][] = [
  ['not a and b', 'False, False, False', false],
  ['not a and b or c', 'False, False, True', true],
  ['not (a and b)', 'True, False, False', true],
  ['not a or b', 'True, False, False', false],
  ['not not a and b', 'True, False, False', false],
  ['not a < b < c', '1, 2, 0', true],
  ['not a == b and c', '1, 1, True', false],
  ['b or not a and c', 'False, False, False', false],
];

for (const [expr, values, truth] of CASES)
  test(`${expr} with a, b, c = ${values} is ${truth}`, () => {
    const src = [
      'import torch.nn as nn',
      '# input: (2, 3)',
      'class Net(nn.Module):',
      '    def forward(self, x):',
      `        a, b, c = ${values}`,
      `        return x[:, :1] if ${expr} else x`,
      '',
    ].join('\n');
    const m = analyze(src).models.find((x) => x.name === 'Net');
    assert.ok(m);
    assert.deepEqual(m.output, truth ? [2, 1] : [2, 3]);
  });
