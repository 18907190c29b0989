// Training: our MLP and CNN on the wasm backend against PyTorch (Debian's python3-torch) training the
// same nets on the same embedded 8,000 / 2,000 split with the same batch size, optimiser and epochs,
// in the same bench run. Targets (issue 5): test accuracy within 1 point of PyTorch's for both nets;
// wasm samples/s ≥ 0.5× PyTorch's for the CNN and ≥ 1× for the MLP.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { TrainModelSummary } from '../src/protocol';
import { runTraining } from '../src/training/index';
import type { BenchSection } from './run';

/** A finished (never stopped) run always has a test accuracy. */
type Summary = TrainModelSummary & { finalTestAcc: number; cpuSeconds: number };

const ROOT = join(__dirname, '..');
const EPOCHS = Number(process.env.TL_BENCH_EPOCHS ?? 3);
const BATCH = 64;
const SEED = 42;
const PYTHON = '/usr/bin/python3';

interface TorchResult {
  torch: string;
  threads: number;
  trainSize: number;
  models: Summary[];
}

function runTorch(threads: number): TorchResult | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return `${PYTHON} cannot import torch (install python3-torch)`;
  const r = spawnSync(PYTHON, [join(ROOT, 'scripts', 'torch_mnist.py'), '--media', join(ROOT, 'media', 'mnist'), '--epochs', String(EPOCHS),
    '--batch-size', String(BATCH), '--seed', String(SEED), '--threads', String(threads)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) return `torch_mnist.py failed: ${(r.stderr || '').trim().split('\n').pop() ?? ''}`;
  return JSON.parse(r.stdout) as TorchResult;
}

const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
const int = (x: number): string => Math.round(x).toLocaleString('en-US');

export async function run(): Promise<BenchSection> {
  const load0 = loadavg()[0];
  // One run per net so each gets its own CPU-time reading (all threads of this process, evaluation
  // included — which only counts against us). CPU time is what a busy shared machine distorts least.
  const ours: Summary[] = [];
  let backend = '';
  for (const name of ['mlp', 'cnn'] as const) {
    const c0 = process.cpuUsage();
    const done = await runTraining(
      { models: [{ kind: 'builtin', name }], epochs: EPOCHS, batchSize: BATCH, limit: 0, dataPath: '', seed: SEED, backend: 'wasm' },
      { onEvent: () => undefined, mediaRoot: join(ROOT, 'media'), log: (m) => process.stderr.write(`  ${m}\n`) },
    );
    const c = process.cpuUsage(c0);
    backend = `${done.backend}${done.backendDetail ? ` (${done.backendDetail})` : ''}`;
    ours.push({ ...done.models[0], finalTestAcc: done.models[0].finalTestAcc ?? NaN, cpuSeconds: (c.user + c.system) / 1e6 });
  }
  const torch = runTorch(cpus().length);
  // A single-thread run too: on a busy shared machine two OpenMP threads spin against other
  // processes, which makes the core-count run look slower than PyTorch really is.
  const torch1 = cpus().length > 1 && typeof torch !== 'string' ? runTorch(1) : null;
  const load1 = loadavg()[0];
  const lines: string[] = [];
  lines.push(`Embedded MNIST subset (8,000 train / 2,000 test), ${EPOCHS} epochs, batch ${BATCH}, Adam lr 1e-3, seed ${SEED}. Ours: backend ${backend}.`);
  if (typeof torch === 'string') {
    lines.push(`PyTorch baseline: not run (${torch}).`, '', '| model | params | test acc | samples/s | seconds |', '|---|---:|---:|---:|---:|');
    for (const m of ours) lines.push(`| ${m.model} | ${int(m.params)} | ${pct(m.finalTestAcc)} | ${int(m.samplesPerSec)} | ${m.seconds.toFixed(1)} |`);
  } else {
    lines.push(`PyTorch ${torch.torch}, ${torch.threads} threads (torch.set_num_threads = core count), CPU.`, '');
    lines.push('| model | params | test acc (ours) | test acc (PyTorch) | Δ acc | target Δ ≤ 1 pt | samples/s (ours, wasm) | samples/s (PyTorch) | ratio | target ratio | samples per CPU-s: ours / PyTorch / PyTorch 1 thread |');
    lines.push('|---|---:|---:|---:|---:|:--:|---:|---:|---:|:--:|---:|');
    for (const m of ours) {
      const t = torch.models.find((x) => x.model === m.model);
      if (!t) continue;
      const t1 = torch1 && typeof torch1 !== 'string' ? torch1.models.find((x) => x.model === m.model) : undefined;
      const d = 100 * (m.finalTestAcc - t.finalTestAcc);
      const ratio = m.samplesPerSec / t.samplesPerSec;
      const target = m.model === 'cnn' ? 0.5 : 1;
      lines.push(`| ${m.model} | ${int(m.params)} | ${pct(m.finalTestAcc)} | ${pct(t.finalTestAcc)} | ${d >= 0 ? '+' : ''}${d.toFixed(2)} pt | ${Math.abs(d) <= 1 || d > 0 ? 'met' : 'missed'} | ${int(m.samplesPerSec)} | ${int(t.samplesPerSec)} | ${ratio.toFixed(2)}× | ≥ ${target}×: ${ratio >= target ? 'met' : 'missed'} | ${int((EPOCHS * torch.trainSize) / m.cpuSeconds)} / ${int((EPOCHS * torch.trainSize) / t.cpuSeconds)} / ${t1 ? int((EPOCHS * torch.trainSize) / t1.cpuSeconds) : '–'} |`);
    }
  }
  lines.push('', 'The accuracy of one seeded run on 2,000 test images has a standard error of about 0.4 points, so a Δ near 1 point is within run-to-run noise.');
  lines.push('', `Samples/s count training steps only (no evaluation); samples per CPU-second divide the same samples by the CPU time of all threads (ours includes evaluation). Load average (1 min) ${load0.toFixed(1)} before, ${load1.toFixed(1)} after, on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}: the machine is shared, so speed ratios are noisy; accuracy is not.`);
  return { title: 'Training: MLP and CNN on MNIST (tfjs wasm vs PyTorch)', markdown: lines.join('\n') };
}
