// The Summary tab: a torchinfo-like table for the model under the cursor.
import type { ViewContext } from './context';
import { clear, h } from './dom';
import type { Part } from './store';
import { DEFAULT_SUMMARY_DEPTH, treeDepth } from '../src/common/moduleSummary';
import { summaryTable } from './summaryData';
import { summaryCsv } from './csvData';

export class SummaryView {
  private readonly box = h('div', { class: 'summary' });
  /** How deep the module tree is shown; kept while the page lives, for every model. */
  private depth = DEFAULT_SUMMARY_DEPTH;

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
    const deepest = treeDepth(m);
    const depth = Math.min(this.depth, Math.max(1, deepest));
    const t = summaryTable(m, depth);
    const csv = h('button', { class: 'link-button', title: 'Save this table as CSV' }, 'CSV');
    csv.addEventListener('click', () =>
      this.ctx.saveFile(`${m.name}-summary.csv`, 'text/csv', summaryCsv(m)),
    );
    const file = this.ctx.model.summaryFile;
    this.box.append(
      h('div', { class: 'section-title' }, h('strong', null, t.title), csv),
      file ? h('div', { class: 'muted file' }, file) : '',
      h('div', { class: 'muted' }, `input ${t.input} → output ${t.output}`),
      deepest > 1 ? this.depthControl(depth, deepest) : '',
    );
    const body = h('tbody');
    for (const r of t.rows) {
      const line = r.line;
      const classes = [r.unknown ? 'unknown' : '', line !== undefined ? 'link-row' : '']
        .filter(Boolean)
        .join(' ');
      const tr = h(
        'tr',
        {
          class: classes || undefined,
          tabindex: line !== undefined ? 0 : undefined,
          title: `${r.path ?? r.layer}${line !== undefined ? ` · line ${line}: click to open` : ''}`,
          'data-line': line,
        },
        // The type sits under the name so the table fits a narrow side bar.
        h(
          'td',
          { class: `layer depth-${Math.min(r.depth, 6)}` },
          h('div', null, r.folded ? `${r.layer} …` : r.layer),
          r.type !== r.layer ? h('div', { class: 'type' }, r.type) : '',
        ),
        h('td', { class: 'shape' }, r.output),
        h('td', { class: 'num' }, r.params),
        h('td', { class: 'num' }, r.macs),
      );
      if (line !== undefined) {
        const open = (): void => this.ctx.post({ type: 'openSource', line });
        tr.addEventListener('click', open);
        tr.addEventListener('keydown', (ev) => {
          if (ev.key === 'Enter') open();
        });
      }
      body.append(tr);
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

  /** Depth 1 … the tree's deepest level: a native select, which needs no script of its own. */
  private depthControl(depth: number, deepest: number): HTMLElement {
    const select = h('select', { class: 'summary-depth', 'aria-label': 'Depth' });
    for (let d = 1; d <= deepest; d++) {
      const o = h('option', { value: d }, d === deepest ? `${d} (all)` : String(d));
      if (d === depth) o.selected = true;
      select.append(o);
    }
    select.addEventListener('change', () => {
      this.depth = Number(select.value);
      this.ctx.invalidate('summary');
    });
    return h('label', { class: 'muted summary-depth-label' }, 'Depth ', select);
  }
}
