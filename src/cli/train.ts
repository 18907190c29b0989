// `tensor-lens train`: trains the built-in MLP / CNN (or both: compare) or a model from a .py file on
// MNIST, in-process. --json prints one event per line on stdout (the contract in docs/cli-contract.md); otherwise
// progress goes to stderr and a summary table to stdout.
import { readFileSync } from 'node:fs';
import type {
  BackendName,
  ModelSpec,
  TrainDoneEvent,
  TrainEvent,
  TrainRequestParams,
} from '../training/types';
import { CliError, parseArgs, type FlagSpec } from './args';
import type { CliIO } from './output';

const USAGE = `Usage: tensor-lens train [--model mlp|cnn|compare|FILE.py[:Class]] [--epochs N] [--batch-size B]
                        [--limit N] [--data DIR] [--seed S] [--backend auto|pytorch|tensorflow|wasm|cpu] [--threads N]
                        [--python PATH] [--device D] [--procs N] [--log-dir DIR] [--verbose] [--json]

Trains with TensorFlow.js on the data that fits the model's input and classes: (1, 28, 28), (28, 28) or (784)
with 10 classes: MNIST, FashionMNIST or KMNIST (IDX files), else the embedded 8,000 / 2,000 MNIST subset;
(3, 32, 32) or (3072): CIFAR-10 or CIFAR-100 (cifar-10-batches-py, cifar-100-python, cifar-10-batches-bin);
any (C, H, W): an image folder (train/ and test/ with a subfolder of PNG/JPEG images per class), resized.
Without --data, a root= given to a torchvision dataset in the model's file is used when it holds such data.

Options:
  --model M        mlp (default), cnn, compare (or mlp,cnn: both on the same data and seed), or a PyTorch
                   file with an optional class name (model.py:Net)
  --epochs N       epochs (default 3)
  --batch-size B   batch size (default 64)
  --limit N        train on the first N images only (default 0 = all)
  --test-limit N   evaluate on the first N test images only (default 0 = all)
  --data DIR       data folder: MNIST IDX files (gzipped or not) or torchvision's root holding MNIST/raw,
                   FashionMNIST/raw, KMNIST/raw or the CIFAR folders; or an image folder
  --seed S         random seed (default 42): same seed and backend, same curve
  --backend B      auto (default: tfjs-node, else wasm, else cpu; a file's model that tfjs cannot
                   reproduce goes to pytorch when --python / python3 imports torch), pytorch (your own
                   Python and torch run your file), tensorflow, wasm or cpu
  --python PATH    the Python for --backend pytorch (default python3)
  --device D       pytorch device: auto (CUDA, then MPS, then CPU), cpu, cuda, cuda:N or mps
  --procs N        pytorch: N local processes with DistributedDataParallel (gloo on CPU, NCCL on CUDA);
                   --batch-size stays the global batch
  --log-dir DIR    pytorch: also append the events to DIR/<run>/events.jsonl (tensor-lens follow DIR)
  --verbose        print the full Python traceback when your code fails
  --tfjs-node DIR  folder holding a @tensorflow/tfjs-node install to try first
  --threads N      training threads on wasm (default 0 = one per core, at most 2); 1 forces one.
                   The curve is the same for any N
  --json           one JSON object per line: start (with the hyperparameters), batch, epoch, eval
                   (confusion matrix, per-class accuracy, most confident mistakes), and last done
Ctrl-C stops the run cleanly after the current batch.`;

const SPEC: Record<string, FlagSpec> = {
  model: { kind: 'string', hint: 'mlp|cnn|compare|FILE.py[:Class]' },
  epochs: { kind: 'int', min: 1, hint: 'N ≥ 1' },
  'batch-size': { kind: 'int', min: 1, hint: 'B ≥ 1' },
  limit: { kind: 'int', min: 0, hint: 'N ≥ 0' },
  'test-limit': { kind: 'int', min: 0, hint: 'N ≥ 0' },
  data: { kind: 'string', hint: 'DIR' },
  seed: { kind: 'int', hint: 'an integer' },
  backend: { kind: 'string', choices: ['auto', 'pytorch', 'tensorflow', 'wasm', 'cpu'] },
  python: { kind: 'string', hint: 'PATH' },
  device: { kind: 'string', hint: 'auto|cpu|cuda|cuda:N|mps' },
  procs: { kind: 'int', min: 1, hint: 'N ≥ 1' },
  'log-dir': { kind: 'string', hint: 'DIR' },
  verbose: { kind: 'boolean' },
  'tfjs-node': { kind: 'string', hint: 'DIR' },
  threads: { kind: 'int', min: 0, hint: 'N ≥ 0' },
  json: { kind: 'boolean' },
  help: { kind: 'boolean' },
};

/** "mlp", "cnn", "compare", "mlp,cnn", "model.py", "model.py:Net" → model requests. */
export function parseModels(value: string): ModelSpec[] {
  const v = value.trim();
  if (v === 'compare')
    return [
      { kind: 'builtin', name: 'mlp' },
      { kind: 'builtin', name: 'cnn' },
    ];
  const parts = v.split(',').map((s) => s.trim());
  if (parts.every((p) => p === 'mlp' || p === 'cnn'))
    return parts.map((p) => ({ kind: 'builtin', name: p as 'mlp' | 'cnn' }));
  const m = /^(.*\.py)(?::([A-Za-z_][A-Za-z0-9_]*))?$/.exec(v);
  if (!m)
    throw new CliError(
      `tensor-lens train: --model must be mlp, cnn, compare or FILE.py[:Class], not '${value}'`,
    );
  let source: string;
  try {
    source = readFileSync(m[1], 'utf8');
  } catch (e) {
    const why =
      (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'no such file'
        : e instanceof Error
          ? e.message
          : String(e);
    throw new CliError(
      `tensor-lens train: cannot read ${m[1]} (${why}); give a PyTorch .py file or --model mlp|cnn`,
    );
  }
  return [{ kind: 'source', file: m[1], source, ...(m[2] ? { className: m[2] } : {}) }];
}

const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');

export async function trainCommand(argv: string[], io: CliIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  const { flags, positionals } = parseArgs(argv, SPEC, 'train');
  if (positionals.length > 0)
    throw new CliError(
      `tensor-lens train: unexpected argument '${positionals[0]}'; the model goes in --model (tensor-lens train --help)`,
    );
  const params: TrainRequestParams = {
    models: parseModels(String(flags.model ?? 'mlp')),
    epochs: Number(flags.epochs ?? 3),
    batchSize: Number(flags['batch-size'] ?? 64),
    limit: Number(flags.limit ?? 0),
    testLimit: Number(flags['test-limit'] ?? 0),
    dataPath: String(flags.data ?? ''),
    seed: Number(flags.seed ?? 42),
    backend: (flags.backend === 'pytorch'
      ? 'auto'
      : String(flags.backend ?? 'auto')) as BackendName,
    ...(flags['tfjs-node'] ? { tfjsNodePath: String(flags['tfjs-node']) } : {}),
    ...(flags.threads !== undefined ? { threads: Number(flags.threads) } : {}),
  };
  const json = flags.json === true;

  // Loaded here, not at the top: `tensor-lens --help` and the other subcommands never pay for tfjs.
  const training = await import('../training/index');
  let lastProgress = 0;
  const onEvent = (e: TrainEvent): void => {
    if (json) {
      io.out(JSON.stringify(e));
      return;
    }
    if (e.event === 'start') {
      io.err(
        `training ${e.models.map((m) => `${m.model} (${fmtInt(m.params)} params)`).join(' and ')} on ${e.data ?? 'MNIST'}: ${fmtInt(e.trainSize)} training / ${fmtInt(e.testSize)} test images, ${e.epochs} epoch${e.epochs === 1 ? '' : 's'}, batch ${e.batchSize}, backend ${e.backend}${e.backendDetail ? ` (${e.backendDetail})` : ''}`,
      );
    } else if (e.event === 'batch') {
      const now = Date.now();
      if (now - lastProgress >= 2000) {
        lastProgress = now;
        io.err(
          `  ${e.model} epoch ${e.epoch} batch ${e.batch}/${e.batches}  loss ${e.loss.toFixed(4)}`,
        );
      }
    } else if (e.event === 'epoch') {
      io.err(
        `${e.model} epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)} acc ${(100 * e.trainAcc).toFixed(2)} %, test loss ${e.testLoss.toFixed(4)} acc ${(100 * e.testAcc).toFixed(2)} %, ${e.seconds.toFixed(1)} s, ${fmtInt(e.samplesPerSec)} samples/s`,
      );
    } else if (e.event === 'eval') {
      io.err(`${e.model} epoch ${e.epoch} on the test set:`);
      for (const line of training.formatEval(e)) io.err(line);
    }
  };
  const torchFlags = (['python', 'device', 'procs', 'log-dir'] as const).filter(
    (f) => flags[f] !== undefined,
  );
  let usePytorch = flags.backend === 'pytorch';
  if (!usePytorch && flags.backend !== undefined && flags.backend !== 'auto' && torchFlags.length) {
    throw new CliError(
      `tensor-lens train: --${torchFlags[0]} is for --backend pytorch, not ${String(flags.backend)}`,
    );
  }
  let done;
  try {
    if (!usePytorch && params.backend === 'auto')
      usePytorch = await autoPicksPytorch(params, flags.python as string | undefined, io, json);
    done = usePytorch
      ? await trainOnPytorch(params, flags, onEvent, io)
      : await training.runTraining(params, {
          onEvent,
          signal: io.interrupted,
          log: json ? undefined : (m) => io.err(m),
        });
  } catch (e) {
    if (
      e instanceof training.DataError ||
      e instanceof training.TranslateError ||
      e instanceof training.BackendError
    ) {
      throw new CliError(`tensor-lens train: ${e.message}`, 2);
    }
    throw e;
  }
  if (!json) {
    const rows = [
      ['model', 'params', 'test acc', 'test loss', 'seconds', 'samples/s'],
      ...done.models.map((m) => [
        m.model,
        fmtInt(m.params),
        m.finalTestAcc === null ? '–' : `${(100 * m.finalTestAcc).toFixed(2)} %`,
        m.finalTestLoss === null ? '–' : m.finalTestLoss.toFixed(4),
        m.seconds === null ? '–' : m.seconds.toFixed(1),
        m.samplesPerSec === null ? '–' : fmtInt(m.samplesPerSec),
      ]),
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows)
      io.out(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
    io.out(
      `backend: ${done.backend}${done.backendDetail ? ` (${done.backendDetail})` : ''}${done.cancelled ? ' — stopped before the end (Ctrl-C)' : ''}`,
    );
  }
  // 130 is what a shell reports for a run ended by Ctrl-C.
  return done.cancelled ? 130 : 0;
}

/**
 * `auto` in the CLI stays tfjs, except for a file's model that tfjs cannot reproduce: that one goes to
 * PyTorch when the chosen Python imports torch (said on stderr), else the tfjs refusal stands.
 */
async function autoPicksPytorch(
  params: TrainRequestParams,
  python: string | undefined,
  io: CliIO,
  json: boolean,
): Promise<boolean> {
  const m = params.models.length === 1 ? params.models[0] : undefined;
  if (!m || m.kind !== 'source') return false;
  const training = await import('../training/index');
  const { analyze } = await import('../shapes');
  try {
    training.resolveModel(m, (source, file) => analyze(source, { file, flow: true }).models);
    return false;
  } catch (e) {
    if (!(e instanceof training.TranslateError)) return false;
    const pt = await import('../training/pytorch/index');
    const info = await pt.checkPython(python);
    if (!info.torch) return false;
    if (!json)
      io.err(
        `tfjs cannot train this model (${e.message}); training it in ${info.python}'s torch ${info.torch} instead`,
      );
    return true;
  }
}

async function trainOnPytorch(
  params: TrainRequestParams,
  flags: Record<string, string | number | boolean | undefined>,
  onEvent: (e: TrainEvent) => void,
  io: CliIO,
): Promise<TrainDoneEvent> {
  const pt = await import('../training/pytorch/index');
  try {
    return await pt.runPytorchTraining(
      params,
      {
        python: flags.python as string | undefined,
        device: flags.device as string | undefined,
        procs: flags.procs as number | undefined,
        logDir: flags['log-dir'] as string | undefined,
      },
      { onEvent, signal: io.interrupted, onStderr: flags.verbose ? (l) => io.err(l) : undefined },
    );
  } catch (e) {
    if (e instanceof pt.PythonError) throw new CliError(`tensor-lens train: ${e.message}`, 2);
    if (e instanceof pt.RunnerError) {
      // One line naming the user's file and line; the traceback only on request.
      if (e.traceback && flags.verbose) io.err(e.traceback.trimEnd());
      const hint =
        e.kind === 'user' && e.traceback && !flags.verbose
          ? ' (--verbose prints the traceback)'
          : '';
      throw new CliError(`tensor-lens train: ${e.message}${hint}`, e.kind === 'input' ? 2 : 1);
    }
    throw e;
  }
}
