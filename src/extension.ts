// Activation wires the thin adapters together; nothing heavy happens here. tfjs, the samplers and
// big analyses live in the worker, which starts on the first request that needs it.
import * as vscode from 'vscode';
import { EngineClient } from './worker/client';
import { createPanel, type PanelController } from './panel';
import { registerEditorFeatures } from './editor';
import { withPytorchBackend } from './pytorchBackend';
import { registerCommands } from './commands';
import { RunFollowing } from './followRuns';

let client: EngineClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Tensor Lens', { log: true });
  context.subscriptions.push(log);
  client = new EngineClient({
    workerPath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath,
    log,
  });
  const engine = client;
  context.subscriptions.push({ dispose: () => engine.dispose() });

  const panel: PanelController = createPanel(
    context,
    withPytorchBackend(engine, context, log),
    log,
  );
  const editorCommands = registerEditorFeatures(context, {
    log,
    showSummary: (model, file) => {
      panel.showSummary(model, file);
      panel.reveal('summary');
    },
    workerAnalyzer: (source, file, defaultInput, signal, modules) =>
      engine.request('analyze', { source, file, defaultInput, modules }, undefined, signal),
    trainModel: (document, className) =>
      void panel.train({
        kind: 'source',
        file: document.uri.fsPath,
        source: document.getText(),
        className,
      }),
  });

  const following = new RunFollowing(panel, log);
  context.subscriptions.push({ dispose: () => following.stop() });
  registerCommands(context, {
    ...editorCommands,
    'tensorLens.compareMlpCnn': () => panel.compare(),
    'tensorLens.sampleDensity': () => panel.sample(),
    'tensorLens.stopRun': () => {
      panel.stop();
      following.stop();
    },
    'tensorLens.openPanel': () => panel.openEditorPanel(),
    'tensorLens.followRun': (dir) => following.follow(dir),
  });
  log.info(`Tensor Lens ${String(context.extension.packageJSON.version)} activated`);
}

export function deactivate(): void {
  client?.dispose();
  client = undefined;
}
