// `tensor-lens sample EXPR`: run one of the samplers on a typed density, print the diagnostics
// (a readable summary, or one JSON object with --json) and optionally write the draws as CSV.
import { parseRange } from '../common/range';
import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import type { SampleRequestParams, SampleResult } from '../sampling/types';
import { SAMPLERS, samplersFor, samplerSpec, type SamplerName } from '../sampling/samplers';
import { MAX_WARMUP } from '../sampling/limits';
import { RHAT_MAX } from '../sampling/report';
import { fixedAgainst } from '../common/nearThreshold';
import { CliError, parseArgs, type FlagSpec } from './args';
import type { CliIO } from './output';
import { TUNING_SPEC, TUNING_USAGE, tuningFromFlags } from './tuningFlags';

/** One line per sampler, from the registry: name, label, and what it samples. */
function samplerLines(): string {
  const width = Math.max(...SAMPLERS.map((s) => s.length));
  return SAMPLERS.map((s) => {
    const spec = samplerSpec(s);
    const what = `${spec.kind === 'iid' ? 'i.i.d.' : 'MCMC'}, ${spec.dims.join('-D and ')}-D`;
    return `                     ${s.padEnd(width)}  ${spec.label} (${what})`;
  }).join('\n');
}

const HELP = (): string => `Usage: tensor-lens sample EXPR [options]

Draws from the density EXPR (in x, or in x and y for 2-D), e.g.
  tensor-lens sample "exp(-x^2/2) * (1 + sin(3x)^2)"
  tensor-lens sample "exp(-x)" --range 0,inf --sampler inverse-cdf
  tensor-lens sample "exp(-(x^2/2 + (y - x^2)^2))" --sampler slice --json

Options:
  --sampler S      one of (default nuts, as in the extension):
${samplerLines()}
  --n N            draws per chain, after warm-up (default 5000; n × chains ≤ 4,000,000)
  --chains C       number of chains, 1–64 (default 4)
  --warmup W       MCMC warm-up iterations per chain, 0–100000 (default n/2, at least 200, at
                   most 2000)
  --seed S         random seed, a whole number; the same seed gives the same draws (default 42)
  --range A,B      restrict the density to [A, B]; inf/-inf allowed, e.g. 0,inf
                   (default: all of the real line, with the support found numerically)
  --range-y A,B    the same for y in 2-D (default: --range)
  --log-density    EXPR is log f rather than f
  --out FILE       write the draws as CSV: chain,draw,x (and y in 2-D)
  --json           print one JSON object instead of the summary
  --trace-steps N  record the first N moves (1–500) of chain 0 after warm-up, for mh, slice,
                   hmc or nuts, and print them as one JSON object instead of sampling: proposals
                   and acceptance, slice brackets, leapfrog paths with their energy error, NUTS
                   doublings and why the tree stopped; the positions are the run's first draws

Tuning (each defaults to auto: adapted in warm-up; a number is used as given, not adapted):
${TUNING_USAGE}

Diagnostics follow Stan and ArviZ: rank-normalised split R-hat (flagged above 1.01), bulk and tail
ESS (flagged below 100 per chain), MCSE of the mean and of the 5 % and 95 % quantiles, and for HMC
and NUTS divergences, E-BFMI (flagged below 0.3) and, for NUTS, transitions at the maximum tree
depth; each flag says what to change. The KS test compares the draws with the CDF integrated
numerically from the density as typed; KS assumes independent draws, so MCMC chains are thinned by
their estimated autocorrelation time first. A chain that never moves (every draw the same, or every transition
divergent) fails the run: a warning line on stderr, "status": "failed" in --json, exit code 1.
Exit codes: 0 ok, 1 failed or cancelled, 2 bad input.`;

const SPEC: Record<string, FlagSpec> = {
  sampler: { kind: 'string', choices: SAMPLERS, hint: SAMPLERS.join('|') },
  n: { kind: 'int', min: 1, hint: 'N ≥ 1' },
  chains: { kind: 'int', min: 1, hint: '1–64' },
  warmup: { kind: 'int', min: 0, hint: `0–${MAX_WARMUP}` },
  seed: { kind: 'int', hint: 'a whole number' },
  range: { kind: 'string', hint: 'A,B' },
  'range-y': { kind: 'string', hint: 'A,B' },
  'log-density': { kind: 'boolean' },
  out: { kind: 'string', hint: 'FILE.csv' },
  json: { kind: 'boolean' },
  help: { kind: 'boolean' },
  'trace-steps': { kind: 'int', min: 1, hint: '1–500' },
  ...TUNING_SPEC,
};

function parseFlagRange(text: string, flag: string): [number, number] {
  const r = parseRange(text);
  if (!r) {
    throw new CliError(
      `tensor-lens sample: --${flag} must be A,B with A < B (inf allowed), e.g. --${flag} 0,inf; not '${text}'`,
    );
  }
  return r;
}

function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return 'n/a';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
  return Number(v.toPrecision(digits)).toString();
}

/** R-hat beside its 1.01 threshold: enough digits that 1.0104 does not print as 1.01. */
function fmtRhat(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return fmt(v);
  return fixedAgainst(v, RHAT_MAX, 3);
}

function summary(r: SampleResult): string {
  const lines = [
    `${r.sampler} on ${r.expr} (${r.dims}-D): ${r.n} draws × ${r.chains} chains${r.warmup ? ` after ${r.warmup} warm-up` : ''}`,
    `  mean ${fmt(r.mean)} ± ${fmt(r.mcseMean, 2)} (MCSE)   sd ${fmt(r.sd)}${r.trueMean !== undefined ? `   numeric mean ${fmt(r.trueMean)}` : ''}`,
    `  ESS bulk ${fmt(r.essBulk, 5)}   ESS tail ${fmt(r.essTail, 5)}   R-hat ${fmtRhat(r.rhat)}${r.report ? ` (bulk ${fmtRhat(r.report.rhatBulk)}, tail ${fmtRhat(r.report.rhatTail)})` : ''}`,
  ];
  const rep = r.report;
  if (rep)
    lines.push(
      `  q5% ${fmt(rep.q05)} ± ${fmt(rep.mcseQ05, 2)}   q95% ${fmt(rep.q95)} ± ${fmt(rep.mcseQ95, 2)} (MCSE)`,
    );
  if (rep?.ebfmi)
    lines.push(
      `  E-BFMI ${rep.ebfmi.map((v) => fmt(v, 3)).join(' ')}${rep.treeDepthSaturation !== undefined ? `   max tree depth hit ${fmt(100 * rep.treeDepthSaturation, 2)}%` : ''}`,
    );
  if (r.acceptance !== null)
    lines.push(
      `  acceptance ${fmt(r.acceptance, 3)}${r.proposalsPerDraw !== undefined ? `   proposals per draw ${fmt(r.proposalsPerDraw, 3)}` : ''}${r.stepSize !== undefined ? `   step ${fmt(r.stepSize, 3)}` : ''}`,
    );
  if (r.divergences !== undefined)
    lines.push(
      `  divergences ${r.divergences}   leapfrogs per draw ${fmt(r.leapfrogsPerDraw, 3)}${r.meanTreeDepth !== undefined ? `   mean tree depth ${fmt(r.meanTreeDepth, 3)}` : ''}`,
    );
  if (r.envelope)
    lines.push(`  envelope ${r.envelope}${r.restarts ? `   restarts ${r.restarts}` : ''}`);
  if (r.uError !== undefined) lines.push(`  inverse-CDF u-error ${fmt(r.uError, 2)}`);
  if (r.evalsPerDraw !== undefined)
    lines.push(`  density evaluations per draw ${fmt(r.evalsPerDraw, 3)}`);
  if (r.ks)
    lines.push(
      `  KS vs numeric CDF${r.dims === 2 ? ' (x-marginal)' : ''}: D ${fmt(r.ks.D, 3)}  p ${fmt(r.ks.p, 3)}${r.ksThin && r.ksThin > 1 ? `  (on ${rep ? rep.ksDraws : 'the'} draws thinned by ${r.ksThin}, the autocorrelation time: KS assumes independent draws)` : ''}`,
    );
  for (const f of rep?.flags ?? []) lines.push(`  ⚠ ${f.message}\n      try: ${f.fix}`);
  lines.push(
    `  ${fmt(r.seconds, 3)} s sampling (+${fmt(r.setupSeconds ?? 0, 3)} s setup, ${fmt(r.diagnosticsSeconds ?? NaN, 3)} s diagnostics), ${fmt(r.drawsPerSec, 3)} draws/s`,
  );
  return lines.join('\n');
}

/** JSON cannot carry NaN or ±∞: write them as null. */
function jsonSafe(_k: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}

/**
 * A run's diagnostics are a dozen loops over millions of draws, each run once in this short-lived
 * process, so each is optimised mid-loop (on-stack replacement). V8 compiles that code on a
 * background thread by default while the loop goes on unoptimised; with the summary's helper
 * thread busy on the machine's other core, the compile waits its turn, and a fresh process spent
 * about a tenth more on its diagnostics than with the compile done at once (bench/RESULTS.md).
 * The flag is process-wide, and nothing else this command runs is long enough to mind.
 */
function preferSynchronousOsr(): void {
  setFlagsFromString('--no-concurrent-osr');
}

export async function sampleCommand(argv: string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, SPEC, 'sample');
  if (flags.help) {
    io.out(HELP());
    return 0;
  }
  if (positionals.length !== 1) {
    throw new CliError(
      positionals.length === 0
        ? `tensor-lens sample: give a density, e.g. tensor-lens sample "exp(-x^2/2)" (see --help)`
        : `tensor-lens sample: expected one expression, got ${positionals.length}; quote it, e.g. "exp(-x^2/2) * (1 + sin(3x)^2)"`,
    );
  }
  preferSynchronousOsr();
  // Loaded only now: the samplers bring mathjs, whose loading is most of this command's start-up,
  // and --help and bad flags need none of it.
  const { checkExpression, defaultWarmup, drawsCsv, runSampler, SampleCancelled, traceSteps } =
    await import('./samplingEngine');
  const expr = positionals[0];
  const logDensity = flags['log-density'] === true;
  const check = checkExpression(expr, logDensity);
  if (!check.ok) throw new CliError(`tensor-lens sample: ${check.error ?? 'bad expression'}`);
  const sampler = (flags.sampler as SamplerName | undefined) ?? 'nuts';
  const n = (flags.n as number | undefined) ?? 5000;
  const chains = (flags.chains as number | undefined) ?? 4;
  if (chains > 64)
    throw new CliError(`tensor-lens sample: --chains must be at most 64, not ${chains}`);
  const seed = (flags.seed as number | undefined) ?? 42;
  if (!Number.isSafeInteger(seed))
    throw new CliError(
      `tensor-lens sample: --seed must be a whole number from -${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}, not ${String(flags.seed)}`,
    );
  const warmup = flags.warmup as number | undefined;
  if (warmup !== undefined && warmup > MAX_WARMUP)
    throw new CliError(`tensor-lens sample: --warmup must be at most ${MAX_WARMUP}, not ${warmup}`);
  const params: SampleRequestParams = {
    expr,
    sampler,
    n,
    chains,
    seed,
    logDensity,
    warmup: warmup ?? defaultWarmup(n),
    runId: 'cli',
  };
  const tuning = tuningFromFlags(flags);
  if (tuning) params.tuning = tuning;
  if (typeof flags.range === 'string') params.range = parseFlagRange(flags.range, 'range');
  if (typeof flags['range-y'] === 'string')
    params.rangeY = parseFlagRange(flags['range-y'], 'range-y');
  const dims = check.dims ?? 1;
  if (!samplerSpec(sampler).dims.includes(dims)) {
    throw new CliError(
      `tensor-lens sample: --sampler ${sampler} is ${samplerSpec(sampler).dims.join('-D and ')}-D only; for a density in ${dims === 2 ? 'x and y' : 'x'} use ${samplersFor(dims)}`,
    );
  }
  if (typeof flags['trace-steps'] === 'number') {
    try {
      io.out(JSON.stringify(traceSteps(params, flags['trace-steps']), jsonSafe));
    } catch (e) {
      throw new CliError(
        `tensor-lens sample: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
      );
    }
    return 0;
  }
  const out = typeof flags.out === 'string' ? flags.out : undefined;
  let result: SampleResult;
  let csv = '';
  try {
    result = await runSampler(params, {
      onProgress: () => undefined,
      signal: io.interrupted,
      onDraws: out
        ? (xs, ys) => {
            csv = drawsCsv(xs, ys);
          }
        : undefined,
    });
  } catch (e) {
    if (e instanceof SampleCancelled) {
      io.err('tensor-lens sample: interrupted');
      return 1;
    }
    // Density problems (negative, NaN, not integrable) and bad parameters are the user's input.
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new CliError(`tensor-lens sample: ${msg}`);
  }
  if (out) {
    try {
      writeFileSync(out, csv);
    } catch (e) {
      throw new CliError(
        `tensor-lens sample: cannot write ${out}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
        1,
      );
    }
  }
  if (flags.json) {
    const {
      histogram: _h,
      histogramY: _hy,
      histogram2d: _h2,
      density: _d,
      densityY: _dy,
      density2d: _d2,
      traces: _t,
      tracesY: _ty,
      scatter: _s,
      autocorrelation,
      runId: _r,
      ...diag
    } = result;
    io.out(
      JSON.stringify(
        { ...diag, autocorrelation: autocorrelation.slice(0, 21), out: out ?? null },
        jsonSafe,
      ),
    );
  } else {
    io.out(summary(result) + (out ? `\n  draws written to ${out}` : ''));
  }
  for (const w of result.warnings ?? [])
    io.err(`tensor-lens sample: ${result.status === 'failed' ? 'FAILED' : 'warning'}: ${w}`);
  return result.status === 'failed' ? 1 : 0;
}
