// Chart.js set-up: only the pieces we use are registered (smaller bundle), animations are off (live
// data arrives many times a second), and every colour comes from VS Code's theme variables so the
// charts follow light, dark and high-contrast themes.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LogarithmicScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
  type ChartType,
  type DefaultDataPoint,
  type Plugin,
} from 'chart.js';
import { fmtCompact, type ChartColorName } from './chartData';
import type { Segment } from './contours';
import { MAX_PLOT_HEIGHT, plotFrame } from './plotFrame';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LogarithmicScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
);

export { Chart };

export interface Theme {
  fg: string;
  muted: string;
  grid: string;
  bg: string;
  font: string;
  highContrast: boolean;
  colors: Record<ChartColorName, string>;
}

/**
 * Series colours: the Okabe–Ito palette, which stays distinguishable with every common colour-vision
 * deficiency; the theme's --vscode-charts-* red and green differ mainly in hue, which 1 in 12 men
 * barely sees.
 * Its blue and yellow are too dark on a dark background and too faint on a light one, so each kind
 * of theme takes the palette's member that reads on it. media/panel.css has the same values for
 * the swatches.
 */
const OKABE_ITO_DARK: Record<ChartColorName, string> = {
  blue: '#56B4E9',
  orange: '#E69F00',
  green: '#009E73',
  purple: '#CC79A7',
  red: '#D55E00',
  yellow: '#F0E442',
};
const OKABE_ITO_LIGHT: Record<ChartColorName, string> = {
  ...OKABE_ITO_DARK,
  blue: '#0072B2',
  yellow: '#56B4E9',
};

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}

export function readTheme(): Theme {
  const s = getComputedStyle(document.documentElement);
  const body = getComputedStyle(document.body);
  const highContrast =
    document.body.classList.contains('vscode-high-contrast') ||
    document.body.classList.contains('vscode-high-contrast-light');
  const light =
    document.body.classList.contains('vscode-light') ||
    document.body.classList.contains('vscode-high-contrast-light');
  const fg = cssVar(
    s,
    '--vscode-charts-foreground',
    cssVar(s, '--vscode-foreground', body.color || '#cccccc'),
  );
  return {
    fg,
    muted: cssVar(s, '--vscode-descriptionForeground', fg),
    grid: cssVar(s, '--vscode-charts-lines', 'rgba(128,128,128,0.35)'),
    // The view and the panel paint different backgrounds; use whatever the body really has so an
    // exported PNG looks like the chart on screen.
    bg:
      body.backgroundColor && body.backgroundColor !== 'rgba(0, 0, 0, 0)'
        ? body.backgroundColor
        : cssVar(s, '--vscode-editor-background', '#1e1e1e'),
    font: cssVar(s, '--vscode-font-family', 'sans-serif'),
    highContrast,
    colors: light ? OKABE_ITO_LIGHT : OKABE_ITO_DARK,
  };
}

let theme: Theme | null = null;
export function currentTheme(): Theme {
  theme ??= readTheme();
  return theme;
}

export function applyTheme(): Theme {
  theme = readTheme();
  Chart.defaults.color = theme.fg;
  Chart.defaults.borderColor = theme.grid;
  Chart.defaults.font.family = theme.font;
  Chart.defaults.font.size = 11;
  return theme;
}

/** `color` with an alpha, for the faint raw loss line; works for #rgb, #rrggbb and rgb(). */
export function withAlpha(color: string, alpha: number): string {
  const c = color.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(c);
  if (m) {
    const [r, g, b] = m[1].split('').map((d) => parseInt(d + d, 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(c);
  if (m) {
    const n = parseInt(m[1], 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const r = /^rgba?\(([^,]+),([^,]+),([^,)]+)/i.exec(c);
  if (r) return `rgba(${r[1].trim()}, ${r[2].trim()}, ${r[3].trim()}, ${alpha})`;
  return c;
}

/** Paints the theme background under the chart, so a PNG export is not transparent. */
const backgroundPlugin: Plugin = {
  id: 'tlBackground',
  beforeDraw(chart) {
    const ctx = chart.ctx;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = currentTheme().bg;
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};
Chart.register(backgroundPlugin);

export function axisTitle(text: string): { display: boolean; text: string } {
  return { display: true, text };
}

/**
 * Chart.js's decimation for a line chart whose x grows with every point (a streamed series): each
 * redraw cuts every line longer than the chart is wide to one point per pixel column by LTTB (the
 * largest triangles keep a spike), so a redraw costs the chart's width, not the number of points.
 * Chart.js waits until a line has 4× the width by default; a threshold of 1 cuts any longer line
 * (it returns a line no longer than the width as is). It applies only where Chart.js allows it:
 * line datasets on a linear x axis with parsing off (baseOptions).
 */
export const PIXEL_DECIMATION = { enabled: true, algorithm: 'lttb', threshold: 1 } as const;

/** Common options: no animation, no per-point dots, compact ticks. */
export function baseOptions(): NonNullable<ChartConfiguration<'line'>['options']> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    normalized: true,
    parsing: false,
    interaction: { mode: 'nearest', intersect: false },
    elements: { point: { radius: 0, hitRadius: 4 }, line: { borderWidth: 1.5, tension: 0 } },
    plugins: { legend: { labels: { boxWidth: 12, boxHeight: 2 } }, tooltip: { enabled: true } },
    scales: {
      x: { type: 'linear', ticks: { callback: (v) => fmtCompact(Number(v)), maxTicksLimit: 7 } },
      y: { type: 'linear', ticks: { maxTicksLimit: 6 } },
    },
  };
}

export function makeChart<T extends ChartType, D = DefaultDataPoint<T>>(
  canvas: HTMLCanvasElement,
  config: ChartConfiguration<T, D>,
): Chart<T, D> {
  return new Chart<T, D>(canvas, config);
}

/** A chart as a PNG data URL, drawn at its on-screen size. */
export function chartPng(chart: {
  toBase64Image(type?: string, quality?: unknown): string;
}): string {
  return chart.toBase64Image('image/png', 1);
}

/**
 * What a 2-D card draws under its scatter of draws: the density's grid as a pre-rendered image (one
 * pixel per grid point) and its contour lines, in grid units. The grid's values sit at evenly
 * spaced points including both ends of each range, so each pixel is a cell centred on its point.
 */
export interface DensityLayer {
  image: HTMLCanvasElement;
  nx: number;
  ny: number;
  contours: readonly Segment[][];
}

const DENSITY_LAYERS = new WeakMap<object, DensityLayer>();

/** The density layer a chart draws (the SVG export redraws it), if it has one. */
export function densityLayerOf(chart: object): DensityLayer | undefined {
  return DENSITY_LAYERS.get(chart);
}

/**
 * Where a density layer lands in a chart area: the image's rectangle, half a cell past each edge
 * (clipped to the area), and a grid point's pixel position.
 */
export function densityPlacement(
  layer: DensityLayer,
  area: { left: number; top: number; right: number; bottom: number },
): {
  image: { x: number; y: number; w: number; h: number };
  at: (gx: number, gy: number) => [number, number];
} {
  const W = area.right - area.left,
    H = area.bottom - area.top;
  const cw = W / Math.max(1, layer.nx - 1),
    ch = H / Math.max(1, layer.ny - 1);
  return {
    image: { x: area.left - cw / 2, y: area.top - ch / 2, w: W + cw, h: H + ch },
    at: (gx, gy) => [area.left + gx * cw, area.bottom - gy * ch],
  };
}

/**
 * The contour lines drawn twice, a dark wide stroke under a light narrow one, so they read on both
 * ends of viridis (dark purple and yellow).
 */
export const CONTOUR_STROKES = [
  { color: 'rgba(0, 0, 0, 0.55)', width: 2.5 },
  { color: 'rgba(255, 255, 255, 0.85)', width: 1 },
] as const;

/**
 * Draws a density layer into the chart area before the datasets, so the scatter of draws sits on
 * top and the axes map exactly onto the grid (the scales' min/max are the grid's range).
 */
export function densityPlugin(layer: DensityLayer): Plugin<'scatter'> {
  return {
    id: 'tlDensity',
    install(chart) {
      DENSITY_LAYERS.set(chart, layer);
    },
    beforeDatasetsDraw(chart) {
      const a = chart.chartArea;
      const { image, at } = densityPlacement(layer, a);
      const ctx = chart.ctx;
      ctx.save();
      ctx.beginPath();
      ctx.rect(a.left, a.top, a.right - a.left, a.bottom - a.top);
      ctx.clip();
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(layer.image, image.x, image.y, image.w, image.h);
      for (const stroke of CONTOUR_STROKES) {
        ctx.strokeStyle = stroke.color;
        ctx.lineWidth = stroke.width;
        ctx.beginPath();
        for (const level of layer.contours)
          for (const [x1, y1, x2, y2] of level) {
            ctx.moveTo(...at(x1, y1));
            ctx.lineTo(...at(x2, y2));
          }
        ctx.stroke();
      }
      ctx.restore();
    },
  };
}

/**
 * Sizes a chart's box so that its plot area keeps one unit of x and of y the same pixels (see
 * plotFrame): the box's height follows its width, and a range too tall for MAX_PLOT_HEIGHT makes
 * the box narrower, centred. Chart.js lays the axes out first, so the box is resized after each
 * layout from the space the axes took; the chart's own resize observer then lays it out again,
 * and a size within a pixel of the wanted one stops there.
 */
export function equalScalesPlugin(
  xRange: readonly [number, number],
  yRange: readonly [number, number],
): Plugin<'scatter'> {
  return {
    id: 'tlEqualScales',
    afterLayout(chart) {
      const box = chart.canvas.parentElement;
      const parent = box?.parentElement;
      if (!box || !parent) return;
      const a = chart.chartArea;
      const axesW = chart.width - (a.right - a.left),
        axesH = chart.height - (a.bottom - a.top);
      const cs = getComputedStyle(parent);
      const room =
        parent.clientWidth - parseFloat(cs.paddingLeft || '0') - parseFloat(cs.paddingRight || '0');
      if (!(room > axesW + 40)) return;
      const f = plotFrame(room - axesW, xRange, yRange, 0, MAX_PLOT_HEIGHT);
      const height = Math.round(f.height + axesH),
        width = Math.round(f.width + axesW);
      if (Math.abs(box.clientHeight - height) > 1) box.style.height = `${height}px`;
      // Only a capped height narrows the box; otherwise it keeps the card's width, so that a wider
      // card reaches the chart's resize observer.
      const maxWidth = width < room - 1 ? `${width}px` : '';
      if (box.style.maxWidth !== maxWidth) box.style.maxWidth = maxWidth;
    },
  };
}

/**
 * Puts `next` into a line chart, keeping the dataset objects already there when the list has the
 * same labels (their fields are overwritten): Chart.js resolves a dataset's options per object, so
 * a new object at every streamed frame would cost that work again each time.
 */
export function setDatasets<D>(chart: Chart<'line', D>, next: ChartDataset<'line', D>[]): void {
  const cur = chart.data.datasets;
  if (cur.length === next.length && cur.every((d, i) => d.label === next[i].label))
    cur.forEach((d, i) => Object.assign(d, next[i]));
  else chart.data.datasets = next;
}
