// Where a subcommand writes: stdout for results, stderr for the one-line errors and progress.
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Resolves when the user presses Ctrl-C, so long runs can stop cleanly. */
  interrupted: AbortSignal;
}

export function processIO(): CliIO {
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  // `tensor-lens train --json | head` closes the pipe early: stop quietly, as Unix tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      ac.abort();
      process.exit(0);
    }
    throw e;
  });
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
    interrupted: ac.signal,
  };
}
