// The Evaluation view's data: which evaluations a set of runs holds, the confusion matrix as shares
// of each true class, and a mistake's image as RGBA pixels. Pure, unit-tested.
import type { StoredTrainRun, TrainEvalEvent } from '../src/common/messages';
import { viridis } from './chartData';
import type { SvgRect, SvgScene, SvgText } from './svg';

export interface EvalChoice {
  runId: string;
  model: string;
  eval: TrainEvalEvent;
}

/** Every (run, model) evaluation, newest run first, models in training order. */
export function evalChoices(runs: readonly StoredTrainRun[]): EvalChoice[] {
  const out: EvalChoice[] = [];
  for (const run of [...runs].reverse()) {
    const evals = run.evals ?? {};
    const order = [...run.models.map((m) => m.model), ...Object.keys(evals)];
    for (const model of new Set(order)) {
      const e = evals[model];
      if (e) out.push({ runId: run.runId, model, eval: e });
    }
  }
  return out;
}

/**
 * Each cell as the share of its true class (row) predicted as the column: the colour of a cell
 * compares classes of different sizes fairly. A class absent from the test set has a row of nulls
 * (no share of nothing), never zeros.
 */
export function confusionShares(confusion: readonly (readonly number[])[]): (number | null)[][] {
  return confusion.map((row) => {
    const n = row.reduce((a, b) => a + b, 0);
    return row.map((c) => (n > 0 ? c / n : null));
  });
}

/** A test image (channel-major bytes, 1 or 3 channels) as RGBA for ImageData; null if malformed. */
export function mistakeRgba(img: {
  channels: number;
  rows: number;
  cols: number;
  pixels: readonly number[];
}): Uint8ClampedArray<ArrayBuffer> | null {
  const { channels: c, rows, cols, pixels } = img;
  const plane = rows * cols;
  if (plane <= 0 || pixels.length !== c * plane || (c !== 1 && c !== 3 && c !== 4)) return null;
  const out = new Uint8ClampedArray(new ArrayBuffer(plane * 4));
  for (let i = 0; i < plane; i++) {
    const o = i * 4;
    if (c === 1) {
      out[o] = out[o + 1] = out[o + 2] = pixels[i];
    } else {
      out[o] = pixels[i];
      out[o + 1] = pixels[plane + i];
      out[o + 2] = pixels[2 * plane + i];
    }
    out[o + 3] = 255;
  }
  return out;
}

/** Colours the confusion scene needs from the theme. */
export interface SceneTheme {
  fg: string;
  muted: string;
  grid: string;
  bg: string;
  font: string;
}

/**
 * The confusion matrix as a scene (drawn on the canvas and saved as SVG alike): a cell per (true,
 * predicted) pair coloured by its share of the true class on viridis, the count written in cells
 * large enough to hold it, class indices along both axes (names in each cell's tooltip). A class
 * with no test image has an empty, grey row.
 */
export function confusionScene(
  classes: readonly string[],
  confusion: readonly (readonly number[])[],
  width: number,
  theme: SceneTheme,
): SvgScene {
  const k = classes.length;
  const labelled = k <= 30;
  const left = labelled ? 26 : 6;
  const top = labelled ? 18 : 6;
  const cell = Math.max(
    2,
    Math.min(36, Math.floor((Math.max(width, 60) - left - 4) / Math.max(k, 1))),
  );
  const shares = confusionShares(confusion);
  const rects: SvgRect[] = [];
  const texts: SvgText[] = [];
  const writeCounts = cell >= 18 && k <= 20;
  for (let r = 0; r < k; r++) {
    const n = confusion[r].reduce((a, b) => a + b, 0);
    for (let c = 0; c < k; c++) {
      const share = shares[r][c];
      const x = left + c * cell;
      const y = top + r * cell;
      const [R, G, B] = viridis(share ?? 0);
      rects.push({
        x,
        y,
        w: cell - (cell > 6 ? 1 : 0),
        h: cell - (cell > 6 ? 1 : 0),
        fill: share === null ? theme.grid : `rgb(${R}, ${G}, ${B})`,
        title:
          share === null
            ? `true ${classes[r]}: no test images`
            : `true ${classes[r]}, predicted ${classes[c]}: ${confusion[r][c]} of ${n} (${(share * 100).toFixed(1)} %)`,
      });
      if (writeCounts && share !== null)
        texts.push({
          x: x + cell / 2,
          y: y + cell / 2 + 4,
          text: String(confusion[r][c]),
          anchor: 'middle',
          // viridis is light at the top: dark text there, light text on the dark end.
          color: share > 0.55 ? '#000000' : '#ffffff',
          size: confusion[r][c] >= 1000 ? 8 : 10,
        });
    }
    if (labelled) {
      texts.push({ x: left - 4, y: top + r * cell + cell / 2 + 4, text: String(r), anchor: 'end' });
      texts.push({ x: left + r * cell + cell / 2, y: top - 5, text: String(r), anchor: 'middle' });
    }
  }
  return {
    width: left + k * cell + 4,
    height: top + k * cell + 4,
    background: theme.bg,
    font: theme.font,
    color: theme.muted,
    rects,
    texts,
  };
}
