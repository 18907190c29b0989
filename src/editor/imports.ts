// Where the editor's analyses read imports from: the workspace folders, the Python's site folders
// (tensorLens.pythonPath, else the Python extension's selected interpreter, else python3, asked once
// for its sys.path and never run on the user's code), and the unsaved text of open Python files. Also
// which open documents imported which files, so that editing a file refreshes its importers.
import * as vscode from 'vscode';
import type { ModuleHostConfig, SiteFolders } from '../pyenv/moduleHost';
import { sitePaths } from '../pyenv/sysPath';
import type { AnalysisResult } from '../shapes/types';
import { setting } from './shared';

const ASKING: SiteFolders = { roots: [], error: "the Python's sys.path is still being read" };

/** The Python extension's interpreter for `uri`, when that extension is installed and says so. */
function pythonExtensionInterpreter(uri: vscode.Uri | undefined): string | undefined {
  const ext = vscode.extensions.getExtension('ms-python.python');
  const api: unknown = ext?.isActive ? ext.exports : undefined;
  if (typeof api !== 'object' || api === null) return undefined;
  const settings: unknown = (api as { settings?: unknown }).settings;
  const get: unknown =
    typeof settings === 'object' && settings !== null
      ? (settings as { getExecutionDetails?: unknown }).getExecutionDetails
      : undefined;
  if (typeof get !== 'function') return undefined;
  try {
    const details: unknown = (get as (u?: vscode.Uri) => unknown).call(settings, uri);
    const cmd: unknown =
      typeof details === 'object' && details !== null
        ? (details as { execCommand?: unknown }).execCommand
        : undefined;
    return Array.isArray(cmd) && typeof cmd[0] === 'string' && cmd[0] ? cmd[0] : undefined;
  } catch {
    return undefined;
  }
}

export class ImportContext {
  private site: SiteFolders | undefined;
  private python: string | undefined;
  /** The files each document's last analysis read, by document key. */
  private readonly imported = new Map<string, Set<string>>();

  /** `changed` runs when the site folders become known, so analyses made without them are redone. */
  constructor(private readonly changed: () => void) {}

  /** The Python asked for installed libraries; undefined in an untrusted workspace (nothing is run). */
  private choosePython(): string | undefined {
    if (!vscode.workspace.isTrusted) return undefined;
    const explicit = setting('pythonPath').trim();
    if (explicit) return explicit;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    return pythonExtensionInterpreter(folder) ?? 'python3';
  }

  private library(): SiteFolders {
    const python = this.choosePython();
    if (!python)
      return {
        roots: [],
        error: 'the workspace is not trusted, so no Python is asked where installed libraries are',
      };
    if (python !== this.python) {
      this.python = python;
      this.site = undefined;
      this.needed = false;
    }
    return this.site ?? ASKING;
  }

  /** Whether an analysis missed an import that the site folders may hold: then they are asked for. */
  private needed = false;
  private ask(): void {
    const python = this.python;
    if (this.needed || !python) return;
    this.needed = true;
    void sitePaths(python).then((r) => {
      if (this.python !== python) return;
      this.site = r.error ? { roots: r.roots, error: r.error } : { roots: r.roots };
      this.changed();
    });
  }

  config(): ModuleHostConfig {
    const overlay: Record<string, string> = {};
    for (const doc of vscode.workspace.textDocuments)
      if (doc.isDirty && doc.languageId === 'python' && doc.uri.scheme === 'file')
        overlay[doc.fileName] = doc.getText();
    return {
      roots: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      library: this.library(),
      overlay,
    };
  }

  /** Notes which files a document's analysis read. */
  record(key: string, result: AnalysisResult): void {
    // The Python is asked only once an analysis needed an installed library.
    if (!this.site && !this.needed && JSON.stringify(result).includes(ASKING.error as string))
      this.ask();
    if (result.imported?.length) this.imported.set(key, new Set(result.imported));
    else this.imported.delete(key);
  }

  forget(key: string): void {
    this.imported.delete(key);
  }

  /** The keys of documents whose last analysis read `file`. */
  importersOf(file: string): string[] {
    const f = file.replace(/\\/g, '/');
    const out: string[] = [];
    for (const [key, files] of this.imported) if (files.has(file) || files.has(f)) out.push(key);
    return out;
  }

  /** The Python setting changed, or the trust: ask again. */
  reset(): void {
    this.python = undefined;
    this.site = undefined;
  }
}
