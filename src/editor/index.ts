// Entry point of the editor features: wires the shape engine (src/shapes) into VS Code for Python
// files. src/extension.ts calls registerEditorFeatures once on activation.
import * as vscode from 'vscode';
import { AnalysisCache } from './analysisCache';
import { ShapeCodeActionProvider } from './codeActions';
import { editorCommands, type EditorCommands } from './commands';
import { ShapeDiagnostics } from './diagnostics';
import { inProcessAnalyzer } from './engine';
import { ImportContext } from './imports';
import { ShapeCodeLensProvider, ShapeHoverProvider, ShapeInlayHintsProvider } from './providers';
import { defaultInput, isPython, PYTHON, type EditorServices, type EditorState } from './shared';
import { ShapeStatusBar } from './statusBar';

export type { EditorServices } from './shared';

/**
 * Registers CodeLens, inlay hints, hover, diagnostics, quick fixes and the status bar item (all added
 * to context.subscriptions), and returns the handlers of the editor's commands for src/commands.ts.
 */
export function registerEditorFeatures(
  context: vscode.ExtensionContext,
  services: EditorServices,
): EditorCommands {
  const log = services.log;
  // Analyses made before the Python's site folders were known are redone once they are.
  const imports = new ImportContext(() => refreshAll());
  const cache = new AnalysisCache({
    inProcess: inProcessAnalyzer,
    offThread: services.workerAnalyzer,
    override: services.analyzer,
    defaultInput: () => defaultInput(log),
    modules: () => imports.config(),
    log,
  });
  const state: EditorState = { services, cache, log };

  const codeLens = new ShapeCodeLensProvider(state);
  const inlay = new ShapeInlayHintsProvider(state);
  const diagnostics = new ShapeDiagnostics(state);
  const status = new ShapeStatusBar(state);

  const refreshAll = (): void => {
    cache.clear();
    for (const doc of vscode.workspace.textDocuments) diagnostics.schedule(doc, 0);
    codeLens.refresh();
    inlay.refresh();
    status.update();
  };
  /** Redoes the analyses that read `file` (edited, saved or changed on disk). */
  const refreshImporters = (file: string): void => {
    const keys = imports.importersOf(file);
    if (!keys.length) return;
    for (const key of keys) cache.delete(key);
    for (const doc of vscode.workspace.textDocuments)
      if (keys.includes(doc.uri.toString())) diagnostics.schedule(doc);
    codeLens.refresh();
    inlay.refresh();
  };
  const onAnalyzed = cache.onDidAnalyze((key, _version, result) => {
    imports.record(key, result);
    if (vscode.window.activeTextEditor?.document.uri.toString() === key) status.update();
  });
  const pyWatcher = vscode.workspace.createFileSystemWatcher('**/*.py');

  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider(PYTHON, codeLens),
    vscode.languages.registerInlayHintsProvider(PYTHON, inlay),
    vscode.languages.registerHoverProvider(PYTHON, new ShapeHoverProvider(state)),
    vscode.languages.registerCodeActionsProvider(
      PYTHON,
      new ShapeCodeActionProvider(state),
      ShapeCodeActionProvider.metadata,
    ),
    diagnostics,
    status,
    onAnalyzed,

    vscode.workspace.onDidOpenTextDocument((doc) => diagnostics.schedule(doc, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (!isPython(e.document) || e.contentChanges.length === 0) return;
      // Abort the now-stale analysis right away; the next one waits for a typing pause.
      cache.supersede(e.document.uri.toString(), e.document.version);
      diagnostics.schedule(e.document);
      refreshImporters(e.document.fileName);
    }),
    pyWatcher,
    pyWatcher.onDidChange((uri) => refreshImporters(uri.fsPath)),
    pyWatcher.onDidCreate(() => refreshAll()),
    pyWatcher.onDidDelete((uri) => refreshImporters(uri.fsPath)),
    vscode.workspace.onDidChangeWorkspaceFolders(() => refreshAll()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      imports.reset();
      refreshAll();
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      diagnostics.clear(doc);
      cache.delete(doc.uri.toString());
      imports.forget(doc.uri.toString());
    }),
    vscode.window.onDidChangeActiveTextEditor(() => status.update()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('tensorLens.pythonPath')) imports.reset();
      if (
        e.affectsConfiguration('tensorLens.defaultInput') ||
        e.affectsConfiguration('tensorLens.pythonPath')
      ) {
        refreshAll();
      } else {
        if (e.affectsConfiguration('tensorLens.codeLens')) codeLens.refresh();
        if (e.affectsConfiguration('tensorLens.inlayHints')) inlay.refresh();
      }
    }),
  );

  for (const doc of vscode.workspace.textDocuments) diagnostics.schedule(doc, 0);
  status.update();
  log.debug('Tensor Lens editor features registered');
  return editorCommands(state);
}
