// Quick fixes: maps the pure QuickFix data from fixes.ts to vscode.CodeAction.
import * as vscode from 'vscode';
import { errorText } from '../common/errors';
import { quickFixes } from './fixes';
import { analysisOf, defaultInput, documentLines, toVsRange, type EditorState } from './shared';

export class ShapeCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
  };

  constructor(private readonly state: EditorState) {}

  async provideCodeActions(
    doc: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeAction[]> {
    try {
      if (context.only && !vscode.CodeActionKind.QuickFix.intersects(context.only)) return [];
      const version = doc.version;
      const result = await analysisOf(this.state, doc);
      if (!result || token.isCancellationRequested || doc.version !== version) return [];
      const fixes = quickFixes(
        result,
        documentLines(doc),
        { line: range.start.line + 1, endLine: range.end.line + 1 },
        defaultInput(this.state.log),
      );
      return fixes.map((f) => {
        const action = new vscode.CodeAction(f.title, vscode.CodeActionKind.QuickFix);
        const edit = new vscode.WorkspaceEdit();
        edit.replace(doc.uri, toVsRange(doc, f.edit.range), f.edit.newText);
        action.edit = edit;
        action.isPreferred = f.isPreferred;
        if (f.diagnostic) {
          const d = f.diagnostic;
          const target = toVsRange(doc, d.range);
          // Link to the squiggle VS Code already shows so "Fix" appears in its hover.
          const match = context.diagnostics.filter(
            (v) => v.source === 'Tensor Lens' && v.code === d.code && v.range.isEqual(target),
          );
          if (match.length > 0) action.diagnostics = match;
        }
        return action;
      });
    } catch (e) {
      this.state.log.debug(`code actions failed for ${doc.uri.toString()}: ${errorText(e)}`);
      return [];
    }
  }
}
