// A small, strict flag parser for the `tensor-lens` subcommands: unknown flags and bad values are
// errors with a one-line message that names the flag and what it accepts.

export class CliError extends Error {
  readonly cliError = true;
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/**
 * A CliError from any bundle: the entry (dist/cli.js) and each subcommand's bundle have their own
 * copy of the class, so `instanceof` only holds within one of them.
 */
export function isCliError(e: unknown): e is CliError {
  return (
    e instanceof Error &&
    (e as Partial<CliError>).cliError === true &&
    typeof (e as Partial<CliError>).exitCode === 'number'
  );
}

export type FlagKind = 'string' | 'int' | 'number' | 'boolean';

export interface FlagSpec {
  kind: FlagKind;
  /** What the value should look like, for error messages: "N ≥ 1", "mlp|cnn|FILE.py". */
  hint?: string;
  /** Allowed values for string flags. */
  choices?: readonly string[];
  min?: number;
  /** May be given several times (`--root a --root b`); the values are in `lists`. */
  repeat?: boolean;
}

export type FlagValues = Record<string, string | number | boolean | undefined>;

export interface ParsedArgs {
  flags: FlagValues;
  positionals: string[];
  /** Every value of each repeatable flag, in order. */
  lists: Record<string, string[]>;
}

/** Parses `--flag value`, `--flag=value` and boolean `--flag`. A lone `-` and negative numbers are values. */
export function parseArgs(
  argv: string[],
  spec: Record<string, FlagSpec>,
  command: string,
): ParsedArgs {
  const flags: FlagValues = {};
  const positionals: string[] = [];
  const lists: Record<string, string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const s = Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
    if (!s) {
      const known = Object.keys(spec)
        .map((k) => '--' + k)
        .join(', ');
      throw new CliError(
        `tensor-lens ${command}: unknown option --${name} (known: ${known}; see tensor-lens ${command} --help)`,
      );
    }
    if (s.kind === 'boolean') {
      if (eq >= 0) throw new CliError(`tensor-lens ${command}: --${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      raw = argv[i + 1];
      i++;
    }
    if (raw === undefined || raw === '')
      throw new CliError(`tensor-lens ${command}: --${name} needs a value (${s.hint ?? s.kind})`);
    flags[name] = convert(raw, name, s, command);
    if (s.repeat) (lists[name] ??= []).push(String(flags[name]));
  }
  return { flags, positionals, lists };
}

function convert(raw: string, name: string, s: FlagSpec, command: string): string | number {
  if (s.kind === 'string') {
    if (s.choices && !s.choices.includes(raw)) {
      throw new CliError(
        `tensor-lens ${command}: --${name} must be one of ${s.choices.join('|')}, not '${raw}'`,
      );
    }
    return raw;
  }
  const v = Number(raw);
  const intOk = s.kind !== 'int' || Number.isInteger(v);
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw.trim()) || !Number.isFinite(v) || !intOk) {
    throw new CliError(
      `tensor-lens ${command}: --${name} must be ${s.kind === 'int' ? 'an integer' : 'a number'}${s.hint ? ` (${s.hint})` : ''}, not '${raw}'`,
    );
  }
  if (s.min !== undefined && v < s.min) {
    throw new CliError(`tensor-lens ${command}: --${name} must be at least ${s.min}, not ${raw}`);
  }
  return v;
}

/** Parses "1,1,28,28" or "(1, 1, 28, 28)" or "B,3,H,W"; several inputs separated by ';' or '),('. */
export function parseShapeList(text: string): (number | string)[][] {
  const groups = text.includes(';') ? text.split(';') : text.split(/\)\s*,\s*\(/);
  return groups.map((g) => {
    const body = g.replace(/[()[\]\s]/g, '');
    if (!body) throw new CliError(`empty input shape in '${text}'; write it like 1,1,28,28`);
    return body
      .split(',')
      .filter((d) => d !== '')
      .map((d) => {
        if (/^\d+$/.test(d)) return Number(d);
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(d)) return d;
        throw new CliError(
          `bad dimension '${d}' in input shape '${text}'; use positive integers or names, like 1,1,28,28 or B,3,H,W`,
        );
      });
  });
}
