// The Summary tab: a torchinfo-like table for the model under the cursor. The host builds the rows
// in view (src/common/summaryTable.ts); the depth, opening a folded row and "more" ask it for others.
import type { ViewContext } from './context';
import { clear, h } from './dom';
import type { Part } from './store';
import type { SummaryPage } from '../src/common/messages';
import { MAX_SUMMARY_ROWS, SUMMARY_ROW_STEP } from '../src/common/summaryTable';

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
    const t = m;
    const csv = h(
      'button',
      {
        class: 'link-button',
        title: m.live
          ? 'Save every layer call as CSV'
          : 'Run "Show Model Summary" again to save this summary as CSV',
        disabled: !m.live,
      },
      'CSV',
    );
    csv.addEventListener('click', () => this.ctx.post({ type: 'saveSummaryCsv' }));
    const file = m.file;
    this.box.append(
      h('div', { class: 'section-title' }, h('strong', null, t.title), csv),
      file ? h('div', { class: 'muted file' }, file) : '',
      h('div', { class: 'muted' }, `input ${t.input} → output ${t.output}`),
      m.deepest > 1 ? this.depthControl(m) : '',
      m.live
        ? ''
        : h(
            'div',
            { class: 'muted summary-stale' },
            'Kept from the last session: run "Show Model Summary" again to change the depth or open rows.',
          ),
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
          h('div', null, this.toggle(m, r.path, r.folded, r.opened), r.layer),
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
    if (m.more > 0) body.append(this.moreRow(m));
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
  private depthControl(m: SummaryPage): HTMLElement {
    const select = h('select', {
      class: 'summary-depth',
      'aria-label': 'Depth',
      disabled: !m.live,
    });
    for (let d = 1; d <= m.deepest; d++) {
      const o = h('option', { value: d }, d === m.deepest ? `${d} (all)` : String(d));
      if (d === m.depth) o.selected = true;
      select.append(o);
    }
    // A new depth starts over: rows opened below the old one and extra rows are let go.
    select.addEventListener('change', () => this.ask(Number(select.value), SUMMARY_ROW_STEP, []));
    return h('label', { class: 'muted summary-depth-label' }, 'Depth ', select);
  }

  /** The open/close button of a row with rows below it past the depth (none for other rows). */
  private toggle(
    m: SummaryPage,
    path: string | undefined,
    folded: boolean | undefined,
    opened: boolean | undefined,
  ): HTMLElement | string {
    if (path === undefined || !m.live || !(folded || opened)) return folded ? '… ' : '';
    const b = h(
      'button',
      {
        class: 'link-button summary-toggle',
        'aria-expanded': opened ? 'true' : 'false',
        title: opened ? `Close ${path}` : `Open ${path}`,
      },
      opened ? '▾' : '▸',
    );
    b.addEventListener('click', (ev) => {
      // The row itself opens the source line; this button only opens or closes the row.
      ev.stopPropagation();
      const inside = (p: string): boolean => p === path || p.startsWith(path + '.');
      this.ask(m.depth, m.limit, opened ? m.open.filter((p) => !inside(p)) : [...m.open, path]);
    });
    b.addEventListener('keydown', (ev) => ev.stopPropagation());
    return b;
  }

  /** "… N more": the next rows, asked of the host (the page never holds them all). */
  private moreRow(m: SummaryPage): HTMLElement {
    if (m.limit >= MAX_SUMMARY_ROWS)
      return h(
        'tr',
        null,
        h(
          'td',
          { colspan: 4, class: 'muted summary-more-cap' },
          `… ${m.more.toLocaleString('en-US')} more rows (the Summary shows ${MAX_SUMMARY_ROWS.toLocaleString('en-US')} at most): pick a smaller depth, or save the CSV`,
        ),
      );
    const more = h(
      'button',
      { class: 'link-button summary-more' },
      `… ${m.more.toLocaleString('en-US')} more rows: show ${Math.min(m.more, SUMMARY_ROW_STEP)} more`,
    );
    more.disabled = !m.live;
    more.addEventListener('click', () => this.ask(m.depth, m.limit + SUMMARY_ROW_STEP, m.open));
    return h('tr', null, h('td', { colspan: 4, class: 'muted' }, more));
  }

  private ask(depth: number, limit: number, open: string[]): void {
    this.ctx.post({ type: 'summaryView', depth, limit, open });
  }
}
