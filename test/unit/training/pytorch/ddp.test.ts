// --procs N: DistributedDataParallel on local CPU processes (gloo). With the same global batch, two
// processes follow one process's curve; Stop ends every rank.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type {
  TrainEpochEvent,
  TrainEvent,
  TrainRequestParams,
  TrainStartEvent,
} from '../../../../src/training/types';
import { runPytorchTraining } from '../../../../src/training/pytorch/index';
import { SMALL_CNN, writeModel } from './models';
import { groupGone, skip, torchPython } from './torchPython';

const MNIST = resolve(__dirname, '../../../../media/mnist');
// No dropout: its draws differ per rank, which is noise this comparison does not need.
const SOURCE = SMALL_CNN.replace('drop=0.1)', 'drop=0.0)');

function params(file: string, over: Partial<TrainRequestParams> = {}): TrainRequestParams {
  return {
    models: [{ kind: 'source', file, source: SOURCE }],
    epochs: 2,
    batchSize: 64,
    limit: 1024,
    testLimit: 500,
    dataPath: MNIST,
    seed: 11,
    backend: 'auto',
    ...over,
  };
}

async function run(file: string, procs: number): Promise<TrainEvent[]> {
  const events: TrainEvent[] = [];
  await runPytorchTraining(
    params(file),
    { python: torchPython as string, device: 'cpu', procs },
    { onEvent: (e) => events.push(e) },
  );
  return events;
}

test(
  '2 processes on CPU: the same per-epoch accuracy as 1 process with the same global batch',
  { skip },
  async () => {
    const file = writeModel('small.py', SOURCE);
    const one = await run(file, 1);
    const two = await run(file, 2);
    const start = two[0] as TrainStartEvent;
    assert.equal(start.hyper?.processes, 2);
    assert.match(start.backendDetail ?? '', /2 processes/);
    const e1 = one.filter((e): e is TrainEpochEvent => e.event === 'epoch');
    const e2 = two.filter((e): e is TrainEpochEvent => e.event === 'epoch');
    assert.equal(e2.length, 2, 'rank 0 alone reports: one epoch line per epoch');
    for (let i = 0; i < 2; i++) {
      // Each rank takes half of the same shuffled batch and DDP averages the gradients: only float
      // summation order differs, so accuracy agrees to within a digit or two of 500 and 1,024.
      assert.ok(
        Math.abs(e2[i].testAcc - e1[i].testAcc) <= 0.01,
        `epoch ${i + 1}: test ${e2[i].testAcc} vs ${e1[i].testAcc}`,
      );
      assert.ok(
        Math.abs(e2[i].trainAcc - e1[i].trainAcc) <= 0.01,
        `epoch ${i + 1}: train ${e2[i].trainAcc} vs ${e1[i].trainAcc}`,
      );
      assert.ok(
        Math.abs(e2[i].trainLoss - e1[i].trainLoss) <= 1e-3,
        `epoch ${i + 1}: loss ${e2[i].trainLoss} vs ${e1[i].trainLoss}`,
      );
    }
  },
);

test(
  'Stop with 2 processes: both ranks end, and the run ends with done (cancelled)',
  { skip },
  async () => {
    const file = writeModel('small.py', SOURCE);
    const ac = new AbortController();
    let pid = 0;
    const events: TrainEvent[] = [];
    const done = await runPytorchTraining(
      params(file, { epochs: 50, limit: 0 }),
      { python: torchPython as string, device: 'cpu', procs: 2 },
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
    // The launcher and both ranks share the run's process group; none is left.
    assert.ok(await groupGone(pid), `process group ${pid} still has processes`);
  },
);
