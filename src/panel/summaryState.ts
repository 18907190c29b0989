// The Summary on the host: the model last shown (in memory only), the view the page asked for, and
// the page built from both. Pages get the page, never the model: a 20,000-module model is megabytes
// of module tree and calls, and the page draws only the rows in view.
import type { ModelResult } from '../shapes/types';
import {
  DEFAULT_SUMMARY_VIEW,
  SUMMARY_ROW_STEP,
  summaryCsv,
  summaryPage,
  type SummaryPage,
  type SummaryViewState,
} from '../common/summaryTable';

export class SummaryState {
  private model: ModelResult | null = null;
  private file = '';
  private view: SummaryViewState;

  /** `page`: the page an earlier session stored, shown as it was (its model is gone). */
  constructor(public page: SummaryPage | null) {
    this.page = page ? { ...page, live: false } : null;
    this.view = page
      ? { depth: page.depth, limit: SUMMARY_ROW_STEP, open: [] }
      : { ...DEFAULT_SUMMARY_VIEW };
  }

  /** A new model (or none): its first page at the depth in use, from the top. */
  show(model: ModelResult | null, file: string): void {
    this.model = model;
    this.file = file;
    this.view = { depth: this.view.depth, limit: SUMMARY_ROW_STEP, open: [] };
    this.page = model ? summaryPage(model, file, this.view) : null;
  }

  /** The page for another view of the same model; false when there is no model to build it from. */
  change(view: SummaryViewState): boolean {
    if (!this.model) return false;
    this.view = view;
    this.page = summaryPage(this.model, this.file, view);
    return true;
  }

  csv(): { name: string; text: string } | null {
    return this.model ? { name: this.model.name, text: summaryCsv(this.model) } : null;
  }
}
