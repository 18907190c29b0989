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
