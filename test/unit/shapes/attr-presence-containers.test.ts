// hasattr() and getattr(..., default) on subclasses of nn.Sequential, nn.ModuleList and nn.ModuleDict
// (torchvision's `Conv2dNormActivation(nn.Sequential)`): such a module has the container's own
// methods, its children and what its code sets, nothing else. torchvision's MobileNetV3 segmentation
// models pick their backbone's stages with `getattr(b, "_is_cn", False)` over blocks of both kinds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const HEADER = 'import torch\nimport torch.nn as nn\nfrom somewhere import configure\n\n';

// PyTorch 1.13 (/usr/bin/python3) on this file: output (2, 4, 8, 8), 17,668 parameters; the stages
// are [0, 1, 3, 4], so the head takes block 1's 16 channels.
const STAGES = `${HEADER}class CNA(nn.Sequential):
    def __init__(self, cin, cout, stride=1):
        layers = [nn.Conv2d(cin, cout, 3, stride, 1)]
        layers.append(nn.ReLU())
        super().__init__(*layers)
        self.out_channels = cout


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride, 1)
        self.out_channels = cout
        self._is_cn = stride > 1

    def forward(self, x):
        return self.conv(x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        features = nn.Sequential(CNA(3, 8), Block(8, 16, 2), Block(16, 16, 1), Block(16, 32, 2), CNA(32, 32))
        stages = [0] + [i for i, b in enumerate(features) if getattr(b, '_is_cn', False)] + [len(features) - 1]
        self.features = features
        self.head = nn.Conv2d(features[stages[-3]].out_channels, 4, 1)

    def forward(self, x):
        return self.head(self.features[:2](x))


Net()(torch.randn(2, 3, 16, 16))
`;

test('getattr(..., default) on a Sequential subclass that never sets the attribute gives the default', () => {
  const m = analyze(STAGES).models.find((x) => x.name === 'Net');
  assert.ok(m);
  assert.deepEqual(m.output, [2, 4, 8, 8]);
  assert.equal(m.params, 17668);
});

/** The output of `y.sum(1) if hasattr(<instance of a `base` subclass>, name) else y`. */
function outputOf(base: string, name: string, init = 'pass'): unknown {
  const src = `${HEADER}class C(${base}):
    def __init__(self):
        super().__init__()
        ${init}


class B(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)
        self.c = C()

    def forward(self, x):
        y = self.conv(x)
        return y.sum(1) if hasattr(self.c, '${name}') else y


B()(torch.randn(2, 3, 4, 4))
`;
  return analyze(src).models.find((x) => x.name === 'B')?.output;
}

test("a container subclass has the container's own methods and nothing else", () => {
  // PyTorch 1.13: hasattr(S(), 'append') True, hasattr(S(), 'items') False, hasattr(D(), 'items')
  // True, hasattr(L(), 'items') False, for S, L, D subclasses of Sequential, ModuleList, ModuleDict.
  const present = [2, 4, 4];
  const absent = [2, 3, 4, 4];
  assert.deepEqual(outputOf('nn.Sequential', 'append'), present);
  assert.deepEqual(outputOf('nn.Sequential', 'items'), absent);
  assert.deepEqual(outputOf('nn.ModuleDict', 'items'), present);
  assert.deepEqual(outputOf('nn.ModuleList', 'items'), absent);
  assert.deepEqual(outputOf('nn.ModuleList', 'training'), present);
  assert.deepEqual(outputOf('nn.Sequential', 'sc', 'self.sc = 1'), present);
});

test('a subclass of another torch class, or one configured by unknown code, stays unknown', () => {
  const unknownOut = (o: unknown): boolean =>
    !Array.isArray(o) || !o.every((d) => typeof d === 'number');
  assert.ok(unknownOut(outputOf('nn.Identity', 'sc')));
  assert.ok(unknownOut(outputOf('nn.Sequential', 'sc', 'configure(self)')));
});
