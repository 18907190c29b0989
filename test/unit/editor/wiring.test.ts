// Drives registerEditorFeatures through a fake `vscode` module: providers, diagnostics, quick
// fixes, status bar and commands on the examples. Checks the adapters' wiring (positions, texts,
// edits, cache sharing), not VS Code itself; the end-to-end tests do that.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelResult } from '../../../src/shapes/types';
import * as fake from '../../support/vscode';
import { mnistCnnResult, readExample } from './examples';

fake.installFakeVscode();
// Loaded after the hook so that its `require('vscode')` gets the fake.
const editor = require('../../../src/editor/index') as typeof import('../../../src/editor/index');
const { registerCommands } =
  require('../../../src/commands') as typeof import('../../../src/commands');

interface Provided {
  provideCodeLenses(doc: unknown, token: unknown): Promise<fake.CodeLens[]>;
  provideInlayHints(doc: unknown, range: unknown, token: unknown): Promise<fake.InlayHint[]>;
  provideHover(doc: unknown, pos: unknown, token: unknown): Promise<fake.Hover | undefined>;
  provideCodeActions(
    doc: unknown,
    range: unknown,
    ctx: unknown,
    token: unknown,
  ): Promise<fake.CodeAction[]>;
}

const logLines: string[] = [];
const summaries: { model: ModelResult | null; file: string }[] = [];
const trained: { file: string; className: string | undefined }[] = [];
let context: { subscriptions: { dispose(): unknown }[] };

function setup(extra: Partial<import('../../../src/editor/index').EditorServices> = {}): void {
  fake.reset();
  logLines.length = 0;
  summaries.length = 0;
  trained.length = 0;
  context = { subscriptions: [] };
  const log = {
    trace: (m: string) => logLines.push('trace ' + m),
    debug: (m: string) => logLines.push('debug ' + m),
    info: (m: string) => logLines.push('info ' + m),
    warn: (m: string) => logLines.push('warn ' + m),
    error: (m: string) => logLines.push('error ' + m),
  };
  const commands = editor.registerEditorFeatures(context as never, {
    log: log as never,
    showSummary: (model, file) => summaries.push({ model, file }),
    trainModel: (doc, className) => trained.push({ file: doc.fileName, className }),
    ...extra,
  });
  const panelCommand = (): void => undefined;
  registerCommands(context as never, {
    ...commands,
    'tensorLens.compareMlpCnn': panelCommand,
    'tensorLens.sampleDensity': panelCommand,
    'tensorLens.stopRun': panelCommand,
    'tensorLens.openPanel': panelCommand,
    'tensorLens.followRun': panelCommand,
  });
}

const p = (): Provided => ({
  provideCodeLenses: (d, t) => (fake.state.codeLens[0] as Provided).provideCodeLenses(d, t),
  provideInlayHints: (d, r, t) => (fake.state.inlay[0] as Provided).provideInlayHints(d, r, t),
  provideHover: (d, pos, t) => (fake.state.hover[0] as Provided).provideHover(d, pos, t),
  provideCodeActions: (d, r, c, t) =>
    (fake.state.codeActions[0] as Provided).provideCodeActions(d, r, c, t),
});

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

beforeEach(() => setup());

test('CodeLens above the model: shapes and params, Train and Summary with (uri, name)', async () => {
  const doc = fake.openDocument('/ex/mnist_cnn.py', readExample('mnist_cnn.py'));
  const lenses = await p().provideCodeLenses(doc, fake.token);
  assert.deepEqual(
    lenses.map((l) => l.command?.title),
    ['(1, 1, 28, 28) → (1, 10) · 1.2 M params', '▶ Train', 'Summary'],
  );
  assert.deepEqual(
    lenses.map((l) => l.command?.command),
    ['tensorLens.setInputShape', 'tensorLens.trainModel', 'tensorLens.showSummary'],
  );
  assert.deepEqual(lenses[1].command?.arguments, [doc.uri, 'Net']);
  // `class Net(` is on line 12 (0-based 11), the name at characters 6..9.
  assert.deepEqual(
    [lenses[0].range.start.line, lenses[0].range.start.character, lenses[0].range.end.character],
    [11, 6, 9],
  );
  fake.state.config.set('tensorLens.codeLens.enabled', false);
  assert.deepEqual(await p().provideCodeLenses(doc, fake.token), []);
  fake.state.config.set('tensorLens.codeLens.layers', true);
  const layerLenses = await p().provideCodeLenses(doc, fake.token);
  assert.equal(layerLenses[0].command?.title, 'conv1 → (1, 32, 26, 26)');
  assert.equal(layerLenses[0].range.start.line, 22);
});

test('inlay hints at the end of each layer line, only in the requested range, off by setting', async () => {
  const doc = fake.openDocument('/ex/mnist_cnn.py', readExample('mnist_cnn.py'));
  const all = await p().provideInlayHints(
    doc,
    new fake.Range(0, 0, doc.lineCount - 1, 0),
    fake.token,
  );
  assert.equal(all[0].label, '→ (1, 32, 26, 26)');
  assert.deepEqual(
    [all[0].position.line, all[0].position.character],
    [22, doc.lineAt(22).text.length],
  );
  assert.equal(all[0].paddingLeft, true);
  assert.ok(all.some((h) => h.label === '→ (1, 9216)' && h.position.line === 28));
  const some = await p().provideInlayHints(doc, new fake.Range(22, 0, 24, 0), fake.token);
  assert.deepEqual(
    some.map((h) => h.position.line),
    [22, 23, 24],
  );
  fake.state.config.set('tensorLens.inlayHints.enabled', false);
  assert.deepEqual(await p().provideInlayHints(doc, new fake.Range(0, 0, 40, 0), fake.token), []);
});

test('a hint after a trailing comment keeps a gap from its text; after code, padding alone', async () => {
  const doc = fake.openDocument('/ex/shape_bug.py', readExample('shape_bug.py'));
  const hints = await p().provideInlayHints(
    doc,
    new fake.Range(0, 0, doc.lineCount - 1, 0),
    fake.token,
  );
  const at = (line1: number) => hints.filter((h) => h.position.line === line1 - 1);
  // Line 19: `self.fc1 = nn.Linear(1600, 128)  # deliberate bug: should be 9216`.
  assert.match(doc.lineAt(18).text, /# deliberate bug: should be 9216$/);
  assert.deepEqual(
    at(19).map((h) => [h.label, h.paddingLeft]),
    [['\u00a0\u00a0→ (1, 128)', true]],
  );
  assert.deepEqual(
    at(17).map((h) => [h.label, h.paddingLeft]),
    [['→ (1, 32, 26, 26)', true]],
  );
});

test('hover: layer formula, definition, variable, model name; nothing elsewhere', async () => {
  const doc = fake.openDocument('/ex/mnist_cnn.py', readExample('mnist_cnn.py'));
  const at = async (line1: number, text: string, offset = 0) => {
    const ch = doc.lineAt(line1 - 1).text.indexOf(text) + offset;
    assert.ok(ch >= offset, `${text} on line ${line1}`);
    return (await p().provideHover(doc, new fake.Position(line1 - 1, ch), fake.token))?.contents
      .value;
  };
  const conv = await at(23, 'conv1', 1);
  assert.match(conv ?? '', /\*\*conv1\*\*/);
  assert.match(conv ?? '', /= ⌊\(28 \+ 2·0 − 1·\(3 − 1\) − 1\)\/1⌋ \+ 1 = 26/);
  assert.match(conv ?? '', /320 params/);
  assert.match((await at(15, 'conv1')) ?? '', /conv1.*defined here/);
  // `x = self.fc1(x)` on line 30: the argument holds the flattened tensor.
  assert.match((await at(30, '(x)', 1)) ?? '', /\*\*x\*\*: `\(1, 9216\)`/);
  assert.match((await at(30, 'x')) ?? '', /\*\*x\*\*: `\(1, 128\)`/);
  assert.match((await at(12, 'Net')) ?? '', /1,199,882 params/);
  assert.equal(await at(6, 'torch'), undefined);
});

test('diagnostics: error where PyTorch raises, preferred quick fix linked to it, cleared on close', async () => {
  const doc = fake.openDocument('/ex/shape_bug.py', readExample('shape_bug.py'));
  await tick(20);
  const coll = fake.state.collections.find((c) => c.name === 'Tensor Lens');
  const diags = coll?.entries.get(doc.uri.toString()) ?? [];
  const err = diags.find((d) => d.code === 'linear-in-features');
  assert.ok(err, JSON.stringify(diags));
  assert.equal(err.severity, fake.DiagnosticSeverity.Error);
  assert.equal(err.source, 'Tensor Lens');
  assert.equal(doc.getText(err.range), '1600');
  const actions = await p().provideCodeActions(doc, err.range, { diagnostics: diags }, fake.token);
  const fix = actions.find((a) => /9216/.test(a.title));
  assert.ok(fix, actions.map((a) => a.title).join('; '));
  assert.equal(fix.isPreferred, true);
  assert.equal(fix.kind, fake.CodeActionKind.QuickFix);
  assert.deepEqual(fix.diagnostics, [err]);
  const e = fix.edit?.edits[0];
  assert.ok(e);
  doc.apply(e.range, e.newText);
  assert.match(doc.lineAt(18).text, /nn\.Linear\(9216, 128\)/);
  fake.state.onClose.fire(doc);
  doc.isClosed = true;
  assert.equal(coll?.entries.has(doc.uri.toString()), false);
});

test('status bar: models and shape errors for the active Python file, hidden elsewhere', async () => {
  fake.openDocument('/ex/shape_bug.py', readExample('shape_bug.py'));
  await tick(20);
  const item = fake.state.statusItems[0];
  assert.equal(item.visible, true);
  assert.match(item.text, /1 model · 1 shape error$/);
  assert.equal(item.command, 'tensorLens.showSummary');
  const txt = new fake.FakeDocument(fake.Uri.file('/notes.txt'), 'hello', 'plaintext');
  fake.state.activeEditor = { document: txt, selection: { active: new fake.Position(0, 0) } };
  fake.state.onActive.fire(undefined);
  assert.equal(item.visible, false);
});

test('commands: summary and training of the model under the cursor or named in the arguments', async () => {
  const doc = fake.openDocument('/ex/mnist_cnn.py', readExample('mnist_cnn.py'));
  fake.setCursor(29, 10);
  await fake.state.commands.get('tensorLens.showSummary')?.();
  assert.equal(summaries[0].model?.name, 'Net');
  assert.equal(summaries[0].file, '/ex/mnist_cnn.py');
  await fake.state.commands.get('tensorLens.trainModel')?.(doc.uri, 'Net');
  // A plain path as a string works as well as the Uri a CodeLens passes.
  await fake.state.commands.get('tensorLens.trainModel')?.('/ex/mnist_cnn.py', 'Net');
  assert.deepEqual(trained, [
    { file: '/ex/mnist_cnn.py', className: 'Net' },
    { file: '/ex/mnist_cnn.py', className: 'Net' },
  ]);
  // Not a Python editor: a message, no call.
  fake.state.activeEditor = undefined;
  await fake.state.commands.get('tensorLens.showSummary')?.();
  assert.equal(summaries.length, 1);
  assert.match(fake.state.messages[0], /open a Python file/);
});

test('Set Input Shape… validates as you type and replaces the comment above the model', async () => {
  const doc = fake.openDocument('/ex/mnist_cnn.py', readExample('mnist_cnn.py'));
  fake.setCursor(25, 0);
  let offered: string | undefined;
  let validation: (string | undefined)[] = [];
  fake.state.inputBox = (opts) => {
    offered = opts.value;
    validation = ['1, 0', '(1, 3, 32', '64, 1, 28, 28'].map((v) => opts.validateInput?.(v));
    return '64, 1, 28, 28';
  };
  await fake.state.commands.get('tensorLens.setInputShape')?.();
  assert.equal(offered, '(1, 1, 28, 28)');
  assert.match(validation[0] ?? '', /at least 1/);
  assert.match(validation[1] ?? '', /Missing/);
  assert.equal(validation[2], undefined);
  assert.equal(doc.lineAt(10).text, '# input: (64, 1, 28, 28)');
  assert.equal(doc.lineAt(11).text, 'class Net(nn.Module):');
});

test('one analysis per version shared by all providers; superseded versions never analysed', async () => {
  let calls = 0;
  const { result } = mnistCnnResult();
  setup({
    analyzer: async () => {
      calls++;
      return result;
    },
  });
  const doc = fake.openDocument('/ex/mnist_cnn.py', readExample('mnist_cnn.py'));
  await Promise.all([
    p().provideCodeLenses(doc, fake.token),
    p().provideInlayHints(doc, new fake.Range(0, 0, 30, 0), fake.token),
    p().provideHover(doc, new fake.Position(22, 14), fake.token),
    p().provideCodeActions(doc, new fake.Range(11, 0, 11, 0), { diagnostics: [] }, fake.token),
  ]);
  await tick(20);
  assert.equal(calls, 1);
  // Three keystrokes in quick succession: diagnostics wait for the pause and analyse once.
  for (let i = 0; i < 3; i++) {
    doc.apply(new fake.Range(0, 0, 0, 0), '#');
    fake.state.onChange.fire({ document: doc, contentChanges: [{}] });
  }
  await tick(100);
  assert.equal(calls, 1);
  await tick(300);
  assert.equal(calls, 2);
});

test('an engine that throws: empty results, a debug line, no exception out of any provider', async () => {
  setup({
    analyzer: async () => {
      throw new Error('engine exploded');
    },
  });
  const doc = fake.openDocument('/ex/mnist_cnn.py', readExample('mnist_cnn.py'));
  assert.deepEqual(await p().provideCodeLenses(doc, fake.token), []);
  assert.deepEqual(await p().provideInlayHints(doc, new fake.Range(0, 0, 30, 0), fake.token), []);
  assert.equal(await p().provideHover(doc, new fake.Position(22, 14), fake.token), undefined);
  assert.deepEqual(
    await p().provideCodeActions(
      doc,
      new fake.Range(11, 0, 11, 0),
      { diagnostics: [] },
      fake.token,
    ),
    [],
  );
  assert.ok(logLines.some((l) => l.startsWith('debug') && l.includes('engine exploded')));
  assert.ok(!logLines.some((l) => l.startsWith('error') || l.startsWith('warn')));
});

test('an invalid tensorLens.defaultInput is reported once and not used', async () => {
  const seen: unknown[] = [];
  const { result } = mnistCnnResult();
  setup({
    analyzer: async (_s, _f, d) => {
      seen.push(d);
      return result;
    },
  });
  fake.state.config.set('tensorLens.defaultInput', '1, x y');
  const doc = fake.openDocument('/ex/mnist_cnn.py', readExample('mnist_cnn.py'));
  await p().provideCodeLenses(doc, fake.token);
  assert.deepEqual(seen, [undefined]);
  assert.equal(logLines.filter((l) => l.startsWith('warn')).length, 1);
  fake.state.config.set('tensorLens.defaultInput', '2, 1, 28, 28');
  fake.state.onConfig.fire({
    affectsConfiguration: (s) => s === 'tensorLens.defaultInput' || s === 'tensorLens',
  });
  await p().provideCodeLenses(doc, fake.token);
  assert.deepEqual(seen[seen.length - 1], [[2, 1, 28, 28]]);
});

test('a file over 2,000 lines is analysed by the worker analyzer, small ones in-process', async () => {
  const sent: number[] = [];
  setup({
    workerAnalyzer: async (source) => {
      sent.push(source.split('\n').length);
      return { file: 'big.py', models: [], diagnostics: [] };
    },
  });
  const small = fake.openDocument('/ex/mnist_cnn.py', readExample('mnist_cnn.py'));
  assert.equal((await p().provideCodeLenses(small, fake.token)).length, 3);
  const big = fake.openDocument('/ex/big.py', readExample('mnist_cnn.py') + '\n#'.repeat(2100));
  await p().provideCodeLenses(big, fake.token);
  assert.deepEqual(sent, [big.lineCount]);
});

test('definitions: the hint at the end of `self.conv1 = nn.Conv2d(...)`, the hover lists its call', async () => {
  const doc = fake.openDocument('/ex/mnist_basic.py', readExample('mnist_basic.py'));
  const line =
    doc
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('self.conv1 = nn.Conv2d')) + 1;
  const hints = await p().provideInlayHints(
    doc,
    new fake.Range(line - 1, 0, line - 1, 0),
    fake.token,
  );
  assert.deepEqual(
    hints.map((h) => [h.label, h.position.line, h.position.character]),
    [['→ (64, 10, 28, 28)', line - 1, doc.lineAt(line - 1).text.length]],
  );
  assert.match(
    String(hints[0].tooltip),
    /conv1 \(Conv2d\) at line 21: \(64, 1, 28, 28\) → \(64, 10, 28, 28\)/,
  );
  const ch = doc.lineAt(line - 1).text.indexOf('nn.Conv2d') + 4;
  const hover = await p().provideHover(doc, new fake.Position(line - 1, ch), fake.token);
  const md = hover?.contents.value ?? '';
  assert.match(md, /\*\*conv1\*\* · `nn\.Conv2d` — defined here/);
  assert.match(md, /Called once:\n\n- line 21: `\(64, 1, 28, 28\)` → `\(64, 10, 28, 28\)`/);
  assert.match(md, /260 params/); // Conv2d(1, 10, 5): 10·1·5·5 + 10
  // On the assigned name, left of the constructor, too.
  const onName = await p().provideHover(doc, new fake.Position(line - 1, 14), fake.token);
  assert.match(onName?.contents.value ?? '', /Called once/);
  fake.state.config.set('tensorLens.codeLens.layers', true);
  const lenses = await p().provideCodeLenses(doc, fake.token);
  assert.ok(lenses.some((l) => l.command?.title === 'conv1 → (64, 10, 28, 28)'));
});
