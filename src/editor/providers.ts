// CodeLens, inlay hints and hover: thin adapters from the pure texts in format.ts and the
// positions in positions.ts to vscode objects. Every provider catches its own errors (a provider
// that throws shows an error in VS Code's log for every keystroke) and logs them at debug level.
import * as vscode from 'vscode';
import { errorText } from '../common/errors';
import {
  layerFacts,
  layerHoverMarkdown,
  layerLensTitle,
  lineHints,
  lineHintsIn,
  modelHoverMarkdown,
  modelLensTitle,
  modelLensTooltip,
  variableHoverMarkdown,
} from './format';
import {
  definitionHints,
  definitionHintsIn,
  definitionHoverMarkdown,
  definitionsAt,
} from './definitions';
import { endsInComment, layersAt, modelExtent, modelNameAt, variableAt } from './positions';
import { analysisOf, setting, documentLines, toVsRange, type EditorState } from './shared';

export class ShapeCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly state: EditorState) {}

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(
    doc: vscode.TextDocument,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeLens[]> {
    try {
      const modelLenses = setting('codeLens.enabled');
      // Per-layer lenses are opt-in: a lens above every layer line doubles the model's height and
      // shifts the code while typing; inlay hints are the default.
      const layerLenses = setting('codeLens.layers');
      if (!modelLenses && !layerLenses) return [];
      const result = await analysisOf(this.state, doc);
      if (!result || token.isCancellationRequested) return [];
      const lenses: vscode.CodeLens[] = [];
      if (modelLenses) {
        const lines = documentLines(doc);
        for (const model of result.models) {
          const range = toVsRange(doc, model.range);
          const ext = modelExtent(lines, model);
          const errors = result.diagnostics.filter(
            (d) => d.severity === 'error' && d.line >= ext.start && d.line <= ext.end,
          ).length;
          const args = [doc.uri, model.name];
          lenses.push(
            new vscode.CodeLens(range, {
              title: modelLensTitle(model, errors),
              tooltip: modelLensTooltip(model),
              command: 'tensorLens.setInputShape',
              arguments: args,
            }),
            new vscode.CodeLens(range, {
              title: '▶ Train',
              tooltip: `Train ${model.name} on MNIST`,
              command: 'tensorLens.trainModel',
              arguments: args,
            }),
            new vscode.CodeLens(range, {
              title: 'Summary',
              tooltip: `Show the layer table of ${model.name}`,
              command: 'tensorLens.showSummary',
              arguments: args,
            }),
          );
        }
      }
      if (layerLenses) {
        for (const hint of [...lineHints(result), ...definitionHints(result)]) {
          const line = Math.min(hint.line - 1, doc.lineCount - 1);
          lenses.push(
            new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
              title: layerLensTitle(hint),
              tooltip: hint.tooltip,
              command: '',
            }),
          );
        }
      }
      return lenses;
    } catch (e) {
      this.state.log.debug(`CodeLens failed for ${doc.uri.toString()}: ${errorText(e)}`);
      return [];
    }
  }
}

/** Room between a trailing comment and a hint (no-break spaces, which the label keeps). */
const COMMENT_GAP = '\u00a0\u00a0';

export class ShapeInlayHintsProvider implements vscode.InlayHintsProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.changed.event;

  constructor(private readonly state: EditorState) {}

  refresh(): void {
    this.changed.fire();
  }

  async provideInlayHints(
    doc: vscode.TextDocument,
    range: vscode.Range,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlayHint[]> {
    try {
      if (!setting('inlayHints.enabled')) return [];
      const result = await analysisOf(this.state, doc);
      if (!result || token.isCancellationRequested) return [];
      const hints: vscode.InlayHint[] = [];
      // The calls in forward, and the definitions in __init__ as they are called: only the lines
      // asked for are formatted (1-based lines, the range's are 0-based).
      const first = range.start.line + 1;
      const last = range.end.line + 1;
      for (const h of [
        ...lineHintsIn(result, first, last),
        ...definitionHintsIn(result, first, last),
      ]) {
        const line = h.line - 1;
        if (line >= doc.lineCount) continue;
        // At the end of the line, after any trailing comment, so the hint never splits code.
        const { text, range: whole } = doc.lineAt(line);
        const label = endsInComment(text) ? COMMENT_GAP + h.label : h.label;
        const hint = new vscode.InlayHint(whole.end, label);
        hint.paddingLeft = true;
        hint.tooltip = h.tooltip;
        hints.push(hint);
      }
      return hints;
    } catch (e) {
      this.state.log.debug(`inlay hints failed for ${doc.uri.toString()}: ${errorText(e)}`);
      return [];
    }
  }
}

export class ShapeHoverProvider implements vscode.HoverProvider {
  constructor(private readonly state: EditorState) {}

  async provideHover(
    doc: vscode.TextDocument,
    pos: vscode.Position,
    token: vscode.CancellationToken,
  ): Promise<vscode.Hover | undefined> {
    try {
      const result = await analysisOf(this.state, doc);
      if (!result || token.isCancellationRequested || result.models.length === 0) return undefined;
      const line = pos.line + 1;
      const column = pos.character + 1;
      const model = modelNameAt(result, line, column);
      if (model)
        return new vscode.Hover(markdown(modelHoverMarkdown(model)), toVsRange(doc, model.range));
      const word = doc.getWordRangeAtPosition(pos, /[A-Za-z_][A-Za-z0-9_]*/);
      // A variable under the cursor wins over the call around it: in `self.fc1(x)` hovering `x`
      // asks about x, hovering `fc1` about the layer.
      if (word) {
        const name = doc.getText(word);
        const prev =
          word.start.character > 0
            ? doc.getText(new vscode.Range(word.start.translate(0, -1), word.start))
            : '';
        if (prev !== '.') {
          const vars = variableAt(result, documentLines(doc), name, line, word.start.character + 1);
          if (vars.length > 0) return new vscode.Hover(markdown(variableHoverMarkdown(vars)), word);
        }
      }
      const hits = layersAt(result, line, column);
      if (hits.length === 0 || hits[0].atDefinition) {
        const sites = definitionsAt(result, line, column);
        if (sites.length > 0) {
          // A leaf adds its parameters and documentation link; its formulas are at its calls.
          const details = hits.length > 0 ? layerFacts(hits[0].layer) : [];
          return new vscode.Hover(
            markdown([definitionHoverMarkdown(sites), ...details].join('\n\n')),
            toVsRange(doc, sites[0].definition),
          );
        }
      }
      if (hits.length > 0) {
        const r = hits[0].atDefinition ? hits[0].layer.definition : hits[0].layer.range;
        return new vscode.Hover(
          markdown(layerHoverMarkdown(hits)),
          r ? toVsRange(doc, r) : undefined,
        );
      }
      return undefined;
    } catch (e) {
      this.state.log.debug(`hover failed for ${doc.uri.toString()}: ${errorText(e)}`);
      return undefined;
    }
  }
}

function markdown(text: string): vscode.MarkdownString {
  // Untrusted: no command links; the text is built from escaped engine output.
  const md = new vscode.MarkdownString(text);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}
