// Output-size formulas and their worked strings; ceil_mode against every small case PyTorch accepts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from './strictAnalyze';
import {
  ceilModeOut,
  convOut,
  convTransposeOut,
  avgPoolOut,
  unpoolOut,
} from '../../../src/shapes/library/formulas';

const truth = JSON.parse(readFileSync(join(__dirname, 'pytorch-truth.json'), 'utf8')) as {
  ceilMode: number[][];
};

describe('ceil_mode follows ATen (pooling_output_shape_pad_lr)', () => {
  test(`all ${truth.ceilMode.length} small max_pool1d cases PyTorch accepts`, () => {
    const wrong: string[] = [];
    for (const [size, k, s, p, d, out] of truth.ceilMode) {
      const r = ceilModeOut('L', size, k, s, p, d);
      if (r.out !== out)
        wrong.push(
          `in=${size} k=${k} s=${s} p=${p} d=${d}: engine ${String(r.out)}, PyTorch ${out}`,
        );
    }
    assert.deepEqual(wrong, []);
  });
  test('a last window starting in the right padding is dropped (in=2, k=2, s=3, p=1 → 1, not 2)', () => {
    // PyTorch: F.max_pool1d(torch.randn(1, 1, 2), 2, 3, 1, ceil_mode=True).shape[-1] == 1
    const r = ceilModeOut('H', 2, 2, 3, 1, 1);
    assert.equal(r.out, 1);
    assert.match(r.formula.worked, /− 1 = 1$/);
  });
});

describe('worked formulas for hovers', () => {
  test('Conv2d(1, 32, 3) on 28: the README example', () => {
    const r = convOut('H', 28, 3, 1, 0, 1);
    assert.equal(r.out, 26);
    assert.equal(r.formula.worked, '⌊(28 + 2·0 − 1·(3 − 1) − 1)/1⌋ + 1 = 26');
  });
  test('transposed conv, average pool and unpool print their own formula', () => {
    assert.equal(
      convTransposeOut('H', 4, 4, 2, 1, 1, 0).formula.worked,
      '(4 − 1)·2 − 2·1 + 1·(4 − 1) + 0 + 1 = 8',
    );
    assert.equal(avgPoolOut('W', 15, 3, 2, 1, false).formula.worked, '⌊(15 + 2·1 − 3)/2⌋ + 1 = 8');
    assert.equal(unpoolOut('H', 12, 2, 2, 0).formula.worked, '(12 − 1)·2 − 2·0 + 2 = 24');
  });
  test('a traced layer carries formulas per spatial axis, its config and its documentation link', () => {
    const src =
      'import torch.nn as nn\n# input: (1, 3, 32, 30)\nm = nn.Sequential(nn.Conv2d(3, 8, (3, 5), stride=2, padding=1))\n';
    const l = analyze(src).models[0].layers[0];
    assert.deepEqual(l.output, [1, 8, 16, 14]); // PyTorch: Conv2d(3, 8, (3, 5), stride=2, padding=1)(torch.randn(1, 3, 32, 30)).shape
    assert.deepEqual(
      l.formulas?.map((f) => f.dim),
      ['H', 'W'],
    );
    assert.equal(l.formulas?.[1].worked, '⌊(30 + 2·1 − 1·(5 − 1) − 1)/2⌋ + 1 = 14');
    assert.deepEqual(l.config, {
      in_channels: 3,
      out_channels: 8,
      kernel_size: [3, 5],
      stride: [2, 2],
      padding: [1, 1],
      dilation: [1, 1],
      groups: 1,
      bias: true,
      padding_mode: 'zeros',
    });
    assert.equal(l.docUrl, 'https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html');
    assert.deepEqual(l.definition && [l.definition.line, l.definition.column], [3, 19]);
  });
});
