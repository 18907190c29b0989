// The Summary tab: a torchinfo-like table for the model under the cursor.
import type { ViewContext } from './context';
import { clear, h } from './dom';
import type { Part } from './store';
import { summaryTable } from './summaryData';
import { summaryCsv } from './csvData';

export class SummaryView {
  private readonly box = h('div', { class: 'summary' });

  constructor(
    root: HTMLElement,
    private readonly ctx: ViewContext,
  ) {
    root.append(this.box);
  }

  render(dirty: Set<Part>): void {
    if (!dirty.has('summary')) return;
    clear(this.box);
    const m = this.ctx.model.summary;
    if (!m) {
      this.box.append(
        h(
          'p',
          { class: 'muted' },
          'Put the cursor in a PyTorch model in a Python file and run "Tensor Lens: Show Model Summary" (or click the CodeLens above the model).',
        ),
      );
      return;
    }
    const t = summaryTable(m);
    const csv = h('button', { class: 'link-button', title: 'Save this table as CSV' }, 'CSV');
    csv.addEventListener('click', () =>
      this.ctx.saveFile(`${m.name}-summary.csv`, 'text/csv', summaryCsv(m)),
    );
    const file = this.ctx.model.summaryFile;
    this.box.append(
      h('div', { class: 'section-title' }, h('strong', null, t.title), csv),
      file ? h('div', { class: 'muted file' }, file) : '',
      h('div', { class: 'muted' }, `input ${t.input} → output ${t.output}`),
    );
    const body = h('tbody');
    for (const r of t.rows) {
      body.append(
        h(
          'tr',
          { class: r.unknown ? 'unknown' : undefined },
          // The type sits under the name so the table fits a narrow side bar.
          h(
            'td',
            { class: `layer depth-${Math.min(r.depth, 6)}`, title: `line ${r.line}` },
            h('div', null, r.layer),
            r.type !== r.layer ? h('div', { class: 'type' }, r.type) : '',
          ),
          h('td', { class: 'shape' }, r.output),
          h('td', { class: 'num' }, r.params),
          h('td', { class: 'num' }, r.macs),
        ),
      );
    }
    const foot = h(
      'tfoot',
      null,
      h(
        'tr',
        null,
        h('th', { colspan: 2 }, 'Total params'),
        h('td', { class: 'num', colspan: 2 }, t.totalParams),
      ),
      h(
        'tr',
        null,
        h('th', { colspan: 2 }, 'Total mult-adds'),
        h('td', { class: 'num', colspan: 2 }, t.totalMacs),
      ),
      h(
        'tr',
        null,
        h('th', { colspan: 2 }, 'Memory (float32)'),
        h('td', { class: 'num', colspan: 2 }, t.memory),
      ),
    );
    this.box.append(
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'summary-table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', null, 'Layer (type)'),
              h('th', null, 'Output shape'),
              h('th', { class: 'num' }, 'Params'),
              h('th', { class: 'num' }, 'Mult-adds'),
            ),
          ),
          body,
          foot,
        ),
      ),
    );
  }
}
