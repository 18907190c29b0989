// A histogram of draws against a true density on one axis (Chart.js): the Sampling tab's 1-D
// histogram and 2-D marginals, and the playground's marginals of the recorded chain so far.
import type { ChartDataset } from 'chart.js';
import { axisTitle, baseOptions, Chart, currentTheme, makeChart, withAlpha } from './charts';
import { histogramDensity, type Pt } from './chartData';

export function histChart(
  canvas: HTMLCanvasElement,
  edges: number[],
  counts: number[],
  density: { x: number[]; y: number[] },
  color: string,
  axis: string,
): Chart {
  const t = currentTheme();
  const bars = histogramDensity(edges, counts);
  const opts = baseOptions();
  opts.scales = {
    x: {
      type: 'linear',
      min: edges[0],
      max: edges[edges.length - 1],
      title: axisTitle(axis),
      // The bin edges are the range's own numbers (13.02); ticks stay on round values.
      ticks: { maxTicksLimit: 7, includeBounds: false },
    },
    y: {
      type: 'linear',
      beginAtZero: true,
      title: axisTitle('density'),
      ticks: { maxTicksLimit: 5 },
    },
  };
  const data: ChartDataset<'line', Pt[]>[] = [
    {
      label: 'draws',
      data: stepPoints(edges, bars),
      borderColor: withAlpha(color, 0.9),
      backgroundColor: withAlpha(color, t.highContrast ? 0.5 : 0.3),
      fill: 'origin',
      borderWidth: 1,
    },
    {
      label: 'true density',
      data: density.x.map((x, i) => ({ x, y: density.y[i] })),
      borderColor: t.fg,
      borderWidth: 2,
    },
  ];
  return makeChart<'line', Pt[]>(canvas, {
    type: 'line',
    data: { datasets: data },
    options: opts,
  }) as unknown as Chart;
}

/**
 * Replaces a histChart's bars, in place (a playground animation updates them every move). `all` is
 * the number of draws including any outside the bins, so the bars stay a density of every draw.
 */
export function setHistogram(chart: Chart, edges: number[], counts: number[], all: number): void {
  const ds = chart.data.datasets[0];
  if (!ds) return;
  ds.data = stepPoints(edges, histogramDensity(edges, counts, all));
  chart.update('none');
}

/**
 * The histogram as a closed step outline (one horizontal segment per bin). A filled line is cheaper
 * than a bar chart on a linear axis and keeps the bins exactly at their edges.
 */
export function stepPoints(edges: readonly number[], bars: readonly Pt[]): Pt[] {
  const out: Pt[] = [];
  if (!bars.length) return out;
  out.push({ x: edges[0], y: 0 });
  bars.forEach((b, i) => {
    out.push({ x: edges[i], y: b.y });
    out.push({ x: edges[i + 1], y: b.y });
  });
  out.push({ x: edges[edges.length - 1], y: 0 });
  return out;
}
