// What each phase does with an exception it catches: the budget running out costs one part of the
// file (noted where it stopped); anything else is a bug, rethrown in strict mode.
import { BudgetExceeded } from '../eval/budget';
import type { Interp } from '../eval/interp';
import type { Span } from '../syntax/ast';

/**
 * The share of the steps left that one top-level statement, one uncalled function or one model may
 * use: a runaway part of the file then costs its own values, and the parts after it are still analysed.
 */
export const SHARE = 0.5;

/**
 * Where the budget stopped the analysis: one info diagnostic on `span` saying so (the values it cuts
 * short are unknown with the same reason, but may never be shown). Returns the reason.
 */
export function budgetNote(it: Interp, e: unknown, span: Span, what: string): string {
  const why = e instanceof BudgetExceeded ? e.message : 'analysis stopped: internal analyser error';
  if (!(e instanceof BudgetExceeded)) return why;
  it.reportAnyway(() =>
    it.diag(
      'analysis-budget',
      'info',
      `Tensor Lens did not finish analysing ${what}, so what depends on it is unknown: ${why}.`,
      span,
    ),
  );
  return why;
}

/** A caught exception that is not the budget running out is a bug: strict mode (tests) rethrows it. */
export function contained(it: Interp, e: unknown): void {
  if (it.strict && !(e instanceof BudgetExceeded)) throw e;
}
