// `tensor-lens shapes`: the JSON contract of docs/cli-contract.md, the table, exit codes and one-line errors.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli';
import type { CliIO } from '../../../src/cli/output';

function io(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    interrupted: new AbortController().signal,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'tl-shapes-'));
const good = join(dir, 'net.py');
writeFileSync(
  good,
  `import torch
import torch.nn as nn
import torch.nn.functional as F

# input: (1, 1, 28, 28)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 32, 3)
        self.fc = nn.Linear(32 * 13 * 13, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        x = self.conv2(x) if False else x
        return self.fc(torch.flatten(x, 1))
`,
);
const bad = join(dir, 'bad.py');
writeFileSync(
  bad,
  'import torch.nn as nn\n# input: (1, 1, 28, 28)\nm = nn.Sequential(nn.Conv2d(1, 8, 3), nn.Flatten(), nn.Linear(1600, 10))\n',
);

describe('tensor-lens shapes', () => {
  test('--json prints the docs/cli-contract.md object: leaf-module calls only, 1-based positions', async () => {
    const o = io();
    const code = await main(['shapes', good, '--json'], o);
    assert.equal(code, 0);
    const j = JSON.parse(o.stdout.join('\n')) as {
      file: string;
      models: {
        name: string;
        line: number;
        input: unknown;
        output: unknown;
        params: number;
        layers: {
          line: number;
          name: string;
          type: string;
          input: unknown;
          output: unknown;
          params: number;
        }[];
      }[];
      diagnostics: unknown[];
    };
    assert.equal(j.file, good);
    const m = j.models[0];
    assert.deepEqual(
      [m.name, m.line, m.input, m.output, m.params],
      ['Net', 6, [[1, 1, 28, 28]], [1, 10], 320 + 54090],
    );
    // PyTorch: conv 1→32 (3×3) on 28 gives 26; max_pool2d(2) gives 13; Linear(5408, 10).
    assert.deepEqual(
      m.layers.map((l) => [l.line, l.name, l.type, l.input, l.output, l.params]),
      [
        [13, 'conv', 'Conv2d', [1, 1, 28, 28], [1, 32, 26, 26], 320],
        [15, 'fc', 'Linear', [1, 5408], [1, 10], 54090],
      ],
    );
    assert.deepEqual(j.diagnostics, []);
  });
  test('--json gives each layer the layers feeding it, through functional calls and tensor arithmetic', async () => {
    const res = join(dir, 'res.py');
    writeFileSync(
      res,
      `import torch.nn as nn
import torch.nn.functional as F

# input: (1, 4)
class Res(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 4)
        self.b = nn.Linear(4, 4)
        self.c = nn.Linear(4, 2)

    def forward(self, x):
        h = F.relu(self.a(x)) + self.b(x)
        return self.c(F.dropout(h))
`,
    );
    type J = { models: { layers: { name: string; from: number[] }[] }[] };
    const o = io();
    assert.equal(await main(['shapes', res, '--json'], o), 0);
    const fromOf = (j: J): [string, number[]][] => j.models[0].layers.map((l) => [l.name, l.from]);
    // a and b read the input; c reads relu(a) + b, i.e. both, with the functional calls left out.
    assert.deepEqual(fromOf(JSON.parse(o.stdout.join('\n')) as J), [
      ['a', [-1]],
      ['b', [-1]],
      ['c', [0, 1]],
    ]);
    // The first test's Net: fc reads conv through relu, max_pool2d and flatten.
    const o2 = io();
    assert.equal(await main(['shapes', good, '--json'], o2), 0);
    assert.deepEqual(fromOf(JSON.parse(o2.stdout.join('\n')) as J), [
      ['conv', [-1]],
      ['fc', [0]],
    ]);
  });
  test('the table lists layers, totals and diagnostics as file:line:col: severity: message; errors exit 1', async () => {
    const o = io();
    const code = await main(['shapes', bad], o);
    assert.equal(code, 1);
    const text = o.stdout.join('\n');
    assert.match(text, /Layer \(type\)\s+Output Shape\s+Param #/);
    assert.match(text, /0 \(Conv2d\)\s+\[1, 8, 26, 26\]\s+80/);
    assert.match(text, /Total params: 16,090/); // Conv2d(1, 8, 3): 80, Linear(1600, 10): 16,010
    const diagLine = text.split('\n').find((l) => l.startsWith(`${bad}:3:`));
    assert.ok(diagLine, text);
    assert.match(diagLine, /^[^:]+:3:\d+: error: .*in_features=1600.*5408/);
  });
  test('the table folds repeated blocks and follows --depth; rows give the definition line', async () => {
    const stack = join(dir, 'stack.py');
    writeFileSync(
      stack,
      `import torch.nn as nn

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        return self.fc(x)

# input: (2, 8)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.Sequential(*[Block() for _ in range(12)])
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        return self.head(self.blocks(x))
`,
    );
    const table = async (...extra: string[]): Promise<string[]> => {
      const o = io();
      assert.equal(await main(['shapes', stack, ...extra], o), 0);
      const lines = o.stdout.join('\n').split('\n');
      return lines.slice(lines.findIndex((l) => l.startsWith('Net (line')));
    };
    const one = await table('--depth', '1');
    // 12 × Linear(8, 8) = 12 × 72 = 864 parameters.
    assert.ok(
      one.some((l) => /^blocks \(Block ×12\) …\s+\[2, 8\]\s+864\s+15$/.test(l)),
      one.join('\n'),
    );
    assert.ok(!one.some((l) => l.includes('blocks.0–11.fc')));
    const two = await table();
    assert.ok(
      two.some((l) => /^ {2}blocks\.0–11\.fc \(Linear\)\s+\[2, 8\]\s+72\s+6$/.test(l)),
      two.join('\n'),
    );
    const bad = io();
    assert.equal(await main(['shapes', stack, '--depth', '0'], bad), 2);
    assert.match(bad.stderr[0], /--depth must be at least 1/);
  });
  test('--input is the fallback input; unreadable files and bad flags exit 2 with one line', async () => {
    const sym = join(dir, 'sym.py');
    writeFileSync(sym, 'import torch.nn as nn\nm = nn.Sequential(nn.Linear(4, 2))\n');
    const o = io();
    assert.equal(await main(['shapes', sym, '--input', '3,4', '--json'], o), 0);
    assert.deepEqual(
      (JSON.parse(o.stdout.join('')) as { models: { output: unknown }[] }).models[0].output,
      [3, 2],
    );
    const e = io();
    assert.equal(await main(['shapes', join(dir, 'missing.py')], e), 2);
    assert.equal(e.stderr.length, 1);
    assert.match(e.stderr[0], /cannot read .*missing\.py: no such file/);
    const f = io();
    assert.equal(await main(['shapes', good, '--bogus'], f), 2);
    assert.match(f.stderr[0], /unknown option --bogus/);
  });
});
