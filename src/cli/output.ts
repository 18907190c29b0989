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
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
    interrupted: ac.signal,
  };
}
