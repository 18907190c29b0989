// The handlers of tensorLens.showSummary, tensorLens.setInputShape and tensorLens.trainModel
// (registered with the others by src/commands.ts).
// Each takes optional (uri, modelName) arguments, as the CodeLenses pass them; without them they
// act on the model under the cursor of the active Python editor.
import * as vscode from 'vscode';
import type { AnalysisResult, ModelResult } from '../shapes/types';
import type { CommandTable } from '../commands';
import { errorText } from '../common/errors';
import {
  formatInputShapes,
  inputCommentEdit,
  parseInputShapes,
  suggestInput,
  validateInputShape,
} from './inputComment';
import { modelAtLine, modelByName } from './positions';
import {
  analysisOf,
  defaultInput,
  documentLines,
  isPython,
  toVsRange,
  type EditorState,
} from './shared';

interface Target {
  doc: vscode.TextDocument;
  result: AnalysisResult;
  /** undefined when the file has no model, or the user dismissed the pick. */
  model: ModelResult | undefined;
  /** True when several models were offered and the user dismissed the pick. */
  dismissed: boolean;
}

async function documentFor(arg: unknown): Promise<vscode.TextDocument | undefined> {
  // A Uri from a CodeLens; a string from a keybinding or another extension: a URI, or a plain path.
  const uri =
    arg instanceof vscode.Uri
      ? arg
      : typeof arg === 'string' && /^[A-Za-z][\w+.-]+:\/\//.test(arg)
        ? vscode.Uri.parse(arg)
        : typeof arg === 'string' && arg !== ''
          ? vscode.Uri.file(arg)
          : undefined;
  if (uri) {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    return open ?? (await vscode.workspace.openTextDocument(uri));
  }
  const active = vscode.window.activeTextEditor?.document;
  return isPython(active) ? active : undefined;
}

/** Resolve the document and model a command acts on: argument, else cursor, else the only model, else ask. */
async function resolveTarget(
  state: EditorState,
  uriArg: unknown,
  nameArg: unknown,
  purpose: string,
): Promise<Target | undefined> {
  const doc = await documentFor(uriArg);
  if (!doc) return undefined;
  const result = await analysisOf(state, doc);
  if (!result) return undefined;
  const name = typeof nameArg === 'string' ? nameArg : undefined;
  let model = modelByName(result, name);
  if (!model) {
    const editor = vscode.window.activeTextEditor;
    if (editor && editor.document === doc)
      model = modelAtLine(result, documentLines(doc), editor.selection.active.line + 1);
  }
  if (!model && result.models.length === 1) model = result.models[0];
  if (!model && result.models.length > 1) {
    const pick = await vscode.window.showQuickPick(
      result.models.map((m) => ({ label: m.name, description: `line ${m.line}`, model: m })),
      { placeHolder: `Which model ${purpose}?` },
    );
    if (!pick) return { doc, result, model: undefined, dismissed: true };
    model = pick.model;
  }
  return { doc, result, model, dismissed: false };
}

function fileOf(doc: vscode.TextDocument): string {
  return doc.uri.scheme === 'file' ? doc.fileName : doc.uri.toString();
}

export type EditorCommands = Pick<
  CommandTable,
  'tensorLens.showSummary' | 'tensorLens.trainModel' | 'tensorLens.setInputShape'
>;

export function editorCommands(state: EditorState): EditorCommands {
  const guard =
    (name: string, fn: (...args: unknown[]) => Promise<void>) =>
    async (...args: unknown[]): Promise<void> => {
      try {
        await fn(...args);
      } catch (e) {
        state.log.error(`${name} failed: ${errorText(e)}`);
        void vscode.window.showErrorMessage(`Tensor Lens: ${errorText(e)}`);
      }
    };

  return {
    'tensorLens.showSummary': guard('showSummary', async (uri?: unknown, name?: unknown) => {
      const t = await resolveTarget(state, uri, name, 'to summarise');
      if (!t) {
        void vscode.window.showInformationMessage(
          'Tensor Lens: open a Python file with a PyTorch model to see its summary.',
        );
        return;
      }
      if (t.dismissed) return;
      state.services.showSummary(t.model ?? null, fileOf(t.doc));
    }),

    'tensorLens.trainModel': guard('trainModel', async (uri?: unknown, name?: unknown) => {
      const t = await resolveTarget(state, uri, name, 'to train');
      if (!t) {
        void vscode.window.showInformationMessage(
          'Tensor Lens: open a Python file with a PyTorch model to train it.',
        );
        return;
      }
      if (t.dismissed) return;
      state.services.trainModel(t.doc, t.model?.name);
    }),

    'tensorLens.setInputShape': guard('setInputShape', async (uri?: unknown, name?: unknown) => {
      const t = await resolveTarget(state, uri, name, 'gets the input shape');
      if (!t || t.dismissed) {
        if (!t)
          void vscode.window.showInformationMessage(
            'Tensor Lens: open a Python file with a PyTorch model first.',
          );
        return;
      }
      if (!t.model) {
        void vscode.window.showInformationMessage(
          'Tensor Lens: no PyTorch model (nn.Module class or nn.Sequential) found in this file.',
        );
        return;
      }
      const model = t.model;
      const suggestion = suggestInput(model, defaultInput(state.log));
      const current = model.inputSource === 'symbolic' ? suggestion.shapes : model.input;
      const text = await vscode.window.showInputBox({
        title: `Input shape of ${model.name}`,
        prompt:
          'Batch first, e.g. 1, 1, 28, 28 — names such as B or H stay symbolic; several inputs: (1, 300), (1, 300)',
        value: formatInputShapes(current),
        validateInput: validateInputShape,
      });
      if (text === undefined) return;
      const parsed = parseInputShapes(text);
      if (!parsed.ok) return;
      // The text may have changed while the box was open: find the model again in the current version.
      const fresh = await analysisOf(state, t.doc);
      const target = (fresh && modelByName(fresh, model.name)) ?? model;
      const edit = inputCommentEdit(documentLines(t.doc), target, parsed.shapes);
      const we = new vscode.WorkspaceEdit();
      we.replace(t.doc.uri, toVsRange(t.doc, edit.range), edit.newText);
      await vscode.workspace.applyEdit(we);
    }),
  };
}
