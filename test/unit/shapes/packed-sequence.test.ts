// torch.nn.utils.rnn's packing through RNN/LSTM/GRU (torchaudio's Tacotron2 encoder). Every expected
// shape was printed by PyTorch 1.13 (/usr/bin/python3) running the same model files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const HEAD = `import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pack_sequence, pad_sequence
`;

test('pack, run, pad back: data rows are the sum of the lengths, steps the longest', () => {
  const m = analyze(`${HEAD}
class Enc(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 5, 2, batch_first=True, bidirectional=True)
        self.gru = nn.GRU(10, 6)

    def forward(self, x):
        lengths = torch.tensor([7, 4, 2])
        p = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True)
        out, (h, c) = self.lstm(p)
        y, lens = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
        y2, _ = pad_packed_sequence(out, batch_first=False, total_length=9)
        q = pack_sequence([torch.zeros(4, 10), torch.zeros(6, 10)], enforce_sorted=False)
        o2, h2 = self.gru(q)
        z, _ = pad_packed_sequence(o2)
        w = pad_sequence([torch.zeros(3, 2), torch.zeros(5, 2)], batch_first=True)
        return y, out.data, out[1], h, c, y2, o2.data, h2, z, w, lens

m = Enc()
out = m(torch.zeros(3, 9, 8))
`).models[0];
  // PyTorch: [(3, 7, 10), (13, 10), (7,), (4, 3, 5), (4, 3, 5), (9, 3, 10), (10, 6), (1, 2, 6),
  // (6, 2, 6), (2, 5, 2), (3,)]; the LSTM's hooked output (a PackedSequence's first tensor) (13, 10).
  assert.deepEqual(m.outputs, [
    [3, 7, 10],
    [13, 10],
    [7],
    [4, 3, 5],
    [4, 3, 5],
    [9, 3, 10],
    [10, 6],
    [1, 2, 6],
    [6, 2, 6],
    [2, 5, 2],
    [3],
  ]);
  assert.deepEqual(m.layers.find((l) => l.name === 'lstm')?.output, [13, 10]);
  assert.deepEqual(m.layers.find((l) => l.name === 'gru')?.output, [10, 6]);
});

const ENC_RNN = `${HEAD}
class Enc(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(8, 5)

    def forward(self, x, lengths):
        p = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), enforce_sorted=False)
        out, h = self.rnn(p)
        y, lens = nn.utils.rnn.pad_packed_sequence(out)
        return y, h

m = Enc()
`;

test("lengths given in the file's call of the model are known inside forward", () => {
  // PyTorch: [(7, 3, 5), (1, 3, 5)]; rnn's output data (13, 5).
  const m = analyze(ENC_RNN + 'out = m(torch.zeros(9, 3, 8), torch.tensor([2, 7, 4]))\n').models[0];
  assert.equal(m.inputSource, 'call');
  assert.deepEqual(m.outputs, [
    [7, 3, 5],
    [1, 3, 5],
  ]);
  assert.deepEqual(m.layers.find((l) => l.name === 'rnn')?.output, [13, 5]);
});

test('lengths of unknown values leave the sizes they decide unknown, never guessed', () => {
  // torch.randint's values are chance: the packed rows and padded steps are unknown.
  const m = analyze(ENC_RNN + 'out = m(torch.zeros(9, 3, 8), torch.randint(1, 9, (3,)))\n')
    .models[0];
  assert.equal(m.inputSource, 'call');
  assert.equal(m.output, null);
  assert.equal(m.layers.find((l) => l.name === 'rnn')?.output, null);
  // Lengths not sorted with enforce_sorted=True (PyTorch raises), or longer than the input (PyTorch
  // 1.13 does not check, and gives (15, 8) for [12, 4, 2] on 9 steps, not their sum): nothing stated.
  for (const lengths of ['[2, 7, 4]', '[12, 4, 2]']) {
    const r = analyze(`${HEAD}
class P(nn.Module):
    def forward(self, x):
        return pack_padded_sequence(x, ${lengths}).data

m = P()
m(torch.zeros(9, 3, 8))
`).models[0];
    assert.equal(r.output, null, lengths);
  }
});
