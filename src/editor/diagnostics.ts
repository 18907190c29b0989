// The "Tensor Lens" diagnostic collection: debounced on change (250 ms), the pending analysis of an
// older version aborted as soon as the text changes, cleared when the document closes.
import * as vscode from 'vscode';
import type { AnalysisResult, Severity } from '../shapes/types';
import { errorText } from '../common/errors';
import { analysisOf, isPython, toVsRange, type EditorState } from './shared';

const DEBOUNCE_MS = 250;
const IGNORED_SCHEMES = new Set(['git', 'gitlens', 'output', 'vscode-scm', 'vscode-local-history']);

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  // The engine marks as errors exactly the mismatches PyTorch raises on at run time.
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class ShapeDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('Tensor Lens');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly state: EditorState) {}

  /** Analyse now (open, settings change) or after the debounce (typing). */
  schedule(doc: vscode.TextDocument, delay = DEBOUNCE_MS): void {
    // Old revisions opened by the SCM views (git:…) are not the user's code: no squiggles there.
    if (!isPython(doc) || IGNORED_SCHEMES.has(doc.uri.scheme)) return;
    const key = doc.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.update(doc);
      }, delay),
    );
  }

  async update(doc: vscode.TextDocument): Promise<void> {
    try {
      if (doc.isClosed) return;
      const version = doc.version;
      const result = await analysisOf(this.state, doc);
      // Superseded (a newer version is on its way) or closed meanwhile: keep what is shown.
      if (!result || doc.isClosed || doc.version !== version) return;
      this.collection.set(doc.uri, toDiagnostics(doc, result));
    } catch (e) {
      this.state.log.debug(`diagnostics failed for ${doc.uri.toString()}: ${errorText(e)}`);
    }
  }

  clear(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
    this.collection.delete(doc.uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.collection.dispose();
  }
}

export function toDiagnostics(
  doc: vscode.TextDocument,
  result: AnalysisResult,
): vscode.Diagnostic[] {
  return result.diagnostics.map((d) => {
    const diag = new vscode.Diagnostic(
      toVsRange(doc, d.range),
      d.message,
      SEVERITY[d.severity] ?? vscode.DiagnosticSeverity.Warning,
    );
    diag.source = 'Tensor Lens';
    diag.code = d.code;
    return diag;
  });
}
