// State shared by the vscode adapters: the analysis cache, settings, and small vscode conversions.
import * as vscode from 'vscode';
import type { AnalysisResult, ModelResult, Shape, SourceRange } from '../shapes/types';
import type { AnalysisCache, Analyzer, DocLike } from './analysisCache';
import { parseDefaultInput } from './inputComment';
import { toRange0 } from './positions';
import { checkSetting, type SettingKey, type Settings } from '../common/settings';

export interface EditorServices {
  log: vscode.LogOutputChannel;
  /** Show the model summary table in the Tensor Lens panel. */
  showSummary(model: ModelResult | null, file: string): void;
  /** Start training this model (class name, or variable name of a Sequential) from this document. */
  trainModel(document: vscode.TextDocument, className: string | undefined): void;
  /**
   * Runs every analysis (the caller routes between in-process and the worker). When omitted the
   * editor routes itself: in-process `analyze()`, or `workerAnalyzer` for large or slow files.
   */
  analyzer?: Analyzer;
  /**
   * The worker's `{ type: 'analyze' }` request. Used for files over 2,000 lines or whose last two
   * in-process analyses both took over 15 ms, so typing never blocks on the engine. Ignored when
   * `analyzer` is given.
   */
  workerAnalyzer?: Analyzer;
}

export const PYTHON: vscode.DocumentSelector = [{ language: 'python' }];

export interface EditorState {
  services: EditorServices;
  cache: AnalysisCache;
  log: vscode.LogOutputChannel;
}

export function isPython(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return doc !== undefined && doc.languageId === 'python';
}

export function docLike(doc: vscode.TextDocument): DocLike {
  return {
    key: doc.uri.toString(),
    version: doc.version,
    fileName: doc.uri.scheme === 'file' ? doc.fileName : doc.uri.toString(),
    lineCount: doc.lineCount,
    getText: () => doc.getText(),
  };
}

export function analysisOf(
  state: EditorState,
  doc: vscode.TextDocument,
): Promise<AnalysisResult | undefined> {
  return state.cache.get(docLike(doc));
}

/** The engine's 1-based range as a vscode.Range, clamped to the document's current text. */
export function toVsRange(doc: vscode.TextDocument, r: SourceRange): vscode.Range {
  const r0 = toRange0(r);
  return doc.validateRange(
    new vscode.Range(r0.start.line, r0.start.character, r0.end.line, r0.end.character),
  );
}

const linesCache = new WeakMap<vscode.TextDocument, { version: number; lines: string[] }>();

/** The document's lines, split once per version: code actions ask on every cursor move. */
export function documentLines(doc: vscode.TextDocument): string[] {
  const hit = linesCache.get(doc);
  if (hit && hit.version === doc.version) return hit.lines;
  const lines: string[] = [];
  for (let i = 0; i < doc.lineCount; i++) lines.push(doc.lineAt(i).text);
  linesCache.set(doc, { version: doc.version, lines });
  return lines;
}

/** One tensorLens setting, typed and checked against its default (src/common/settings.ts). */
export function setting<K extends SettingKey>(key: K): Settings[K] {
  return checkSetting(key, vscode.workspace.getConfiguration('tensorLens').get(key));
}

let lastDefaultInputError: string | undefined;

/** tensorLens.defaultInput parsed; an invalid value is logged once and ignored. */
export function defaultInput(log: vscode.LogOutputChannel): Shape[] | undefined {
  const raw = setting('defaultInput');
  const parsed = parseDefaultInput(raw);
  if (parsed.error && parsed.error !== lastDefaultInputError) {
    log.warn(`tensorLens.defaultInput "${raw}" is not a shape: ${parsed.error}`);
  }
  lastDefaultInputError = parsed.error;
  return parsed.shapes;
}
