// The Runs section of the Training tab: every run with its hyperparameters and results, sorted by a
// click on a column head, filtered by a text field, a tick per run to overlay its curves, and, when
// exactly two runs are ticked, their hyperparameters side by side. The data is runsData.ts.
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { modelColor } from './chartData';
import type { ViewContext } from './context';
import { clear, h } from './dom';
import {
  COLUMNS,
  filterRows,
  hyperDiff,
  runRows,
  runLabel,
  runsCsv,
  showCell,
  sortRows,
  type RunRow,
  type SortKey,
} from './runsData';
import type { RunView } from './store';

export class RunsTable {
  private sort: SortKey = { key: 'started', dir: -1 };
  private query = '';
  private readonly filter = h('input', {
    type: 'search',
    class: 'runs-filter',
    placeholder: 'Filter: cnn, wasm, acc>0.95, lr=0.001',
    'aria-label': 'filter runs',
    title:
      'Words match any cell; key>value, key<value and key=value compare a column (acc, loss, lr, batch, seed, …)',
  });
  private readonly tableBox = h('div', { class: 'table-scroll' });
  private readonly diffBox = h('div', { class: 'run-diff' });
  private readonly countText = h('span', { class: 'muted' });

  constructor(
    readonly root: HTMLElement,
    private readonly ctx: ViewContext,
  ) {
    this.filter.addEventListener('input', () => {
      this.query = this.filter.value;
      this.render();
    });
    root.append(
      h('div', { class: 'runs-tools' }, this.filter, this.countText),
      this.tableBox,
      this.diffBox,
    );
  }

  /** Every row of every run, whatever the filter: what the CSV export writes. */
  allRows(): RunRow[] {
    return this.ctx.model.runs.flatMap((rv) => runRows(rv.run, rv.live, rv.error !== undefined));
  }

  /** The rows as shown: filtered and sorted. */
  shownRows(): RunRow[] {
    return sortRows(filterRows(this.allRows(), this.query, showCell), this.sort);
  }

  saveCsv(): void {
    this.ctx.saveFile('training-runs.csv', 'text/csv', runsCsv(this.shownRows()));
  }

  render(): void {
    const m = this.ctx.model;
    clear(this.tableBox);
    clear(this.diffBox);
    if (!m.runs.length) {
      this.countText.textContent = '';
      this.tableBox.append(
        h('p', { class: 'muted' }, 'Finished runs are kept here, also after a reload.'),
      );
      return;
    }
    const all = this.allRows();
    const rows = this.shownRows();
    this.countText.textContent =
      rows.length === all.length ? '' : `${rows.length} of ${all.length}`;
    const byId = new Map(m.runs.map((rv) => [rv.run.runId, rv]));

    const head = h(
      'tr',
      null,
      h('th', null, ''),
      this.headCell('started', 'Run', 'when it started'),
    );
    for (const c of COLUMNS) head.append(this.headCell(c.key, c.label, c.title, c.numeric));
    head.append(h('th', null, ''));
    const body = h('tbody');
    const seen = new Set<string>();
    for (const r of rows) {
      const rv = byId.get(r.runId);
      if (!rv) continue;
      // The tick and the run's actions go on the first row of the run shown.
      const first = !seen.has(r.runId);
      seen.add(r.runId);
      const tr = h(
        'tr',
        { class: first ? 'first' : undefined, 'data-run': r.runId },
        h('td', null, first ? this.tick(rv) : ''),
        h(
          'td',
          { title: r.runId, class: 'run-name' },
          first ? `${runLabel(rv.run)}${r.status === 'done' ? '' : ` (${r.status})`}` : '',
        ),
      );
      for (const c of COLUMNS) {
        const v = r.values[c.key];
        const td = h(
          'td',
          { class: c.numeric ? 'num' : undefined, title: r.notes?.[c.key] },
          showCell(c.key, v),
        );
        if (c.key === 'model' && typeof v === 'string')
          td.prepend(h('span', { class: `swatch c-${modelColor(v)}` }));
        tr.append(td);
      }
      tr.append(h('td', null, first ? this.dataButton(rv) : ''));
      body.append(tr);
    }
    this.tableBox.append(h('table', { class: 'runs-table' }, h('thead', null, head), body));
    this.renderDiff();
  }

  private headCell(
    key: SortKey['key'],
    label: string,
    title: string,
    numeric = false,
  ): HTMLElement {
    const active = this.sort.key === key;
    const arrow = active ? (this.sort.dir === 1 ? ' ▲' : ' ▼') : '';
    const b = h('button', { class: 'sort-button', title: `Sort by ${title}` }, label + arrow);
    b.addEventListener('click', () => {
      // Numbers read best largest first; text A to Z.
      this.sort = active
        ? { key, dir: this.sort.dir === 1 ? -1 : 1 }
        : { key, dir: numeric || key === 'started' ? -1 : 1 };
      this.render();
    });
    return h(
      'th',
      {
        class: numeric ? 'num' : undefined,
        'aria-sort': active ? (this.sort.dir === 1 ? 'ascending' : 'descending') : undefined,
      },
      b,
    );
  }

  private tick(rv: RunView): HTMLElement {
    const m = this.ctx.model;
    const id = rv.run.runId;
    const box = h('vscode-checkbox', {
      checked: m.selected.has(id),
      title: 'Overlay this run in the charts',
      'aria-label': `show run ${runLabel(rv.run)}`,
    });
    box.addEventListener('change', () => {
      if (box.checked) m.selected.add(id);
      else m.selected.delete(id);
      this.ctx.ui.selected = [...m.selected];
      this.ctx.saveUi();
      this.ctx.invalidate('training', 'runs');
    });
    return box;
  }

  private dataButton(rv: RunView): HTMLElement {
    const b = h(
      'button',
      { class: 'link-button', title: 'Save every point of this run as CSV' },
      'CSV',
    );
    // The host writes it: it keeps every loss point, the page only the curve it draws.
    b.addEventListener('click', () => this.ctx.post({ type: 'saveRunCsv', runId: rv.run.runId }));
    return b;
  }

  /** Exactly two ticked runs: their hyperparameters side by side, the differences marked. */
  private renderDiff(): void {
    const m = this.ctx.model;
    const ticked = m.runs.filter((rv) => m.selected.has(rv.run.runId));
    if (ticked.length !== 2) {
      if (ticked.length > 2)
        this.diffBox.append(
          h('p', { class: 'muted' }, 'Tick exactly two runs to compare their hyperparameters.'),
        );
      return;
    }
    // A comparison trains several models under one set of hyperparameters: name them all.
    const [a, b] = ticked.map((rv): RunRow | undefined => {
      const rows = runRows(rv.run, rv.live, rv.error !== undefined);
      const models = rows.map((r) => r.values.model).join(' + ');
      return rows[0] && { ...rows[0], values: { ...rows[0].values, model: models } };
    });
    if (!a || !b) return;
    const lines = hyperDiff(a, b);
    const n = lines.filter((l) => l.differs).length;
    const table = h(
      'table',
      { class: 'diff-table', 'aria-label': 'hyperparameters of the two ticked runs' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, ''),
          h('th', null, runLabel(ticked[0].run)),
          h('th', null, runLabel(ticked[1].run)),
        ),
      ),
    );
    const body = h('tbody');
    for (const l of lines)
      body.append(
        h(
          'tr',
          { class: l.differs ? 'differs' : undefined },
          h('th', null, l.label),
          h('td', null, showCell(l.key, l.a)),
          h('td', null, showCell(l.key, l.b)),
        ),
      );
    table.append(body);
    this.diffBox.append(
      h(
        'div',
        { class: 'section-title' },
        h('span', null, n ? `Hyperparameters: ${n} differ` : 'Hyperparameters: the same'),
      ),
      table,
    );
  }
}
