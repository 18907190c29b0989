// Where a 2-D plot of ranges x × y sits in the width it has, so that one unit of x and one unit
// of y take the same number of pixels: a square range is drawn square, and a banana, donut or
// circle is not flattened by a wide editor tab. A range far from square (the funnel's 60 × 8)
// would be a sliver at equal scales, so its drawn aspect is capped and the caller says the scales
// differ. Pure, so it is unit-tested in Node and shared by the playground and the heat map cards.

/** A plot area never wider than this many times its height, nor taller than this times its width. */
export const MAX_ASPECT = 3;
/** The tallest a 2-D plot area is drawn: a square one wider than this is this wide, centred. */
export const MAX_PLOT_HEIGHT = 480;

export interface PlotFrame {
  /** The plot area's left and top edge and size, in CSS pixels from the drawing's corner. */
  left: number;
  top: number;
  width: number;
  height: number;
  /** The whole drawing's height: the plot area and its padding. */
  outerHeight: number;
  /** True when one unit of x and of y take the same pixels (the aspect was not capped). */
  equalScales: boolean;
}

/**
 * The largest plot area with the ranges' aspect (capped at MAX_ASPECT either way) that fits
 * `outerWidth` less `pad` on each side and is at most `maxHeight` tall, centred across.
 */
export function plotFrame(
  outerWidth: number,
  xRange: readonly [number, number],
  yRange: readonly [number, number],
  pad: number,
  maxHeight: number,
): PlotFrame {
  const dx = xRange[1] - xRange[0],
    dy = yRange[1] - yRange[0];
  // A range that is empty or not finite has no aspect to keep: draw it square.
  const wanted = dx > 0 && dy > 0 && Number.isFinite(dx / dy) ? dx / dy : 1;
  const aspect = Math.min(MAX_ASPECT, Math.max(1 / MAX_ASPECT, wanted));
  let width = Math.max(0, outerWidth - 2 * pad);
  let height = width / aspect;
  if (height > maxHeight) {
    height = maxHeight;
    width = height * aspect;
  }
  return {
    left: (outerWidth - width) / 2,
    top: pad,
    width,
    height,
    outerHeight: height + 2 * pad,
    equalScales: aspect === wanted,
  };
}

/** True when the ranges are close enough to square to be drawn at equal scales on x and y. */
export function scalesEqual(
  xRange: readonly [number, number],
  yRange: readonly [number, number],
): boolean {
  return plotFrame(1, xRange, yRange, 0, Infinity).equalScales;
}

/** Said under a 2-D plot whose scales differ. */
export const UNEQUAL_SCALES_NOTE =
  'x and y are drawn at different scales (the range is far from square).';

/**
 * Round tick values across [lo, hi] for an axis drawn by hand (the playground's canvas): at most
 * `maxCount` of them, spaced 1, 2, 2.5 or 5 times a power of ten, each with its label (no float
 * noise, no trailing zeros, "-0" written 0). None for an empty or non-finite range.
 */
export function axisTicks(
  lo: number,
  hi: number,
  maxCount: number,
): { value: number; label: string }[] {
  const span = hi - lo;
  if (!(span > 0) || !Number.isFinite(span) || maxCount < 1) return [];
  const raw = span / Math.max(1, maxCount - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
  const step = nice * mag;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (nice === 2.5 ? 1 : 0));
  const out: { value: number; label: string }[] = [];
  // Multiples of the step, so 0 falls on a tick whenever the range holds it.
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    const value = k * step;
    // Written as the charts' axes write theirs: no trailing zeros (0, 2.5, not 0.0, 2.5).
    out.push({ value, label: String(Number(value.toFixed(decimals)) || 0) });
  }
  return out;
}
