// hasattr() and getattr(..., default) on modules: `self.shortcut(x) if hasattr(self, 'shortcut')
// else x` is how public pre-activation ResNets and SENets skip an identity shortcut. The attribute is
// absent only when everything that could have set it is known; anything else is unknown, never a
// guess in either direction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const HEADER = 'import torch\nimport torch.nn as nn\nfrom somewhere import configure, names\n\n';

// PyTorch 1.13 on this file: output (2, 4), 874 parameters; a.shortcut exists, b's does not.
const PREACT = `${HEADER}class PreAct(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False))

    def forward(self, x):
        out = torch.relu(self.bn1(x))
        shortcut = self.shortcut(out) if hasattr(self, 'shortcut') else x
        return self.conv1(out) + shortcut


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = PreAct(3, 8, 2)
        self.b = PreAct(8, 8)
        self.head = getattr(self, 'head_override', None) or nn.Linear(8, 4)

    def forward(self, x):
        x = self.b(self.a(x))
        return self.head(x.mean((2, 3)))


Net()(torch.randn(2, 3, 16, 16))
`;

test('an attribute never set is absent: hasattr() is False and getattr() gives its default', () => {
  const m = analyze(PREACT).models.find((x) => x.name === 'Net');
  assert.ok(m);
  assert.deepEqual(m.output, [2, 4]);
  assert.equal(m.params, 874);
});

/** The output of a one-block model whose forward is `y.sum(1) if hasattr(self, 'sc') else y`. */
function outputOf(init: string, forward = "y.sum(1) if hasattr(self, 'sc') else y"): unknown {
  const src = `${HEADER}class B(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)
${init
  .split('\n')
  .map((l) => '        ' + l)
  .join('\n')}

    def forward(self, x):
        y = self.conv(x)
        return ${forward}


B()(torch.randn(2, 3, 4, 4))
`;
  return analyze(src).models.find((x) => x.name === 'B')?.output;
}

test('hasattr() is unknown wherever something the analyser cannot follow may set the attribute', () => {
  // The control: nothing sets it, so it is absent.
  assert.deepEqual(outputOf('pass'), [2, 3, 4, 4]);
  assert.deepEqual(outputOf('self.sc = 1'), [2, 4, 4]);
  for (const init of [
    'if names:\n    self.sc = nn.Identity()',
    'configure(self)',
    'for n in names:\n    setattr(self, n, nn.Identity())',
    'for n in names:\n    self.add_module(n, nn.Identity())',
    'self.__dict__.update(names)',
    'vars(self).update(names)',
  ])
    assert.equal(outputOf(init), null, init);
});

test('getattr() with a default is unknown unless the attribute is known to be absent', () => {
  const forward = "y.sum(1) if getattr(self, 'sc', None) is not None else y";
  assert.deepEqual(outputOf('pass', forward), [2, 3, 4, 4]);
  assert.deepEqual(outputOf('self.sc = 1', forward), [2, 4, 4]);
  assert.equal(outputOf('configure(self)', forward), null);
  // A value the analyser does not know is still a value, not the default.
  assert.equal(
    outputOf('self.sc = names', "y.sum(1) if getattr(self, 'sc', None) is None else y"),
    null,
  );
});

test('an attribute set in one branch of an unknown condition in forward may be absent', () => {
  const forward = 'y\n\n    def extra(self, x):\n        return x';
  assert.deepEqual(outputOf('pass', forward), [2, 3, 4, 4]);
  const src = `${HEADER}class G(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)

    def forward(self, x):
        y = self.conv(x)
        if x.sum() > 0:
            self.flag = 1
        return y.sum(1) if hasattr(self, 'flag') else y


class H(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)

    def __getattr__(self, name):
        return 1

    def forward(self, x):
        y = self.conv(x)
        return y.sum(1) if hasattr(self, 'flag') else y


G()(torch.randn(2, 3, 4, 4))
H()(torch.randn(2, 3, 4, 4))
`;
  const r = analyze(src);
  assert.equal(r.models.find((x) => x.name === 'G')?.output, null);
  assert.equal(r.models.find((x) => x.name === 'H')?.output, null);
});

test("self.__getattr__('name') and self.__setattr__('name', m) build and call the named child", () => {
  const src = `${HEADER}class T(nn.Module):
    def __init__(self):
        super().__init__()
        for i in range(2):
            self.__setattr__('level_%d' % i, nn.Conv2d(3, 3, 1))

    def forward(self, x):
        for i in range(2):
            x = self.__getattr__('level_%d' % i)(x)
        return x


T()(torch.randn(2, 3, 4, 4))
`;
  const m = analyze(src).models.find((x) => x.name === 'T');
  assert.ok(m);
  assert.deepEqual(m.output, [2, 3, 4, 4]);
  assert.equal(m.params, 24);
  assert.deepEqual(
    m.layers.map((l) => [l.name, l.output]),
    [
      ['level_0', [2, 3, 4, 4]],
      ['level_1', [2, 3, 4, 4]],
    ],
  );
});

// PyTorch 1.13: T has 2,292 parameters (the layer's 2,224 and head's 68), output (5, 3, 16); U,
// which replaces the layer's own linear2, has 2,208 — a number the layer's count cannot give.
const SUBCLASS = `${HEADER}class T(nn.TransformerEncoderLayer):
    def __init__(self):
        super().__init__(16, 2, 32)
        self.head = nn.Linear(16, 4)


class U(nn.TransformerEncoderLayer):
    def __init__(self):
        super().__init__(16, 2, 32)
        self.linear2 = nn.Linear(32, 16, bias=False)


T()(torch.randn(5, 3, 16))
U()(torch.randn(5, 3, 16))
`;

test("a subclass of a torch layer that replaces one of the layer's own parts has an unknown count", () => {
  const r = analyze(SUBCLASS);
  const t = r.models.find((x) => x.name === 'T');
  assert.ok(t);
  assert.equal(t.params, 2292);
  assert.deepEqual(t.output, [5, 3, 16]);
  const u = r.models.find((x) => x.name === 'U');
  assert.ok(u);
  assert.equal(u.params, null);
});

test("a layer's weight and bias are the parameter or None, never its constructor flag", () => {
  // PyTorch 1.13: Conv2d(bias=False).bias, BatchNorm2d(affine=False).weight,
  // LayerNorm(elementwise_affine=False).bias, InstanceNorm2d's default weight, GroupNorm(affine=False)
  // are None; Linear's bias and Conv2d's weight are not.
  const checks: [string, boolean][] = [
    ['nn.Conv2d(3, 4, 1, bias=False).bias', true],
    ['nn.Conv2d(3, 4, 1, bias=False).weight', false],
    ['nn.Linear(3, 4).bias', false],
    ['nn.BatchNorm2d(4, affine=False).weight', true],
    ['nn.LayerNorm(4, elementwise_affine=False).bias', true],
    ['nn.InstanceNorm2d(4).weight', true],
    ['nn.GroupNorm(2, 4, affine=False).bias', true],
  ];
  for (const [expr, isNone] of checks) {
    const src = `${HEADER}class B(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = ${expr.slice(0, expr.lastIndexOf('.'))}
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc(x).sum(1) if self.layer.${expr.slice(expr.lastIndexOf('.') + 1)} is None else self.fc(x)


B()(torch.randn(2, 4))
`;
    const m = analyze(src).models.find((x) => x.name === 'B');
    assert.deepEqual(m?.output, isNone ? [2] : [2, 4], expr);
  }
  // A flag the analyser cannot read leaves the test unknown.
  assert.equal(
    outputOf('self.n = nn.Conv2d(3, 3, 1, bias=names)', 'y.sum(1) if self.n.bias is None else y'),
    null,
  );
});
