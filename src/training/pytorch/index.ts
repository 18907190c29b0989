// Training in the user's own PyTorch: the model from a .py file, run by python/tensor_lens_runner.py
// in the Python the user names (else python3). The same events as the tfjs path reach the caller.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ModelSpec, TrainDoneEvent, TrainRequestParams } from '../types';
import { analyze } from '../../shapes';
import type { ModelResult } from '../../shapes/types';
import { TranslateError } from '../translate';
import { runnerData } from './data';
import { planRunnerModel } from './plan';
import { choosePython, pythonInfo, type PythonInfo } from './python';
import { runPytorch, type RunnerHooks } from './runner';

export { type PythonInfo } from './python';
export { RunnerError } from './runner';

/** A Python that cannot train (missing, or no torch): one line with the fix. */
export class PythonError extends Error {}

export interface PytorchOptions {
  /** --python / tensorLens.pythonPath; empty: python3. */
  python?: string;
  /** auto (CUDA, then MPS, then CPU), cpu, cuda, cuda:N, mps. */
  device?: string;
  /** Local processes for DistributedDataParallel (default 1). */
  procs?: number;
  /** Also append events to DIR/<run>/events.jsonl. */
  logDir?: string;
  /** Deterministic algorithms on CPU (default true: same seed, same curve). */
  deterministic?: boolean;
}

/** The folder holding media/mnist (the extension root, or the repository root in development). */
function findMediaRoot(extensionRoot?: string): string | undefined {
  if (extensionRoot) return join(extensionRoot, 'media');
  for (let d = __dirname, i = 0; i < 5; i++, d = dirname(d)) {
    if (existsSync(join(d, 'media', 'mnist'))) return join(d, 'media');
  }
  return undefined;
}

/** The one model of a request the runner can train: PyTorch runs one file's model per run. */
export function sourceModel(models: ModelSpec[]): Extract<ModelSpec, { kind: 'source' }> {
  const m = models.length === 1 ? models[0] : undefined;
  if (!m || m.kind !== 'source')
    throw new TranslateError(
      'the PyTorch backend trains a model from your file: give --model FILE.py[:Class] (mlp / cnn / compare train on tfjs)',
    );
  return m;
}

/** Whether `python` can train, with the reason when it cannot. Cached per interpreter. */
export async function checkPython(python?: string): Promise<PythonInfo> {
  return pythonInfo(choosePython(python));
}

export async function runPytorchTraining(
  params: TrainRequestParams,
  opts: PytorchOptions,
  hooks: RunnerHooks & {
    analyze?: (source: string, file: string) => ModelResult[] | Promise<ModelResult[]>;
  },
): Promise<TrainDoneEvent> {
  const m = sourceModel(params.models);
  // Bad input fails here, before Python starts: the model, then the data it takes.
  const models = hooks.analyze
    ? await hooks.analyze(m.source, m.file)
    : analyze(m.source, { file: m.file }).models;
  const model = planRunnerModel(models, m.file, m.className);
  const media = findMediaRoot(hooks.extensionRoot);
  const data = runnerData(
    model,
    params.dataPath,
    { text: m.source, file: m.file },
    media ? join(media, 'mnist') : undefined,
  );
  const info = await pythonInfo(choosePython(opts.python));
  if (!info.torch) throw new PythonError(info.why ?? `${info.python}: cannot import torch`);
  const runId =
    params.runId ??
    `run-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
  return runPytorch(
    {
      python: info.python,
      file: resolve(m.file),
      name: model.name,
      kind: model.kind,
      ctor: model.ctor,
      layout: model.layout,
      dataDir: data.dir,
      dataKind: data.kind,
      dataName: data.name,
      channels: model.channels,
      classes: model.classes ?? 0,
      rows: model.rows,
      cols: model.cols,
      epochs: params.epochs,
      batchSize: params.batchSize,
      limit: params.limit,
      testLimit: params.testLimit ?? 0,
      seed: params.seed,
      lr: params.learningRate ?? 1e-3,
      device: opts.device ?? 'auto',
      procs: opts.procs ?? 1,
      logDir: opts.logDir ? resolve(opts.logDir) : undefined,
      runId,
      deterministic: opts.deterministic ?? true,
    },
    hooks,
  );
}
