// nn.TransformerDecoderLayer and nn.Transformer errors, as torch 1.13 raises them (the shapes and
// parameter counts are compared with PyTorch in the corpus: test/fixtures/shapes/transformer_decoder.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const model = (init: string, forward: string, input: string): ReturnType<typeof analyze> =>
  analyze(`import torch
import torch.nn as nn

# input: ${input}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.t = ${init}

    def forward(self, a, b):
        return ${forward}
`);

test('nn.Transformer: src and tgt batch sizes must match', () => {
  const r = model(
    'nn.Transformer(d_model=16, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=32)',
    'self.t(a, b)',
    '(10, 2, 16), (6, 3, 16)',
  );
  assert.ok(
    r.diagnostics.some(
      (d) =>
        d.code === 'transformer-batch' &&
        /batch number of src and tgt must be equal/.test(d.message),
    ),
  );
  assert.equal(r.models[0].output, null);
});

test('nn.Transformer: features must equal d_model; batch_first moves the batch axis', () => {
  const r = model(
    'nn.Transformer(d_model=16, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=32)',
    'self.t(a, b)',
    '(10, 2, 16), (6, 2, 8)',
  );
  assert.ok(
    r.diagnostics.some(
      (d) =>
        d.code === 'mha-embed-dim' &&
        /feature number of src and tgt must be equal to d_model/.test(d.message),
    ),
  );
  const ok = model(
    'nn.Transformer(d_model=16, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=32, batch_first=True)',
    'self.t(a, b)',
    '(2, 10, 16), (2, 6, 16)',
  );
  assert.deepEqual(ok.diagnostics, []);
  assert.deepEqual(ok.models[0].output, [2, 6, 16]);
});

test('TransformerDecoderLayer: target and memory features against d_model', () => {
  const tgt = model('nn.TransformerDecoderLayer(16, 2)', 'self.t(a, b)', '(5, 2, 12), (7, 2, 16)');
  const d = tgt.diagnostics.find((x) => x.code === 'mha-embed-dim');
  assert.match(d?.message ?? '', /was expecting embedding dimension of 16, but got 12/);
  const mem = model('nn.TransformerDecoderLayer(16, 2)', 'self.t(a, b)', '(5, 2, 16), (7, 2, 12)');
  assert.match(
    mem.diagnostics.find((x) => x.code === 'mha-embed-dim')?.message ?? '',
    /mat1 and mat2 shapes cannot be multiplied/,
  );
  assert.equal(mem.models[0].output, null);
});
