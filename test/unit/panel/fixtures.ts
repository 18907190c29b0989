// Realistic protocol messages for the panel tests and the browser harness: a seeded MLP vs CNN run,
// 1-D and 2-D sampling results shaped like what the worker sends, a model summary.
import type { SampleResult } from '../../../src/sampling/types';
import type { StoredTrainRun } from '../../../src/common/messages';
import type { TrainEvalEvent, TrainEvent } from '../../../src/training/types';
import type { ModelResult } from '../../../src/shapes/types';
import { uniformStream as rng } from '../../../src/training/rng';

function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** The batch/epoch/done stream of one comparison, models trained one after the other. */
export function trainStream(
  runId: string,
  opts: {
    trainSize?: number;
    batchSize?: number;
    epochs?: number;
    every?: number;
    /** Add the start event's hyperparameters and an eval event after each epoch, as the engine does. */
    rich?: boolean;
    lr?: number;
    seed?: number;
  } = {},
): TrainEvent[] {
  const trainSize = opts.trainSize ?? 60000;
  const batchSize = opts.batchSize ?? 64;
  const epochs = opts.epochs ?? 1;
  const every = opts.every ?? 1;
  const r = rng(7);
  const batches = Math.ceil(trainSize / batchSize);
  const models = [
    { model: 'mlp', params: 535818 },
    { model: 'cnn', params: 225034 },
  ];
  const ev: TrainEvent[] = [
    {
      event: 'start',
      runId,
      backend: 'wasm',
      models,
      trainSize,
      testSize: 10000,
      epochs,
      batchSize,
      ...(opts.rich
        ? {
            data: 'MNIST',
            hyper: {
              model: models.map((m) => m.model),
              data: 'MNIST',
              epochs,
              batchSize,
              lr: opts.lr ?? 1e-3,
              seed: opts.seed ?? 42,
              backend: 'wasm',
              threads: 2,
            },
          }
        : {}),
    },
  ];
  const done: {
    model: string;
    params: number;
    finalTestAcc: number;
    finalTestLoss: number;
    seconds: number;
    samplesPerSec: number;
  }[] = [];
  for (const { model, params } of models) {
    const floor = model === 'cnn' ? 0.04 : 0.09;
    let seen = 0;
    for (let e = 1; e <= epochs; e++) {
      for (let b = 1; b <= batches; b++) {
        seen += Math.min(batchSize, trainSize - (b - 1) * batchSize);
        if (b % every !== 0 && b !== batches) continue;
        const t = seen / trainSize;
        const loss = floor + 2.2 * Math.exp(-6 * t) + 0.08 * Math.abs(normal(r));
        ev.push({
          event: 'batch',
          runId,
          model,
          epoch: e,
          batch: b,
          batches,
          samplesSeen: seen,
          loss,
        });
      }
      const testAcc = model === 'cnn' ? 0.97 + 0.005 * e : 0.93 + 0.01 * e;
      ev.push({
        event: 'epoch',
        runId,
        model,
        epoch: e,
        trainLoss: floor + 0.1 / e,
        trainAcc: testAcc + 0.01,
        testLoss: floor + 0.12 / e,
        testAcc,
        seconds: 12 * e,
        samplesPerSec: model === 'cnn' ? 1800 : 9000,
      });
      if (opts.rich) ev.push(evalEvent(runId, model, e, testAcc));
    }
    done.push({
      model,
      params,
      finalTestAcc: model === 'cnn' ? 0.975 : 0.94,
      finalTestLoss: floor + 0.1,
      seconds: 30,
      samplesPerSec: model === 'cnn' ? 1800 : 9000,
    });
  }
  ev.push({ event: 'done', runId, backend: 'wasm', models: done, cancelled: false });
  return ev;
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * A 10-class evaluation of 1,000 test images per class with overall accuracy `acc`: class c keeps
 * a share of its errors that grows with c (so per-class bars differ), all sent to class (c + 1) % 10
 * except one to (c + 3) % 10, and 12 mistakes with 28 × 28 grey images (a bright square whose place
 * depends on the label, so two images differ).
 */
export function evalEvent(
  runId: string,
  model: string,
  epoch: number,
  acc: number,
): TrainEvalEvent {
  const k = DIGITS.length;
  const confusion = DIGITS.map((_, c) => {
    const row = new Array<number>(k).fill(0);
    const wrong = Math.round(1000 * (1 - acc) * (0.55 + 0.1 * c));
    row[c] = 1000 - wrong;
    row[(c + 1) % k] += wrong - 1;
    row[(c + 3) % k] += 1;
    return row;
  });
  const perClass = confusion.map((row, c) => row[c] / row.reduce((a, b) => a + b, 0));
  const mistakes = Array.from({ length: 12 }, (_, i) => {
    const label = i % k;
    const pixels = new Array<number>(28 * 28).fill(0);
    for (let y = 6; y < 14; y++)
      for (let x = 2 + label * 2; x < 8 + label * 2; x++) pixels[y * 28 + x] = 255;
    return {
      index: 100 + i,
      label,
      pred: (label + 1) % k,
      p: 0.99 - i * 0.01,
      image: { channels: 1, rows: 28, cols: 28, pixels },
    };
  });
  return { event: 'eval', runId, model, epoch, classes: DIGITS, confusion, perClass, mistakes };
}

/** A finished run as the host stores it. */
export function storedRun(
  runId: string,
  startedAt = '2026-11-25T20:00:00.000Z',
  opts: { rich?: boolean; lr?: number; seed?: number } = {},
): StoredTrainRun {
  const events = trainStream(runId, { trainSize: 8000, epochs: 3, every: 5, ...opts });
  const run: StoredTrainRun = {
    runId,
    startedAt,
    backend: 'wasm',
    params: {
      models: [
        { kind: 'builtin', name: 'mlp' },
        { kind: 'builtin', name: 'cnn' },
      ],
      epochs: 3,
      batchSize: 64,
      limit: 8000,
      dataPath: '',
      seed: 42,
      backend: 'auto',
    },
    models: [],
    batches: {},
    epochs: [],
  };
  for (const e of events) {
    if (e.event === 'start') {
      run.models = e.models;
      if (e.hyper) run.hyper = e.hyper;
      if (e.data) run.data = e.data;
    } else if (e.event === 'eval') (run.evals ??= {})[e.model] = e;
    else if (e.event === 'batch') (run.batches[e.model] ??= []).push([e.samplesSeen, e.loss]);
    else if (e.event === 'epoch') run.epochs.push(e);
    else if (e.event === 'done') run.done = e;
  }
  return run;
}

const EXPR1 = 'exp(-x^2/2) * (1 + sin(3x)^2)';

function f1(x: number): number {
  return Math.exp((-x * x) / 2) * (1 + Math.sin(3 * x) ** 2);
}

/** A 1-D result with the histogram binned "in the worker" from seeded rejection draws. */
export function sampleResult1d(
  runId: string,
  sampler: SampleResult['sampler'] = 'mh',
  opts: { chains?: number; n?: number; rhat?: number } = {},
): SampleResult {
  const chains = opts.chains ?? 4;
  const n = opts.n ?? 5000;
  const r = rng(runId.length * 17 + 3);
  const range: [number, number] = [-4, 4];
  const bins = 60;
  const edges = Array.from(
    { length: bins + 1 },
    (_, i) => range[0] + ((range[1] - range[0]) * i) / bins,
  );
  const counts = new Array<number>(bins).fill(0);
  const traces: number[][] = [];
  for (let c = 0; c < chains; c++) {
    const tr: number[] = [];
    let x = 0;
    for (let i = 0; i < n; i++) {
      // Rejection from a wide normal envelope: f ≤ 2·exp(-x²/2).
      for (;;) {
        const y = normal(r);
        if (r() * 2 * Math.exp((-y * y) / 2) <= f1(y)) {
          x = y;
          break;
        }
      }
      if (x >= range[0] && x < range[1])
        counts[Math.floor(((x - range[0]) / (range[1] - range[0])) * bins)]++;
      if (i % Math.max(1, Math.floor(n / 2000)) === 0) tr.push(x);
    }
    traces.push(tr);
  }
  const gx = Array.from({ length: 201 }, (_, i) => range[0] + ((range[1] - range[0]) * i) / 200);
  const gy = gx.map(f1);
  const z = gy.reduce((a, v) => a + v, 0) * ((range[1] - range[0]) / 200);
  return {
    runId,
    expr: EXPR1,
    sampler,
    n,
    chains,
    dims: 1,
    acceptance: sampler === 'inverse-cdf' ? null : 0.43,
    essBulk: 3120.4,
    essTail: 2710.9,
    rhat: opts.rhat ?? 1.002,
    mcseMean: 0.012,
    mean: 0.001,
    sd: 0.93,
    ks: { D: 0.0081, p: 0.62 },
    seconds: 0.41,
    drawsPerSec: (n * chains) / 0.41,
    range,
    histogram: { edges, counts },
    density: { x: gx, y: gy.map((v) => v / z) },
    autocorrelation: Array.from({ length: 40 }, (_, k) => Math.pow(0.6, k)),
    traces,
  };
}

/** A 2-D result: a correlated Gaussian with its density grid, 2-D histogram, marginals and scatter. */
export function sampleResult2d(runId: string): SampleResult {
  const r = rng(99);
  const range: [number, number] = [-3, 3];
  const nx = 50;
  const ny = 50;
  const rho = 0.7;
  const values: number[] = [];
  for (let yi = 0; yi < ny; yi++) {
    for (let xi = 0; xi < nx; xi++) {
      const x = range[0] + ((xi + 0.5) * (range[1] - range[0])) / nx;
      const y = range[0] + ((yi + 0.5) * (range[1] - range[0])) / ny;
      values.push(Math.exp(-(x * x - 2 * rho * x * y + y * y) / (2 * (1 - rho * rho))));
    }
  }
  const sx: number[] = [];
  const sy: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const a = normal(r);
    const b = rho * a + Math.sqrt(1 - rho * rho) * normal(r);
    sx.push(a);
    sy.push(b);
  }
  const bins = 40;
  const edges = Array.from(
    { length: bins + 1 },
    (_, i) => range[0] + ((range[1] - range[0]) * i) / bins,
  );
  const hist = (v: number[]): number[] => {
    const c = new Array<number>(bins).fill(0);
    for (const x of v)
      if (x >= range[0] && x < range[1])
        c[Math.floor(((x - range[0]) / (range[1] - range[0])) * bins)]++;
    return c;
  };
  const gx = Array.from({ length: 101 }, (_, i) => range[0] + ((range[1] - range[0]) * i) / 100);
  const phi = gx.map((x) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI));
  return {
    runId,
    expr: 'exp(-(x^2 - 1.4*x*y + y^2) / 1.02)',
    sampler: 'nuts',
    n: 2000,
    chains: 2,
    dims: 2,
    acceptance: 0.86,
    essBulk: 1800,
    essTail: 1500,
    rhat: 1.013,
    mcseMean: 0.02,
    mean: 0,
    sd: 1,
    ks: null,
    divergences: 0,
    seconds: 1.2,
    drawsPerSec: 3333,
    range,
    rangeY: range,
    histogram: { edges, counts: hist(sx) },
    histogramY: { edges, counts: hist(sy) },
    histogram2d: { xEdges: edges, yEdges: edges, counts: new Array<number>(bins * bins).fill(1) },
    density: { x: gx, y: phi },
    densityY: { x: gx, y: phi },
    density2d: { nx, ny, values },
    autocorrelation: Array.from({ length: 30 }, (_, k) => Math.pow(0.3, k)),
    traces: [sx.slice(0, 1500), sx.slice(1500)],
    tracesY: [sy.slice(0, 1500), sy.slice(1500)],
    scatter: { x: sx, y: sy },
  };
}

export function modelSummary(): ModelResult {
  const range = { line: 5, column: 7, endLine: 5, endColumn: 10 };
  const layer = (
    line: number,
    name: string,
    type: string,
    input: (number | string)[],
    output: (number | string)[],
    params: number,
    macs?: number,
    functional?: boolean,
  ) => ({
    line,
    column: 9,
    range,
    name,
    type,
    input,
    output,
    params,
    macs,
    functional,
  });
  return {
    name: 'Net',
    line: 5,
    kind: 'module',
    input: [['B', 1, 28, 28]],
    inputSource: 'dataset',
    output: ['B', 10],
    params: 225034,
    layers: [
      layer(12, 'conv1', 'Conv2d', ['B', 1, 28, 28], ['B', 32, 26, 26], 320, 194688),
      layer(13, 'F.relu', 'F.relu', ['B', 32, 26, 26], ['B', 32, 26, 26], 0, undefined, true),
      layer(14, 'pool', 'MaxPool2d', ['B', 32, 26, 26], ['B', 32, 13, 13], 0, 0),
      layer(15, 'conv2', 'Conv2d', ['B', 32, 13, 13], ['B', 64, 11, 11], 18496, 2230272),
      layer(16, 'features.0.fc', 'Linear', ['B', 1600], ['B', 128], 204928, 204800),
      layer(17, 'fc2', 'Linear', ['B', 128], ['B', 10], 1290, 1280),
    ],
    variables: [],
    range,
  };
}
