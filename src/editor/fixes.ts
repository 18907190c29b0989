// Quick fixes as plain data: the engine's fixes for its diagnostics (a wrong in_features,
// in_channels, num_features replaced by the computed value) and the `# input:` comment above a
// model. Pure: no `vscode` import; src/editor/codeActions.ts maps these to vscode.CodeAction.
import type { AnalysisResult, Shape, ShapeDiagnostic } from '../shapes/types';
import {
  hasInputComment,
  inputCommentEdit,
  inputCommentText,
  suggestInput,
  type TextEdit1,
} from './inputComment';
import { modelExtent } from './positions';

export interface QuickFix {
  title: string;
  edit: TextEdit1;
  isPreferred: boolean;
  /** The diagnostic this fixes, when it fixes one. */
  diagnostic?: ShapeDiagnostic;
}

/** 1-based line span the request covers (a cursor or a selection). */
export interface LineSpan {
  line: number;
  endLine: number;
}

function overlaps(d: ShapeDiagnostic, span: LineSpan): boolean {
  return d.range.line <= span.endLine && d.range.endLine >= span.line;
}

/**
 * Fixes offered for the lines in `span`: every engine fix of a diagnostic on those lines, and, on
 * the first line of a model that has no `# input:` comment yet, one that adds it.
 */
export function quickFixes(
  result: AnalysisResult,
  lines: readonly string[],
  span: LineSpan,
  defaultInput?: Shape[],
): QuickFix[] {
  const fixes: QuickFix[] = [];
  for (const d of result.diagnostics) {
    if (!d.fix || !overlaps(d, span)) continue;
    // The engine only attaches a fix when the computed value is known, so it is unambiguous.
    fixes.push({
      title: d.fix.title,
      edit: { range: d.fix.range, newText: d.fix.newText },
      isPreferred: true,
      diagnostic: d,
    });
  }
  for (const model of result.models) {
    if (hasInputComment(lines, model)) continue;
    const ext = modelExtent(lines, model);
    // Only on the model's header line: offering it on every line inside the class would put a
    // light bulb everywhere the user clicks.
    const onHeader = span.line <= ext.start && span.endLine >= ext.start;
    const related = result.diagnostics.filter(
      (d) =>
        overlaps(d, span) && d.line >= ext.start && d.line <= ext.end && d.code.includes('input'),
    );
    if (!onHeader && related.length === 0) continue;
    const s = suggestInput(model, defaultInput);
    const why =
      s.source === 'inferred'
        ? 'inferred'
        : s.source === 'setting'
          ? 'from tensorLens.defaultInput'
          : s.source === 'first layer'
            ? 'guessed from the first layer'
            : 'example';
    fixes.push({
      title: `Add "${inputCommentText(s.shapes)}" above ${model.name} (${why})`,
      edit: inputCommentEdit(lines, model, s.shapes),
      isPreferred: s.confident && fixes.every((f) => !f.isPreferred),
      diagnostic: related[0],
    });
  }
  return fixes;
}
