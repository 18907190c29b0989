// The test set's confusion matrix, per-class accuracy and most confident mistakes, tallied on the host
// from each evaluation chunk's class probabilities. Pure arithmetic: no tfjs here.
import { channelsOf, type ImageSplit } from './data/types';
import type { TrainEvalEvent } from './types';

export interface EvalSummary {
  correct: number;
  confusion: number[][];
  perClass: (number | null)[];
  mistakes: { index: number; label: number; pred: number; p: number }[];
}

export const MAX_MISTAKES = 16;

/** The eval event with each mistake's test image attached (a copy; the split is not kept). */
export function withMistakeImages(e: TrainEvalEvent, split: ImageSplit): TrainEvalEvent {
  const c = channelsOf(split);
  const size = c * split.rows * split.cols;
  return {
    ...e,
    mistakes: e.mistakes.map((m) =>
      m.index >= 0 && m.index < split.count
        ? {
            ...m,
            image: {
              channels: c,
              rows: split.rows,
              cols: split.cols,
              pixels: Array.from(split.images.subarray(m.index * size, (m.index + 1) * size)),
            },
          }
        : m,
    ),
  };
}

export class EvalTally {
  private readonly confusion: number[][];
  private correct = 0;
  /** Sorted by p descending, then index ascending, so ties are broken the same way every run. */
  private readonly mistakes: { index: number; label: number; pred: number; p: number }[] = [];

  constructor(
    readonly classes: number,
    private readonly keep = MAX_MISTAKES,
  ) {
    this.confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  }

  /**
   * probs: n × classes row-major; labels: n true classes; firstIndex: the test-set index of row 0.
   * The prediction is the first largest probability, as tf.argMax picks it.
   */
  add(probs: ArrayLike<number>, labels: ArrayLike<number>, firstIndex: number): void {
    const k = this.classes;
    for (let i = 0; i < labels.length; i++) {
      let pred = 0;
      let best = probs[i * k];
      for (let c = 1; c < k; c++) {
        const v = probs[i * k + c];
        // A NaN probability (a diverged net) never wins, so the prediction stays well defined.
        if (v > best || (Number.isNaN(best) && !Number.isNaN(v))) {
          best = v;
          pred = c;
        }
      }
      const label = labels[i];
      this.confusion[label][pred]++;
      if (pred === label) this.correct++;
      else this.noteMistake({ index: firstIndex + i, label, pred, p: best });
    }
  }

  private noteMistake(m: { index: number; label: number; pred: number; p: number }): void {
    if (!(m.p >= 0)) return; // NaN: no confidence to rank by
    const list = this.mistakes;
    if (list.length === this.keep && m.p <= list[list.length - 1].p) return;
    let at = list.length;
    while (at > 0 && list[at - 1].p < m.p) at--;
    list.splice(at, 0, m);
    if (list.length > this.keep) list.pop();
  }

  result(): EvalSummary {
    return {
      correct: this.correct,
      confusion: this.confusion.map((r) => r.slice()),
      perClass: this.confusion.map((row, c) => {
        const n = row.reduce((a, b) => a + b, 0);
        return n === 0 ? null : row[c] / n;
      }),
      mistakes: this.mistakes.map((m) => ({ ...m })),
    };
  }
}

/** Above this many classes the matrix is too wide for a terminal; its largest off-diagonal cells are listed instead. */
const MAX_TABLE_CLASSES = 20;

/**
 * The CLI's text for one evaluation: a confusion table (rows true, columns predicted, columns headed by
 * class index), each class's accuracy, and the most confident mistakes.
 */
export function formatEval(e: {
  classes: string[];
  confusion: number[][];
  perClass: (number | null)[];
  mistakes: { index: number; label: number; pred: number; p: number }[];
}): string[] {
  const k = e.classes.length;
  const lines: string[] = [];
  const pct = (v: number | null): string => (v === null ? '–' : `${(100 * v).toFixed(1)}%`);
  if (k <= MAX_TABLE_CLASSES) {
    const head = 'true \\ pred';
    const nameW = Math.max(head.length, ...e.classes.map((c, i) => `${i} ${c}`.length));
    const cellW = Math.max(
      String(k - 1).length,
      ...e.confusion.flat().map((v) => String(v).length),
    );
    lines.push(
      `  ${head.padEnd(nameW)}  ${e.classes.map((_, i) => String(i).padStart(cellW)).join(' ')}`,
    );
    e.confusion.forEach((row, i) =>
      lines.push(
        `  ${`${i} ${e.classes[i]}`.padEnd(nameW)}  ${row.map((v) => String(v).padStart(cellW)).join(' ')}`,
      ),
    );
  } else {
    const cells: { i: number; j: number; n: number }[] = [];
    e.confusion.forEach((row, i) =>
      row.forEach((n, j) => {
        if (i !== j && n > 0) cells.push({ i, j, n });
      }),
    );
    cells.sort((a, b) => b.n - a.n || a.i - b.i || a.j - b.j);
    lines.push(
      `  most frequent confusions (true → predicted): ${
        cells
          .slice(0, 10)
          .map((c) => `${e.classes[c.i]} → ${e.classes[c.j]} ${c.n}`)
          .join(', ') || 'none'
      }`,
    );
  }
  lines.push(`  per class: ${e.classes.map((c, i) => `${c} ${pct(e.perClass[i])}`).join('  ')}`);
  if (e.mistakes.length > 0) {
    lines.push(
      `  most confident mistakes: ${e.mistakes.map((m) => `#${m.index} ${e.classes[m.label]}→${e.classes[m.pred]} (p ${m.p.toFixed(3)})`).join(', ')}`,
    );
  }
  return lines;
}
