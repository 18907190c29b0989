// The Training tab: header (backend, progress, samples/s, time left, Stop), the loss-per-batch chart
// (EMA-smoothed line over the faint raw values) and test accuracy per epoch, both against samples
// seen, and the list of runs with checkboxes to choose which to overlay.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { ChartDataset } from 'chart.js';
import {
  axisTitle,
  baseOptions,
  Chart,
  currentTheme,
  makeChart,
  PIXEL_DECIMATION,
  setDatasets,
  withAlpha,
} from './charts';
import {
  estimateTimeLeft,
  fmtCompact,
  fmtDuration,
  fmtInt,
  fmtPercent,
  lossSeries,
  modelColor,
  recentRate,
  type Pt,
} from './chartData';
import { epochsCsv } from './csvData';
import { batchSizeOf, epochEndX, isXAxis, lossXs, X_AXES } from './axes';
import { EvalView } from './evalView';
import { chartExportButtons } from './export';
import { runLabel } from './runsData';
import { RunsTable } from './runsTable';
import type { ViewContext } from './context';
import { h } from './dom';
import { epochX, MAX_LOSS_POINTS, runTotalSamples, type Part, type RunView } from './store';

const DASHES: number[][] = [[], [6, 3], [2, 3], [10, 3, 2, 3]];

type LineDs = ChartDataset<'line', Pt[]>;

export class TrainingView {
  private readonly status = h('span', { class: 'status-text' }, 'No training run yet.');
  private readonly backend = h('span', { class: 'badge', title: 'TensorFlow.js backend' });
  private readonly rate = h('span', { class: 'metric', title: 'samples per second' });
  private readonly eta = h('span', { class: 'metric', title: 'time left' });
  private readonly progress = h('progress', { class: 'run-progress', max: 1, value: 0 });
  private readonly stopBtn = h(
    'vscode-button',
    { secondary: true, disabled: true, title: 'Stop the current run' },
    'Stop',
  );
  private readonly errorBox = h('div', { class: 'error-text', role: 'alert' });
  private readonly runsBox = h('div', { class: 'runs' });
  private readonly runsTable: RunsTable;
  private readonly evalBox = h('div', { class: 'eval' });
  private readonly evalView: EvalView;
  /** Says which runs have no point on the chosen x axis (recorded before it was kept). */
  private readonly axisNote = h('span', { class: 'muted axis-note' });
  private readonly epochsField = h('vscode-textfield', {
    type: 'number',
    min: 1,
    class: 'num',
    title: 'epochs',
    'aria-label': 'epochs',
  });
  private readonly limitField = h('vscode-textfield', {
    type: 'number',
    min: 0,
    class: 'num',
    title: 'use at most this many training images (0 = all)',
    'aria-label': 'limit',
  });
  private readonly lossChart: Chart<'line', Pt[]>;
  private readonly accChart: Chart<'line', Pt[]>;
  /** What the accuracy chart last drew, and the axes last set (see renderCharts, applyAxes). */
  private accSig = '';
  private axesKey = '';
  /** When the charts were last drawn and what that took, in ms (see render). */
  private chartsAt = -Infinity;
  private chartsCost = 0;

  constructor(
    root: HTMLElement,
    private readonly ctx: ViewContext,
  ) {
    this.runsTable = new RunsTable(this.runsBox, ctx);
    const epochs = this.epochsField;
    const limit = this.limitField;
    this.fillForm();
    const compare = h(
      'vscode-button',
      { title: 'Train the built-in MLP and CNN with the same seed' },
      'Compare MLP vs CNN',
    );
    epochs.addEventListener('change', () => {
      ctx.ui.epochs = epochs.value;
      ctx.saveUi();
    });
    limit.addEventListener('change', () => {
      ctx.ui.limit = limit.value;
      ctx.saveUi();
    });
    compare.addEventListener('click', () => {
      const e = Math.max(1, Math.round(Number(epochs.value) || 1));
      const l = Math.max(0, Math.round(Number(limit.value) || 0));
      ctx.post({ type: 'compare', epochs: e, limit: l });
    });
    this.stopBtn.addEventListener('click', () => ctx.post({ type: 'stop' }));

    const smoothing = h('input', {
      type: 'range',
      min: 0,
      max: 0.99,
      step: 0.01,
      value: ctx.ui.smoothing,
      title: 'smoothing (EMA weight)',
      'aria-label': 'smoothing',
    });
    smoothing.addEventListener('input', () => {
      ctx.ui.smoothing = Number(smoothing.value);
      ctx.saveUi();
      ctx.invalidate('training');
    });

    const xSelect = h('select', { 'aria-label': 'x axis', title: 'What the x axis counts' });
    for (const a of X_AXES)
      xSelect.append(h('option', { value: a.key, selected: a.key === ctx.ui.xAxis }, a.label));
    xSelect.addEventListener('change', () => {
      if (isXAxis(xSelect.value)) ctx.ui.xAxis = xSelect.value;
      ctx.saveUi();
      ctx.invalidate('training');
    });
    const logY = h('input', {
      type: 'checkbox',
      checked: ctx.ui.logY,
      'aria-label': 'log-scale loss',
      title: 'Loss on a logarithmic scale',
    });
    logY.addEventListener('change', () => {
      ctx.ui.logY = logY.checked;
      ctx.saveUi();
      ctx.invalidate('training');
    });

    const lossCanvas = h('canvas', { 'aria-label': 'training loss per batch', role: 'img' });
    const accCanvas = h('canvas', { 'aria-label': 'test accuracy per epoch', role: 'img' });
    root.append(
      h(
        'div',
        { class: 'train-header' },
        this.backend,
        this.status,
        this.rate,
        this.eta,
        this.stopBtn,
      ),
      this.progress,
      this.errorBox,
      h(
        'div',
        { class: 'controls' },
        h('label', null, 'Epochs ', epochs),
        h('label', null, 'Limit ', limit),
        compare,
      ),
      h(
        'div',
        { class: 'chart-title' },
        h('span', null, 'Loss per batch'),
        h('label', { class: 'smoothing' }, 'Smoothing ', smoothing),
        chartExportButtons(ctx, 'loss', () => this.lossChart),
      ),
      h(
        'div',
        { class: 'chart-options' },
        h('label', null, 'x ', xSelect),
        h('label', null, logY, ' log y'),
        this.axisNote,
      ),
      h('div', { class: 'chart-box' }, lossCanvas),
      h(
        'div',
        { class: 'chart-title' },
        h('span', null, 'Test accuracy per epoch'),
        chartExportButtons(ctx, 'accuracy', () => this.accChart),
      ),
      h('div', { class: 'chart-box short' }, accCanvas),
      h('div', { class: 'section-title' }, h('span', null, 'Runs'), this.runsActions()),
      this.runsBox,
      this.evalBox,
    );
    this.evalView = new EvalView(this.evalBox, ctx);

    const lossOpts = baseOptions();
    lossOpts.scales = {
      x: {
        type: 'linear',
        title: axisTitle('samples seen'),
        ticks: { callback: (v) => fmtCompact(Number(v)), maxTicksLimit: 7 },
      },
      y: {
        type: 'linear',
        title: axisTitle('loss'),
        beginAtZero: true,
        ticks: { maxTicksLimit: 6 },
      },
    };
    // Only the smoothed lines get a legend entry; the raw ones share their colour.
    // Every stored point goes to Chart.js (the store keeps at most MAX_LOSS_POINTS per model), which
    // decimates to the pixel columns on each redraw while training streams in.
    lossOpts.plugins = {
      ...lossOpts.plugins,
      decimation: PIXEL_DECIMATION,
      legend: {
        labels: { boxWidth: 12, boxHeight: 2, filter: (item) => !item.text.endsWith('(raw)') },
      },
    };
    this.lossChart = makeChart<'line', Pt[]>(lossCanvas, {
      type: 'line',
      data: { datasets: [] },
      options: lossOpts,
    });

    const accOpts = baseOptions();
    accOpts.elements = { point: { radius: 3, hitRadius: 6 }, line: { borderWidth: 1.5 } };
    accOpts.scales = {
      x: {
        type: 'linear',
        title: axisTitle('samples seen'),
        ticks: { callback: (v) => fmtCompact(Number(v)), maxTicksLimit: 7 },
      },
      y: {
        type: 'linear',
        title: axisTitle('test accuracy %'),
        suggestedMax: 100,
        ticks: { maxTicksLimit: 6 },
      },
    };
    this.accChart = makeChart<'line', Pt[]>(accCanvas, {
      type: 'line',
      data: { datasets: [] },
      options: accOpts,
    });
  }

  fillForm(): void {
    this.epochsField.value = this.ctx.ui.epochs;
    this.limitField.value = this.ctx.ui.limit;
  }

  /** Datasets take their colours at render time; the axes pick up Chart.defaults on update. */
  retheme(): void {
    this.accSig = '';
    this.lossChart.update('none');
    this.accChart.update('none');
    this.evalView.retheme();
  }

  private runsActions(): HTMLElement {
    const csv = h(
      'button',
      { class: 'link-button', title: 'Save per-epoch metrics of the chosen runs as CSV' },
      'Metrics CSV',
    );
    csv.addEventListener('click', () => {
      const runs = this.ctx.model.runs
        .filter((r) => this.ctx.model.selected.has(r.run.runId))
        .map((r) => r.run);
      this.ctx.saveFile('training-metrics.csv', 'text/csv', epochsCsv(runs));
    });
    const clearBtn = h(
      'button',
      { class: 'link-button', title: 'Forget every finished run' },
      'Clear',
    );
    clearBtn.addEventListener('click', () => this.ctx.post({ type: 'clearRuns' }));
    const table = h(
      'button',
      { class: 'link-button', title: 'Save the runs table (as filtered and sorted) as CSV' },
      'Table CSV',
    );
    table.addEventListener('click', () => this.runsTable.saveCsv());
    return h('span', { class: 'actions' }, table, csv, clearBtn);
  }

  render(dirty: Set<Part>): void {
    if (dirty.has('runs')) this.runsTable.render();
    if (dirty.has('runs') || dirty.has('eval')) this.evalView.render();
    if (dirty.has('training') || dirty.has('runs')) {
      this.renderHeader();
      // Streaming points may not hold the page: the charts take at most half of the frames' time
      // (a chart that took 25 ms waits 50 ms from its start before the next redraw; one that
      // takes 5 ms redraws every frame). A change of runs is drawn at once.
      const now = performance.now();
      if (!dirty.has('runs') && now - this.chartsAt < 2 * this.chartsCost) {
        this.ctx.invalidate('training');
        return;
      }
      this.renderCharts();
      this.chartsAt = now;
      this.chartsCost = performance.now() - now;
    }
  }

  /** The runs drawn: the chosen ones, oldest first, so colours and dashes stay put as runs arrive. */
  private shown(): RunView[] {
    return this.ctx.model.runs.filter((r) => this.ctx.model.selected.has(r.run.runId));
  }

  private renderHeader(): void {
    const m = this.ctx.model;
    const live = [...m.runs].reverse().find((r) => r.live);
    const last = live ?? m.runs[m.runs.length - 1];
    this.stopBtn.toggleAttribute('disabled', !live);
    const err = live ? null : (m.trainError ?? last?.error);
    this.errorBox.textContent = err ? `Training failed: ${err}` : '';
    if (!last) {
      this.status.textContent =
        'No training run yet. Compare MLP vs CNN, or train the model in a Python file.';
      this.backend.textContent = '';
      this.rate.textContent = '';
      this.eta.textContent = '';
      this.progress.value = 0;
      return;
    }
    this.backend.textContent = last.run.backend || '…';
    if (live) {
      const c = live.current;
      const epochs = live.epochs || live.run.params.epochs;
      this.status.textContent = c
        ? `${c.model} · epoch ${c.epoch}/${epochs} · batch ${fmtInt(c.batch)}/${fmtInt(c.batches)}`
        : 'starting…';
      const rate = recentRate(live.history);
      const total = runTotalSamples(live);
      this.rate.textContent = rate !== null ? `${fmtCompact(rate)} samples/s` : '';
      const left = total > 0 ? estimateTimeLeft(live.history, total) : null;
      this.eta.textContent = left !== null ? `${fmtDuration(left)} left` : '';
      this.progress.value = total > 0 ? Math.min(1, live.axis.total() / total) : 0;
    } else {
      const d = last.run.done;
      this.status.textContent = d
        ? `${d.cancelled ? 'Stopped' : 'Done'}: ${d.models.map((x) => `${x.model} ${fmtPercent(x.finalTestAcc)}`).join(' · ')}`
        : last.error
          ? 'Failed'
          : 'Stopped';
      // A run that ended without a done event has no throughput (null), never 0.
      const rates = d?.models.map((x) => x.samplesPerSec) ?? [];
      const sps =
        rates.length && rates.every((r) => r !== null)
          ? rates.reduce((a: number, r) => a + (r ?? 0), 0) / rates.length
          : null;
      this.rate.textContent = sps ? `${fmtCompact(sps)} samples/s` : '';
      this.eta.textContent = '';
      this.progress.value = d && !d.cancelled ? 1 : this.progress.value;
    }
  }

  private renderCharts(): void {
    const t = currentTheme();
    const shown = this.shown();
    const axis = this.ctx.ui.xAxis;
    const loss: LineDs[] = [];
    const acc: LineDs[] = [];
    const several = shown.length > 1;
    const missing = new Set<string>();
    shown.forEach((rv, k) => {
      const dash = DASHES[k % DASHES.length];
      const tag = several ? ` · ${runLabel(rv.run)}` : '';
      for (const [model, pts] of Object.entries(rv.run.batches)) {
        if (!pts.length) continue;
        const xs = lossXs(rv.run, model, axis);
        if (!xs) {
          missing.add(runLabel(rv.run));
          continue;
        }
        const color = t.colors[modelColor(model)];
        const unit = batchSizeOf(rv.run) ?? undefined;
        const { raw, smooth } = lossSeries(pts, this.ctx.ui.smoothing, MAX_LOSS_POINTS, unit, xs);
        loss.push({
          label: `${model}${tag} (raw)`,
          data: raw,
          borderColor: withAlpha(color, t.highContrast ? 0.45 : 0.25),
          borderWidth: 1,
          borderDash: dash,
        });
        loss.push({
          label: `${model}${tag}`,
          data: smooth,
          borderColor: color,
          backgroundColor: color,
          borderWidth: 2,
          borderDash: dash,
        });
      }
      const byModel = new Map<string, Pt[]>();
      rv.run.epochs.forEach((e, i) => {
        const x = epochEndX(rv.run, i, axis, () => epochX(rv, e.model, e.epoch));
        if (x === null) {
          missing.add(runLabel(rv.run));
          return;
        }
        const arr = byModel.get(e.model) ?? [];
        arr.push({ x, y: e.testAcc * 100 });
        byModel.set(e.model, arr);
      });
      for (const [model, pts] of byModel) {
        const color = t.colors[modelColor(model)];
        acc.push({
          label: `${model}${tag}`,
          data: pts,
          borderColor: color,
          backgroundColor: color,
          borderDash: dash,
        });
      }
    });
    const name = X_AXES.find((a) => a.key === axis)?.title ?? axis;
    this.axisNote.textContent = missing.size
      ? `No ${name} recorded for ${[...missing].join(', ')}: not drawn`
      : '';
    const axesChanged = this.applyAxes();
    setDatasets(this.lossChart, loss);
    this.lossChart.update('none');
    // Accuracy changes once an epoch, while loss points stream in many times a second: its chart
    // is laid out and drawn again only when what it shows changed.
    const accSig = JSON.stringify([acc, t]);
    if (axesChanged || accSig !== this.accSig) {
      this.accSig = accSig;
      setDatasets(this.accChart, acc);
      this.accChart.update('none');
    }
  }

  /** The x axis both charts share and the loss chart's y scale, from the UI state. */
  /** Sets the charts' axes for the chosen x and log y; false (nothing touched) when unchanged,
   * since a new scale object makes Chart.js build the scale again. */
  private applyAxes(): boolean {
    const axis = this.ctx.ui.xAxis;
    const key = `${axis}|${this.ctx.ui.logY}`;
    if (key === this.axesKey) return false;
    this.axesKey = key;
    const title = axisTitle(X_AXES.find((a) => a.key === axis)?.title ?? axis);
    const tick =
      axis === 'time'
        ? (v: number | string): string => fmtDuration(Number(v))
        : (v: number | string): string => fmtCompact(Number(v));
    for (const chart of [this.lossChart, this.accChart]) {
      const x = chart.options.scales?.x;
      if (x && x.type === 'linear') {
        x.title = title;
        x.ticks = { ...x.ticks, callback: tick };
      }
    }
    const scales = this.lossChart.options.scales;
    if (scales)
      scales.y = this.ctx.ui.logY
        ? { type: 'logarithmic', title: axisTitle('loss (log)'), ticks: { maxTicksLimit: 6 } }
        : {
            type: 'linear',
            title: axisTitle('loss'),
            beginAtZero: true,
            ticks: { maxTicksLimit: 6 },
          };
    return true;
  }
}
