// The evaluation view's data and the SVG writer: shares per true class (an empty class is unknown,
// not 0), the heat map's cells and counts, mistake pixels, escaping of user text in SVG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  confusionScene,
  confusionShares,
  evalChoices,
  mistakeRgba,
} from '../../../webview/evalData';
import { escapeXml, sceneSvg } from '../../../webview/svg';
import { evalEvent, storedRun } from './fixtures';

const theme = { fg: '#ccc', muted: '#999', grid: '#444', bg: '#111', font: 'sans-serif' };

test('shares are per true class; a class without test images has no shares', () => {
  assert.deepEqual(
    confusionShares([
      [3, 1],
      [0, 0],
    ]),
    [
      [0.75, 0.25],
      [null, null],
    ],
  );
});

test('the heat map: one cell per pair, counts written, tooltips name the classes', () => {
  const e = evalEvent('r', 'cnn', 1, 0.9);
  const s = confusionScene(e.classes, e.confusion, 300, theme);
  assert.equal(s.rects?.length, 100);
  const cell01 = s.rects?.[1];
  assert.equal(cell01?.title, `true 0, predicted 1: ${e.confusion[0][1]} of 1000 (5.4 %)`);
  // Diagonal cells hold most of their row: viridis's light end, written in dark text.
  const diag = s.texts?.find((t) => t.text === String(e.confusion[0][0]));
  assert.equal(diag?.color, '#000000');
  assert.ok(s.width <= 300);
  // 100 classes in 300 px: cells too small for counts or labels, but every cell is there.
  const k = 100;
  const big = Array.from({ length: k }, (_, r) =>
    Array.from({ length: k }, (_, c) => (r === c ? 9 : 0)),
  );
  const names = Array.from({ length: k }, (_, i) => `c${i}`);
  const sb = confusionScene(names, big, 300, theme);
  assert.equal(sb.rects?.length, k * k);
  assert.equal(sb.texts?.length, 0);
});

test('an empty class row is grey, not the colour of 0 %', () => {
  const s = confusionScene(
    ['a', 'b'],
    [
      [1, 1],
      [0, 0],
    ],
    200,
    theme,
  );
  assert.equal(s.rects?.[2].fill, theme.grid);
  assert.match(s.rects?.[2].title ?? '', /no test images/);
  assert.notEqual(s.rects?.[0].fill, theme.grid);
});

test('mistake pixels: grey and channel-major RGB to RGBA; a malformed image is refused', () => {
  assert.deepEqual(
    [...(mistakeRgba({ channels: 1, rows: 1, cols: 2, pixels: [0, 200] }) ?? [])],
    [0, 0, 0, 255, 200, 200, 200, 255],
  );
  assert.deepEqual(
    [...(mistakeRgba({ channels: 3, rows: 1, cols: 2, pixels: [1, 2, 3, 4, 5, 6] }) ?? [])],
    [1, 3, 5, 255, 2, 4, 6, 255],
  );
  assert.equal(mistakeRgba({ channels: 3, rows: 2, cols: 2, pixels: [1, 2] }), null);
});

test('evaluations offered newest run first, models in training order', () => {
  const a = storedRun('a', '2026-11-25T20:00:00.000Z', { rich: true });
  const b = storedRun('b', '2026-11-25T21:00:00.000Z', { rich: true });
  const plain = storedRun('p', '2026-11-25T22:00:00.000Z');
  assert.deepEqual(
    evalChoices([a, b, plain]).map((c) => `${c.runId}/${c.model}/${c.eval.epoch}`),
    ['b/mlp/3', 'b/cnn/3', 'a/mlp/3', 'a/cnn/3'],
  );
});

test('SVG: user text escaped, colours checked, a gap breaks the line', () => {
  const svg = sceneSvg({
    width: 100,
    height: 50,
    background: '#000',
    font: '"Segoe UI", sans-serif',
    color: '#fff',
    texts: [{ x: 1, y: 2, text: '<script>alert("x")</script> & co' }],
    series: [
      {
        color: 'red" onload="x',
        width: 2,
        dash: [4, 2],
        points: [[0, 0], [10, 5.126], null, [20, 1]],
      },
    ],
  });
  assert.ok(!svg.includes('<script'));
  assert.match(svg, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; co/);
  assert.match(svg, /<path d="M0 0L10 5.13M20 1" fill="none" stroke="#888"/);
  assert.match(svg, /stroke-dasharray="4 2"/);
  assert.match(svg, /font-family="&quot;Segoe UI&quot;, sans-serif"/);
  assert.equal(escapeXml(`'`), '&apos;');
});

test('SVG: a filled outline, dots, and a clipped PNG image (any other image is left out)', () => {
  const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==';
  const svg = sceneSvg({
    width: 100,
    height: 50,
    background: '#000',
    font: 'sans-serif',
    color: '#fff',
    lines: [{ x1: 0, y1: 10, x2: 100, y2: 10, color: '#333' }],
    images: [
      { x: -2, y: -2, w: 54, h: 44, href: png, clip: { x: 0, y: 0, w: 50, h: 40 } },
      { x: 0, y: 0, w: 5, h: 5, href: 'javascript:alert(1)', clip: { x: 0, y: 0, w: 5, h: 5 } },
      { x: 0, y: 0, w: 5, h: 5, href: `${png}" onload="x`, clip: { x: 0, y: 0, w: 5, h: 5 } },
    ],
    series: [
      {
        color: '#56B4E9',
        width: 1,
        fill: 'rgba(86, 180, 233, 0.3)',
        points: [
          [0, 40],
          [0, 20],
          [10, 20],
          [10, 40],
        ],
      },
    ],
    dots: [{ x: 3, y: 4.5, r: 1.2, fill: 'rgba(255, 255, 255, 0.55)' }],
  });
  assert.equal((svg.match(/<image /g) ?? []).length, 1);
  assert.ok(!svg.includes('javascript:') && !svg.includes('onload'));
  // The image sits in a viewport the size of the plot area, after the grid lines.
  assert.match(
    svg,
    /<line [^\n]*\n<svg x="0" y="0" width="50" height="40" viewBox="0 0 50 40" overflow="hidden">\n<image x="-2" y="-2" width="54" height="44" preserveAspectRatio="none"[^>]* href="data:image\/png;base64,iVBORw0KGgoAAAANSUhEUg=="\/>\n<\/svg>/,
  );
  assert.match(
    svg,
    /<path d="M0 40L0 20L10 20L10 40Z" fill="rgba\(86, 180, 233, 0.3\)" stroke="none"\/>/,
  );
  assert.match(svg, /<path d="M0 40L0 20L10 20L10 40" fill="none" stroke="#56B4E9"/);
  assert.match(svg, /<circle cx="3" cy="4.5" r="1.2" fill="rgba\(255, 255, 255, 0.55\)"\/>/);
});
