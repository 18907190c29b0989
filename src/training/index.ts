// The training engine's one entry point: the worker and the CLI call runTraining. It resolves the
// data, loads the backend (lazily), builds each requested net and fits it, streaming TrainEvents.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type {
  ModelSpec,
  TrainDoneEvent,
  TrainEvent,
  TrainModelSummary,
  TrainRequestParams,
} from './types';
import { analyze } from '../shapes';
import type { ModelResult } from '../shapes/types';
import { loadBackend } from './backend';
import { loadDataFor, needOf, type DataNeed } from './data/select';
import { withMistakeImages } from './eval';
import { fit, limitSplit } from './fit';
import { translateGraph } from './graphTranslate';
import { buildNet } from './net';
import { CNN, countParams, MLP, type NetSpec } from './spec';
import { checkParamLimit, translateModel, TranslateError } from './translate';

export { BackendError } from './backend';
export { DataError } from './idx';
export { TranslateError } from './translate';
export { formatEval } from './eval';

export interface TrainHooks {
  onEvent(e: TrainEvent): void;
  signal?: AbortSignal;
  log?(msg: string): void;
  /** The extension's folder (media/ and dist/ below it); default: found relative to this file. */
  extensionRoot?: string;
  /** Folder holding mnist/ (tests pass the repository's media/). */
  mediaRoot?: string;
  /** The shape engine, for models from source; default: src/shapes loaded lazily. */
  analyze?: (source: string, file: string) => ModelResult[];
}

function defaultAnalyze(source: string, file: string): ModelResult[] {
  return analyze(source, { file, flow: true }).models;
}

/**
 * A chain of layers when the forward is one (the chain translation is the older, simpler path);
 * otherwise the engine's flow graph. When neither fits, the graph's refusal says why, since it names
 * the construct itself rather than the chain it breaks.
 */
function translate(model: ModelResult, source: string): NetSpec {
  try {
    return translateModel(model, source);
  } catch (e) {
    if (!(e instanceof TranslateError) || !model.graph) throw e;
    return translateGraph(model);
  }
}

/** The NetSpec for a model request: a built-in net, or the named (else first trainable) model of a file. */
export function resolveModel(
  m: ModelSpec,
  analyzeFn: (source: string, file: string) => ModelResult[],
): NetSpec {
  return resolveWithNeed(m, analyzeFn).spec;
}

/** The NetSpec and the data it needs (input shape, classes, the file whose root= may name a folder). */
function resolveWithNeed(
  m: ModelSpec,
  analyzeFn: (source: string, file: string) => ModelResult[],
): { spec: NetSpec; need: DataNeed } {
  if (m.kind === 'builtin')
    return { spec: m.name === 'mlp' ? MLP : CNN, need: { input: [1, 28, 28], classes: 10 } };
  const models = analyzeFn(m.source, m.file);
  if (models.length === 0)
    throw new TranslateError(
      `${m.file}: no PyTorch model (nn.Module class or nn.Sequential) found`,
    );
  const source = { text: m.source, file: m.file };
  if (m.className) {
    const hit = models.find((x) => x.name === m.className);
    if (!hit)
      throw new TranslateError(
        `${m.file}: no model named ${m.className} (found: ${models.map((x) => x.name).join(', ')})`,
      );
    const spec = translate(hit, m.source);
    checkParamLimit(spec, hit.line);
    return { spec, need: needOf(hit, spec, source) };
  }
  // Without a class name: the first model that translates and classifies images; else the first one's error.
  let firstError: unknown = null;
  for (const model of models) {
    try {
      const spec = translate(model, m.source);
      checkParamLimit(spec, model.line);
      return { spec, need: needOf(model, spec, source) };
    } catch (e) {
      firstError ??= e;
    }
  }
  throw firstError;
}

export async function runTraining(
  params: TrainRequestParams,
  hooks: TrainHooks,
): Promise<TrainDoneEvent> {
  const runId =
    params.runId ??
    `run-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
  const log = hooks.log ?? (() => undefined);
  const mediaRoot =
    hooks.mediaRoot ?? (hooks.extensionRoot ? join(hooks.extensionRoot, 'media') : undefined);
  // Everything that can fail on bad input fails before the backend loads.
  const resolved = params.models.map((m) => resolveWithNeed(m, hooks.analyze ?? defaultAnalyze));
  const specs = resolved.map((r) => r.spec);
  // Before any data is read or any weight drawn: a net too big to train is refused in one line.
  for (const s of specs) checkParamLimit(s);
  const need = resolved[0].need;
  const other = resolved.find(
    (r) => r.need.input.join(',') !== need.input.join(',') || r.need.classes !== need.classes,
  );
  if (other) {
    throw new TranslateError(
      `${specs[0].name} takes (${need.input.join(', ')}) with ${need.classes} classes but ${other.spec.name} takes (${other.need.input.join(', ')}) with ${other.need.classes}; models trained together must fit the same data`,
    );
  }
  const data = loadDataFor(need, params.dataPath, mediaRoot);
  const train = limitSplit(data.train, params.limit);
  const test = limitSplit(data.test, params.testLimit ?? 0);
  log(`data: ${data.name} from ${data.dir}: ${train.count} training / ${test.count} test images`);

  const loaded = await loadBackend(params.backend, {
    tfjsNodePath: params.tfjsNodePath,
    wasmDir: hooks.extensionRoot ? join(hooks.extensionRoot, 'dist') : undefined,
    log,
  });
  const { tf } = loaded;
  const before = tf.memory().numTensors;
  // Sub-workers need their own backend instance: wasm can have one per thread; tfjs-node cannot
  // (docs/tfjs.md), and cpu is too slow to matter.
  const threads =
    params.threads && params.threads > 0 ? Math.floor(params.threads) : availableParallelism();
  const parallel = loaded.backend === 'wasm' ? { threads, wasmDir: loaded.wasmDir } : undefined;
  hooks.onEvent({
    event: 'start',
    runId,
    backend: loaded.backend,
    backendDetail: loaded.detail,
    models: specs.map((s) => ({ model: s.name, params: countParams(s) })),
    trainSize: train.count,
    testSize: test.count,
    epochs: params.epochs,
    batchSize: params.batchSize,
    data: data.name,
    hyper: {
      model: specs.map((s) => s.name),
      data: data.name,
      epochs: params.epochs,
      batchSize: params.batchSize,
      lr: params.learningRate ?? 1e-3,
      seed: params.seed,
      backend: loaded.backend,
      // As asked; each model's summary in the done event says how many threads it really used.
      threads: parallel ? threads : 1,
    },
  });
  const summaries: TrainModelSummary[] = [];
  let cancelled = false;
  for (const spec of specs) {
    if (hooks.signal?.aborted) {
      cancelled = true;
      break;
    }
    const net = buildNet(tf, spec, params.seed);
    try {
      const r = await fit(tf, net, train, test, {
        epochs: params.epochs,
        batchSize: params.batchSize,
        seed: params.seed,
        learningRate: params.learningRate ?? 1e-3,
        runId,
        signal: hooks.signal,
        onBatch: (e) => hooks.onEvent(e),
        onEpoch: (e) => hooks.onEvent(e),
        onEval: (e) => hooks.onEvent(params.evalImages ? withMistakeImages(e, test) : e),
        data: { classes: data.classes, mean: data.mean, std: data.std },
        parallel,
        log,
      });
      const { cancelled: c, ...summary } = r;
      summaries.push(summary);
      if (c) {
        cancelled = true;
        break;
      }
    } finally {
      net.dispose();
    }
  }
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) log(`warning: ${leaked} tensors left after the run`);
  const done: TrainDoneEvent = {
    event: 'done',
    runId,
    backend: loaded.backend,
    backendDetail: loaded.detail,
    models: summaries,
    cancelled,
  };
  hooks.onEvent(done);
  return done;
}
