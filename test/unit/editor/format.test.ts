import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  escapeMarkdown,
  formatCount,
  formatExact,
  formatShape,
  layerHoverMarkdown,
  lineHints,
  modelHoverMarkdown,
  modelLensTitle,
  statusText,
  variableHoverMarkdown,
} from '../../../src/editor/format';
import { layersAt, variableAt } from '../../../src/editor/positions';
import { mnistCnnResult, shapeBugResult } from './examples';

test('shapes print like Python tuples; unknown prints ?', () => {
  assert.equal(formatShape([1, 32, 26, 26]), '(1, 32, 26, 26)');
  assert.equal(formatShape([10]), '(10,)');
  assert.equal(formatShape(['B', 3, 'H-2', 'W-2']), '(B, 3, H-2, W-2)');
  assert.equal(formatShape(null), '?');
  assert.equal(formatShape([]), '()');
});

test('counts: compact for lenses, exact for hovers', () => {
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(320), '320');
  assert.equal(formatCount(18_496), '18.5 k');
  assert.equal(formatCount(1_199_882), '1.2 M');
  assert.equal(formatCount(999_960), '1 M');
  assert.equal(formatCount(2_000_000_000), '2 G');
  assert.equal(formatExact(1_199_882), '1,199,882');
  assert.equal(formatExact(320), '320');
});

test('model CodeLens title is input → output · params', () => {
  const { result } = mnistCnnResult();
  assert.equal(modelLensTitle(result.models[0]), '(1, 1, 28, 28) → (1, 10) · 1.2 M params');
  const two = {
    ...result.models[0],
    input: [
      [1, 300],
      [1, 300],
    ],
    output: null,
  };
  assert.equal(modelLensTitle(two), '(1, 300), (1, 300) → ? · 1.2 M params');
  assert.equal(
    modelLensTitle(two, 2),
    '(1, 300), (1, 300) → ? · 1.2 M params · $(error) 2 shape errors',
  );
});

test('one inlay hint per layer line, showing what the line yields', () => {
  const { result } = mnistCnnResult();
  const hints = lineHints(result);
  assert.deepEqual(
    hints.map((h) => h.line),
    [23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34],
  );
  assert.equal(hints[0].label, '→ (1, 32, 26, 26)');
  assert.equal(hints[6].label, '→ (1, 9216)');
  assert.match(hints[0].tooltip, /conv1 \(Conv2d\): \(1, 1, 28, 28\) → \(1, 32, 26, 26\)/);
});

test('nested calls on one line: the outermost call gives the hint', () => {
  const { result } = shapeBugResult();
  const hints = lineHints(result);
  const l24 = hints.find((h) => h.line === 24);
  assert.equal(l24?.label, '→ (1, 64, 12, 12)');
  assert.deepEqual(l24?.names, ['F.max_pool2d', 'F.relu', 'conv2']);
  // The engine carries on after the mismatch with Linear's out_features, as PyTorch's docs define it.
  assert.equal(hints.find((h) => h.line === 26)?.label, '→ (1, 128)');
});

test('a call executed several times with different shapes lists each distinct shape', () => {
  const { result } = mnistCnnResult();
  const net = result.models[0];
  const conv = net.layers[0];
  const again = { ...conv, input: [1, 32, 26, 26], output: [1, 32, 24, 24] };
  const many = [1, 2, 3, 4].map((i) => ({ ...conv, output: [1, 32, 26 - i, 26 - i] }));
  assert.equal(
    lineHints({ ...result, models: [{ ...net, layers: [conv, again, { ...conv }] }] })[0].label,
    '→ (1, 32, 26, 26) | (1, 32, 24, 24)',
  );
  assert.equal(
    lineHints({ ...result, models: [{ ...net, layers: [conv, ...many] }] })[0].label,
    '→ (1, 32, 26, 26) | … | (1, 32, 22, 22)',
  );
});

test('layer hover: shapes, worked formula per dimension, params, docs link', () => {
  const { result } = mnistCnnResult();
  const md = layerHoverMarkdown(layersAt(result, 23, 14));
  assert.match(md, /^\*\*conv1\*\* · `nn\.Conv2d`/);
  assert.match(md, /`\(1, 1, 28, 28\)` → `\(1, 32, 26, 26\)`/);
  assert.ok(
    md.includes(
      'H: ⌊(I + 2P − D·(K − 1) − 1)/S⌋ + 1\n   = ⌊(28 + 2·0 − 1·(3 − 1) − 1)/1⌋ + 1 = 26',
    ),
    md,
  );
  assert.ok(md.includes('W: '));
  assert.match(md, /320 params · 194\.7 k multiply-adds/);
  assert.match(
    md,
    /\[Conv2d documentation\]\(https:\/\/pytorch\.org\/docs\/stable\/generated\/torch\.nn\.Conv2d\.html\)/,
  );
  const fn = layerHoverMarkdown(layersAt(result, 24, 14));
  assert.match(fn, /`F\.relu`/);
  assert.doesNotMatch(fn, /params/);
  assert.match(layerHoverMarkdown(layersAt(result, 19, 14)), /defined here/);
});

test('layer hover explains an unknown output and escapes engine text', () => {
  const { result } = shapeBugResult();
  const hits = layersAt(result, 26, 24).map((h) => ({
    ...h,
    layer: {
      ...h.layer,
      output: null,
      unknownReason: 'in_features is 1600 but the input has 9216 features',
    },
  }));
  const md = layerHoverMarkdown(hits);
  assert.match(md, /^\*\*fc1\*\* · `nn\.Linear`/);
  assert.match(md, /`\(1, 9216\)` → `\?`/);
  assert.match(md, /Output unknown: in\\_features is 1600/);
  assert.equal(escapeMarkdown('a*b[c](d)'), 'a\\*b\\[c\\]\\(d\\)');
  assert.equal(layerHoverMarkdown([]), '');
});

test('a reused module lists its calls', () => {
  const { result } = mnistCnnResult();
  const net = result.models[0];
  const conv = net.layers[0];
  const md = layerHoverMarkdown([
    { model: net, layer: conv, atDefinition: false },
    {
      model: net,
      layer: { ...conv, input: [1, 1, 30, 30], output: [1, 32, 28, 28], formulas: undefined },
      atDefinition: false,
    },
  ]);
  assert.match(md, /Called 2 times/);
  assert.match(md, /`\(1, 1, 30, 30\)` → `\(1, 32, 28, 28\)`/);
});

test('variable and model hovers', () => {
  const { lines, result } = mnistCnnResult();
  assert.equal(
    variableHoverMarkdown(variableAt(result, lines, 'x', 30, 22)),
    '**x**: `(1, 9216)`\n\nShape after line 29.',
  );
  const md = modelHoverMarkdown(result.models[0]);
  assert.match(md, /\*\*Net\*\* · nn\.Module/);
  assert.match(md, /1,199,882 params/);
  assert.match(md, /from the `# input:` comment/);
});

test('status bar text counts models and shape errors', () => {
  assert.equal(
    statusText(mnistCnnResult().result)?.text,
    '$(symbol-structure) 1 model · 0 shape errors',
  );
  const bug = statusText(shapeBugResult().result);
  assert.equal(bug?.text, '$(error) 1 model · 1 shape error');
  assert.equal(bug?.errors, 1);
  assert.equal(statusText({ file: 'x.py', models: [], diagnostics: [] }), null);
});

test('a call split over lines: hint on the line it starts; a nested call on the next line gets its own', () => {
  const { result } = mnistCnnResult();
  const net = result.models[0];
  const fc2 = { ...net.layers[10], range: { line: 33, column: 13, endLine: 34, endColumn: 20 } };
  const drop = { ...net.layers[9], range: { line: 34, column: 5, endLine: 34, endColumn: 19 } };
  const hints = lineHints({ ...result, models: [{ ...net, layers: [drop, fc2] }] });
  assert.deepEqual(
    hints.map((h) => [h.line, h.label]),
    [
      [33, '→ (1, 10)'],
      [34, '→ (1, 128)'],
    ],
  );
});

test('line hints are computed once per analysis result', () => {
  const { result } = mnistCnnResult();
  assert.equal(lineHints(result), lineHints(result));
  assert.notEqual(lineHints({ ...result }), lineHints(result));
});
