// `module_list += [layer]` extends the ModuleList in place (torchvision's MaxVitBlock builds its
// layers so), and `seq += other_sequential` a Sequential. Before, the ModuleList stayed empty and
// its layers' parameters were left out of a stated total. PyTorch 1.13 on this file: output (2, 2),
// 63 parameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const FILE = `import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList()
        for _ in range(2):
            self.layers += [nn.Linear(4, 4)]
        self.seq = nn.Sequential(nn.Linear(4, 3))
        self.seq += nn.Sequential(nn.ReLU(), nn.Linear(3, 2))

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.seq(x)


model = Net()
y = model(torch.randn(2, 4))
`;

test('ModuleList += list and Sequential += Sequential extend the container in place', () => {
  const m = analyze(FILE).models[0];
  assert.deepEqual(
    m.layers.map((l) => [l.name, l.output]),
    [
      ['layers.0', [2, 4]],
      ['layers.1', [2, 4]],
      ['seq.0', [2, 3]],
      ['seq.1', [2, 3]],
      ['seq.2', [2, 2]],
    ],
  );
  assert.equal(m.params, 63);
});

test('ModuleList += something the analyser cannot enumerate loses its contents', () => {
  const m = analyze(
    FILE.replace(
      'import torch.nn as nn\n',
      'import torch.nn as nn\nfrom lib import more\n',
    ).replace('self.layers += [nn.Linear(4, 4)]', 'self.layers += more()'),
  ).models[0];
  assert.equal(m.params, null);
  assert.equal(m.output, null);
});
