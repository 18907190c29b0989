// F.interpolate needs size or scale_factor: PyTorch 1.13 raises "either size or scale_factor should be
// defined" when both are None (checked by hand: ValueError), which is an error diagnostic. A size that
// is given but not evaluated (symbolic `x.shape[-2:]`, deeplabv3; recorded in
// test/adversarial/shapes-soundness/interpolate_size.py) is not None: unknown, never that error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

function run(call: string, input: string): ReturnType<typeof analyze> {
  return analyze(`import torch.nn as nn
import torch.nn.functional as F

# input: ${input}
class Net(nn.Module):
    def forward(self, x):
        return ${call}
`);
}

const errors = (r: ReturnType<typeof analyze>): string[] =>
  r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);

test('neither size nor scale_factor is an error, as in PyTorch', () => {
  assert.ok(
    errors(run('F.interpolate(x)', '(1, 2, 5, 5)')).some((m) =>
      m.includes('either size or scale_factor'),
    ),
  );
});

test('a size of symbolic dimensions is unknown, not read as None', () => {
  const r = run("F.interpolate(x, size=x.shape[-2:], mode='bilinear')", '(B, 2, H, W)');
  assert.deepEqual(errors(r), []);
  assert.equal(r.models[0].output, null);
});

test('a numeric size gives the output', () => {
  const r = run('F.interpolate(x, size=(7, 9))', '(1, 2, 5, 5)');
  assert.deepEqual(errors(r), []);
  assert.deepEqual(r.models[0].output, [1, 2, 7, 9]);
});
