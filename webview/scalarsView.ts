// The Training tab's "TensorBoard scalars" section: the scalars of runs followed from a folder
// (Follow Training Run…), one small chart per tag with a line per run, against the logger's step or
// the wall time. Hidden until a followed folder has scalars. Data from scalarsData.ts.
import type { ChartDataset } from 'chart.js';
import { axisTitle, baseOptions, Chart, currentTheme, makeChart } from './charts';
import { fmtCompact, fmtDuration, MODEL_COLORS } from './chartData';
import type { ViewContext } from './context';
import { clear, h } from './dom';
import { chartExportButtons } from './export';
import { scalarCharts, type ScalarX } from './scalarsData';
import type { Part } from './store';

type XY = { x: number; y: number | null };

export class ScalarsView {
  private readonly section = h('div', { class: 'scalars', hidden: true });
  private readonly chartsBox = h('div', { class: 'scalar-charts' });
  private readonly note = h('span', { class: 'muted scalars-note' });
  private readonly charts = new Map<string, Chart<'line', XY[]>>();
  private x: ScalarX = 'step';

  constructor(
    root: HTMLElement,
    private readonly ctx: ViewContext,
  ) {
    const xSelect = h('select', {
      'aria-label': 'scalars x axis',
      title: 'What the x axis counts',
    });
    xSelect.append(
      h('option', { value: 'step', selected: true }, 'step'),
      h('option', { value: 'time' }, 'wall time'),
    );
    xSelect.addEventListener('change', () => {
      this.x = xSelect.value === 'time' ? 'time' : 'step';
      this.draw();
    });
    this.section.append(
      h(
        'div',
        { class: 'section-title' },
        h('span', null, 'TensorBoard scalars (followed runs)'),
        h('label', null, 'x ', xSelect),
      ),
      h('div', { class: 'chart-options' }, this.note),
      this.chartsBox,
    );
    root.append(this.section);
  }

  render(dirty: Set<Part>): void {
    if (dirty.has('scalars')) this.draw();
  }

  retheme(): void {
    this.draw();
  }

  private draw(): void {
    const series = [...this.ctx.model.scalars.values()];
    this.section.hidden = series.length === 0;
    const charts = scalarCharts(series, this.x);
    const tags = new Set(charts.map((c) => c.tag));
    // A new followed folder replaces the tags: charts of tags no longer held go.
    if ([...this.charts.keys()].some((t) => !tags.has(t))) {
      for (const c of this.charts.values()) c.destroy();
      this.charts.clear();
      clear(this.chartsBox);
    }
    const t = currentTheme();
    const runs = [...new Set(series.map((s) => s.run))];
    const noTime = new Set<string>();
    for (const c of charts) {
      const chart = this.charts.get(c.tag) ?? this.addChart(c.tag);
      for (const r of c.noTime) noTime.add(r);
      chart.data.datasets = c.lines.map((l): ChartDataset<'line', XY[]> => {
        const color = t.colors[MODEL_COLORS[runs.indexOf(l.run) % MODEL_COLORS.length]];
        return {
          label: l.run,
          data: l.points,
          borderColor: color,
          backgroundColor: color,
          // One point alone would draw nothing as a line.
          pointRadius: l.points.length === 1 ? 2 : 0,
          spanGaps: false,
        };
      });
      const x = chart.options.scales?.x;
      if (x && x.type === 'linear') {
        x.title = axisTitle(this.x === 'step' ? 'step' : 'wall time since the run’s first point');
        x.ticks = {
          ...x.ticks,
          callback: (v) => (this.x === 'step' ? fmtCompact(Number(v)) : fmtDuration(Number(v))),
        };
      }
      chart.update('none');
    }
    this.note.textContent =
      this.x === 'time' && noTime.size
        ? `No wall time in the event files of ${[...noTime].join(', ')}: not drawn`
        : '';
  }

  private addChart(tag: string): Chart<'line', XY[]> {
    const canvas = h('canvas', { 'aria-label': `scalar ${tag}`, role: 'img' });
    const file = `scalar-${tag.replace(/[^\w.-]+/g, '_')}`;
    const opts = baseOptions();
    opts.scales = {
      x: { type: 'linear', title: axisTitle('step'), ticks: { maxTicksLimit: 6 } },
      y: { type: 'linear', title: axisTitle(tag), ticks: { maxTicksLimit: 5 } },
    };
    const chart = makeChart<'line', XY[]>(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: opts,
    });
    this.chartsBox.append(
      h(
        'div',
        { class: 'chart-title', 'data-tag': tag },
        h('span', null, tag),
        chartExportButtons(this.ctx, file, () => chart),
      ),
      h('div', { class: 'chart-box short' }, canvas),
    );
    this.charts.set(tag, chart);
    return chart;
  }
}
