// User models built from the newer layers train end to end on MNIST through the translator: a 1-D conv
// net over the image rows (Conv1d, BatchNorm1d over [B, C, L], grouped dilated Conv1d, GroupNorm,
// linear Upsample, AdaptiveAvgPool1d) and a conv/conv-transpose autoencoder with a classifier head
// (strided and depthwise Conv2d, ConvTranspose2d with output_padding, LayerNorm, padded AvgPool2d,
// AdaptiveAvgPool2d). On wasm, which lacks some gradient kernels (the layers take other routes there),
// a few small epochs give finite losses that fall.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TrainEpochEvent, TrainEvent } from '../../../src/training/types';
import { runTraining } from '../../../src/training/index';

const mediaRoot = join(__dirname, '..', '..', '..', 'media');

const ROWS = `import torch.nn as nn
import torch.nn.functional as F

# input: (1, 28, 28)
class Rows(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(28, 32, 3, padding=1)
        self.bn = nn.BatchNorm1d(32)
        self.pool = nn.MaxPool1d(2)
        self.c2 = nn.Conv1d(32, 32, 3, padding=2, dilation=2, groups=4)
        self.gn = nn.GroupNorm(4, 32)
        self.up = nn.Upsample(scale_factor=2, mode='linear')
        self.gap = nn.AdaptiveAvgPool1d(4)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.bn(self.c1(x))))
        x = F.relu(self.gn(self.c2(x)))
        x = self.gap(self.up(x))
        return self.fc(x.flatten(1))
`;

const AUTOENCODER = `import torch.nn as nn
import torch.nn.functional as F

# input: (1, 1, 28, 28)
class AEHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Conv2d(1, 8, 3, stride=2, padding=1)
        self.dw = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.dec = nn.ConvTranspose2d(8, 8, 3, stride=2, padding=1, output_padding=1)
        self.ln = nn.LayerNorm([8, 28, 28])
        self.pool = nn.AvgPool2d(3, stride=2, padding=1)
        self.head = nn.AdaptiveAvgPool2d(7)
        self.fc = nn.Linear(392, 10)

    def forward(self, x):
        x = F.relu(self.enc(x))
        x = F.relu(self.dw(x))
        x = F.relu(self.ln(self.dec(x)))
        x = self.head(self.pool(x))
        return self.fc(x.view(x.size(0), -1))
`;

for (const [name, source] of [
  ['Rows', ROWS],
  ['AEHead', AUTOENCODER],
] as const) {
  test(`${name}: a translated model with the new layers trains on wasm, loss finite and falling`, async () => {
    const events: TrainEvent[] = [];
    await runTraining(
      {
        models: [{ kind: 'source', file: `${name}.py`, source, className: name }],
        epochs: 3,
        batchSize: 32,
        limit: 320,
        testLimit: 100,
        dataPath: '',
        seed: 5,
        backend: 'wasm',
        learningRate: 3e-3,
      },
      { mediaRoot, onEvent: (e) => events.push(e) },
    );
    const epochs = events.filter((e): e is TrainEpochEvent => e.event === 'epoch');
    assert.equal(epochs.length, 3);
    const losses = epochs.map((e) => e.trainLoss);
    assert.ok(losses.every(Number.isFinite), `finite: ${losses.join(', ')}`);
    for (const e of events)
      if (e.event === 'batch')
        assert.ok(Number.isFinite(e.loss), `batch ${e.epoch}/${e.batch} loss ${e.loss}`);
    assert.ok(
      (losses[2] ?? NaN) < (losses[0] ?? NaN) * 0.9,
      `train loss ${losses.map((l) => l.toFixed(3)).join(' → ')}`,
    );
    const done = events[events.length - 1];
    assert.ok(done?.event === 'done' && done.backend === 'wasm' && !done.cancelled);
  });
}
