// The one CSV cell and row writer for every export (panel tables, training metrics, sampling draws).
// Imported by the webview and by the extension host, so it stays pure: no Node, no DOM.
//
// Cells hold text the user controls (layer names from `add_module`, densities, model names), and a
// spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula. Following OWASP's CSV
// injection advice such a cell (and one starting with a tab or carriage return, which some
// spreadsheets skip before looking for a formula) gets a leading single quote, so it is shown as the
// text it was. Plain numbers are left alone: a draw of -1.5 must stay a number.

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

/** A number as a cell: finite values as JavaScript prints them; NaN and ±Infinity are an empty cell. */
export function csvNumber(v: number): string {
  return Number.isFinite(v) ? String(v) : '';
}

/** One cell: formula-neutralised, then quoted per RFC 4180 when it holds a quote, comma or line break. */
export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return csvNumber(v);
  let s = String(v);
  if (FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) s = "'" + s;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One line without its line break. */
export function csvRow(cells: readonly CsvValue[]): string {
  return cells.map(csvCell).join(',');
}

/** A whole file: header, rows, each line ending in `\n`. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  const lines = [csvRow(header)];
  for (const r of rows) lines.push(csvRow(r));
  return lines.join('\n') + '\n';
}
