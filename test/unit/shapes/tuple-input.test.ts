// A tuple or list built in the file's own call of its model (`model(x, (h0, c0))`,
// `model(x, model.init_hidden(bsz))`) is forward's argument, as PyTorch passes it. Expected shapes
// printed by PyTorch 1.13 (/usr/bin/python3) running the same files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

// pytorch/examples' word_language_model RNNModel, reduced to the LSTM path.
const RNN_MODEL = `import torch
import torch.nn as nn
import torch.nn.functional as F

class RNNModel(nn.Module):
    def __init__(self, ntoken, ninp, nhid, nlayers):
        super().__init__()
        self.ntoken = ntoken
        self.nlayers = nlayers
        self.nhid = nhid
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, nlayers)
        self.decoder = nn.Linear(nhid, ntoken)

    def forward(self, input, hidden):
        emb = self.encoder(input)
        output, hidden = self.rnn(emb, hidden)
        decoded = self.decoder(output)
        decoded = decoded.view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        return (weight.new_zeros(self.nlayers, bsz, self.nhid),
                weight.new_zeros(self.nlayers, bsz, self.nhid))

model = RNNModel(100, 16, 32, 2)
`;

function check(call: string): void {
  const m = analyze(RNN_MODEL + call + '\n').models[0];
  assert.equal(m.inputSource, 'call', call);
  // A tuple has no one shape: the second input is shown as null.
  assert.deepEqual(m.input, [[7, 3], null], call);
  // PyTorch: output (21, 100), hidden (2, 3, 32) and (2, 3, 32); rnn's output (7, 3, 32).
  assert.deepEqual(m.output, [21, 100], call);
  assert.deepEqual(m.outputs, [
    [21, 100],
    [2, 3, 32],
    [2, 3, 32],
  ]);
  const rnn = m.layers.find((l) => l.name === 'rnn');
  assert.deepEqual(rnn?.output, [7, 3, 32], call);
  assert.equal(m.params, 19748, call);
}

test("an LSTM's (h0, c0) built in the call flows into forward", () => {
  check(
    'out = model(torch.randint(0, 100, (7, 3)), (torch.zeros(2, 3, 32), torch.zeros(2, 3, 32)))',
  );
});

test('model.init_hidden(bsz) (next(self.parameters()).new_zeros(...)) flows into forward', () => {
  check('out = model(torch.randint(0, 100, (7, 3)), model.init_hidden(3))');
});

test('a list and a tuple, unpacked in forward', () => {
  // PyTorch: (2, 4).
  const m = analyze(`import torch
import torch.nn as nn

class Join(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(7, 4)

    def forward(self, xs, scale):
        a, b = scale
        return self.fc(torch.cat(xs, 1)) * a + b

m = Join()
out = m([torch.zeros(2, 3), torch.zeros(2, 4)], (torch.ones(1), torch.zeros(4)))
`).models[0];
  assert.equal(m.inputSource, 'call');
  assert.deepEqual(m.output, [2, 4]);
});

test('a tuple holding what is not a tensor is no input; next() of a module without parameters is unknown', () => {
  const m = analyze(
    RNN_MODEL + "out = model(torch.randint(0, 100, (7, 3)), (torch.zeros(2, 3, 32), 'c'))\n",
  ).models[0];
  assert.notEqual(m.inputSource, 'call');
  const n = analyze(`import torch
import torch.nn as nn

class Empty(nn.Module):
    def forward(self, x):
        w = next(self.parameters())
        return w.new_zeros(2, 3) + x

m = Empty()
m(torch.zeros(2, 3))
`).models[0];
  // PyTorch raises StopIteration at next(): nothing is stated.
  assert.equal(n.output, null);
});
