import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  hasInputComment,
  inputCommentEdit,
  inputCommentText,
  parseDefaultInput,
  parseInputShapes,
  suggestInput,
  validateInputShape,
} from '../../../src/editor/inputComment';
import { quickFixes } from '../../../src/editor/fixes';
import type { ModelResult } from '../../../src/shapes/types';
import { mnistCnnResult, shapeBugResult } from './examples';

test('input shapes parse in every form users type', () => {
  const ok = (text: string) => {
    const r = parseInputShapes(text);
    assert.ok(r.ok, `${text}: ${r.ok ? '' : r.message}`);
    return r.shapes;
  };
  assert.deepEqual(ok('1, 1, 28, 28'), [[1, 1, 28, 28]]);
  assert.deepEqual(ok('(1, 1, 28, 28)'), [[1, 1, 28, 28]]);
  assert.deepEqual(ok(' [1,784] '), [[1, 784]]);
  assert.deepEqual(ok('(10,)'), [[10]]);
  assert.deepEqual(ok('(10)'), [[10]]);
  assert.deepEqual(ok('(B, 3, H, W)'), [['B', 3, 'H', 'W']]);
  assert.deepEqual(ok('(1, 300), (1, 300)'), [
    [1, 300],
    [1, 300],
  ]);
  assert.deepEqual(ok('(1, 300), [1, 300],'), [
    [1, 300],
    [1, 300],
  ]);
  assert.deepEqual(ok('# input: (1, 3, 32, 32)'), [[1, 3, 32, 32]]);
  assert.deepEqual(ok('1, 2,'), [[1, 2]]);
});

test('invalid input shapes get a message that says how to fix them', () => {
  const bad = (text: string, re: RegExp) => {
    const m = validateInputShape(text);
    assert.ok(m !== undefined, `${text} should be invalid`);
    assert.match(m, re, text);
  };
  bad('', /Type a shape such as 1, 1, 28, 28/);
  bad('   ', /Type a shape/);
  bad('(1, 28', /Missing "\)"/);
  bad('1, 0, 28', /must be at least 1/);
  bad('1, -1', /whole number/);
  bad('1, 2.5', /whole number/);
  bad('1,, 2', /Empty dimension/);
  bad('()', /at least one dimension/);
  bad('(1, 2) (3, 4)', /Expected ","/);
  bad('((1, 2))', /nested/);
  bad('1, (2, 3)', /Either bracket every shape/);
  bad('1, 2+3', /neither a number nor a name/);
  bad('1,2,3,4,5,6,7,8,9', /At most 8/);
  assert.equal(validateInputShape('1, 1, 28, 28'), undefined);
});

test('tensorLens.defaultInput: empty means none, invalid is reported and not used', () => {
  assert.deepEqual(parseDefaultInput(''), {});
  assert.deepEqual(parseDefaultInput(undefined), {});
  assert.deepEqual(parseDefaultInput('1, 1, 28, 28'), { shapes: [[1, 1, 28, 28]] });
  assert.ok(parseDefaultInput('1, x y').error);
});

test('the comment replaces an existing # input: line above the model', () => {
  const { lines, result } = mnistCnnResult();
  const net = result.models[0];
  assert.equal(hasInputComment(lines, net), true);
  const edit = inputCommentEdit(lines, net, [[64, 1, 28, 28]]);
  assert.deepEqual(edit, {
    range: { line: 11, column: 1, endLine: 11, endColumn: 24 },
    newText: '# input: (64, 1, 28, 28)',
  });
});

test('the comment is inserted above a model without one, with the model line indentation', () => {
  const lines = [
    'import torch.nn as nn',
    '',
    'def build():',
    '    seq = nn.Sequential(nn.Linear(10, 2))',
    '    return seq',
  ];
  const seq: ModelResult = {
    name: 'seq',
    line: 4,
    kind: 'sequential',
    input: [['B', 10]],
    inputSource: 'symbolic',
    output: ['B', 2],
    params: 22,
    layers: [],
    variables: [],
    range: { line: 4, column: 5, endLine: 4, endColumn: 8 },
  };
  assert.equal(hasInputComment(lines, seq), false);
  assert.deepEqual(inputCommentEdit(lines, seq, [[1, 10]]), {
    range: { line: 4, column: 1, endLine: 4, endColumn: 1 },
    newText: '    # input: (1, 10)\n',
  });
  assert.deepEqual(
    inputCommentEdit(['class A(nn.Module):'], { ...seq, line: 1 }, [
      [1, 300],
      [1, 300],
    ]).newText,
    '# input: (1, 300), (1, 300)\n',
  );
  assert.equal(inputCommentText([[10]]), '# input: (10,)');
  // What the comment writes, the parser reads back.
  const back = parseInputShapes(inputCommentText([[10], ['B', 3, 'H', 'W']]));
  assert.deepEqual(back, { ok: true, shapes: [[10], ['B', 3, 'H', 'W']] });
});

test('the suggested input: inferred, else the setting, else a guess from the first layer', () => {
  const { result } = mnistCnnResult();
  const net = result.models[0];
  assert.deepEqual(suggestInput(net), {
    shapes: [[1, 1, 28, 28]],
    source: 'inferred',
    confident: true,
  });
  const sym: ModelResult = { ...net, inputSource: 'symbolic', input: [['B', 'C', 'H', 'W']] };
  assert.deepEqual(suggestInput(sym, [[8, 1, 28, 28]]), {
    shapes: [[8, 1, 28, 28]],
    source: 'setting',
    confident: true,
  });
  assert.deepEqual(suggestInput({ ...net, inputSource: 'option' }), {
    shapes: [[1, 1, 28, 28]],
    source: 'setting',
    confident: true,
  });
  assert.deepEqual(suggestInput(sym), {
    shapes: [[1, 1, 28, 28]],
    source: 'first layer',
    confident: false,
  });
  const rgb = {
    ...sym,
    layers: [{ ...net.layers[0], config: { in_channels: 3, out_channels: 8 } }],
  };
  assert.deepEqual(suggestInput(rgb).shapes, [[1, 3, 32, 32]]);
  const mlp = { ...sym, layers: [{ ...net.layers[7] }] };
  assert.deepEqual(suggestInput(mlp).shapes, [[1, 9216]]);
  const lstm = {
    ...sym,
    layers: [
      {
        ...net.layers[7],
        type: 'LSTM',
        config: { input_size: 300, hidden_size: 128, batch_first: true },
      },
    ],
  };
  assert.deepEqual(suggestInput(lstm).shapes, [[1, 16, 300]]);
  assert.deepEqual(suggestInput({ ...sym, layers: [] }), {
    shapes: [[1, 1, 28, 28]],
    source: 'example',
    confident: false,
  });
});

test('quick fix: the engine fix of a wrong in_features, preferred', () => {
  const { lines, result } = shapeBugResult();
  const fixes = quickFixes(result, lines, { line: 19, endLine: 19 });
  assert.equal(fixes.length, 1);
  assert.equal(fixes[0].title, 'Change in_features to 9216');
  assert.equal(fixes[0].isPreferred, true);
  assert.equal(fixes[0].diagnostic?.code, 'linear-in-features');
  // Applying the edit to the line gives the corrected code.
  const e = fixes[0].edit;
  const line = lines[e.range.line - 1];
  assert.equal(
    line.slice(0, e.range.column - 1) + e.newText + line.slice(e.range.endColumn - 1),
    '        self.fc1 = nn.Linear(9216, 128)  # deliberate bug: should be 9216',
  );
  assert.deepEqual(quickFixes(result, lines, { line: 25, endLine: 25 }), []);
});

test('quick fix: add the # input: comment on the header of a model without one', () => {
  const { lines, result } = mnistCnnResult();
  // Net already has its comment: nothing to add.
  assert.deepEqual(quickFixes(result, lines, { line: 12, endLine: 12 }), []);
  const stripped = [...lines];
  stripped[10] = '';
  const sym: ModelResult = {
    ...result.models[0],
    inputSource: 'symbolic',
    input: [['B', 'C', 'H', 'W']],
  };
  const fixes = quickFixes({ ...result, models: [sym] }, stripped, { line: 12, endLine: 12 });
  assert.equal(fixes.length, 1);
  assert.equal(
    fixes[0].title,
    'Add "# input: (1, 1, 28, 28)" above Net (guessed from the first layer)',
  );
  assert.equal(fixes[0].isPreferred, false);
  assert.deepEqual(fixes[0].edit, {
    range: { line: 12, column: 1, endLine: 12, endColumn: 1 },
    newText: '# input: (1, 1, 28, 28)\n',
  });
  const inferred = quickFixes(
    { ...result, models: [{ ...result.models[0], inputSource: 'call' }] },
    stripped,
    { line: 12, endLine: 12 },
  );
  assert.equal(inferred[0].isPreferred, true);
  assert.match(inferred[0].title, /\(inferred\)$/);
  // Not offered inside the body, to keep the light bulb quiet.
  assert.deepEqual(
    quickFixes({ ...result, models: [sym] }, stripped, { line: 25, endLine: 25 }),
    [],
  );
});
