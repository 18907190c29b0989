// The PyTorch runner's overhead: its training samples/s against the same loop written directly in
// PyTorch (same model file, data, batch, Adam, deterministic CPU), in the same bench run, side by
// side round by round so a change in the machine's load hits both alike. Target (issue 16): ≤ 5 %.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainDoneEvent } from '../src/training/types';
import { runPytorchTraining } from '../src/training/pytorch/index';
import type { BenchSection } from './run';

const ROOT = join(__dirname, '..');
const MNIST = join(ROOT, 'media', 'mnist');
const PYTHON = process.env.TENSOR_LENS_BENCH_PYTHON ?? '/usr/bin/python3';
const ROUNDS = Number(process.env.TL_BENCH_ROUNDS ?? 3);
const EPOCHS = 2;
const BATCH = 64;

const MODEL = `import torch
import torch.nn as nn
import torch.nn.functional as F


# input: (1, 1, 28, 28)
class BenchNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3)
        self.conv2 = nn.Conv2d(16, 32, 3)
        self.fc1 = nn.Linear(32 * 5 * 5, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))
`;

// The plain loop: what a user would write, timed over its training steps only (no evaluation).
const PLAIN = `
import gzip, json, struct, sys, os, time, importlib.util
import torch
import torch.nn.functional as F
model_file, data, epochs, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
torch.use_deterministic_algorithms(True)
def idx(path):
    raw = gzip.open(path).read()
    dims = raw[3]
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(raw[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)
x = (idx(os.path.join(data, "train-images-idx3-ubyte.gz")).unsqueeze(1).float() / 255 - 0.1307) / 0.3081
y = idx(os.path.join(data, "train-labels-idx1-ubyte.gz")).long()
spec = importlib.util.spec_from_file_location("m", model_file)
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
torch.manual_seed(42)
model = m.BenchNet()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
g = torch.Generator().manual_seed(42)
seconds = 0.0
for epoch in range(epochs):
    perm = torch.randperm(len(x), generator=g)
    t = time.perf_counter()
    for s in range(0, len(x), batch):
        i = perm[s:s + batch]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x[i]), y[i])
        loss.backward()
        opt.step()
        loss.item()
    seconds += time.perf_counter() - t
print(json.dumps({"samplesPerSec": epochs * len(x) / seconds, "torch": torch.__version__, "threads": torch.get_num_threads()}))
`;

function plain(file: string): Promise<{ samplesPerSec: number; torch: string; threads: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      ['-c', PLAIN, file, MNIST, String(EPOCHS), String(BATCH)],
      { encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err)
          reject(
            new Error(
              `plain PyTorch loop failed: ${stderr.split('\n').filter(Boolean).pop() ?? err.message}`,
            ),
          );
        else
          resolve(
            JSON.parse(stdout.trim()) as { samplesPerSec: number; torch: string; threads: number },
          );
      },
    );
  });
}

async function runner(file: string): Promise<TrainDoneEvent> {
  return runPytorchTraining(
    {
      models: [{ kind: 'source', file, source: MODEL }],
      epochs: EPOCHS,
      batchSize: BATCH,
      limit: 0,
      testLimit: 0,
      dataPath: MNIST,
      seed: 42,
      backend: 'auto',
    },
    { python: PYTHON, device: 'cpu' },
    { onEvent: () => undefined },
  );
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<BenchSection> {
  const title =
    'PyTorch runner overhead (tensor-lens train --backend pytorch vs a plain PyTorch loop)';
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return {
      title,
      markdown: `Skipped: ${PYTHON} cannot import torch (install python3-torch or set TENSOR_LENS_BENCH_PYTHON).`,
    };
  const file = join(mkdtempSync(join(tmpdir(), 'tl-bench-')), 'bench_net.py');
  writeFileSync(file, MODEL);
  const load0 = loadavg()[0];
  const ours: number[] = [];
  const theirs: number[] = [];
  let info = { torch: '?', threads: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    // Both at once: on a shared machine whose load swings from minute to minute, two runs side by
    // side see the same contention, where runs one after the other do not.
    const [o, p] = await Promise.all([runner(file), plain(file)]);
    ours.push(o.models[0].samplesPerSec ?? NaN);
    theirs.push(p.samplesPerSec);
    info = p;
  }
  const ratios = ours.map((o, i) => o / theirs[i]);
  const overhead = 1 - median(ratios);
  // The runner runs the plain loop's steps plus a little; measuring it well over 5 % faster says the
  // machine's load swamped the difference, not that the target was met.
  const verdict =
    overhead < -0.05
      ? 'inconclusive (the runner measured faster than the loop it wraps: load noise, rerun on a quiet machine)'
      : overhead <= 0.05
        ? 'met'
        : 'missed';
  const rows = ours.map(
    (o, i) => `| ${i + 1} | ${o.toFixed(0)} | ${theirs[i].toFixed(0)} | ${ratios[i].toFixed(3)} |`,
  );
  const markdown = [
    `Embedded MNIST subset (8,000 training images), ${EPOCHS} epochs, batch ${BATCH}, Adam lr 1e-3, a 2-conv CNN (${file.split('/').pop()}), CPU with deterministic algorithms, torch ${info.torch} on ${info.threads} thread(s). ${ROUNDS} rounds; in each the runner and the plain loop train at the same time, so both see the same load.`,
    '',
    '| round | runner samples/s | plain loop samples/s | runner / plain |',
    '|---:|---:|---:|---:|',
    ...rows,
    '',
    `Median ratio ${median(ratios).toFixed(3)}: overhead ${(100 * overhead).toFixed(1)} % — target ≤ 5 %: ${verdict}. Side by side is not perfectly fair either: the runner starts training a few seconds later (the shape analysis, then torch's import), so part of its training overlaps the plain loop's end rather than its import; on a busy machine that favours the runner.`,
    `Both count training steps only (no evaluation, no start-up) and clear gradients the same way (\`zero_grad(set_to_none=True)\`, as the runner does; torch 1.13's default zeroes them, which is slower). The runner's extra per step: a three-number stats tensor (loss, correct, stop flag) and a JSON batch line at most 20 times a second. Load average (1 min) ${load0.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after.`,
  ].join('\n');
  return { title, markdown };
}
