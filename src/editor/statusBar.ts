// Status bar item while a Python file with models is active: "N models · M shape errors"; a click
// opens the summary of the model under the cursor.
import * as vscode from 'vscode';
import { statusText } from './format';
import { analysisOf, isPython, type EditorState } from './shared';

export class ShapeStatusBar implements vscode.Disposable {
  private shownKey: string | undefined;
  private readonly item = vscode.window.createStatusBarItem(
    'tensorLens.shapes',
    vscode.StatusBarAlignment.Right,
    100,
  );

  constructor(private readonly state: EditorState) {
    this.item.name = 'Tensor Lens shapes';
    this.item.command = 'tensorLens.showSummary';
  }

  /** Show the active editor's last finished analysis (no new analysis is started for it). */
  update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    if (!isPython(doc)) {
      this.shownKey = undefined;
      this.item.hide();
      return;
    }
    const result = this.state.cache.peek({ key: doc.uri.toString(), version: doc.version });
    if (!result) {
      // While a newer version of the same file is analysed, keep its previous counts instead of
      // flickering; another file's counts must go. The cache listener calls update() again.
      if (this.shownKey !== doc.uri.toString()) this.item.hide();
      void analysisOf(this.state, doc);
      return;
    }
    this.shownKey = doc.uri.toString();
    const status = statusText(result);
    if (!status) {
      this.item.hide();
      return;
    }
    this.item.text = status.text;
    this.item.tooltip = status.tooltip;
    this.item.backgroundColor =
      status.errors > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
