// The command table in src/commands.ts against package.json (rust-analyzer's editors/code checks its
// commands the same way): every contributed command has a handler, and every handler is contributed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installFakeVscode, uninstallFakeVscode } from '../support/vscode';

interface Pkg {
  contributes: { commands: { command: string }[]; menus: Record<string, { command: string }[]> };
}
const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as Pkg;

test('the command table and contributes.commands name the same commands; menus name only those', () => {
  installFakeVscode();
  try {
    const { COMMAND_IDS } = require('../../src/commands') as typeof import('../../src/commands');
    const contributed = pkg.contributes.commands.map((c) => c.command);
    assert.deepEqual([...COMMAND_IDS].sort(), [...contributed].sort());
    for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
      for (const item of items)
        assert.ok(
          (COMMAND_IDS as readonly string[]).includes(item.command),
          `${menu} names ${item.command}, which has no handler`,
        );
    }
  } finally {
    uninstallFakeVscode();
  }
});
