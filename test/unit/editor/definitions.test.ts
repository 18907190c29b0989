// Shapes at the layer definitions, against PyTorch: test/fixtures/editor/module-calls.json holds every
// module's calls (call line, input and output shapes) recorded with forward hooks by
// scripts/record-module-calls.py; the engine's module tree, the hints and the hovers must agree.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  NEVER_CALLED,
  definitionHints,
  definitionHoverMarkdown,
  definitionsAt,
} from '../../../src/editor/definitions';
import { formatShape, lineHints } from '../../../src/editor/format';
import { analyze } from '../../../src/shapes';
import type { ModelResult, ModuleNode, Shape } from '../../../src/shapes/types';
import { ROOT, analyseFile } from './examples';

interface TorchCall {
  line: number | null;
  inputs: number[][];
  outputs: number[][];
}
type Truth = Record<string, Record<string, Record<string, { type: string; calls: TorchCall[] }>>>;
const truth = JSON.parse(
  readFileSync(join(ROOT, 'test', 'fixtures', 'editor', 'module-calls.json'), 'utf8'),
) as Truth;

function model(file: string, name: string): ModelResult {
  const m = analyseFile(file).result.models.find((x) => x.name === name);
  assert.ok(m, `${file}: no model ${name}`);
  return m;
}

test('the module tree matches PyTorch: every module, each call, its line and its shapes', () => {
  let compared = 0;
  for (const [file, models] of Object.entries(truth)) {
    for (const [name, torchModules] of Object.entries(models)) {
      const m = model(file, name);
      assert.ok(m.modules, `${file} ${name}: no module tree`);
      assert.equal(m.traceComplete, true, `${file} ${name}: trace not complete`);
      const leaves = m.modules.filter((n) => n.kind === 'leaf').map((n) => n.path);
      for (const node of m.modules) {
        const t = torchModules[node.path];
        assert.ok(t, `${file} ${name}: the engine has '${node.path}', PyTorch does not`);
        assert.equal(node.type, t.type, `${file} ${name} ${node.path}`);
        assert.equal(node.callCount, t.calls.length, `${file} ${name} ${node.path}: call count`);
        // The model itself is called from outside the file (PyTorch records no line for it).
        const line = (l: number | null): number | null => (node.parent < 0 ? null : l);
        assert.deepEqual(
          node.calls.map((c) => ({
            line: line(c.range.line),
            inputs: c.inputs,
            outputs: c.outputs,
          })),
          t.calls.slice(0, node.calls.length).map((c) => ({ ...c, line: line(c.line) })),
          `${file} ${name} ${node.path}: calls`,
        );
        compared++;
      }
      // What PyTorch has and the engine does not may only be the inside of a layer it treats whole.
      for (const path of Object.keys(torchModules))
        assert.ok(
          m.modules.some((n) => n.path === path) ||
            leaves.some((l) => path.startsWith(l === '' ? '' : l + '.')),
          `${file} ${name}: PyTorch has '${path}', the engine does not`,
        );
    }
  }
  assert.ok(compared >= 130, `only ${compared} modules compared`);
});

/** The label PyTorch's record implies for a definition line holding `paths`. */
function expectedLabel(calls: TorchCall[]): string {
  const outs = [...new Set(calls.map((c) => formatShape(c.outputs[0] as Shape)))];
  if (outs.length === 1) return calls.length > 1 ? `×${calls.length} → ${outs[0]}` : `→ ${outs[0]}`;
  const shown = outs.length > 3 ? [outs[0], '…', outs[outs.length - 1]] : outs;
  return `×${calls.length} → ${shown.join(' | ')}`;
}

function definitionLine(m: ModelResult, path: string): number {
  const n = m.modules?.find((x) => x.path === path);
  assert.ok(n?.definition, `no definition for ${path}`);
  return n.definition.line;
}

test("the usual MNIST net: conv1's definition shows (64, 10, 28, 28), as PyTorch computes it", () => {
  const { result, lines } = analyseFile('examples/mnist_basic.py');
  const net = result.models[0];
  const hints = definitionHints(result);
  const torchNet = truth['examples/mnist_basic.py'].Net;
  for (const path of ['conv1', 'conv2', 'conv2_drop', 'fc1', 'fc2']) {
    const line = definitionLine(net, path);
    assert.match(lines[line - 1], new RegExp(`self\\.${path} = nn\\.`));
    const hint = hints.find((h) => h.line === line);
    assert.equal(hint?.label, expectedLabel(torchNet[path].calls), `line ${line}`);
  }
  assert.equal(
    hints.find((h) => h.line === definitionLine(net, 'conv1'))?.label,
    '→ (64, 10, 28, 28)',
  );
  // The forward lines keep theirs: the line yields the pooled output.
  assert.equal(lineHints(result).find((h) => h.line === 21)?.label, '→ (64, 10, 14, 14)');
  // No definition hint lands on a line that has a call hint, nor on the class line.
  const callLines = new Set(lineHints(result).map((h) => h.line));
  for (const h of hints) assert.ok(!callLines.has(h.line), `line ${h.line} has two hints`);
});

test('a module called several times: ×N with each distinct shape, as PyTorch calls it', () => {
  const cases: [string, string, string[]][] = [
    [
      'test/fixtures/shapes/resnet18.py',
      'ResNet18',
      ['layer1.0.conv1', 'layer1.1.conv1', 'layer2.0.conv1', 'layer2.1.conv1'],
    ],
    ['test/fixtures/shapes/modulelist_loops.py', 'MyModule', ['linears.0']],
  ];
  for (const [file, name, paths] of cases) {
    const { result } = analyseFile(file);
    const m = result.models.find((x) => x.name === name) as ModelResult;
    const line = definitionLine(m, paths[0]);
    // Every module PyTorch has that this line builds (the engine's definition sites name the line).
    const built = (m.modules ?? []).filter((n) => n.definition?.line === line).map((n) => n.path);
    for (const p of paths) assert.ok(built.includes(p), `${p} not built on line ${line}`);
    const calls = built.flatMap((p) => truth[file][name][p].calls);
    const hint = definitionHints(result).find((h) => h.line === line);
    assert.equal(hint?.label, expectedLabel(calls), `${file}:${line}`);
    assert.ok(calls.length > 1);
  }
});

test('a ModuleList stands for the modules it holds', () => {
  const file = 'test/fixtures/shapes/modulelist_loops.py';
  const { result, lines } = analyseFile(file);
  const line = lines.findIndex((l) => l.includes('self.pools = nn.ModuleList(')) + 1;
  const torchPools = Object.entries(truth[file].CNNModuleList)
    .filter(([p]) => p.startsWith('pools.'))
    .flatMap(([, v]) => v.calls);
  assert.equal(
    definitionHints(result).find((h) => h.line === line)?.label,
    expectedLabel(torchPools),
  );
});

const UNUSED = `import torch.nn as nn

# input: (2, 8)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)
        self.spare = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc(x)
`;

test('a module forward never calls says so; when the trace stops early, nothing is claimed', () => {
  const result = analyze(UNUSED, { file: 'unused.py', strict: true });
  const hints = definitionHints(result);
  assert.equal(hints.find((h) => h.line === 8)?.label, NEVER_CALLED);
  assert.equal(hints.find((h) => h.line === 7)?.label, '→ (2, 4)');
  assert.match(definitionHoverMarkdown(definitionsAt(result, 8, 12)), /Never called: Net\.forward/);
  // forward calls something the analyser cannot follow: `spare` may be called there.
  const opaque = UNUSED.replace('return self.fc(x)', 'return some_library.run(self, self.fc(x))');
  const r2 = analyze(opaque, { file: 'opaque.py', strict: true });
  assert.equal(r2.models[0].traceComplete, false);
  assert.equal(
    definitionHints(r2).find((h) => h.line === 8),
    undefined,
  );
  assert.match(definitionHoverMarkdown(definitionsAt(r2, 8, 12)), /may still be called/);
});

test('the hover on a definition lists every call site with its input and output', () => {
  const file = 'test/fixtures/shapes/resnet18.py';
  const { result, lines } = analyseFile(file);
  const m = result.models.find((x) => x.name === 'ResNet18') as ModelResult;
  const line = definitionLine(m, 'layer1.0.conv1');
  const column = lines[line - 1].indexOf('nn.Conv2d') + 3;
  const md = definitionHoverMarkdown(definitionsAt(result, line, column));
  assert.match(md, /defined here \(8 instances\) \*\(in ResNet18\)\*/);
  const conv1s = (m.modules ?? []).filter((n: ModuleNode) => n.definition?.line === line);
  assert.equal(conv1s.length, 8);
  for (const n of conv1s) {
    const c = truth[file].ResNet18[n.path].calls[0];
    const row = `${n.path.replace(/\./g, '\\.')}: line ${c.line}: \`${formatShape(c.inputs[0])}\` → \`${formatShape(c.outputs[0])}\``;
    assert.ok(md.includes(row), `${row}\n${md}`);
  }
  // On the assigned name too, left of the constructor.
  assert.equal(definitionsAt(result, line, 10)[0]?.nodes.length, 8);
  assert.deepEqual(definitionsAt(result, 1, 1), []);
});

const HUGE_LOOP = `import torch
import torch.nn as nn


class Deep(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(10, 10) for _ in range(20000)])
        self.spare = nn.ModuleList([nn.Linear(10, 10) for _ in range(20000)])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


Deep()(torch.randn(1, 10))
`;

test('a ModuleList of 20,000 layers: the hint counts them, its names and tooltip stay short', () => {
  const result = analyze(HUGE_LOOP, { file: 'huge.py', strict: true });
  assert.equal(result.models[0].modules?.length, 40003);
  const hints = definitionHints(result);
  const used = hints.find((h) => h.line === 8);
  const spare = hints.find((h) => h.line === 9);
  // Each layer is called once with (1, 10) → (1, 10); the calls kept per module are all there are.
  assert.equal(used?.label, '×20000 → (1, 10)');
  assert.deepEqual(used?.names, ['layers.0', 'layers.1', 'layers.2', '…', 'layers.19999']);
  assert.equal(used?.tooltip.split('\n').length, 13);
  assert.match(used?.tooltip ?? '', /^layers\.0 \(Linear\) at line 13: \(1, 10\) → \(1, 10\)\n/);
  assert.match(used?.tooltip ?? '', /\n… 19988 more$/);
  assert.equal(spare?.label, NEVER_CALLED);
  assert.deepEqual(spare?.names, ['spare.0', 'spare.1', 'spare.2', '…', 'spare.19999']);
  assert.match(spare?.tooltip ?? '', /\(Linear, 20000 instances\): built here but never called/);
  const hover = definitionHoverMarkdown(definitionsAt(result, 8, 40));
  assert.ok(hover.length < 2000, `hover of ${hover.length} characters`);
  assert.match(hover, /\(20000 instances\)/);
  assert.match(hover, /Called 20000 times/);
  assert.match(hover, /- … 19988 more/);
});
