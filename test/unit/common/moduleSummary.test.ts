// The folded module-tree Summary: repeated identical blocks print once with ×N, the depth limit
// leaves rows out without losing their totals, and every number comes from PyTorch's records
// (test/fixtures/shapes/expected, scripts/record-shapes.py; test/fixtures/editor/module-calls.json).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { moduleRows, treeDepth } from '../../../src/common/moduleSummary';
import { analyze } from '../../../src/shapes';
import type { ModelResult } from '../../../src/shapes/types';

const ROOT = join(__dirname, '..', '..', '..');
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8');

function model(fixture: string, name: string): ModelResult {
  const r = analyze(read(`test/fixtures/shapes/${fixture}.py`), { file: fixture, strict: true });
  const m = r.models.find((x) => x.name === name);
  assert.ok(m, `${fixture}: no ${name}`);
  return m;
}

function torchParams(fixture: string, name: string): number {
  const j = JSON.parse(read(`test/fixtures/shapes/expected/${fixture}.json`)) as {
    models: { name: string; params: number }[];
  };
  return j.models.find((m) => m.name === name)?.params ?? NaN;
}

test("ResNet18: layer1's two identical BasicBlocks fold into one row, layer2's do not", () => {
  const m = model('resnet18', 'ResNet18');
  const top = moduleRows(m, 1);
  assert.deepEqual(
    top.map((r) => [r.name, r.type, r.repeat]),
    [
      ['conv1', 'Conv2d', 1],
      ['bn1', 'BatchNorm2d', 1],
      ['layer1', 'BasicBlock', 2],
      ['layer2', 'Sequential', 1],
      ['layer3', 'Sequential', 1],
      ['layer4', 'Sequential', 1],
      ['linear', 'Linear', 1],
    ],
  );
  // The top rows hold every parameter once: their sum is PyTorch's total.
  const sum = top.reduce((a, r) => a + (r.params ?? NaN), 0);
  assert.equal(sum, torchParams('resnet18', 'ResNet18'));
  assert.ok(top.every((r) => r.depth === 1));
  assert.ok(top.find((r) => r.name === 'layer1')?.folded);
  // Deeper: the run's inside once, named after the run; layer2's blocks (one with a downsampling
  // shortcut) each on their own.
  const two = moduleRows(m, 2).map((r) => r.name);
  assert.ok(two.includes('layer1.0–1.conv1'), two.join(' '));
  assert.ok(!two.includes('layer1.1.conv1'));
  assert.ok(two.includes('layer2.0') && two.includes('layer2.1'));
  assert.ok(moduleRows(m, 3).length > moduleRows(m, 2).length);
  assert.equal(treeDepth(m), 4);
});

test('shapes of a folded run: the first block takes what PyTorch gives it, the last gives out', () => {
  const truth = JSON.parse(read('test/fixtures/editor/module-calls.json')) as Record<
    string,
    Record<string, Record<string, { calls: { inputs: number[][]; outputs: number[][] }[] }>>
  >;
  const t = truth['test/fixtures/shapes/resnet18.py'].ResNet18;
  const layer1 = moduleRows(model('resnet18', 'ResNet18'), 1).find((r) => r.name === 'layer1');
  assert.deepEqual(layer1?.input, t['layer1.0'].calls[0].inputs[0]);
  assert.deepEqual(layer1?.output, t['layer1.1'].calls[0].outputs[0]);
  const vit = truth['test/fixtures/shapes/vit_tiny.py'].ViT;
  const blocks = moduleRows(model('vit_tiny', 'ViT'), 2).find((r) => r.name === 'encoder.layers');
  assert.equal(blocks?.type, 'TransformerEncoderLayer');
  assert.equal(
    blocks?.repeat,
    Object.keys(vit).filter((p) => /^encoder\.layers\.\d+$/.test(p)).length,
  );
  assert.deepEqual(blocks?.output, vit['encoder.layers.1'].calls[0].outputs[0]);
});

test('named attributes that happen to be alike are not folded; a container forward iterates is not "never called"', () => {
  const attn = moduleRows(model('nanogpt', 'CausalSelfAttention'), 3).map((r) => r.name);
  assert.ok(attn.includes('attn_dropout') && attn.includes('resid_dropout'), attn.join(' '));
  const gpt = moduleRows(model('nanogpt', 'GPT'), 2);
  const transformer = gpt.find((r) => r.name === 'transformer');
  assert.equal(transformer?.type, 'ModuleDict');
  assert.equal(transformer?.uncalled, undefined);
  assert.equal(gpt.find((r) => r.name === 'transformer.h')?.repeat, 2);
});

test('a module never called is marked so only when the trace is complete', () => {
  const src = `import torch.nn as nn

# input: (2, 8)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)
        self.spare = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc(x)
`;
  const m = analyze(src, { strict: true }).models[0];
  assert.equal(moduleRows(m).find((r) => r.name === 'spare')?.uncalled, 'never');
  const stops = analyze(src.replace('return self.fc(x)', 'return lib.run(self, self.fc(x))'), {
    strict: true,
  }).models[0];
  assert.equal(moduleRows(stops).find((r) => r.name === 'spare')?.uncalled, 'unknown');
  assert.deepEqual(moduleRows({ ...m, modules: undefined }), []);
});
