// `tensor-lens follow DIR`: prints the runs being written under DIR as they grow — the runner's
// events.jsonl (train --log-dir) and TensorBoard scalars — until Ctrl-C, or once with --once.
import { existsSync, statSync } from 'node:fs';
import { CliError, parseArgs, type FlagSpec } from './args';
import type { CliIO } from './output';

const USAGE = `Usage: tensor-lens follow DIR [--json] [--once] [--interval MS]

Follows training runs written elsewhere: DIR/<run>/events.jsonl (tensor-lens train --backend pytorch
--log-dir DIR, or the runner under torchrun) and TensorBoard event files (events.out.tfevents.*)
anywhere below DIR, printing what is appended until Ctrl-C.

Options:
  --json           one JSON object per line: the run's own events with "run" added, and
                   {"event":"scalar","run","tag","step","value","wallTime"} for TensorBoard scalars
                   (value null for NaN or ±inf, wallTime null when the file has none)
  --once           print what is there now and exit
  --interval MS    how often to look for new lines (default 500)`;

const SPEC: Record<string, FlagSpec> = {
  json: { kind: 'boolean' },
  once: { kind: 'boolean' },
  interval: { kind: 'int', min: 50, hint: 'MS ≥ 50' },
  help: { kind: 'boolean' },
};

const fmt = (v: unknown, digits = 4): string => (typeof v === 'number' ? v.toFixed(digits) : '?');

function human(item: import('../training/pytorch/follow').FollowItem): string | null {
  if (item.kind === 'scalar') return `${item.run}  ${item.tag}  step ${item.step}  ${item.value}`;
  const e = item.event;
  switch (e.event) {
    case 'start':
      return `${item.run}: start, backend ${String(e.backend)}${e.device ? ` on ${String(e.device)}` : ''}, ${String(e.epochs)} epochs, batch ${String(e.batchSize)}`;
    case 'epoch':
      return `${item.run}: ${String(e.model)} epoch ${String(e.epoch)}: train loss ${fmt(e.trainLoss)} acc ${fmt(100 * Number(e.trainAcc), 2)} %, test loss ${fmt(e.testLoss)} acc ${fmt(100 * Number(e.testAcc), 2)} %`;
    case 'done':
      return `${item.run}: done${e.cancelled ? ' (stopped)' : ''}`;
    default:
      return null; // batch lines are too many to read; --json has them
  }
}

export async function followCommand(argv: string[], io: CliIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  const { flags, positionals } = parseArgs(argv, SPEC, 'follow');
  if (positionals.length !== 1)
    throw new CliError(
      'tensor-lens follow: give one folder to follow, e.g. tensor-lens follow runs/ (tensor-lens follow --help)',
    );
  const dir = positionals[0];
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new CliError(
      `tensor-lens follow: ${dir} is not a folder; give the --log-dir of a run, or a TensorBoard log folder`,
    );
  const { Follower } = await import('../training/pytorch/follow');
  const { TfEventsError } = await import('../training/pytorch/tfevents');
  const follower = new Follower(dir, (m) => io.err(m));
  const json = flags.json === true;
  const interval = Number(flags.interval ?? 500);
  const print = (): void => {
    for (const item of follower.scan()) {
      if (json)
        io.out(
          JSON.stringify(
            item.kind === 'scalar'
              ? {
                  event: 'scalar',
                  run: item.run,
                  tag: item.tag,
                  step: item.step,
                  value: item.value,
                  wallTime: item.wallTime,
                }
              : { ...item.event, run: item.run },
          ),
        );
      else {
        const line = human(item);
        if (line) io.out(line);
      }
    }
  };
  try {
    print();
    while (flags.once !== true && !io.interrupted.aborted) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, interval);
        io.interrupted.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
      });
      print();
    }
  } catch (e) {
    if (e instanceof TfEventsError) throw new CliError(`tensor-lens follow: ${e.message}`, 2);
    throw e;
  }
  return 0;
}
