// The Evaluation section of the Training tab, from the latest eval event of a run's model: the
// confusion matrix as a heat map, each class's test accuracy as bars, and the most confident mistakes
// as small images with their label and prediction. The data is evalData.ts.
import type { ChartDataset } from 'chart.js';
import { axisTitle, Chart, currentTheme, makeChart } from './charts';
import type { ViewContext } from './context';
import { clear, h } from './dom';
import { confusionScene, evalChoices, mistakeRgba, type EvalChoice } from './evalData';
import { chartExportButtons, drawScene, exportButtons } from './export';
import { runLabel } from './runsData';
import { sceneSvg } from './svg';

type Bars = Chart<'bar', (number | null)[]>;

export class EvalView {
  private readonly picker = h('select', { 'aria-label': 'evaluation to show' });
  private readonly body = h('div', { class: 'eval-body' });
  private readonly empty = h(
    'p',
    { class: 'muted' },
    'After each epoch, the test set’s confusion matrix, per-class accuracy and most confident mistakes appear here.',
  );
  private readonly heat = h('canvas', {
    class: 'confusion',
    role: 'img',
    'aria-label': 'confusion matrix',
  });
  private readonly heatBox = h('div', { class: 'confusion-box' }, this.heat);
  private readonly grid = h('div', { class: 'mistakes', role: 'list' });
  private readonly mistakesNote = h('p', { class: 'muted' });
  private readonly bars: Bars;
  private choice: EvalChoice | null = null;
  private key = '';

  constructor(
    root: HTMLElement,
    private readonly ctx: ViewContext,
  ) {
    this.picker.addEventListener('change', () => {
      this.key = this.picker.value;
      this.render();
    });
    const barCanvas = h('canvas', { role: 'img', 'aria-label': 'test accuracy per class' });
    root.append(
      h('div', { class: 'section-title' }, h('span', null, 'Evaluation'), this.picker),
      this.empty,
      this.body,
    );
    // Two columns in the wide editor panel (media/panel.css), one in the side bar.
    this.body.append(
      h(
        'div',
        { class: 'eval-col' },
        h(
          'div',
          { class: 'chart-title' },
          h('span', null, 'Confusion matrix'),
          exportButtons(
            ctx,
            'confusion',
            () => this.heat.toDataURL('image/png'),
            () => sceneSvg(this.scene()),
          ),
        ),
        h(
          'p',
          { class: 'muted caption' },
          'Rows: true class; columns: predicted; colour: share of the row.',
        ),
        this.heatBox,
      ),
      h(
        'div',
        { class: 'eval-col' },
        h(
          'div',
          { class: 'chart-title' },
          h('span', null, 'Test accuracy per class'),
          chartExportButtons(ctx, 'per-class-accuracy', () => this.bars),
        ),
        h('div', { class: 'chart-box short' }, barCanvas),
        h('div', { class: 'chart-title' }, h('span', null, 'Most confident mistakes')),
        this.mistakesNote,
        this.grid,
      ),
    );
    this.bars = makeChart<'bar', (number | null)[]>(barCanvas, {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { type: 'category', title: axisTitle('class'), ticks: { autoSkip: true } },
          y: { type: 'linear', min: 0, max: 100, title: axisTitle('accuracy %') },
        },
      },
    });
  }

  /** The heat map paints the theme's background and the bars its colour: redraw both. */
  retheme(): void {
    this.render();
  }

  render(): void {
    const choices = evalChoices(this.ctx.model.runs.map((r) => r.run));
    const keyOf = (c: EvalChoice): string => `${c.runId}\u0000${c.model}`;
    clear(this.picker);
    for (const c of choices) {
      const run = this.ctx.model.runs.find((r) => r.run.runId === c.runId)?.run;
      const label = `${run ? runLabel(run) : c.runId} · ${c.model} · epoch ${c.eval.epoch}`;
      this.picker.append(h('option', { value: keyOf(c) }, label));
    }
    // The newest run's first model unless the user picked another that still exists.
    this.choice = choices.find((c) => keyOf(c) === this.key) ?? choices[0] ?? null;
    if (this.choice) this.picker.value = keyOf(this.choice);
    this.picker.hidden = choices.length === 0;
    this.empty.hidden = this.choice !== null;
    this.body.hidden = this.choice === null;
    if (!this.choice) return;
    const e = this.choice.eval;
    drawScene(this.heat, this.scene());
    const t = currentTheme();
    const ds: ChartDataset<'bar', (number | null)[]> = {
      label: 'accuracy %',
      // A class absent from the test set has no bar (null), not a bar at 0.
      data: e.perClass.map((p) => (p === null ? null : p * 100)),
      backgroundColor: t.colors.blue,
    };
    this.bars.data.labels = e.classes.slice();
    this.bars.data.datasets = [ds];
    this.bars.update('none');
    this.renderMistakes();
  }

  private scene(): ReturnType<typeof confusionScene> {
    const t = currentTheme();
    const e = this.choice?.eval;
    // A hidden tab has no width yet: 280 px fits the narrowest side bar.
    const width = Math.min(Math.max(this.heatBox.clientWidth || 280, 200), 420);
    return confusionScene(e?.classes ?? [], e?.confusion ?? [], width, t);
  }

  private renderMistakes(): void {
    clear(this.grid);
    const e = this.choice?.eval;
    if (!e) return;
    const name = (i: number): string => e.classes[i] ?? String(i);
    const withImages = e.mistakes.filter((m) => m.image).length;
    this.mistakesNote.textContent = !e.mistakes.length
      ? 'No mistakes on the test set.'
      : withImages < e.mistakes.length
        ? 'Images are sent by the built-in trainer only; these mistakes come without them.'
        : '';
    for (const m of e.mistakes) {
      const fig = h('figure', {
        class: 'mistake',
        role: 'listitem',
        title: `test image ${m.index}: true ${name(m.label)}, predicted ${name(m.pred)} with p = ${m.p.toFixed(3)}`,
      });
      const rgba = m.image ? mistakeRgba(m.image) : null;
      if (m.image && rgba) {
        const c = h('canvas', { width: m.image.cols, height: m.image.rows, 'aria-hidden': 'true' });
        c.getContext('2d')?.putImageData(new ImageData(rgba, m.image.cols, m.image.rows), 0, 0);
        fig.append(c);
      } else fig.append(h('div', { class: 'no-image' }, '—'));
      fig.append(
        h(
          'figcaption',
          null,
          h('span', { class: 'truth' }, name(m.label)),
          ' → ',
          h('span', { class: 'pred' }, name(m.pred)),
          h('br'),
          h('span', { class: 'muted' }, `${(m.p * 100).toFixed(1)} %`),
        ),
      );
      this.grid.append(fig);
    }
  }
}
