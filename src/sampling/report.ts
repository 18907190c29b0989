// The diagnostics report of a run, and its flags: each flag names the number that crossed its
// threshold (Stan's and ArviZ's: R-hat > 1.01, ESS < 100 per chain, E-BFMI < 0.3, any divergence or
// saturated tree) and what to change. A number that could not be estimated (NaN) raises no flag:
// unknown is never read as good or bad.
import type { ConvergenceSummary } from './summarize';
import { ebfmi } from './energy';
import { samplerSpec, type SamplerName } from './samplers';
import type { Advice, AdviceSetting, DiagnosticFlag, DiagnosticsReport } from './types';
import { fixedAgainst } from '../common/nearThreshold';
import type { Chain } from './target';

export const RHAT_MAX = 1.01;
export const ESS_PER_CHAIN_MIN = 100;
export const EBFMI_MIN = 0.3;
const ENERGY_BINS = 40;

/** The settings as the CLI names them. */
const CLI_FLAGS: Record<AdviceSetting, string> = {
  n: '--n',
  warmup: '--warmup',
  range: '--range',
  logDensity: '--log-density',
  targetAccept: '--target-accept',
  maxDepth: '--max-depth',
};

/** Advice as the CLI prints it: each setting's text followed by its flag. */
export function cliAdvice(advice: Advice): string {
  return advice
    .map((p) => (typeof p === 'string' ? p : `${p.text} (${CLI_FLAGS[p.setting]})`))
    .join('');
}

const N = (text: string) => ({ text, setting: 'n' as const });
const WARMUP = (text: string) => ({ text, setting: 'warmup' as const });
const RANGE = (text: string) => ({ text, setting: 'range' as const });
const TARGET_ACCEPT = (text: string) => ({ text, setting: 'targetAccept' as const });
const MAX_DEPTH = (text: string) => ({ text, setting: 'maxDepth' as const });

/** What to change when ESS is low, by sampler family. */
function essFix(sampler: SamplerName): Advice {
  if (samplerSpec(sampler).kind === 'iid') return [N('more draws')];
  switch (sampler) {
    case 'mh':
      return [
        N('more draws'),
        ' or ',
        WARMUP('a longer warm-up'),
        ' so the proposal scale adapts; ',
        RANGE('a narrower range'),
        ' helps a proposal that keeps missing',
      ];
    case 'hmc':
      return [
        WARMUP('a longer warm-up'),
        ' so the step size adapts, ',
        N('more draws'),
        ', or NUTS, which sets the path length itself',
      ];
    default:
      return [
        N('more draws'),
        ' or ',
        WARMUP('a longer warm-up'),
        '; if the density has separated modes, ',
        RANGE('a restricted range'),
        ' or another sampler',
      ];
  }
}

/** ESS as the flags print it: whole numbers from 100 up, one decimal below. */
const fmtEss = (v: number, threshold: number): string =>
  fixedAgainst(v, threshold, Math.abs(v) >= 100 ? 0 : 1);

export function diagnosticFlags(
  sampler: SamplerName,
  chains: number,
  cv: { rhat: number; essBulk: number; essTail: number },
  extra: { divergences?: number; draws: number; treeDepthSaturation?: number; ebfmi?: number[] },
): DiagnosticFlag[] {
  const flags: DiagnosticFlag[] = [];
  const flag = (metric: DiagnosticFlag['metric'], message: string, advice: Advice): void => {
    flags.push({ metric, message, fix: cliAdvice(advice), advice });
  };
  const essMin = ESS_PER_CHAIN_MIN * chains;
  if (cv.rhat > RHAT_MAX)
    flag(
      'rhat',
      `R-hat ${fixedAgainst(cv.rhat, RHAT_MAX, 3)} > ${RHAT_MAX}: the chains disagree with each other or with themselves over time`,
      [
        WARMUP('a longer warm-up'),
        ' and ',
        N('more draws'),
        '; if chains sit in different modes, ',
        RANGE('a restricted range'),
        ' or a sampler that crosses between them',
      ],
    );
  if (cv.essBulk < essMin)
    flag(
      'essBulk',
      `bulk ESS ${fmtEss(cv.essBulk, essMin)} < ${ESS_PER_CHAIN_MIN} per chain (${essMin}): the mean and median are poorly estimated`,
      essFix(sampler),
    );
  if (cv.essTail < essMin)
    flag(
      'essTail',
      `tail ESS ${fmtEss(cv.essTail, essMin)} < ${ESS_PER_CHAIN_MIN} per chain (${essMin}): the 5 % and 95 % quantiles are poorly estimated`,
      essFix(sampler),
    );
  if (extra.divergences !== undefined && extra.divergences > 0)
    flag(
      'divergences',
      `${extra.divergences} divergent transition${extra.divergences > 1 ? 's' : ''} (${((100 * extra.divergences) / extra.draws).toPrecision(2)} % of draws), marked on the trace: the integrator failed where the density curves sharply, so that region may be missed`,
      [
        TARGET_ACCEPT('a higher target acceptance'),
        ' (smaller steps) or ',
        WARMUP('a longer warm-up'),
        '; a sharp edge or a funnel may need ',
        RANGE('a range'),
        ' that cuts it off',
      ],
    );
  if (extra.treeDepthSaturation !== undefined && extra.treeDepthSaturation > 0)
    flag(
      'treeDepth',
      `${(100 * extra.treeDepthSaturation).toPrecision(2)} % of transitions stopped at the maximum tree depth, not at a U-turn: the paths were cut short`,
      [
        MAX_DEPTH('a larger max depth'),
        ', or ',
        WARMUP('a longer warm-up'),
        ' so the step size grows to the scale of the density; ',
        RANGE('a tighter range'),
        ' if the density is very wide',
      ],
    );
  const low = (extra.ebfmi ?? []).map((v, c) => ({ v, c })).filter((e) => e.v < EBFMI_MIN);
  if (low.length)
    flag(
      'ebfmi',
      `E-BFMI ${low.map((e) => `${fixedAgainst(e.v, EBFMI_MIN, 2)} (chain ${e.c})`).join(', ')} < ${EBFMI_MIN}: momentum resampling moves between energy levels too slowly to reach the tails`,
      [
        WARMUP('a longer warm-up'),
        '; heavy tails are easier on a transformed scale (sample log x with ',
        { text: 'a log density', setting: 'logDensity' },
        ', or ',
        RANGE('restrict the range'),
        ')',
      ],
    );
  return flags;
}

/** Histograms of E − Ē (pooled) and of ΔE within each chain, on shared bins (ArviZ's energy plot). */
function energyHistograms(energies: Float64Array[]): DiagnosticsReport['energy'] {
  let sum = 0,
    count = 0;
  for (const e of energies)
    for (let i = 0; i < e.length; i++)
      if (Number.isFinite(e[i])) {
        sum += e[i];
        count++;
      }
  if (count < 3) return undefined;
  const mean = sum / count;
  let lo = Infinity,
    hi = -Infinity;
  for (const e of energies)
    for (let i = 0; i < e.length; i++) {
      const c = e[i] - mean;
      if (Number.isFinite(c)) {
        lo = Math.min(lo, c);
        hi = Math.max(hi, c);
      }
      if (i > 0) {
        const d = e[i] - e[i - 1];
        if (Number.isFinite(d)) {
          lo = Math.min(lo, d);
          hi = Math.max(hi, d);
        }
      }
    }
  if (!(hi > lo)) return undefined;
  const w = (hi - lo) / ENERGY_BINS;
  const bin = (v: number): number => Math.min(ENERGY_BINS - 1, Math.floor((v - lo) / w));
  const marginal = new Array<number>(ENERGY_BINS).fill(0),
    transition = new Array<number>(ENERGY_BINS).fill(0);
  for (const e of energies)
    for (let i = 0; i < e.length; i++) {
      const c = e[i] - mean;
      if (Number.isFinite(c)) marginal[bin(c)]++;
      if (i > 0) {
        const d = e[i] - e[i - 1];
        if (Number.isFinite(d)) transition[bin(d)]++;
      }
    }
  const edges = Array.from({ length: ENERGY_BINS + 1 }, (_, i) => lo + i * w);
  return { edges, marginal, transition };
}

export function buildReport(
  sampler: SamplerName,
  chains: Chain[],
  n: number,
  cx: ConvergenceSummary,
  all: { rhat: number; essBulk: number; essTail: number; divergences?: number },
  ks: { n: number; pit: number[] },
): DiagnosticsReport {
  const spec = samplerSpec(sampler);
  const C = chains.length;
  const report: DiagnosticsReport = {
    rhatBulk: cx.rhatBulk,
    rhatTail: cx.rhatTail,
    q05: cx.q05,
    q95: cx.q95,
    mcseQ05: cx.mcseQ05,
    mcseQ95: cx.mcseQ95,
    thresholds: { rhat: RHAT_MAX, essPerChain: ESS_PER_CHAIN_MIN, ebfmi: EBFMI_MIN },
    ranks: { bins: cx.rankCounts[0]?.length ?? 0, counts: cx.rankCounts },
    ksDraws: ks.n,
    pit: ks.pit,
    flags: [],
  };
  if (spec.stats.includes('energy')) {
    const energies = chains.map((c) => c.energy ?? new Float64Array(0));
    report.ebfmi = energies.map((e) => ebfmi(e.subarray(0, n)));
    report.energy = energyHistograms(energies);
    report.divergentDraws = chains.map((c) => c.divergentAt ?? []);
  }
  if (spec.stats.includes('treeDepth')) {
    report.treeDepthSaturation = chains.reduce((s, c) => s + c.stats.depthHits, 0) / (n * C);
  }
  report.flags = diagnosticFlags(sampler, C, all, {
    divergences: all.divergences,
    draws: n * C,
    treeDepthSaturation: report.treeDepthSaturation,
    ebfmi: report.ebfmi,
  });
  return report;
}
