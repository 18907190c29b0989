// The diagnostics of a sampling result as Stan and ArviZ show them: the table (R-hat bulk and tail,
// bulk and tail ESS, MCSE of the mean and of the 5 % and 95 % quantiles, divergences, tree depth,
// E-BFMI, KS with what it ran on), the flags with what to change, rank plots per chain, the energy
// plot for HMC and NUTS, and the PIT histogram against the numeric CDF. Data preparation is in
// diagnosticsData.ts.
import type { ChartDataset } from 'chart.js';
import type { DiagnosticFlag, SampleResult } from '../src/common/messages';
import { fixedAgainst } from '../src/common/nearThreshold';
import { axisTitle, baseOptions, Chart, currentTheme, makeChart, withAlpha } from './charts';
import { fmtCompact, fmtInt, fmtNum, MODEL_COLORS, rhatFlag } from './chartData';
import { energyLines, ksNote, pitLine, rankPlotLines, type Pt } from './diagnosticsData';
import { h } from './dom';

/** Makes a titled chart box in the card and returns its canvas. */
export type ChartBox = (title: string, name: string, short?: boolean) => HTMLCanvasElement;

function stepChart(
  canvas: HTMLCanvasElement,
  datasets: ChartDataset<'line', Pt[]>[],
  xTitle: string,
  yTitle: string,
  x?: { min: number; max: number },
): Chart {
  const opts = baseOptions();
  opts.plugins = {
    ...opts.plugins,
    legend: {
      display: datasets.length > 1 && datasets.length <= 8,
      labels: { boxWidth: 10, boxHeight: 2 },
    },
  };
  opts.scales = {
    x: { type: 'linear', ...x, title: axisTitle(xTitle), ticks: { maxTicksLimit: 6 } },
    y: { type: 'linear', beginAtZero: true, title: axisTitle(yTitle), ticks: { maxTicksLimit: 5 } },
  };
  return makeChart<'line', Pt[]>(canvas, {
    type: 'line',
    data: { datasets },
    options: opts,
  }) as unknown as Chart;
}

function uniformLine(): ChartDataset<'line', Pt[]> {
  const t = currentTheme();
  return {
    label: 'uniform',
    data: [
      { x: 0, y: 1 },
      { x: 1, y: 1 },
    ],
    borderColor: withAlpha(t.fg, 0.5),
    borderDash: [4, 3],
    borderWidth: 1,
  };
}

function rankChart(canvas: HTMLCanvasElement, r: SampleResult): Chart | undefined {
  const rep = r.report;
  if (!rep || rep.ranks.counts.length === 0) return undefined;
  const t = currentTheme();
  const lines = rankPlotLines(rep.ranks);
  const datasets: ChartDataset<'line', Pt[]>[] = lines.map((data, c) => ({
    label: `chain ${c + 1}`,
    data,
    borderColor: withAlpha(t.colors[MODEL_COLORS[c % MODEL_COLORS.length]], 0.9),
    borderWidth: 1.5,
  }));
  datasets.push(uniformLine());
  return stepChart(canvas, datasets, 'pooled rank (fraction)', 'share ÷ uniform', {
    min: 0,
    max: 1,
  });
}

function energyChart(canvas: HTMLCanvasElement, r: SampleResult): Chart | undefined {
  const e = r.report?.energy;
  if (!e) return undefined;
  const t = currentTheme();
  const { marginal, transition } = energyLines(e);
  return stepChart(
    canvas,
    [
      {
        label: 'marginal energy E − Ē',
        data: marginal,
        borderColor: t.colors.blue,
        borderWidth: 1.5,
      },
      {
        label: 'energy transition ΔE',
        data: transition,
        borderColor: t.colors.orange,
        borderDash: [5, 3],
        borderWidth: 1.5,
      },
    ],
    'energy',
    'density',
  );
}

function pitChart(canvas: HTMLCanvasElement, r: SampleResult, color: string): Chart | undefined {
  const pit = r.report?.pit;
  if (!pit || pit.length === 0) return undefined;
  return stepChart(
    canvas,
    [
      { label: 'PIT of the draws', data: pitLine(pit), borderColor: color, borderWidth: 1.5 },
      uniformLine(),
    ],
    'F(x) under the numeric CDF',
    'density',
    { min: 0, max: 1 },
  );
}

const num = (v: number | null | undefined): v is number =>
  typeof v === 'number' && Number.isFinite(v);

function table(r: SampleResult): HTMLElement {
  const rep = r.report;
  const flagged = new Set((rep?.flags ?? []).map((f) => f.metric));
  const row = (k: string, v: string, title?: string, bad = false): HTMLElement =>
    h(
      'tr',
      { class: bad ? 'bad' : undefined, title },
      h('th', null, k),
      h('td', { class: 'num' }, bad ? `${v} ⚠` : v),
    );
  const rhatLimit = rep?.thresholds.rhat ?? 1.01;
  const rhatBad = rep ? flagged.has('rhat') : rhatFlag(r.rhat);
  const essMin = (rep?.thresholds.essPerChain ?? 100) * r.chains;
  // A whole number, unless rounding would carry it across the threshold (399.6 is not "400").
  const essText = (v: number | null | undefined): string =>
    num(v) && Math.round(v) >= essMin !== v >= essMin ? fixedAgainst(v, essMin, 0) : fmtInt(v);
  const rows = [
    row(
      'R-hat',
      num(r.rhat) ? fixedAgainst(r.rhat, rhatLimit, 3) : '—',
      `rank-normalised split R-hat, max of bulk and tail; flagged above ${rhatLimit}`,
      rhatBad,
    ),
  ];
  if (rep)
    rows.push(
      row(
        'R-hat bulk / tail',
        `${num(rep.rhatBulk) ? fixedAgainst(rep.rhatBulk, rhatLimit, 3) : '—'} / ${num(rep.rhatTail) ? fixedAgainst(rep.rhatTail, rhatLimit, 3) : '—'}`,
        'bulk: ranks of the draws; tail: ranks of |x − median|',
      ),
    );
  rows.push(
    row(
      'ESS bulk',
      essText(r.essBulk),
      `effective sample size of the rank-normalised draws; flagged below ${essMin} (100 per chain)`,
      flagged.has('essBulk'),
    ),
    row(
      'ESS tail',
      essText(r.essTail),
      `effective sample size of the 5 % and 95 % quantiles; flagged below ${essMin}`,
      flagged.has('essTail'),
    ),
    row(
      'mean ± MCSE',
      `${fmtNum(r.mean)} ± ${fmtNum(r.mcseMean, 2)}`,
      'Monte Carlo standard error of the mean',
    ),
  );
  if (rep)
    rows.push(
      row(
        'q5 % ± MCSE',
        `${fmtNum(rep.q05)} ± ${fmtNum(rep.mcseQ05, 2)}`,
        'the 5 % quantile and its Monte Carlo standard error',
      ),
      row(
        'q95 % ± MCSE',
        `${fmtNum(rep.q95)} ± ${fmtNum(rep.mcseQ95, 2)}`,
        'the 95 % quantile and its Monte Carlo standard error',
      ),
    );
  rows.push(row('sd', fmtNum(r.sd)));
  rows.push(
    row(
      'acceptance',
      r.acceptance === null ? 'n/a' : fmtNum(r.acceptance),
      'fraction of proposals accepted (n/a for exact samplers)',
    ),
  );
  if (r.divergences !== undefined)
    rows.push(row('divergences', fmtInt(r.divergences), 'marked on the trace', r.divergences > 0));
  if (rep?.treeDepthSaturation !== undefined)
    rows.push(
      row(
        'max tree depth hit',
        `${fmtNum(100 * rep.treeDepthSaturation, 2)} %`,
        'transitions that stopped at the maximum depth instead of at a U-turn',
        flagged.has('treeDepth'),
      ),
    );
  if (rep?.ebfmi)
    rows.push(
      row(
        'E-BFMI',
        rep.ebfmi.map((v) => (num(v) ? fixedAgainst(v, rep.thresholds.ebfmi, 2) : '—')).join(' · '),
        `per chain; flagged below ${rep.thresholds.ebfmi}`,
        flagged.has('ebfmi'),
      ),
    );
  // In 2-D the test is of x's marginal (the CLI says so too).
  const two = r.dims === 2;
  rows.push(
    row(
      two ? 'KS D / p (x)' : 'KS D / p',
      r.ks ? `${fmtNum(r.ks.D)} / ${fmtNum(r.ks.p)}` : 'n/a',
      `Kolmogorov–Smirnov test against the numerically integrated CDF${two ? ' of x’s marginal' : ''}`,
    ),
  );
  rows.push(row('draws/s', fmtCompact(r.drawsPerSec ?? NaN)));
  const note = h('div', { class: 'ks-note' }, `KS ${ksNote(r)}.`);
  return h('div', null, h('table', { class: 'diag' }, h('tbody', null, ...rows)), note);
}

/**
 * A flag's advice in the panel's words: each setting by the text that names its field ("more
 * draws", "a longer warm-up"), not by its CLI flag. Runs stored before the advice had parts show
 * the CLI's text.
 */
function panelAdvice(f: DiagnosticFlag): string {
  if (!f.advice) return f.fix;
  return f.advice.map((p) => (typeof p === 'string' ? p : p.text)).join('');
}

function flagList(r: SampleResult): HTMLElement | undefined {
  const flags = r.report?.flags ?? [];
  if (flags.length === 0) return undefined;
  return h(
    'ul',
    { class: 'diag-flags', 'aria-label': 'diagnostic warnings' },
    ...flags.map((f) =>
      h(
        'li',
        { 'data-metric': f.metric },
        h('span', { class: 'flag-message' }, `⚠ ${f.message}.`),
        h('span', { class: 'flag-fix' }, ` Try: ${panelAdvice(f)}.`),
      ),
    ),
  );
}

/** Appends the flags, the table and the diagnostics charts to a result card. */
export function appendDiagnostics(
  el: HTMLElement,
  r: SampleResult,
  box: ChartBox,
  charts: Chart[],
  color: string,
): void {
  const flags = flagList(r);
  if (flags) el.append(flags);
  el.append(table(r));
  if (!r.report) return;
  const add = (c: Chart | undefined): void => {
    if (c) charts.push(c);
  };
  if (r.report.ranks.counts.length) add(rankChart(box('Rank plot per chain', 'ranks', true), r));
  if (r.report.energy) add(energyChart(box('Energy: marginal vs transition', 'energy', true), r));
  if (r.report.pit.length)
    add(
      pitChart(
        box(`PIT${r.dims === 2 ? ' of x' : ''} vs numeric CDF (KS draws)`, 'pit', true),
        r,
        color,
      ),
    );
}
