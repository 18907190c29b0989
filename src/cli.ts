// `tensor-lens`: the headless face of the engines (shapes, train, sample), in-process.
// This entry holds only the usage and the dispatch: each subcommand is imported when it runs, and
// esbuild.mjs bundles each into its own file (dist/cli-shapes.js, …), so `--help` parses none of
// them and `shapes` never parses tfjs.
import { isCliError } from './cli/args';
import { processIO, type CliIO } from './cli/output';
import { version } from '../package.json';

const USAGE = `tensor-lens ${version}: PyTorch shapes, MNIST training and samplers from the command line

Usage:
  tensor-lens shapes FILE.py [--input 1,1,28,28] [--json]
  tensor-lens train  [--model mlp|cnn|FILE.py[:Class]] [--epochs N] [--batch-size B] [--limit N]
                     [--data DIR] [--seed S] [--backend auto|pytorch|tensorflow|wasm|cpu] [--python PATH]
                     [--procs N] [--log-dir DIR] [--json]
  tensor-lens sample EXPR [--sampler inverse-cdf|rejection|mh|slice|hmc|nuts] [--n N] [--chains C]
                     [--seed S] [--range A,B] [--out draws.csv] [--json]
  tensor-lens follow DIR [--json] [--once]

Subcommands:
  shapes   every layer's output shape and parameter count, and shape errors, without running Python
  train    train the built-in MLP or CNN (or a model from a file) on MNIST with TensorFlow.js
  sample   draw from a density you type, with ESS, R-hat and a KS test
  follow   tail training runs written elsewhere (events.jsonl from --log-dir, TensorBoard scalars)

Run 'tensor-lens COMMAND --help' for a command's options. Exit codes: 0 ok, 1 failed, 2 bad input.`;

type Command = (argv: string[], io: CliIO) => Promise<number>;
// esbuild.mjs turns these import paths into requires of the subcommand bundles.
const COMMANDS: Record<string, () => Promise<Command>> = {
  shapes: async () => (await import('./cli/shapes')).shapesCommand,
  train: async () => (await import('./cli/train')).trainCommand,
  sample: async () => (await import('./cli/sample')).sampleCommand,
  follow: async () => (await import('./cli/follow')).followCommand,
};

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.out(USAGE);
    return cmd ? 0 : 2;
  }
  if (cmd === '--version' || cmd === '-v') {
    io.out(version);
    return 0;
  }
  // Own keys only: 'constructor' or 'toString' would otherwise find Object.prototype's functions.
  const load = Object.prototype.hasOwnProperty.call(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!load) {
    io.err(
      `tensor-lens: unknown command '${cmd}'; use one of shapes, train, sample, follow (tensor-lens --help)`,
    );
    return 2;
  }
  let run: Command;
  try {
    run = await load();
  } catch (e) {
    // Only the subcommand's bundle is required here (its dependencies are inside it).
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    io.err(
      `tensor-lens: dist/cli-${cmd}.js is missing; run \`npm run build\` in the tensor-lens folder`,
    );
    return 1;
  }
  try {
    return await run(rest, io);
  } catch (e) {
    // Not instanceof: a subcommand's bundle carries its own copy of the CliError class.
    if (isCliError(e)) {
      io.err(e.message);
      return e.exitCode;
    }
    // Anything else is our bug, but the user still gets one line, not a stack trace.
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`tensor-lens ${cmd}: ${msg.split('\n')[0]}`);
    if (process.env.TENSOR_LENS_DEBUG && e instanceof Error) io.err(e.stack ?? '');
    return 1;
  }
}

/** Entry point used by bin/tensor-lens.js and by `node dist/cli.js`. */
export function runFromProcess(): void {
  main(process.argv.slice(2), processIO()).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`tensor-lens: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) runFromProcess();
