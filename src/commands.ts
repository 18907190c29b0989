// Every command the extension contributes, in one typed table registered in one place. The editor
// (src/editor/commands.ts) and the panel (src/panel) supply the handlers; src/extension.ts puts them
// together and calls `registerCommands` once. A test checks this table against package.json.
import * as vscode from 'vscode';

/** Each command and the arguments it is called with (CodeLenses pass a document and a model name). */
export interface CommandArgs {
  'tensorLens.showSummary': [uri?: unknown, model?: unknown];
  'tensorLens.setInputShape': [uri?: unknown, model?: unknown];
  'tensorLens.trainModel': [uri?: unknown, model?: unknown];
  'tensorLens.compareMlpCnn': [];
  'tensorLens.sampleDensity': [];
  'tensorLens.stopRun': [];
  'tensorLens.openPanel': [];
  'tensorLens.followRun': [dir?: unknown];
}

export type CommandId = keyof CommandArgs;
export type CommandTable = { [K in CommandId]: (...args: CommandArgs[K]) => unknown };

// A record, so that a command added to CommandArgs does not compile until it is listed here too.
const ID_SET: Record<CommandId, true> = {
  'tensorLens.showSummary': true,
  'tensorLens.setInputShape': true,
  'tensorLens.trainModel': true,
  'tensorLens.compareMlpCnn': true,
  'tensorLens.sampleDensity': true,
  'tensorLens.stopRun': true,
  'tensorLens.openPanel': true,
  'tensorLens.followRun': true,
};
/** Every command id, for registration and for the test against package.json. */
export const COMMAND_IDS = Object.keys(ID_SET) as CommandId[];

export function registerCommands(context: vscode.ExtensionContext, table: CommandTable): void {
  for (const id of COMMAND_IDS) {
    // VS Code passes whatever the caller gave; each handler checks its own arguments.
    const run = table[id] as (...args: unknown[]) => unknown;
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  }
}
