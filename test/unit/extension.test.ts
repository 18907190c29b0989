// Activates the real bundle (dist/extension.js, built by `npm test` before the unit tests) against a
// stand-in vscode module: every contributed command must be registered, and activation must neither
// load tfjs nor start the worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createContext,
  installFakeVscode,
  reset,
  state,
  uninstallFakeVscode,
} from '../support/vscode';

const root = join(__dirname, '..', '..');
const bundle = join(root, 'dist', 'extension.js');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: {
    commands: { command: string; category: string }[];
    views: Record<string, { id: string }[]>;
  };
};

test('activation registers every contributed command and the panel view, without tfjs or a worker', (t) => {
  if (!existsSync(bundle))
    return t.skip('dist/extension.js is missing: run npm run build (npm test does)');
  reset();
  installFakeVscode();
  try {
    delete require.cache[bundle];
    const ext = require(bundle) as { activate(ctx: unknown): void; deactivate(): void };
    ext.activate(createContext(root));
    for (const c of pkg.contributes.commands) {
      assert.ok(
        state.calls.includes(`vscode.commands.registerCommand(${c.command})`),
        `${c.command} is registered`,
      );
      assert.equal(c.category, 'Tensor Lens');
    }
    for (const v of Object.values(pkg.contributes.views).flat()) {
      assert.ok(
        state.calls.includes(`vscode.window.registerWebviewViewProvider(${v.id})`),
        `${v.id} has a provider`,
      );
    }
    assert.ok(
      state.calls.some((c) => c.startsWith('vscode.window.createOutputChannel(Tensor Lens)')),
      'log channel created',
    );
    assert.ok(
      !Object.keys(require.cache).some((k) => k.includes('@tensorflow')),
      'tfjs not loaded at activation',
    );
    ext.deactivate();
  } finally {
    uninstallFakeVscode();
  }
  assert.doesNotMatch(
    readFileSync(bundle, 'utf8'),
    /registerKernel\(/,
    'no tfjs code in the extension bundle',
  );
});

test('activation events: python files and the views, never *', () => {
  assert.ok(pkg.activationEvents.includes('onLanguage:python'));
  assert.ok(!pkg.activationEvents.includes('*'));
});
