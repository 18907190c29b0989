// Whole models against PyTorch (params with shared modules once, every leaf call by forward hooks),
// where inputs come from, hover variables, and robustness on broken or half-typed files.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from './strictAnalyze';

interface ModelCase {
  source: string;
  input: number[];
  params: number;
  calls: [string, string, number[]][];
  outputs: number[][];
}

const truth = JSON.parse(readFileSync(join(__dirname, 'pytorch-truth.json'), 'utf8')) as {
  models: Record<string, ModelCase>;
};
const HEADER = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n';

describe('whole models agree with PyTorch', () => {
  for (const [id, c] of Object.entries(truth.models)) {
    test(id, () => {
      const src =
        HEADER + c.source.replace('\nclass Net(', `\n# input: (${c.input.join(', ')})\nclass Net(`);
      const m = analyze(src).models.find((x) => x.name === 'Net');
      assert.ok(m);
      assert.equal(m.params, c.params, 'sum(p.numel() for p in model.parameters())');
      // An empty nn.Sequential() is a hook "leaf" in PyTorch but a container, never an entry; so is
      // FloatFunctional, whose methods call its Identity observer outside its own forward.
      const want = c.calls.filter(
        (x) => x[1] !== 'Sequential' && !x[0].endsWith('.activation_post_process'),
      );
      const got = m.layers.filter((l) => !l.functional).map((l) => [l.name, l.type, l.output]);
      assert.deepEqual(got, want);
      assert.deepEqual(m.outputs ?? [m.output], c.outputs);
    });
  }
});

const NET = `import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.fc = nn.Linear(4 * 26 * 26, 10)

    def forward(self, x):
        x = self.conv(x)
        x = x.view(x.size(0), -1)
        return self.fc(x)
`;

describe('input sources, in the order docs/cli-contract.md gives', () => {
  test('a # input: comment wins over a call in the file', () => {
    const src =
      NET.replace('class Net', '# input: (3, 1, 28, 28)\nclass Net') +
      '\nnet = Net()\nnet(torch.randn(5, 1, 28, 28))\n';
    const m = analyze(src).models[0];
    assert.equal(m.inputSource, 'comment');
    assert.deepEqual(m.output, [3, 10]);
  });
  test('a call of an instance: model(torch.randn(...)), also through .to(device)', () => {
    const m = analyze(NET + '\nmodel = Net().to("cpu")\nout = model(torch.randn(5, 1, 28, 28))\n')
      .models[0];
    assert.equal(m.inputSource, 'call');
    assert.deepEqual(m.input, [[5, 1, 28, 28]]);
    assert.deepEqual(m.output, [5, 10]);
  });
  test('torchsummary sizes have no batch dimension; torchinfo sizes do', () => {
    const a = analyze(
      NET.replace('import torch\n', 'import torch\nfrom torchsummary import summary\n') +
        '\nif __name__ == "__main__":\n    summary(Net(), (1, 28, 28))\n',
    ).models[0];
    assert.deepEqual(a.input, [['B', 1, 28, 28]]);
    const b = analyze(
      NET.replace('import torch\n', 'import torch\nfrom torchinfo import summary\n') +
        '\nsummary(Net(), input_size=(7, 1, 28, 28))\n',
    ).models[0];
    assert.deepEqual(b.input, [[7, 1, 28, 28]]);
  });
  test('a torchvision dataset with a DataLoader batch size', () => {
    const src =
      NET +
      '\nfrom torchvision import datasets\ntrain = datasets.MNIST("data", train=True, download=True)\nloader = torch.utils.data.DataLoader(train, batch_size=64, shuffle=True)\nmodel = Net()\n';
    const m = analyze(src).models[0];
    assert.equal(m.inputSource, 'dataset');
    assert.deepEqual(m.output, [64, 10]);
  });
  test('the caller’s default input, else symbols from the first layer', () => {
    const opt = analyze(NET, { defaultInput: [[2, 1, 28, 28]] }).models[0];
    assert.equal(opt.inputSource, 'option');
    assert.deepEqual(opt.output, [2, 10]);
    const sym = analyze(NET).models[0];
    assert.equal(sym.inputSource, 'symbolic');
    assert.deepEqual(sym.input, [['B', 1, 'H', 'W']]);
    assert.deepEqual(sym.layers[0].output, ['B', 4, 'H-2', 'W-2']);
    // 4·(H−2)·(W−2) against Linear(2704): unknown until H and W are, so no diagnostic and no guess.
    assert.deepEqual(analyze(NET).diagnostics, []);
  });
  test('a rank guessed from a layer that takes any rank raises no error diagnostic', () => {
    // torchaudio's ConformerLayer alone: the probe from Linear(80, …) guesses [B, 80], but PyTorch
    // runs the layer on (B, T, 80); transpose(1, 2) is only wrong on the guessed rank.
    const block = (first: string): string =>
      `${HEADER}class Block(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.first = ${first}\n    def forward(self, x):\n        x = self.first(x)\n        return x.transpose(1, 2)\n`;
    for (const first of ['nn.Linear(80, 80)', 'nn.LayerNorm(80)', 'nn.Embedding(10, 80)']) {
      const r = analyze(block(first));
      assert.equal(r.models[0].inputSource, 'symbolic', first);
      assert.deepEqual(r.diagnostics, [], first);
    }
    // Stated, the same rank is an error PyTorch raises (IndexError: Dimension out of range).
    const stated = analyze(
      block('nn.Linear(80, 80)').replace('class Block', '# input: (2, 80)\nclass Block'),
    );
    assert.deepEqual(
      stated.diagnostics.map((d) => [d.code, d.severity]),
      [['transpose-dims', 'error']],
    );
  });
});

describe('hover variables and positions', () => {
  test('each assignment in forward records the shape it holds', () => {
    const m = analyze(NET.replace('class Net', '# input: (1, 1, 28, 28)\nclass Net')).models[0];
    assert.deepEqual(
      m.variables.map((v) => [v.name, v.line, v.shape]),
      [
        ['x', 12, [1, 4, 26, 26]],
        ['x', 13, [1, 2704]],
      ],
    );
    assert.deepEqual(
      [m.layers[0].line, m.layers[0].column, m.layers[0].definition?.line],
      [12, 13, 8],
    );
  });
});

describe('robustness: never throws, keeps what it can', () => {
  const corpus = [NET, ...Object.values(truth.models).map((c) => HEADER + c.source)];
  test('every prefix of the sample files analyses without throwing', () => {
    for (const src of corpus) {
      for (let cut = 0; cut <= src.length; cut += 7) {
        const r = analyze(src.slice(0, cut));
        assert.ok(Array.isArray(r.models) && Array.isArray(r.diagnostics));
      }
    }
  });
  test('seeded random mutations analyse without throwing', () => {
    let seed = 12345;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const junk = [
      '(',
      ')',
      ':',
      '\n',
      '    ',
      'self.',
      '*',
      '[',
      ']',
      ',',
      '=',
      'nn.Conv2d(',
      'x.view(',
      '-1',
      'for i in ',
      'lambda',
      '"',
      '#',
    ];
    for (let i = 0; i < 400; i++) {
      const src = corpus[i % corpus.length];
      const at = Math.floor(rand() * src.length);
      const mutated =
        src.slice(0, at) +
        junk[Math.floor(rand() * junk.length)] +
        src.slice(at + Math.floor(rand() * 5));
      assert.doesNotThrow(() => analyze(mutated));
    }
  });
  test('a half-typed second class leaves the first model intact', () => {
    const src =
      NET.replace('class Net', '# input: (1, 1, 28, 28)\nclass Net') +
      '\nclass Other(nn.Module):\n    def __init__(self):\n        self.fc = nn.Linear(3, \n';
    const m = analyze(src).models.find((x) => x.name === 'Net');
    assert.deepEqual(m?.output, [1, 10]);
  });
  test('unknown constructs make shapes unknown with a reason, never a guess', () => {
    const src =
      HEADER +
      '# input: (1, 8)\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 4)\n\n    def forward(self, x):\n        x = some_library.transform(x)\n        return self.fc(x)\n';
    const m = analyze(src).models[0];
    assert.equal(m.output, null);
    assert.equal(m.layers[0].output, null);
    assert.match(m.layers[0].unknownReason ?? '', /some_library/);
  });
  test('non-string and empty input', () => {
    assert.deepEqual(analyze('').models, []);
    assert.doesNotThrow(() => analyze(undefined as unknown as string));
  });
});
