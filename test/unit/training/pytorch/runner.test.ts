// The PyTorch runner against a plain PyTorch training script (same model, data and seed: the same
// per-epoch numbers, exactly, on CPU with deterministic algorithms), its error line, and Stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type {
  TrainEpochEvent,
  TrainEvalEvent,
  TrainEvent,
  TrainRequestParams,
  TrainStartEvent,
} from '../../../../src/training/types';
import { runPytorchTraining, RunnerError } from '../../../../src/training/pytorch/index';
import { BROKEN, SMALL_CNN, writeModel } from './models';
import { groupGone, skip, torchPython } from './torchPython';

const MNIST = resolve(__dirname, '../../../../media/mnist');

function params(
  file: string,
  source: string,
  over: Partial<TrainRequestParams> = {},
): TrainRequestParams {
  return {
    models: [{ kind: 'source', file, source }],
    epochs: 2,
    batchSize: 64,
    limit: 1024,
    testLimit: 500,
    dataPath: MNIST,
    seed: 7,
    backend: 'auto',
    ...over,
  };
}

// Written from the documented procedure, not from the runner: seed, build, Adam, one seeded
// randperm per epoch, mean cross-entropy, evaluation in chunks of 1000.
const PLAIN = `
import gzip, json, struct, sys, os
import torch
import torch.nn.functional as F
model_file, data, seed, epochs, limit, test_limit = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
torch.use_deterministic_algorithms(True)
def idx(path):
    raw = gzip.open(path).read()
    dims = raw[3]
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    return torch.tensor(list(raw[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)
def split(prefix, n):
    x = idx(os.path.join(data, prefix + "-images-idx3-ubyte.gz"))[:n].unsqueeze(1)
    y = idx(os.path.join(data, prefix + "-labels-idx1-ubyte.gz"))[:n].long()
    return (x.float() / 255 - 0.1307) / 0.3081, y
xs, ys = split("train", limit)
xt, yt = split("t10k", test_limit)
sys.argv = [model_file]
sys.path.insert(0, os.path.dirname(model_file))
import importlib.util
spec = importlib.util.spec_from_file_location("m", model_file)
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
torch.manual_seed(seed)
model = m.SmallNet(4, hidden=24, drop=0.1)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
g = torch.Generator().manual_seed(seed)
out = []
for epoch in range(epochs):
    perm = torch.randperm(len(xs), generator=g)
    model.train()
    loss_sum, correct = 0.0, 0
    for s in range(0, len(xs), 64):
        i = perm[s:s + 64]
        opt.zero_grad()
        logits = model(xs[i])
        loss = F.cross_entropy(logits, ys[i])
        loss.backward()
        opt.step()
        loss_sum += loss.item() * len(i)
        correct += (logits.argmax(1) == ys[i]).sum().item()
    model.eval()
    with torch.no_grad():
        tl, tc = 0.0, 0
        outs = []
        for s in range(0, len(xt), 1000):
            o = model(xt[s:s + 1000])
            outs.append(o)
            tl += F.cross_entropy(o, yt[s:s + 1000], reduction="sum").item()
            tc += (o.argmax(1) == yt[s:s + 1000]).sum().item()
    # The evaluation tallied one image at a time: confusion[true][predicted], each class's share right,
    # and the 16 wrong answers given with the highest softmax probability (ties: lower index first).
    probs = torch.softmax(torch.cat(outs).double(), 1)
    confusion = [[0] * 10 for _ in range(10)]
    wrong = []
    for i in range(len(xt)):
        pred = int(probs[i].argmax())
        label = int(yt[i])
        confusion[label][pred] += 1
        if pred != label:
            wrong.append({"index": i, "label": label, "pred": pred, "p": float(probs[i][pred])})
    wrong.sort(key=lambda m: (-m["p"], m["index"]))
    per_class = [row[c] / sum(row) if sum(row) else None for c, row in enumerate(confusion)]
    out.append({"trainLoss": loss_sum / len(xs), "trainAcc": correct / len(xs), "testLoss": tl / len(xt), "testAcc": tc / len(xt),
                "confusion": confusion, "perClass": per_class, "mistakes": wrong[:16]})
print(json.dumps(out))
`;

test(
  "same model, data and seed: the runner's epochs equal a plain PyTorch script's, exactly (CPU, deterministic)",
  { skip },
  async () => {
    const file = writeModel('small.py', SMALL_CNN);
    const events: TrainEvent[] = [];
    const done = await runPytorchTraining(
      params(file, SMALL_CNN),
      { python: torchPython as string, device: 'cpu' },
      { onEvent: (e) => events.push(e) },
    );
    assert.equal(done.cancelled, false);
    const start = events[0] as TrainStartEvent;
    assert.equal(start.event, 'start');
    assert.equal(start.backend, 'pytorch');
    assert.equal(start.device, 'cpu');
    assert.match(start.backendDetail ?? '', /^torch \d+\.\d+/);
    assert.equal(start.models[0].model, 'SmallNet');
    assert.equal(start.models[0].params, 4 * 9 + 4 + 4 * 13 * 13 * 24 + 24 + 24 * 10 + 10);
    assert.equal(events[events.length - 1].event, 'done');
    assert.ok(events.some((e) => e.event === 'batch'));
    const epochs = events.filter((e): e is TrainEpochEvent => e.event === 'epoch');
    const plain = JSON.parse(
      execFileSync(torchPython as string, ['-c', PLAIN, file, MNIST, '7', '2', '1024', '500'], {
        encoding: 'utf8',
      }),
    ) as (Record<'trainLoss' | 'trainAcc' | 'testLoss' | 'testAcc', number> &
      Pick<TrainEvalEvent, 'confusion' | 'perClass' | 'mistakes'>)[];
    assert.equal(epochs.length, 2);
    assert.deepEqual(
      epochs.map((e) => ({
        trainLoss: e.trainLoss,
        trainAcc: e.trainAcc,
        testLoss: e.testLoss,
        testAcc: e.testAcc,
      })),
      plain.map((p) => ({
        trainLoss: p.trainLoss,
        trainAcc: p.trainAcc,
        testLoss: p.testLoss,
        testAcc: p.testAcc,
      })),
    );
    // The eval events (confusion, per-class accuracy, most confident mistakes) follow each epoch.
    const evals = events.filter((e): e is TrainEvalEvent => e.event === 'eval');
    assert.deepEqual(
      evals.map((e) => e.epoch),
      [1, 2],
    );
    assert.deepEqual(
      evals.map((e) => ({ confusion: e.confusion, perClass: e.perClass, mistakes: e.mistakes })),
      plain.map((p) => ({ confusion: p.confusion, perClass: p.perClass, mistakes: p.mistakes })),
    );
    assert.deepEqual(evals[0].classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    // It learned something: well above chance (10 %) after two epochs of 1,024 digits.
    assert.ok(epochs[1].testAcc > 0.5, String(epochs[1].testAcc));
  },
);

test(
  "an error in the user's code: one line naming their file and line, the traceback kept",
  { skip },
  async () => {
    const file = writeModel('broken.py', BROKEN);
    await assert.rejects(
      runPytorchTraining(
        params(file, BROKEN, { epochs: 1, limit: 64, testLimit: 64 }),
        { python: torchPython as string, device: 'cpu' },
        { onEvent: () => undefined },
      ),
      (e: unknown) => {
        assert.ok(e instanceof RunnerError);
        assert.equal(e.kind, 'user');
        assert.equal(e.message, "broken.py:12: ValueError: boom from the user's forward");
        assert.equal(e.line, 12);
        assert.match(
          e.traceback ?? '',
          /Traceback \(most recent call last\)[\s\S]*broken\.py", line 12, in forward/,
        );
        return true;
      },
    );
  },
);

test(
  'Stop: the runner stops between batches and still ends with done (cancelled), its process group gone',
  { skip },
  async () => {
    const file = writeModel('small.py', SMALL_CNN);
    const ac = new AbortController();
    const events: TrainEvent[] = [];
    let pid = 0;
    const done = await runPytorchTraining(
      params(file, SMALL_CNN, { epochs: 50, limit: 0 }),
      { python: torchPython as string, device: 'cpu' },
      {
        onEvent: (e) => {
          events.push(e);
          if (e.event === 'batch') ac.abort();
        },
        onSpawn: (p) => (pid = p),
        signal: ac.signal,
      },
    );
    assert.equal(done.cancelled, true);
    assert.equal(events[events.length - 1].event, 'done');
    assert.ok(!events.some((e) => e.event === 'epoch'), 'stopped within the first epoch');
    assert.ok(await groupGone(pid), `process group ${pid} still has processes`);
  },
);

test(
  "threads: torch's own thread count (OMP_NUM_THREADS here), not the number of processes",
  { skip },
  async () => {
    const file = writeModel('small.py', SMALL_CNN);
    const events: TrainEvent[] = [];
    const before = process.env.OMP_NUM_THREADS;
    // 3 on one process: a count neither the process count (1) nor this machine's cores decide.
    process.env.OMP_NUM_THREADS = '3';
    try {
      const done = await runPytorchTraining(
        params(file, SMALL_CNN, { epochs: 1, limit: 64, testLimit: 64 }),
        { python: torchPython as string, device: 'cpu' },
        { onEvent: (e) => events.push(e) },
      );
      assert.equal(done.models[0].threads, 3);
      const start = events[0] as TrainStartEvent;
      assert.equal(start.hyper?.threads, 3);
      assert.equal(start.hyper?.processes, 1);
    } finally {
      if (before === undefined) delete process.env.OMP_NUM_THREADS;
      else process.env.OMP_NUM_THREADS = before;
    }
  },
);
