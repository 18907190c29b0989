// The translator from the shape engine's result to tfjs: corpus models built and run on the cpu
// backend give the engine's output shape and PyTorch's parameter count (the corpus's expected values
// were recorded from real PyTorch); what cannot be reproduced is refused with its line.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../../src/shapes';
import type { LayerResult, ModelResult } from '../../../src/shapes/types';
import { loadBackend, type Tf } from '../../../src/training/backend';
import { buildNet } from '../../../src/training/net';
import { countParams, type NetSpec } from '../../../src/training/spec';
import {
  checkMnistCompatible,
  translateModel,
  TranslateError,
} from '../../../src/training/translate';

const corpus = join(__dirname, '..', '..', 'fixtures', 'shapes');
let tf: Tf;
before(async () => {
  tf = (await loadBackend('cpu')).tf;
});

function model(file: string, name: string): { m: ModelResult; source: string } {
  const source = readFileSync(join(corpus, file), 'utf8');
  const m = analyze(source, { file }).models.find((x) => x.name === name);
  assert.ok(m, `${file}: model ${name} found by the engine`);
  return { m, source };
}

function expectedParams(file: string, name: string): number | undefined {
  try {
    const rec = JSON.parse(
      readFileSync(join(corpus, 'expected', file.replace(/\.py$/, '.json')), 'utf8'),
    ) as { models: { name: string; params: number }[] };
    return rec.models.find((x) => x.name === name)?.params;
  } catch {
    return undefined;
  }
}

function outputShape(spec: NetSpec, batch: number): number[] {
  const net = buildNet(tf, spec, 1);
  try {
    const inShape =
      spec.input.length === 3
        ? [batch, spec.input[1], spec.input[2], spec.input[0]]
        : [batch, ...spec.input];
    const y = tf.tidy(() => net.forward(tf.zeros(inShape), false));
    const shape = y.shape.slice();
    y.dispose();
    return shape;
  } finally {
    net.dispose();
  }
}

const CORPUS: [string, string][] = [
  ['mnist_net.py', 'Net'],
  ['lenet5.py', 'LeNet5'],
  ['lenet5.py', 'lenet_seq'],
  ['dcgan.py', 'Discriminator'],
  ['modulelist_loops.py', 'DeepMLP'],
  ['blitz_lenet.py', 'Net'],
  // Conv1d, BatchNorm1d over [B, C, L], MaxPool1d, AvgPool1d:
  ['audio_cnn1d.py', 'KeywordSpotter'],
  ['conv_variants.py', 'conv1d_forms'],
  ['softmax_dropout.py', 'Dropout1dNet'],
  // ConvTranspose2d/1d (DCGAN's generator, output_padding, dilation):
  ['dcgan.py', 'Generator'],
  ['conv_transpose.py', 'Upsampler'],
  ['conv_transpose.py', 'Transpose1d'],
  // depthwise and grouped convolutions, AdaptiveAvgPool2d(1):
  ['grouped_depthwise.py', 'MobileNetTiny'],
  // Upsample / interpolate (nearest, bilinear, 1-D linear, 3-D) and ceil_mode pooling, Unflatten, Dropout2d:
  ['upsample_interpolate.py', 'Decoder'],
  ['upsample_interpolate.py', 'Upsample1d'],
  ['upsample_interpolate.py', 'Upsample3d'],
  ['ceil_mode_pools.py', 'CeilDrop'],
  ['ceil_mode_pools.py', 'Ceil1d'],
  ['flatten_unflatten.py', 'unflatten_doc'],
  ['input_from_summary.py', 'Net'],
  ['alexnet.py', 'AlexNet'],
  ['zip_modulelists.py', 'ZipConvBN'],
];

for (const [file, name] of CORPUS) {
  test(`${file} ${name}: tfjs output shape and parameters equal the engine's (and PyTorch's)`, () => {
    const { m, source } = model(file, name);
    const spec = translateModel(m, source);
    const first = (m.input[0] as (number | string)[])[0];
    const batch = typeof first === 'number' ? first : 2;
    assert.deepEqual(
      outputShape(spec, batch),
      (m.output as (number | string)[]).map((d, i) => (i === 0 ? batch : d)),
    );
    assert.equal(countParams(spec), m.params);
    const torch = expectedParams(file, name);
    if (torch !== undefined) assert.equal(countParams(spec), torch, 'PyTorch parameter count');
  });
}

test('a TransformerEncoderLayer called with its input alone is a chain layer (time-first here)', () => {
  const { m, source } = model('transformer_encoder.py', 'EncoderLayerSeqFirst');
  const spec = translateModel(m, source);
  assert.deepEqual(
    spec.layers.map((l) => l.op),
    ['encoder', 'linear'],
  );
  const enc = spec.layers[0];
  assert.ok(
    enc.op === 'encoder' &&
      !enc.batchFirst &&
      enc.dimFeedforward === 64 &&
      enc.nhead === 2 &&
      enc.dropout === 0.1,
  );
});

test('refusals name the construct and its line', () => {
  const cases: [string, string, RegExp][] = [
    ['resnet18.py', 'ResNet18', /line 30: `out \+= self\.shortcut\(x\)` is tensor arithmetic/],
    [
      'grouped_depthwise.py',
      'ResNeXtGroups',
      /ChannelShuffle at line 88: ChannelShuffle has no tfjs translation/,
    ],
    [
      'autoencoder_unpool.py',
      'ConvAutoencoder',
      /MaxPool2d at line 22: it returns several tensors/,
    ],
    [
      'lstm_classifier.py',
      'LSTMClassifier',
      /line 25: `out = self\.dropout\(out\[:, -1, :\]\)` is tensor arithmetic or indexing/,
    ],
    [
      'conv_transpose.py',
      'TransposeOutputSize',
      /ConvTranspose2d at line 56: .*an output_size argument in the call is not supported/,
    ],
    [
      'conv_transpose.py',
      'Transpose3d',
      /ConvTranspose3d at line 42: ConvTranspose3d has no tfjs translation/,
    ],
    [
      'lstm_classifier.py',
      'LSTMTagger',
      /LSTM at line 41: recurrent layers \(LSTM\) have no tfjs translation/,
    ],
    ['gru_models.py', 'BiGRU', /GRU at line 28: recurrent layers \(GRU\)/],
    [
      'transformer_encoder.py',
      'SelfAttentionBlock',
      /line 48: `x = self\.ln1\(x \+ attn_out\)` is tensor arithmetic/,
    ],
    ['densenet_block.py', 'TinyDenseNet', /torch\.cat at line 18: it takes several tensors/],
    ['bilinear_embedding.py', 'TokenGrid', /Embedding at line 50: max_norm is not supported/],
    [
      'conv_variants.py',
      'conv2d_forms',
      /Conv2d at line 13: padding_mode='replicate' is not supported/,
    ],
    [
      'adaptive_lppool.py',
      'Adaptive3d',
      /AdaptiveAvgPool3d at line 45: AdaptiveAvgPool3d has no tfjs translation/,
    ],
    ['feature_extractor.py', 'FeatureTaps', /forward returns 3 tensors/],
    // `return x + self.conv(x)` in a block whose layers sit in a Sequential (no layer line in that forward).
    [
      'mobilenet_v2.py',
      'MobileNetV2Small',
      /line 40: `return x \+ self\.conv\(x\)` is tensor arithmetic/,
    ],
  ];
  for (const [file, name, re] of cases) {
    const { m, source } = model(file, name);
    assert.throws(
      () => translateModel(m, source),
      (e: Error) => e instanceof TranslateError && re.test(e.message) && !e.message.includes('\n'),
      `${file} ${name}`,
    );
  }
  const residual = `import torch.nn as nn
# input: (1, 784)
class R(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(784, 784)
        self.b = nn.Linear(784, 10)

    def forward(self, x):
        y = self.a(x)
        x = x + y
        return self.b(x.view(x.size(0), -1))
`;
  const m = analyze(residual, { file: 'r.py' }).models[0];
  assert.throws(() => translateModel(m, residual), /line 11: `x = x \+ y`/);
  // Without the source the data flow alone refuses it: b is fed by both a and the input.
  assert.throws(
    () => translateModel(m),
    /Tensor\.view at line 12: it is fed by the model's input 1 and a \(line 10\), not by a \(line 10\) just before it/,
  );

  // The same model without its source: the engine's data flow alone shows the residual adds.
  const mn = model('mobilenet_v2.py', 'MobileNetV2Small').m;
  assert.throws(
    () => translateModel(mn),
    /Conv2d at line 10: it is fed by features\.2\.conv\.3 \(line 34\) and features\.3\.conv\.3 \(line 34\), not by features\.3\.conv\.3 .*not a single chain/,
  );

  // Scaling inside a block's forward changes no shape and no data flow; the block's forward is checked
  // because the model's __init__ builds the block.
  const scaled = `import torch.nn as nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(784, 784), nn.ReLU())

    def forward(self, x):
        return self.fc(x) * 0.5


# input: (1, 784)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block()
        self.out = nn.Linear(784, 10)

    def forward(self, x):
        return self.out(self.block(x))
`;
  const ms = analyze(scaled, { file: 's.py' }).models.find((x) => x.name === 'Net');
  assert.ok(ms);
  assert.throws(
    () => translateModel(ms, scaled),
    /line 10: `return self\.fc\(x\) \* 0\.5` is tensor arithmetic/,
  );

  // An if whose condition is only known at run time: the engine traces both branches (their shapes
  // agree), but chaining a and b would train a different model.
  const branchy = `import torch
import torch.nn as nn
# input: (1, 784)
class B(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(784, 784)
        self.b = nn.Linear(784, 784)
        self.c = nn.Linear(784, 10)

    def forward(self, x):
        if torch.rand(1).item() > 0.5:
            x = self.a(x)
        else:
            x = self.b(x)
        return self.c(x)
`;
  const mb = analyze(branchy, { file: 'b.py' }).models[0];
  assert.deepEqual(mb.output, [1, 10], 'the engine knows the output shape either way');
  assert.throws(
    () => translateModel(mb, branchy),
    (e: Error) =>
      e instanceof TranslateError &&
      /^Linear at line 15: it is fed by the model's input 1, not by a \(line 13\) just before it: .*an if that picks layers at run time/.test(
        e.message,
      ),
  );
});

// Engine-independent: hand-built layer lists in the shape of src/shapes/types.ts.
function layer(
  line: number,
  name: string,
  type: string,
  input: number[],
  output: number[],
  config?: LayerResult['config'],
  functional = false,
): LayerResult {
  const range = { line, column: 1, endLine: line, endColumn: 2 };
  return { line, column: 1, range, name, type, input, output, params: 0, config, functional };
}

test('hand-built chain: conv → relu → pool → flatten → linear, with PyTorch argument names', () => {
  const m: ModelResult = {
    name: 'Hand',
    line: 1,
    kind: 'module',
    input: [[2, 3, 10, 10]],
    inputSource: 'comment',
    output: [2, 5],
    params: 0,
    variables: [],
    range: { line: 1, column: 1, endLine: 1, endColumn: 2 },
    layers: [
      layer(2, 'conv', 'Conv2d', [2, 3, 10, 10], [2, 4, 10, 10], {
        in_channels: 3,
        out_channels: 4,
        kernel_size: [3, 3],
        stride: [1, 1],
        padding: [1, 1],
        dilation: [1, 1],
        groups: 1,
        bias: true,
        padding_mode: 'zeros',
      }),
      layer(
        3,
        'F.leaky_relu',
        'F.leaky_relu',
        [2, 4, 10, 10],
        [2, 4, 10, 10],
        { negative_slope: 0.2 },
        true,
      ),
      layer(4, 'pool', 'MaxPool2d', [2, 4, 10, 10], [2, 4, 5, 5], {
        kernel_size: [2, 2],
        stride: null,
        padding: [0, 0],
        dilation: [1, 1],
        ceil_mode: false,
        return_indices: false,
      }),
      layer(5, 'bn', 'BatchNorm2d', [2, 4, 5, 5], [2, 4, 5, 5], {
        num_features: 4,
        eps: 1e-5,
        momentum: 0.1,
        affine: true,
        track_running_stats: true,
      }),
      layer(6, 'Tensor.view', 'Tensor.view', [2, 4, 5, 5], [2, 100], undefined, true),
      layer(7, 'fc', 'Linear', [2, 100], [2, 5], {
        in_features: 100,
        out_features: 5,
        bias: false,
      }),
    ],
  };
  const spec = translateModel(m);
  assert.deepEqual(
    spec.layers.map((l) => l.op),
    ['conv2d', 'activation', 'maxpool2d', 'batchnorm', 'reshape', 'linear'],
  );
  assert.deepEqual(outputShape(spec, 2), [2, 5]);
  assert.equal(countParams(spec), 3 * 4 * 9 + 4 + 8 + 500);
  const bad = { ...m, layers: [m.layers[0], { ...m.layers[1], type: 'F.pad', name: 'F.pad' }] };
  assert.throws(() => translateModel(bad), /F\.pad at line 3: F\.pad has no tfjs translation/);
});

test('flatten keeps PyTorch order: C, H, W (the NHWC activations are turned back first)', () => {
  const spec: NetSpec = {
    name: 'flat',
    input: [2, 2, 3],
    layers: [{ name: 'f', type: 'Flatten', op: 'reshape', to: [12] }],
  };
  const nchw = Array.from({ length: 12 }, (_, i) => i);
  const net = buildNet(tf, spec, 1);
  const y = tf.tidy(() =>
    net.forward(tf.transpose(tf.tensor4d(nchw, [1, 2, 2, 3]), [0, 2, 3, 1]), false),
  );
  assert.deepEqual(Array.from(y.dataSync()), nchw);
  y.dispose();
  net.dispose();
});

test('an Embedding model translates, but is refused for MNIST (pixels are not token indices)', () => {
  const src = `import torch.nn as nn
# input: (2, 784)
class Tok(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(256, 4)
        self.fc = nn.Linear(784 * 4, 10)

    def forward(self, x):
        x = self.emb(x)
        return self.fc(x.view(x.size(0), -1))
`;
  const m = analyze(src, { file: 'tok.py' }).models[0];
  assert.ok(m);
  const spec = translateModel(m, src);
  assert.deepEqual(
    spec.layers.map((l) => l.op),
    ['embedding', 'reshape', 'linear'],
  );
  assert.equal(countParams(spec), m.params);
  assert.throws(
    () => checkMnistCompatible(m, spec),
    /Embedding at line 10: an Embedding takes token indices/,
  );
});
