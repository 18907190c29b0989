// Every kept draw as CSV (`chain,draw,x[,y]`), for the CLI's --out and the panel's "Draws CSV". Chunks,
// not one string: a capped run still holds millions of draws, and a file can be written piece by piece.
// Cells go through the shared CSV writer like every other export (a draw is always a plain number, so
// this one only ever takes its number path, which leaves -1.5 as -1.5).
import { csvNumber, csvRow } from '../common/csv';

const ROWS_PER_CHUNK = 65536;

export function drawsCsvHeader(twoD: boolean): string {
  return csvRow(twoD ? ['chain', 'draw', 'x', 'y'] : ['chain', 'draw', 'x']) + '\n';
}

/** The header, then the rows in blocks; joined they are the whole file. */
export function* drawsCsvChunks(
  xs: readonly Float64Array[],
  ys: readonly Float64Array[] | null,
): Generator<string> {
  yield drawsCsvHeader(ys !== null);
  for (let c = 0; c < xs.length; c++) {
    const x = xs[c];
    const y = ys ? ys[c] : null;
    for (let start = 0; start < x.length; start += ROWS_PER_CHUNK) {
      const end = Math.min(x.length, start + ROWS_PER_CHUNK);
      const rows: string[] = new Array<string>(end - start);
      for (let i = start; i < end; i++)
        rows[i - start] = y
          ? `${c},${i},${csvNumber(x[i])},${csvNumber(y[i])}`
          : `${c},${i},${csvNumber(x[i])}`;
      yield rows.join('\n') + '\n';
    }
  }
}

export function drawsCsv(xs: readonly Float64Array[], ys: readonly Float64Array[] | null): string {
  return [...drawsCsvChunks(xs, ys)].join('');
}
