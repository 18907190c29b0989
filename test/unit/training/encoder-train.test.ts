// A TransformerEncoderLayer in a plain chain trains on MNIST read as 28 rows of 28 pixels: the same seed
// repeats the curve (its dropout masks come from the run's seed), and a call with a mask is refused
// with its line rather than trained without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TrainEpochEvent, TrainEvent } from '../../../src/training/types';
import { analyze } from '../../../src/shapes';
import { runTraining } from '../../../src/training/index';
import { translateModel } from '../../../src/training/translate';

const mediaRoot = join(__dirname, '..', '..', '..', 'media');
const SOURCE = (call: string): string => `import torch
import torch.nn as nn

# input: (1, 28, 28)
class RowTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.TransformerEncoderLayer(28, 4, dim_feedforward=32, dropout=0.2, batch_first=True)
        self.fc = nn.Linear(784, 10)

    def forward(self, x):
        x = ${call}
        return self.fc(torch.flatten(x, 1))
`;

test('a row-reading transformer trains on the embedded MNIST subset, the same seed giving the same curve', async () => {
  const run = async (): Promise<TrainEpochEvent[]> => {
    const events: TrainEvent[] = [];
    await runTraining(
      {
        models: [{ kind: 'source', file: 'rows.py', source: SOURCE('self.enc(x)') }],
        epochs: 2,
        batchSize: 32,
        limit: 128,
        testLimit: 50,
        dataPath: '',
        seed: 11,
        backend: 'wasm',
        threads: 1,
      },
      { mediaRoot, onEvent: (e) => events.push(e) },
    );
    const start = events[0];
    assert.ok(start.event === 'start' && start.data === 'embedded MNIST subset');
    return events.filter((e): e is TrainEpochEvent => e.event === 'epoch');
  };
  const a = await run();
  const b = await run();
  assert.equal(a.length, 2);
  assert.ok(
    a[1].trainLoss < a[0].trainLoss,
    `train loss ${a.map((e) => e.trainLoss.toFixed(3)).join(' → ')}`,
  );
  assert.deepEqual(
    a.map((e) => [e.trainLoss, e.testLoss]),
    b.map((e) => [e.trainLoss, e.testLoss]),
  );
});

test('an encoder layer called with a mask is refused with the line of the call', () => {
  for (const call of [
    'self.enc(x, src_key_padding_mask=torch.zeros(1, 28, dtype=torch.bool))',
    'self.enc(x, None, is_causal=True)',
  ]) {
    const src = SOURCE(call);
    const model = analyze(src, { file: 'rows.py' }).models[0];
    assert.throws(
      () => translateModel(model, src),
      /TransformerEncoderLayer at line 12: it is called with more than the input/,
      call,
    );
  }
  const ok = SOURCE('self.enc(x, )');
  assert.equal(
    translateModel(analyze(ok, { file: 'rows.py' }).models[0], ok).layers[0].op,
    'encoder',
  );
});
