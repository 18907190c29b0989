// The Sampling tab: the form (density with parse errors as you type, sampler, n, chains, seed,
// range) and one card per result — histogram against the normalised true density, trace per chain,
// autocorrelation, diagnostics — grouped by density so several samplers on one density sit side by
// side. 2-D densities get a heat map with the draws on top and the two marginals. The tuning
// fields under the form are the chosen sampler's (webview/tuningForm.ts, shared with the playground).
import { parseRange } from '../src/common/range';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { ChartDataset, ChartOptions } from 'chart.js';
import type { SampleRequestParams, SampleResult, SamplerName } from '../src/common/messages';
import { SAMPLER_TABLE, SAMPLERS } from '../src/common/messages';
import {
  axisTitle,
  baseOptions,
  Chart,
  currentTheme,
  densityPlugin,
  equalScalesPlugin,
  makeChart,
  PIXEL_DECIMATION,
  withAlpha,
} from './charts';
import {
  fmtCompact,
  fmtDuration,
  fmtInt,
  heatmapPixels,
  lttb,
  MODEL_COLORS,
  type Pt,
} from './chartData';
import { CONTOUR_NOTE, massContours } from './contours';
import { chartExportButtons } from './export';
import { histChart } from './histChart';
import { scalesEqual, UNEQUAL_SCALES_NOTE } from './plotFrame';
import { diagnosticsCsv, safeFileName, tracesCsv } from './csvData';
import { divergenceMarks } from './diagnosticsData';
import { appendDiagnostics } from './diagnosticsView';
import type { ViewContext } from './context';
import { clear, h } from './dom';
import { groupSamples, pendingFraction, type Part, type PendingSample } from './store';
import {
  hasWarmup,
  readTuning,
  TUNING_FIELDS,
  tuningFieldsFor,
  tuningPlaceholder,
  WARMUP_AUTO,
} from './tuningForm';

/** Points drawn per chain in a trace plot. */
const TRACE_POINTS = 800;
/** Scatter points drawn over a 2-D heat map. */
const SCATTER_POINTS = 1500;

interface Card {
  el: HTMLElement;
  charts: Chart[];
}

export class SamplingView {
  private readonly expr = h('vscode-textfield', {
    class: 'expr',
    placeholder: 'density in x (or x and y), e.g. exp(-x^2/2) * (1 + sin(3x)^2)',
    'aria-label': 'density',
  });
  private readonly exprError = h('div', {
    class: 'field-error',
    role: 'status',
    'aria-live': 'polite',
  });
  private readonly logBox = h(
    'vscode-checkbox',
    { title: 'The expression is log f(x) rather than f(x)' },
    'log density',
  );
  private readonly sampler = h('vscode-single-select', { 'aria-label': 'sampler' });
  private readonly n = h('vscode-textfield', {
    type: 'number',
    min: 10,
    class: 'num',
    'aria-label': 'draws per chain',
  });
  private readonly chains = h('vscode-textfield', {
    type: 'number',
    min: 1,
    max: 64,
    class: 'num',
    'aria-label': 'chains',
  });
  private readonly seed = h('vscode-textfield', {
    type: 'number',
    class: 'num',
    'aria-label': 'seed',
  });
  private readonly range = h('vscode-textfield', {
    class: 'range',
    placeholder: 'auto',
    'aria-label': 'range a, b',
  });
  private readonly warmup = h('vscode-textfield', {
    class: 'num',
    placeholder: 'auto',
    title: `warm-up iterations per chain: ${WARMUP_AUTO}`,
    'aria-label': 'warm-up per chain',
  });
  private readonly warmupLabel = h('label', null, h('span', null, 'Warm-up'), this.warmup);
  private readonly tuning = new Map<
    string,
    { field: HTMLElement & { value: string }; label: HTMLElement }
  >();
  private readonly tuningNote = h('div', { class: 'field-hint tuning-note' });
  private readonly runBtn = h('vscode-button', { title: 'Run the chosen sampler' }, 'Run');
  private readonly runAllBtn = h(
    'vscode-button',
    { secondary: true, title: 'Run all six samplers on this density, side by side' },
    'Run all six',
  );
  private readonly banner = h('div', { class: 'error-text', role: 'alert' });
  private readonly pendingBox = h('div', { class: 'pending' });
  private readonly results = h('div', { class: 'results' });
  private readonly cards = new Map<string, Card>();
  private readonly pendingCharts = new Map<
    PendingSample,
    {
      el: HTMLElement;
      bar: HTMLProgressElement;
      label: HTMLElement;
      box: HTMLElement;
      chart?: Chart<'line', Pt[]>;
    }
  >();
  private checkTimer: number | undefined;
  /** The run ids the results area was last built for; progress events must not rebuild it. */
  private shownSig = '';
  private lastChecked = '';

  constructor(
    root: HTMLElement,
    private readonly ctx: ViewContext,
  ) {
    for (const s of SAMPLERS)
      this.sampler.append(h('vscode-option', { value: s }, SAMPLER_TABLE[s].label));
    const clearBtn = h(
      'button',
      { class: 'link-button', title: 'Remove every sampling result' },
      'Clear results',
    );
    clearBtn.addEventListener('click', () => ctx.post({ type: 'clearSamples' }));
    const tuningRow = h('div', { class: 'form-row tuning-row' }, this.warmupLabel);
    for (const f of TUNING_FIELDS) {
      const field = h('vscode-textfield', {
        class: 'num',
        placeholder: 'auto',
        title: `${f.label}: ${f.auto}`,
        'aria-label': `${f.label} (sampling form)`,
      });
      const label = h('label', null, h('span', null, capitalise(f.label)), field);
      this.tuning.set(f.key, { field, label });
      tuningRow.append(label);
    }
    root.append(
      h(
        'div',
        { class: 'sample-form' },
        h('label', { class: 'wide' }, h('span', null, 'Density'), this.expr),
        this.exprError,
        h(
          'div',
          { class: 'form-row' },
          h('label', null, h('span', null, 'Sampler'), this.sampler),
          h('label', null, h('span', null, 'n'), this.n),
          h('label', null, h('span', null, 'Chains'), this.chains),
          h('label', null, h('span', null, 'Seed'), this.seed),
          h('label', null, h('span', null, 'Range'), this.range),
        ),
        tuningRow,
        this.tuningNote,
        h('div', { class: 'form-row' }, this.logBox, this.runBtn, this.runAllBtn, clearBtn),
      ),
      this.banner,
      this.pendingBox,
      this.results,
    );
    this.fillForm();
    const onChange = (): void => this.formChanged();
    this.expr.addEventListener('input', () => {
      this.formChanged();
      this.scheduleCheck();
    });
    this.logBox.addEventListener('change', () => {
      this.formChanged();
      this.scheduleCheck();
    });
    for (const el of [this.n, this.chains, this.seed, this.range, this.warmup])
      el.addEventListener('input', onChange);
    for (const { field } of this.tuning.values()) field.addEventListener('input', onChange);
    this.sampler.addEventListener('change', onChange);
    this.runBtn.addEventListener('click', () => this.run([this.sampler.value as SamplerName]));
    this.runAllBtn.addEventListener('click', () => this.run([...SAMPLERS]));
    this.expr.addEventListener('keydown', (e: KeyboardEvent) => {
      if (e.key === 'Enter') this.run([this.sampler.value as SamplerName]);
    });
  }

  /** Form values from the remembered UI state (or the settings' defaults on first open). */
  fillForm(): void {
    const u = this.ctx.ui;
    this.expr.value = u.expr;
    this.logBox.checked = u.logDensity;
    this.sampler.value = u.sampler;
    this.n.value = u.n;
    this.chains.value = u.chains;
    this.seed.value = u.seed;
    this.range.value = u.range;
    this.warmup.value = u.warmup;
    for (const f of TUNING_FIELDS) {
      const el = this.tuning.get(f.key);
      if (el) el.field.value = u.tuning[f.key];
    }
    this.showTuning();
    this.scheduleCheck(0);
  }

  private formChanged(): void {
    const u = this.ctx.ui;
    u.expr = this.expr.value;
    u.logDensity = this.logBox.checked;
    if ((SAMPLERS as readonly string[]).includes(this.sampler.value))
      u.sampler = this.sampler.value as SamplerName;
    u.n = this.n.value;
    u.chains = this.chains.value;
    u.seed = this.seed.value;
    u.range = this.range.value;
    u.warmup = this.warmup.value;
    for (const f of TUNING_FIELDS) u.tuning[f.key] = this.tuning.get(f.key)?.field.value ?? '';
    this.ctx.saveUi();
    this.showTuning();
    this.validateForm();
  }

  /** Checks the expression in the worker a moment after typing stops (one request per pause). */
  private scheduleCheck(delay = 250): void {
    if (this.checkTimer !== undefined) window.clearTimeout(this.checkTimer);
    this.checkTimer = window.setTimeout(() => {
      const expr = this.expr.value.trim();
      const key = `${expr}\u0000${this.logBox.checked}`;
      if (!expr || key === this.lastChecked) return this.validateForm();
      this.lastChecked = key;
      this.ctx.post({ type: 'checkExpr', expr, logDensity: this.logBox.checked || undefined });
    }, delay);
  }

  /** Returns the request, or an error to show next to the form. */
  private params(sampler: SamplerName): SampleRequestParams | string {
    const expr = this.expr.value.trim();
    if (!expr) return 'Type a density first.';
    const n = Math.round(Number(this.n.value));
    const chains = Math.round(Number(this.chains.value));
    const seed = Math.round(Number(this.seed.value));
    if (!Number.isFinite(n) || n < 10) return 'n must be at least 10.';
    if (!Number.isFinite(chains) || chains < 1 || chains > 64)
      return 'Chains must be between 1 and 64.';
    if (!Number.isFinite(seed)) return 'Seed must be a number.';
    const range = parseRange(this.range.value);
    if (range === undefined) return 'Range must look like "-5, 5" with the lower bound first.';
    const t = readTuning(sampler, this.ctx.ui.tuning, this.ctx.ui.warmup);
    if ('error' in t) return `${t.error}.`;
    const p: SampleRequestParams = { expr, sampler, n, chains, seed };
    if (range) p.range = range;
    if (this.logBox.checked) p.logDensity = true;
    if (t.tuning) p.tuning = t.tuning;
    if (t.warmup !== undefined) p.warmup = t.warmup;
    return p;
  }

  /**
   * Shows the chosen sampler's tuning fields, each with its automatic value (or the setting that
   * replaces it) as the placeholder, and one line listing those defaults.
   */
  private showTuning(): void {
    const s = this.ctx.ui.sampler;
    const d = this.ctx.model.defaults;
    const shown = new Set(tuningFieldsFor(s).map((f) => f.key));
    const parts: string[] = [];
    for (const f of TUNING_FIELDS) {
      const el = this.tuning.get(f.key);
      if (!el) continue;
      el.label.hidden = !shown.has(f.key);
      const set = d?.tuning?.[f.key];
      el.field.setAttribute('placeholder', tuningPlaceholder(set));
      if (shown.has(f.key))
        parts.push(`${f.label} ${set === undefined ? f.auto : `${set} from the settings`}`);
    }
    const mcmc = hasWarmup(s);
    this.warmupLabel.hidden = !mcmc;
    this.warmup.setAttribute('placeholder', tuningPlaceholder(d?.warmup));
    if (mcmc)
      parts.push(
        `warm-up ${d?.warmup === undefined ? WARMUP_AUTO : `${d.warmup} from the settings`}`,
      );
    this.tuningNote.textContent = parts.length
      ? `Defaults: ${parts.join('; ')}.`
      : 'No tuning: i.i.d. draws need no warm-up.';
  }

  private validateForm(): void {
    const chk = this.ctx.model.exprCheck;
    const expr = this.expr.value.trim();
    const bad = chk && chk.expr === expr && !chk.result.ok;
    const p = this.params(this.ctx.ui.sampler);
    this.expr.invalid = Boolean(bad);
    if (bad) {
      const text = chk.result.error ?? 'cannot parse this density';
      // The engine's messages may already say where; do not say it twice.
      const col =
        chk.result.column !== undefined && !/column/i.test(text)
          ? ` (column ${chk.result.column})`
          : '';
      this.exprError.textContent = `${text}${col}`;
      this.exprError.className = 'field-error';
    } else if (typeof p === 'string' && expr) {
      this.exprError.textContent = p;
      this.exprError.className = 'field-error';
    } else {
      const dims = chk && chk.expr === expr && chk.result.ok ? chk.result.dims : undefined;
      this.exprError.textContent =
        dims === 2 ? '2-D density in x and y: heat map with marginals.' : dims === 1 ? 'OK' : '';
      this.exprError.className = 'field-hint';
    }
    const disabled = Boolean(bad) || typeof p === 'string';
    this.runBtn.toggleAttribute('disabled', disabled);
    this.runAllBtn.toggleAttribute('disabled', disabled);
  }

  private run(samplers: SamplerName[]): void {
    for (const s of samplers) {
      const p = this.params(s);
      if (typeof p === 'string') {
        this.banner.textContent = p;
        return;
      }
      this.ctx.post({ type: 'runSample', params: p });
    }
    this.banner.textContent = '';
  }

  /** Cards bake their colours in; rebuild them for the new theme on the next render. */
  retheme(): void {
    for (const c of this.cards.values()) {
      for (const ch of c.charts) ch.destroy();
      c.el.remove();
    }
    this.cards.clear();
    this.shownSig = '\u0001';
  }

  render(dirty: Set<Part>): void {
    if (dirty.has('form')) {
      this.showTuning();
      this.validateForm();
    }
    if (!dirty.has('sampling')) return;
    this.banner.textContent = this.ctx.model.sampleError
      ? `Sampling failed: ${this.ctx.model.sampleError}`
      : '';
    this.renderPending();
    // Moving cards in the DOM would fire every chart's ResizeObserver and redraw them all, so the
    // results area is only rebuilt when the list of results changed.
    const sig = this.ctx.model.samples.map((x) => x.runId).join('\u0000');
    if (sig !== this.shownSig || this.cards.size === 0) {
      this.shownSig = sig;
      this.renderResults();
    }
  }

  private renderPending(): void {
    const pending = this.ctx.model.pending;
    for (const [p, v] of this.pendingCharts) {
      if (!pending.includes(p)) {
        v.chart?.destroy();
        v.el.remove();
        this.pendingCharts.delete(p);
      }
    }
    for (const p of pending) {
      let v = this.pendingCharts.get(p);
      if (!v) {
        const bar = h('progress', { max: 1, value: 0 });
        const label = h('span');
        const box = h('div', { class: 'chart-box live-trace' });
        v = { el: h('div', { class: 'pending-item' }, label, bar, box), bar, label, box };
        this.pendingCharts.set(p, v);
        this.pendingBox.append(v.el);
      }
      // The draws as they come (thinned by the worker): watching a sampler mix is half the point.
      if (p.trace.size) {
        if (!v.chart) {
          const canvas = h('canvas', { role: 'img', 'aria-label': 'live trace' });
          v.box.append(canvas);
          v.box.classList.add('shown');
          v.chart = liveTraceChart(canvas);
        }
        const t = currentTheme();
        v.chart.data.datasets = [...p.trace]
          .sort((a, b) => a[0] - b[0])
          .map(([c, tr]) => ({
            label: `chain ${c + 1}`,
            // Every point the store keeps; Chart.js decimates to the pixel columns as draws stream.
            data: tr.map((x, i) => ({ x: i, y: x })),
            borderColor: withAlpha(t.colors[MODEL_COLORS[c % MODEL_COLORS.length]], 0.8),
            borderWidth: 1,
          }));
        v.chart.update('none');
      }
      const f = pendingFraction(p);
      v.bar.value = f;
      const what = p.params.expr
        ? `${SAMPLER_TABLE[p.params.sampler].label} · ${fmtInt(p.params.n)} × ${p.params.chains} on ${p.params.expr}`
        : 'Sampling';
      v.label.textContent = `${what} — ${p.phase === 'queued' ? 'queued' : `${p.phase === 'warmup' ? 'warm-up ' : ''}${Math.round(f * 100)} %`}`;
    }
  }

  private renderResults(): void {
    const samples = this.ctx.model.samples;
    const ids = new Set(samples.map((s) => s.runId));
    for (const [id, c] of this.cards) {
      if (!ids.has(id)) {
        for (const ch of c.charts) ch.destroy();
        c.el.remove();
        this.cards.delete(id);
      }
    }
    clear(this.results);
    if (!samples.length) {
      this.results.append(
        h(
          'p',
          { class: 'muted' },
          'Results appear here, one card per run; runs on the same density sit side by side.',
        ),
      );
      return;
    }
    // Newest density first; within a density, runs in the order they finished.
    for (const g of groupSamples(samples).reverse()) {
      const csv = h(
        'button',
        { class: 'link-button', title: 'Save the diagnostics of these runs as CSV' },
        'Diagnostics CSV',
      );
      csv.addEventListener('click', () =>
        this.ctx.saveFile(
          `diagnostics-${safeFileName(g.expr, 'density')}.csv`,
          'text/csv',
          diagnosticsCsv(g.results),
        ),
      );
      const row = h('div', { class: 'cards' });
      for (const r of g.results) {
        let c = this.cards.get(r.runId);
        if (!c) {
          c = this.makeCard(r);
          this.cards.set(r.runId, c);
        }
        row.append(c.el);
      }
      this.results.append(
        h(
          'div',
          { class: 'group' },
          h(
            'div',
            { class: 'section-title' },
            h('code', { class: 'expr-title', title: g.expr }, g.expr),
            csv,
          ),
          row,
        ),
      );
    }
  }

  private makeCard(r: SampleResult): Card {
    const charts: Chart[] = [];
    const t = currentTheme();
    const color = t.colors[SAMPLER_TABLE[r.sampler].color];
    const remove = h(
      'button',
      { class: 'link-button', title: 'Remove this result', 'aria-label': 'remove result' },
      '✕',
    );
    remove.addEventListener('click', () => this.ctx.post({ type: 'removeSample', runId: r.runId }));
    // Runs that carry their request get every draw (the host re-runs it into the file); older stored
    // runs only have the thinned traces the panel received.
    const drawsCsv = r.request
      ? h(
          'button',
          {
            class: 'link-button',
            title: `Save all ${fmtInt(r.n * r.chains)} draws as CSV (re-runs the same seeded request)`,
          },
          'Draws CSV',
        )
      : h(
          'button',
          {
            class: 'link-button',
            title: 'Save the thinned draws per chain as CSV (this run predates full export)',
          },
          'Draws CSV',
        );
    drawsCsv.addEventListener('click', () => {
      if (r.request) this.ctx.post({ type: 'saveDraws', runId: r.runId });
      else
        this.ctx.saveFile(
          `draws-${r.sampler}-${safeFileName(r.expr, 'density')}.csv`,
          'text/csv',
          tracesCsv(r),
        );
    });
    const el = h(
      'div',
      { class: 'card' },
      h(
        'div',
        { class: 'card-title' },
        h('strong', null, SAMPLER_TABLE[r.sampler].label),
        h('span', { class: 'muted' }, ` ${fmtInt(r.n)} × ${r.chains} · ${fmtDuration(r.seconds)}`),
        h('span', { class: 'actions' }, drawsCsv, remove),
      ),
    );
    // A run whose chains never moved is not a result: say so above its charts, which would otherwise
    // look like any other run's. Warnings (divergences, R-hat) are shown the same way, quieter.
    const warnings = r.warnings ?? [];
    if (r.status === 'failed')
      el.append(
        h(
          'div',
          { class: 'error-text run-failed', role: 'alert' },
          `Failed: these draws are not from the density. ${warnings.join(' ')}`.trim(),
        ),
      );
    else if (warnings.length)
      el.append(h('div', { class: 'warn-text' }, ...warnings.map((w) => h('div', null, `⚠ ${w}`))));
    const box = (title: string, name: string, short = false): HTMLCanvasElement => {
      const canvas = h('canvas', { role: 'img', 'aria-label': `${title} (${r.sampler})` });
      // The chart this box holds is the next one pushed onto `charts`.
      const idx = charts.length;
      el.append(
        h(
          'div',
          { class: 'chart-title' },
          h('span', null, title),
          chartExportButtons(
            this.ctx,
            `${name}-${r.sampler}-${safeFileName(r.expr, 'density')}`,
            () => charts[idx],
          ),
        ),
        h('div', { class: short ? 'chart-box short' : 'chart-box' }, canvas),
      );
      return canvas;
    };
    if (r.dims === 2 && r.density2d) {
      charts.push(heatmapChart(box('Density and draws', 'heatmap'), r));
      const equal = scalesEqual(r.range, r.rangeY ?? r.range);
      el.append(
        h(
          'div',
          { class: 'muted caption' },
          `${CONTOUR_NOTE}${equal ? '' : ` ${UNEQUAL_SCALES_NOTE}`}`,
        ),
      );
      charts.push(
        histChart(
          box('Marginal x', 'marginal-x', true),
          r.histogram.edges,
          r.histogram.counts,
          r.density,
          color,
          'x',
        ),
      );
      if (r.histogramY && r.densityY)
        charts.push(
          histChart(
            box('Marginal y', 'marginal-y', true),
            r.histogramY.edges,
            r.histogramY.counts,
            r.densityY,
            color,
            'y',
          ),
        );
    } else {
      charts.push(
        histChart(
          box('Histogram vs true density', 'histogram'),
          r.histogram.edges,
          r.histogram.counts,
          r.density,
          color,
          'x',
        ),
      );
    }
    charts.push(traceChart(box('Trace per chain', 'trace', true), r));
    // A long run's autocorrelation comes from its first draws (see autocorrelationDraws): say so.
    const acfFrom =
      r.autocorrelationDraws !== undefined && r.autocorrelationDraws < r.n
        ? ` (first ${r.autocorrelationDraws.toLocaleString('en-US')} draws of each chain)`
        : '';
    charts.push(acfChart(box(`Autocorrelation${acfFrom}`, 'acf', true), r.autocorrelation, color));
    appendDiagnostics(el, r, box, charts, color);
    return { el, charts };
  }
}

function liveTraceChart(canvas: HTMLCanvasElement): Chart<'line', Pt[]> {
  const opts = baseOptions();
  opts.plugins = {
    ...opts.plugins,
    decimation: PIXEL_DECIMATION,
    legend: { display: false },
    tooltip: { enabled: false },
  };
  opts.scales = {
    x: { type: 'linear', ticks: { display: false }, grid: { display: false } },
    y: { type: 'linear', ticks: { maxTicksLimit: 4 } },
  };
  return makeChart<'line', Pt[]>(canvas, { type: 'line', data: { datasets: [] }, options: opts });
}

function traceChart(canvas: HTMLCanvasElement, r: SampleResult): Chart {
  const t = currentTheme();
  const opts = baseOptions();
  opts.elements = { point: { radius: 0 }, line: { borderWidth: 1 } };
  opts.plugins = {
    ...opts.plugins,
    legend: {
      display: r.traces.length > 1 && r.traces.length <= 8,
      labels: { boxWidth: 10, boxHeight: 2 },
    },
  };
  opts.scales = {
    x: {
      type: 'linear',
      title: axisTitle('draw (thinned)'),
      ticks: { callback: (v) => fmtCompact(Number(v)), maxTicksLimit: 6 },
    },
    y: { type: 'linear', title: axisTitle('x'), ticks: { maxTicksLimit: 5 } },
  };
  const datasets: ChartDataset<'line', Pt[]>[] = r.traces.map((tr, c) => {
    const col = t.colors[MODEL_COLORS[c % MODEL_COLORS.length]];
    return {
      label: `chain ${c + 1}`,
      data: lttb(
        tr.map((x, i) => ({ x: i, y: x })),
        TRACE_POINTS,
      ),
      borderColor: withAlpha(col, 0.8),
    };
  });
  const marks = divergenceMarks(r);
  if (marks.length)
    datasets.push({
      label: 'divergent',
      data: marks,
      showLine: false,
      pointRadius: 3,
      pointStyle: 'crossRot',
      borderColor: t.colors.red,
      backgroundColor: t.colors.red,
    });
  return makeChart<'line', Pt[]>(canvas, {
    type: 'line',
    data: { datasets },
    options: opts,
  }) as unknown as Chart;
}

function acfChart(canvas: HTMLCanvasElement, acf: number[], color: string): Chart {
  const opts = baseOptions();
  opts.plugins = { ...opts.plugins, legend: { display: false } };
  opts.scales = {
    x: {
      type: 'linear',
      min: 0,
      max: Math.max(acf.length - 1, 1),
      title: axisTitle('lag'),
      ticks: { maxTicksLimit: 6 },
    },
    y: {
      type: 'linear',
      min: Math.min(-0.2, ...acf),
      max: 1,
      title: axisTitle('ρ'),
      ticks: { maxTicksLimit: 5 },
    },
  };
  // Drawn as vertical sticks (a needle plot): one null-separated segment per lag.
  // NaN (not null: parsing is off, so every item must be a point) breaks the line between lags.
  const pts: Pt[] = [];
  acf.forEach((v, k) => pts.push({ x: k, y: 0 }, { x: k, y: v }, { x: k, y: NaN }));
  const ds = {
    label: 'autocorrelation',
    data: pts,
    borderColor: color,
    borderWidth: 2,
    spanGaps: false,
  };
  return makeChart<'line', Pt[]>(canvas, {
    type: 'line',
    data: { datasets: [ds] },
    options: opts,
  }) as unknown as Chart;
}

function heatmapChart(canvas: HTMLCanvasElement, r: SampleResult): Chart {
  const d = r.density2d ?? { nx: 0, ny: 0, values: [] };
  const img = document.createElement('canvas');
  if (d.nx > 0 && d.ny > 0) {
    img.width = d.nx;
    img.height = d.ny;
    const c2 = img.getContext('2d');
    if (c2) c2.putImageData(new ImageData(heatmapPixels(d.nx, d.ny, d.values), d.nx, d.ny), 0, 0);
  }
  const layer = { image: img, nx: d.nx, ny: d.ny, contours: massContours(d) };
  const ry = r.rangeY ?? r.range;
  const sc = r.scatter ?? { x: [], y: [] };
  const stride = Math.max(1, Math.ceil(sc.x.length / SCATTER_POINTS));
  const pts: Pt[] = [];
  for (let i = 0; i < sc.x.length; i += stride) pts.push({ x: sc.x[i], y: sc.y[i] });
  const opts = baseOptions();
  opts.plugins = { ...opts.plugins, legend: { display: false }, tooltip: { enabled: false } };
  opts.scales = {
    x: {
      type: 'linear',
      min: r.range[0],
      max: r.range[1],
      title: axisTitle('x'),
      ticks: { maxTicksLimit: 7 },
    },
    y: {
      type: 'linear',
      min: ry[0],
      max: ry[1],
      title: axisTitle('y'),
      ticks: { maxTicksLimit: 7 },
    },
  };
  return makeChart<'scatter', Pt[]>(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'draws',
          data: pts,
          pointRadius: 1.2,
          borderWidth: 0,
          backgroundColor: 'rgba(255, 255, 255, 0.55)',
        },
      ],
    },
    options: opts as ChartOptions<'scatter'>,
    plugins: [densityPlugin(layer), equalScalesPlugin(r.range, ry)],
  }) as unknown as Chart;
}

function capitalise(t: string): string {
  return t.charAt(0).toUpperCase() + t.slice(1);
}
