// Resource limits of training: a net over the parameter limit is refused from its spec, before any
// weight exists, and a data folder with a lying IDX file is a one-line error, exit 2 in the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { main } from '../../../src/cli';
import type { CliIO } from '../../../src/cli/output';
import { runTraining } from '../../../src/training/index';
import { writeIdx } from '../../../src/training/idx';
import {
  countParams,
  MAX_TRAIN_PARAMS,
  paramLimitProblem,
  type NetSpec,
} from '../../../src/training/spec';
import { TranslateError } from '../../../src/training/translate';

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

function withTmp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tl-limits-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** An MLP 784 → hidden → 10, with the parameter count PyTorch gives it. */
function mlp(hidden: number): NetSpec {
  return {
    name: 'Wide',
    input: [784],
    layers: [
      {
        name: 'fc1',
        type: 'Linear',
        op: 'linear',
        inFeatures: 784,
        outFeatures: hidden,
        bias: true,
        line: 9,
      },
      { name: 'relu', type: 'ReLU', op: 'activation', fn: 'relu' },
      {
        name: 'fc2',
        type: 'Linear',
        op: 'linear',
        inFeatures: hidden,
        outFeatures: 10,
        bias: true,
        line: 10,
      },
    ],
  };
}

const wideFile = (hidden: string): string =>
  [
    'import torch.nn as nn',
    '',
    '# input: (1, 1, 28, 28)',
    'class Wide(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.flat = nn.Flatten()',
    `        self.fc1 = nn.Linear(784, ${hidden})`,
    `        self.fc2 = nn.Linear(${hidden}, 10)`,
    '',
    '    def forward(self, x):',
    '        return self.fc2(self.fc1(self.flat(x)))',
  ].join('\n');

test('the parameter limit: at the limit trains, one more is refused naming the largest layer', () => {
  // 784·h + h + 10·h + 10 = 795·h + 10.
  const atLimit = Math.floor((MAX_TRAIN_PARAMS - 10) / 795);
  assert.ok(countParams(mlp(atLimit)) <= MAX_TRAIN_PARAMS);
  assert.equal(paramLimitProblem(mlp(atLimit)), null);
  assert.ok(countParams(mlp(atLimit + 1)) > MAX_TRAIN_PARAMS);
  const msg = paramLimitProblem(mlp(12_000_000));
  assert.ok(msg);
  assert.equal(
    msg,
    "Wide has 9,540,000,010 parameters, more than the 20,000,000 Tensor Lens trains (training takes about 70 bytes per parameter and the wasm backend's memory stops at 4 GB); the largest layer, Linear fc1 (line 9), has 9,420,000,000; make the model smaller to train it here",
  );
});

test('runTraining refuses it from the spec, before the backend loads, a weight is drawn or an event is sent', async () => {
  const events: string[] = [];
  await assert.rejects(
    runTraining(
      {
        models: [{ kind: 'source', file: 'wide.py', source: wideFile('12_000_000') }],
        epochs: 1,
        batchSize: 64,
        limit: 0,
        dataPath: '',
        seed: 1,
        backend: 'cpu',
      },
      {
        onEvent: (e) => events.push(e.event),
        mediaRoot: join(__dirname, '..', '..', '..', 'media'),
      },
    ),
    (e: Error) =>
      e instanceof TranslateError &&
      /^Wide has 9,540,000,010 parameters/.test(e.message) &&
      !e.message.includes('\n'),
  );
  assert.deepEqual(events, []);
});

test('tensor-lens train: a too-big model is one line, exit 2', async () => {
  await withTmp(async (dir) => {
    const f = join(dir, 'wide.py');
    for (const hidden of ['12_000_000', '1_000_000']) {
      writeFileSync(f, wideFile(hidden));
      const o = io();
      assert.equal(await main(['train', '--model', f, '--backend', 'cpu'], o), 2);
      assert.equal(o.stderr.length, 1, o.stderr.join('\n'));
      assert.match(
        o.stderr[0],
        /^tensor-lens train: Wide has [\d,]+ parameters, more than the 20,000,000 Tensor Lens trains .*the largest layer, Linear fc1 \(line 12\)/,
      );
      assert.equal(o.stdout.length, 0);
    }
  });
});

/** An IDX header for unsigned bytes with the given dims. */
function idxHeader(dims: number[]): Buffer {
  const h = Buffer.alloc(4 + 4 * dims.length);
  h.writeUInt32BE(0x800 + dims.length, 0);
  dims.forEach((d, i) => h.writeUInt32BE(d, 4 + 4 * i));
  return h;
}

test('tensor-lens train --data with a lying or corrupt IDX file: one line, exit 2', async () => {
  await withTmp(async (dir) => {
    const good = (): void => {
      writeIdx(join(dir, 'train-images-idx3-ubyte.gz'), [2, 28, 28], new Uint8Array(2 * 784));
      writeIdx(join(dir, 'train-labels-idx1-ubyte.gz'), [2], new Uint8Array(2));
      writeIdx(join(dir, 't10k-images-idx3-ubyte.gz'), [2, 28, 28], new Uint8Array(2 * 784));
      writeIdx(join(dir, 't10k-labels-idx1-ubyte.gz'), [2], new Uint8Array(2));
    };
    const cases: [string, () => void, RegExp][] = [
      [
        'inflates past its header',
        () =>
          writeFileSync(
            join(dir, 'train-images-idx3-ubyte.gz'),
            gzipSync(Buffer.concat([idxHeader([2, 28, 28]), Buffer.alloc(16 << 20)]), { level: 9 }),
          ),
        /decompresses to more than the 1584 bytes its header declares/,
      ],
      [
        'declares terabytes',
        () =>
          writeFileSync(
            join(dir, 'train-images-idx3-ubyte.gz'),
            gzipSync(Buffer.concat([idxHeader([4_000_000_000, 28, 28]), Buffer.alloc(64)])),
          ),
        /more than the 1073741824 an IDX file may hold/,
      ],
      [
        'counts disagree',
        () => writeIdx(join(dir, 't10k-labels-idx1-ubyte.gz'), [3], new Uint8Array(3)),
        /t10k-images-idx3-ubyte\.gz has 2 images but t10k-labels-idx1-ubyte\.gz has 3 labels/,
      ],
      [
        'corrupt gzip',
        () =>
          writeFileSync(
            join(dir, 'train-labels-idx1-ubyte.gz'),
            Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff]),
          ),
        /truncated or corrupt gzip data/,
      ],
      [
        'truncated data',
        () =>
          writeFileSync(
            join(dir, 'train-images-idx3-ubyte.gz'),
            gzipSync(Buffer.concat([idxHeader([2, 28, 28]), Buffer.alloc(700)])),
          ),
        /truncated: the header promises 2×28×28 = 1568 bytes of data but 700 are there/,
      ],
    ];
    for (const [what, corrupt, re] of cases) {
      good();
      corrupt();
      const o = io();
      assert.equal(await main(['train', '--data', dir, '--backend', 'cpu'], o), 2, what);
      assert.equal(o.stderr.length, 1, `${what}: ${o.stderr.join(' | ')}`);
      assert.ok(!o.stderr[0].includes('\n'), what);
      assert.match(o.stderr[0], re, what);
    }
  });
});
