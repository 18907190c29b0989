// The editor's way into the PyTorch runner: wraps the engine client so that a training request the
// settings send to PyTorch (tensorLens.backend, pythonPath, training.device / .processes) runs in
// the user's Python instead of the tfjs worker. The panel keeps calling `train` as before.
import * as vscode from 'vscode';
import type { EngineClient } from './worker/client';
import type { Method, Params, Progress, Result } from './worker/protocol';
import type { TrainDoneEvent, TrainEvent, TrainRequestParams } from './training/types';
import { chooseBackend, RESTRICTED_WHY } from './training/pytorch/choose';
import {
  choosePython,
  clearPythonCache,
  DEFAULT_PYTHON,
  pythonInfo,
} from './training/pytorch/python';
import { selectedInterpreter } from './training/pytorch/pythonExtension';

const PYTHON_EXTENSION = 'ms-python.python';

/**
 * tensorLens.pythonPath, else the interpreter selected in the Python extension for the model's file,
 * else python3 on PATH; with where it came from, for the output channel.
 */
async function whichPython(
  setting: string,
  file: string | undefined,
): Promise<{ python: string; from: string }> {
  if (setting.trim()) return { python: choosePython(setting), from: 'tensorLens.pythonPath' };
  const ext = vscode.extensions.getExtension(PYTHON_EXTENSION);
  if (ext) {
    const exports: unknown = ext.isActive ? ext.exports : ext.activate();
    const selected = await selectedInterpreter(exports, file ? vscode.Uri.file(file) : undefined);
    if (selected) return { python: selected, from: "the Python extension's selected interpreter" };
  }
  return { python: DEFAULT_PYTHON, from: 'python3 on PATH (tensorLens.pythonPath is empty)' };
}

export function withPytorchBackend(
  engine: EngineClient,
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
): EngineClient {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      // A new interpreter (or torch installed into it) is asked again.
      if (e.affectsConfiguration('tensorLens.pythonPath')) clearPythonCache();
    }),
  );
  const train = async (
    params: TrainRequestParams,
    onEvent: (e: TrainEvent) => void,
    signal?: AbortSignal,
  ): Promise<TrainDoneEvent> => {
    const c = vscode.workspace.getConfiguration('tensorLens');
    const m = params.models.length === 1 ? params.models[0] : undefined;
    let python = DEFAULT_PYTHON;
    let from = '';
    const choice = await chooseBackend(
      c.get<string>('backend', 'auto'),
      vscode.workspace.isTrusted,
      params.models,
      // Asked only when the file's model may go to PyTorch in a trusted workspace.
      async () => {
        ({ python, from } = await whichPython(
          c.get<string>('pythonPath', ''),
          m?.kind === 'source' ? m.file : undefined,
        ));
        return pythonInfo(python);
      },
    );
    if (choice.use === 'tfjs') {
      if (!vscode.workspace.isTrusted && m?.kind === 'source')
        log.info(`training on tfjs, not PyTorch: ${RESTRICTED_WHY}`);
      return engine.request('train', params, onEvent, signal);
    }
    if (choice.use === 'refuse') throw new Error(choice.why);
    log.info(
      `training on PyTorch: ${choice.info.python}, from ${from} (Python ${choice.info.pythonVersion ?? '?'}, torch ${choice.info.torch ?? '?'})`,
    );
    const pt = await import('./training/pytorch/index');
    try {
      return await pt.runPytorchTraining(
        params,
        {
          python,
          device: c.get<string>('training.device', 'auto'),
          procs: Math.max(1, Math.round(c.get<number>('training.processes', 1))),
        },
        {
          onEvent,
          signal,
          extensionRoot: context.extensionUri.fsPath,
          onStderr: (l) => log.debug(`runner: ${l}`),
          // The model's constructor arguments come from the shape engine, run in the worker: a large file's
          // analysis must not hold the extension host thread.
          analyze: async (source, file) =>
            (await engine.request('analyze', { source, file }, undefined, signal)).models,
        },
      );
    } catch (e) {
      // The traceback goes to the output channel; the notification gets the one line.
      if (e instanceof pt.RunnerError && e.traceback) log.error(e.traceback.trimEnd());
      throw e;
    }
  };
  // Only 'train' is rerouted; every other method goes to the worker unchanged.
  function request<M extends Method>(
    method: M,
    params: Params<M>,
    onProgress?: (e: Progress<M>) => void,
    signal?: AbortSignal,
  ): Promise<Result<M>> {
    if (method !== 'train') return engine.request(method, params, onProgress, signal);
    // The method table ties these types to 'train'; TypeScript cannot narrow M from the comparison.
    return train(
      params as Params<'train'>,
      (onProgress ?? (() => {})) as (e: TrainEvent) => void,
      signal,
    ) as Promise<Result<M>>;
  }
  return new Proxy(engine, {
    get(target, prop) {
      if (prop === 'request') return request;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
