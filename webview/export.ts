// Saving a chart: PNG from the canvas as drawn, SVG redrawn from the positions Chart.js computed (its
// scales' ticks, each dataset's points or bars), so the vector copy matches the screen. The host
// writes the file (the page cannot).
import type { Chart } from 'chart.js';
import {
  chartPng,
  CONTOUR_STROKES,
  currentTheme,
  densityLayerOf,
  densityPlacement,
} from './charts';
import type { ViewContext } from './context';
import { h } from './dom';
import {
  sceneSvg,
  type SvgDot,
  type SvgImage,
  type SvgRect,
  type SvgScene,
  type SvgSeries,
  type SvgText,
} from './svg';

type AnyChart = Chart<'line' | 'bar' | 'scatter', unknown[]> | Chart;

function tickLabel(l: unknown): string {
  return Array.isArray(l)
    ? l.join(' ')
    : typeof l === 'string' || typeof l === 'number'
      ? String(l)
      : '';
}

const str = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);

/**
 * The chart as a vector scene: grid, ticks, axis titles, series (filled where the chart fills),
 * bars, points drawn without a line, a 2-D card's density layer, and a legend row on top.
 */
export function chartScene(chart: AnyChart): SvgScene {
  const t = currentTheme();
  const a = chart.chartArea;
  const lines: NonNullable<SvgScene['lines']>[number][] = [];
  const texts: SvgText[] = [];
  const rects: SvgRect[] = [];
  const series: SvgSeries[] = [];
  const dots: SvgDot[] = [];
  const images: SvgImage[] = [];
  const layer = densityLayerOf(chart);
  if (layer) {
    // A 2-D card's density under its draws, as the screen shows it (densityPlugin).
    const { image, at } = densityPlacement(layer, a);
    images.push({
      ...image,
      href: layer.image.toDataURL('image/png'),
      clip: { x: a.left, y: a.top, w: a.right - a.left, h: a.bottom - a.top },
    });
    for (const stroke of CONTOUR_STROKES)
      series.push({
        color: stroke.color,
        width: stroke.width,
        points: layer.contours.flatMap((level) =>
          level.flatMap(([x1, y1, x2, y2]) => [at(x1, y1), at(x2, y2), null]),
        ),
      });
  }
  for (const scale of Object.values(chart.scales)) {
    const horizontal = scale.isHorizontal();
    scale.ticks.forEach((tick, i) => {
      const p = scale.getPixelForTick(i);
      if (!Number.isFinite(p)) return;
      const label = tickLabel(tick.label);
      if (horizontal) {
        lines.push({ x1: p, y1: a.top, x2: p, y2: a.bottom, color: t.grid });
        texts.push({ x: p, y: a.bottom + 14, text: label, anchor: 'middle', color: t.muted });
      } else {
        lines.push({ x1: a.left, y1: p, x2: a.right, y2: p, color: t.grid });
        texts.push({ x: a.left - 4, y: p + 4, text: label, anchor: 'end', color: t.muted });
      }
    });
    // Cartesian scales have a title; the core options type does not say so.
    const title = (scale.options as { title?: { display?: boolean; text?: unknown } }).title;
    if (title?.display && typeof title.text === 'string') {
      if (horizontal)
        texts.push({
          x: (a.left + a.right) / 2,
          y: chart.height - 4,
          text: title.text,
          anchor: 'middle',
        });
      else
        texts.push({
          x: 12,
          y: (a.top + a.bottom) / 2,
          text: title.text,
          anchor: 'middle',
          rotate: -90,
        });
    }
  }
  let legendX = a.left;
  chart.data.datasets.forEach((ds, i) => {
    const meta = chart.getDatasetMeta(i);
    if (!chart.isDatasetVisible(i)) return;
    const stroke = str(ds.borderColor, t.fg);
    if (meta.type === 'bar') {
      const fills = Array.isArray(ds.backgroundColor) ? ds.backgroundColor : [ds.backgroundColor];
      meta.data.forEach((el, j) => {
        const p = el.getProps(['x', 'y', 'base', 'width'], true) as Record<string, number>;
        rects.push({
          x: p.x - p.width / 2,
          y: Math.min(p.y, p.base),
          w: p.width,
          h: Math.abs(p.base - p.y),
          fill: str(fills[j % fills.length], stroke),
        });
      });
    } else {
      const points = meta.data.map((el): [number, number] | null => {
        const p = el.getProps(['x', 'y'], true) as Record<string, number>;
        return Number.isFinite(p.x) && Number.isFinite(p.y) ? [p.x, p.y] : null;
      });
      // A scatter, or a line dataset drawn as marks only (divergences on a trace): dots.
      if (meta.type === 'scatter' || ('showLine' in ds && ds.showLine === false)) {
        const r = 'pointRadius' in ds && typeof ds.pointRadius === 'number' ? ds.pointRadius : 2;
        const fill = str(ds.backgroundColor, stroke);
        // Chart.js clips its datasets to the plot area: a draw outside the range is not shown.
        for (const p of points)
          if (p && p[0] >= a.left && p[0] <= a.right && p[1] >= a.top && p[1] <= a.bottom)
            dots.push({ x: p[0], y: p[1], r: Math.max(r, 0.5), fill });
      } else {
        const dash =
          'borderDash' in ds && Array.isArray(ds.borderDash)
            ? ds.borderDash.filter((d): d is number => typeof d === 'number')
            : [];
        const width =
          'borderWidth' in ds && typeof ds.borderWidth === 'number' ? ds.borderWidth : 1.5;
        // A filled line (a histogram's outline, closed on the axis) keeps its fill.
        const filled = 'fill' in ds && ds.fill !== undefined && ds.fill !== false;
        series.push({
          color: stroke,
          width,
          dash,
          points,
          ...(filled && typeof ds.backgroundColor === 'string' ? { fill: ds.backgroundColor } : {}),
        });
      }
    }
    // The legend shows what the chart's own legend shows (its filter hides the raw loss lines).
    const label = ds.label ?? '';
    const shown =
      chart.options.plugins?.legend?.display !== false &&
      (chart.legend?.legendItems?.some((it) => it.text === label) ?? false);
    if (label && shown) {
      rects.push({ x: legendX, y: 6, w: 12, h: 3, fill: stroke });
      texts.push({ x: legendX + 16, y: 11, text: label });
      legendX += 28 + label.length * 6;
    }
  });
  return {
    width: chart.width,
    height: chart.height,
    background: t.bg,
    font: t.font,
    color: t.fg,
    lines,
    images,
    rects,
    series,
    dots,
    texts,
  };
}

/** "PNG" and "SVG" buttons for a chart or any canvas with its own vector scene. */
export function exportButtons(
  ctx: ViewContext,
  base: string,
  png: () => string,
  svg: () => string,
): HTMLElement {
  const p = h('button', { class: 'link-button', title: 'Save this chart as a PNG image' }, 'PNG');
  p.addEventListener('click', () => ctx.saveFile(`${base}.png`, 'image/png', png()));
  const s = h('button', { class: 'link-button', title: 'Save this chart as an SVG image' }, 'SVG');
  s.addEventListener('click', () => ctx.saveFile(`${base}.svg`, 'image/svg+xml', svg()));
  return h('span', { class: 'actions' }, p, s);
}

export function chartExportButtons(
  ctx: ViewContext,
  base: string,
  chart: () => AnyChart,
): HTMLElement {
  return exportButtons(
    ctx,
    base,
    () => chartPng(chart()),
    () => sceneSvg(chartScene(chart())),
  );
}

/** Draws a scene on a canvas at the screen's pixel density (rects and texts: what the heat map uses). */
export function drawScene(canvas: HTMLCanvasElement, scene: SvgScene): void {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(scene.width * dpr);
  canvas.height = Math.round(scene.height * dpr);
  // Sizes through CSSOM, which the CSP's style-src does not govern (as Chart.js sizes its canvas).
  canvas.style.width = `${scene.width}px`;
  canvas.style.height = `${scene.height}px`;
  const g = canvas.getContext('2d');
  if (!g) return;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.fillStyle = scene.background;
  g.fillRect(0, 0, scene.width, scene.height);
  for (const r of scene.rects ?? []) {
    g.fillStyle = r.fill;
    g.fillRect(r.x, r.y, r.w, r.h);
  }
  for (const t of scene.texts ?? []) {
    g.fillStyle = t.color ?? scene.color;
    g.font = `${t.weight ?? 'normal'} ${t.size ?? 11}px ${scene.font}`;
    g.textAlign = t.anchor === 'middle' ? 'center' : (t.anchor ?? 'start');
    g.fillText(t.text, t.x, t.y);
  }
}
