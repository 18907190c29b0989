// The one stand-in for the `vscode` module in the unit tests and benches: just enough of the API the
// extension uses, typed, so that activation, the editor adapters and the panel host run under Node.
// It records what is registered (`state`, and `state.calls` in order) and lets a test open, edit and
// close documents, answer dialogs and see messages. It is not VS Code: the end-to-end tests check the
// real thing.
import Module from 'node:module';
import { join } from 'node:path';

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {
    if (line < 0 || character < 0) throw new Error(`Illegal position ${line}:${character}`);
  }
  translate(dl = 0, dc = 0): Position {
    return new Position(this.line + dl, this.character + dc);
  }
  isEqual(o: Position): boolean {
    return o.line === this.line && o.character === this.character;
  }
  isBefore(o: Position): boolean {
    return this.line < o.line || (this.line === o.line && this.character < o.character);
  }
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: number | Position, b: number | Position, c?: number, d?: number) {
    this.start = typeof a === 'number' ? new Position(a, b as number) : a;
    this.end = typeof a === 'number' ? new Position(c as number, d as number) : (b as Position);
    if (this.end.isBefore(this.start)) throw new Error('Illegal range: end before start');
  }
  isEqual(o: Range): boolean {
    return this.start.isEqual(o.start) && this.end.isEqual(o.end);
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static joinPath(u: Uri, ...parts: string[]): Uri {
    return new Uri(u.scheme, join(u.path, ...parts));
  }
  static parse(s: string): Uri {
    const m = /^(\w+):\/\/(.*)$/.exec(s);
    return m ? new Uri(m[1], m[2]) : new Uri('file', s);
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

type Listener<T> = (e: T) => void;
export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  fired = 0;
  readonly event = (l: Listener<T>) => {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  };
  fire(e: T): void {
    this.fired++;
    for (const l of this.listeners) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class MarkdownString {
  isTrusted = false;
  supportHtml = false;
  constructor(readonly value: string) {}
}
export class Hover {
  constructor(
    readonly contents: MarkdownString,
    readonly range?: Range,
  ) {}
}
export interface Command {
  title: string;
  command: string;
  tooltip?: string;
  arguments?: unknown[];
}
export class CodeLens {
  constructor(
    readonly range: Range,
    readonly command?: Command,
  ) {}
}
export class InlayHint {
  paddingLeft?: boolean;
  tooltip?: string;
  constructor(
    readonly position: Position,
    readonly label: string,
  ) {}
}
/** @public (all members, as in vscode) */
export enum DiagnosticSeverity {
  Error = 0,
  Warning = 1,
  Information = 2,
  Hint = 3,
}
export class Diagnostic {
  source?: string;
  code?: string;
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity: DiagnosticSeverity,
  ) {}
}
export class CodeActionKind {
  static readonly QuickFix = new CodeActionKind('quickfix');
  constructor(readonly value: string) {}
  intersects(o: CodeActionKind): boolean {
    return o.value.startsWith(this.value) || this.value.startsWith(o.value);
  }
}
export class WorkspaceEdit {
  readonly edits: { uri: Uri; range: Range; newText: string }[] = [];
  replace(uri: Uri, range: Range, newText: string): void {
    this.edits.push({ uri, range, newText });
  }
}
export class CodeAction {
  edit?: WorkspaceEdit;
  isPreferred?: boolean;
  diagnostics?: Diagnostic[];
  constructor(
    readonly title: string,
    readonly kind: CodeActionKind,
  ) {}
}
export class ThemeColor {
  constructor(readonly id: string) {}
}
export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}
export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}
export enum ViewColumn {
  Active = -1,
  Beside = -2,
}

export class FakeDocument {
  version = 1;
  isClosed = false;
  private lines: string[];
  constructor(
    readonly uri: Uri,
    text: string,
    readonly languageId = 'python',
  ) {
    this.lines = text.split('\n');
  }
  get fileName(): string {
    return this.uri.fsPath;
  }
  get lineCount(): number {
    return this.lines.length;
  }
  lineAt(i: number): { text: string; range: Range } {
    const text = this.lines[i];
    if (text === undefined) throw new Error(`Illegal line ${i}`);
    return { text, range: new Range(i, 0, i, text.length) };
  }
  getText(range?: Range): string {
    if (!range) return this.lines.join('\n');
    const all = this.lines.join('\n');
    return all.slice(this.offsetAt(range.start), this.offsetAt(range.end));
  }
  offsetAt(p: Position): number {
    let o = 0;
    for (let i = 0; i < p.line; i++) o += this.lines[i].length + 1;
    return o + p.character;
  }
  getWordRangeAtPosition(p: Position, re: RegExp): Range | undefined {
    const text = this.lines[p.line] ?? '';
    const g = new RegExp(re.source, 'g');
    for (let m = g.exec(text); m; m = g.exec(text)) {
      if (m.index <= p.character && p.character <= m.index + m[0].length)
        return new Range(p.line, m.index, p.line, m.index + m[0].length);
    }
    return undefined;
  }
  validateRange(r: Range): Range {
    const clamp = (p: Position) => {
      const line = Math.min(p.line, this.lines.length - 1);
      return new Position(line, Math.min(p.character, this.lines[line].length));
    };
    return new Range(clamp(r.start), clamp(r.end));
  }
  /** Apply an edit like VS Code: new version number. */
  apply(range: Range, newText: string): void {
    const all = this.lines.join('\n');
    const text =
      all.slice(0, this.offsetAt(range.start)) + newText + all.slice(this.offsetAt(range.end));
    this.lines = text.split('\n');
    this.version++;
  }
}

type Provider = unknown;
interface ViewProvider {
  resolveWebviewView(v: unknown): void;
}

/** Everything the fake records; reset per test with `reset()`. */
export const state = {
  codeLens: [] as Provider[],
  inlay: [] as Provider[],
  hover: [] as Provider[],
  codeActions: [] as Provider[],
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  collections: [] as { name: string; entries: Map<string, Diagnostic[]> }[],
  statusItems: [] as { text: string; tooltip?: string; visible: boolean; command?: string }[],
  messages: [] as string[],
  config: new Map<string, unknown>(),
  documents: [] as FakeDocument[],
  activeEditor: undefined as
    { document: FakeDocument; selection: { active: Position } } | undefined,
  inputBox: undefined as
    | ((opts: {
        value?: string;
        validateInput?: (v: string) => string | undefined;
      }) => string | undefined)
    | undefined,
  quickPick: undefined as
    ((items: { label: string }[]) => { label: string } | undefined) | undefined,
  onOpen: new EventEmitter<FakeDocument>(),
  onChange: new EventEmitter<{ document: FakeDocument; contentChanges: unknown[] }>(),
  onClose: new EventEmitter<FakeDocument>(),
  onActive: new EventEmitter<unknown>(),
  onConfig: new EventEmitter<{ affectsConfiguration(s: string): boolean }>(),
  /** Every registration and output channel, in order: `vscode.commands.registerCommand(id)`. */
  calls: [] as string[],
  /** The webview view provider the panel registered. */
  viewProvider: undefined as ViewProvider | undefined,
  /** What the save dialog answers. */
  saveTo: undefined as Uri | undefined,
  written: [] as { path: string; bytes: Uint8Array }[],
  errors: [] as string[],
  infos: [] as string[],
  warnings: [] as string[],
  /** Commands run through executeCommand. */
  executed: [] as string[],
  /** The cancel buttons of the progress notifications shown so far. */
  progressCancel: [] as (() => void)[],
  workspaceFolders: undefined as { uri: Uri }[] | undefined,
  /** Documents shown through window.showTextDocument, with the selection's line (0-based). */
  shown: [] as { uri: string; line: number }[],
};

export function reset(): void {
  state.codeLens = [];
  state.inlay = [];
  state.hover = [];
  state.codeActions = [];
  state.commands.clear();
  state.collections = [];
  state.statusItems = [];
  state.messages = [];
  state.config.clear();
  state.documents = [];
  state.activeEditor = undefined;
  state.inputBox = undefined;
  state.quickPick = undefined;
  state.onOpen = new EventEmitter();
  state.onChange = new EventEmitter();
  state.onClose = new EventEmitter();
  state.onActive = new EventEmitter();
  state.onConfig = new EventEmitter();
  state.calls = [];
  state.viewProvider = undefined;
  state.saveTo = undefined;
  state.written = [];
  state.errors = [];
  state.infos = [];
  state.warnings = [];
  state.executed = [];
  state.progressCancel = [];
  state.workspaceFolders = undefined;
  state.shown = [];
}

const record = (what: string) => {
  state.calls.push(what);
  return { dispose: () => undefined };
};

const reg = (list: Provider[], p: Provider) => {
  list.push(p);
  return { dispose: () => undefined };
};

export const languages = {
  registerCodeLensProvider: (_s: unknown, p: Provider) => reg(state.codeLens, p),
  registerInlayHintsProvider: (_s: unknown, p: Provider) => reg(state.inlay, p),
  registerHoverProvider: (_s: unknown, p: Provider) => reg(state.hover, p),
  registerCodeActionsProvider: (_s: unknown, p: Provider) => reg(state.codeActions, p),
  createDiagnosticCollection: (name: string) => {
    const entries = new Map<string, Diagnostic[]>();
    state.collections.push({ name, entries });
    return {
      set: (u: Uri, d: Diagnostic[]) => entries.set(u.toString(), d),
      delete: (u: Uri) => entries.delete(u.toString()),
      dispose: () => entries.clear(),
    };
  },
};

const logChannel = () => ({
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  dispose() {},
});

export enum ViewColumn {
  One = 1,
}

export const window = {
  showTextDocument: async (d: FakeDocument, o?: { selection?: Range }) => {
    state.shown.push({ uri: d.uri.toString(), line: o?.selection?.start.line ?? 0 });
    return { document: d };
  },
  get activeTextEditor() {
    return state.activeEditor;
  },
  createOutputChannel: (name: string) => {
    record(`vscode.window.createOutputChannel(${name})`);
    return logChannel();
  },
  registerWebviewViewProvider: (id: string, p: ViewProvider) => {
    state.viewProvider = p;
    return record(`vscode.window.registerWebviewViewProvider(${id})`);
  },
  registerWebviewPanelSerializer: (viewType: string) =>
    record(`vscode.window.registerWebviewPanelSerializer(${viewType})`),
  createWebviewPanel: (): never => {
    throw new Error('the stand-in has no editor panels');
  },
  withProgress: async <T>(
    _o: unknown,
    task: (
      p: { report(): void },
      t: { onCancellationRequested(cb: () => void): void },
    ) => Promise<T>,
  ): Promise<T> =>
    task({ report() {} }, { onCancellationRequested: (cb) => void state.progressCancel.push(cb) }),
  showWarningMessage: async (m: string) => {
    state.warnings.push(m);
    return undefined;
  },
  showSaveDialog: async () => state.saveTo,
  createStatusBarItem: () => {
    const item = {
      text: '',
      tooltip: undefined as string | undefined,
      visible: false,
      command: undefined as string | undefined,
      name: '',
      backgroundColor: undefined as unknown,
      show() {
        item.visible = true;
      },
      hide() {
        item.visible = false;
      },
      dispose() {
        item.visible = false;
      },
    };
    state.statusItems.push(item);
    return item;
  },
  showInformationMessage: async (m: string) => {
    state.messages.push(m);
    state.infos.push(m);
    return undefined;
  },
  showErrorMessage: async (m: string) => {
    state.messages.push('error: ' + m);
    state.errors.push(m);
    return undefined;
  },
  showInputBox: async (opts: {
    value?: string;
    validateInput?: (v: string) => string | undefined;
  }) => state.inputBox?.(opts),
  showQuickPick: async (items: { label: string }[]) => state.quickPick?.(items),
  onDidChangeActiveTextEditor: (l: Listener<unknown>) => state.onActive.event(l),
};

export const workspace = {
  get textDocuments() {
    return state.documents.filter((d) => !d.isClosed);
  },
  getConfiguration: (section: string) => ({
    get: <T>(key: string, def?: T): T | undefined =>
      state.config.has(`${section}.${key}`) ? (state.config.get(`${section}.${key}`) as T) : def,
  }),
  get workspaceFolders() {
    return state.workspaceFolders;
  },
  isTrusted: true,
  fs: {
    writeFile: async (u: Uri, bytes: Uint8Array) =>
      void state.written.push({ path: u.fsPath, bytes }),
  },
  asRelativePath: (p: string) => p,
  onDidOpenTextDocument: (l: Listener<FakeDocument>) => state.onOpen.event(l),
  onDidChangeTextDocument: (l: Listener<{ document: FakeDocument; contentChanges: unknown[] }>) =>
    state.onChange.event(l),
  onDidCloseTextDocument: (l: Listener<FakeDocument>) => state.onClose.event(l),
  onDidChangeConfiguration: (l: Listener<{ affectsConfiguration(s: string): boolean }>) =>
    state.onConfig.event(l),
  // Never fired here: the editor listens to refresh the importers of a changed file.
  onDidChangeWorkspaceFolders: (l: Listener<unknown>) => new EventEmitter<unknown>().event(l),
  onDidGrantWorkspaceTrust: (l: Listener<unknown>) => new EventEmitter<unknown>().event(l),
  createFileSystemWatcher: () => {
    const e = new EventEmitter<Uri>();
    return {
      onDidChange: (l: Listener<Uri>) => e.event(l),
      onDidCreate: (l: Listener<Uri>) => e.event(l),
      onDidDelete: (l: Listener<Uri>) => e.event(l),
      dispose: () => undefined,
    };
  },
  openTextDocument: async (uri: Uri) => {
    const d = state.documents.find((x) => x.uri.toString() === uri.toString());
    if (!d) throw new Error('not found');
    return d;
  },
  applyEdit: async (we: WorkspaceEdit) => {
    for (const e of we.edits) {
      const d = state.documents.find((x) => x.uri.toString() === e.uri.toString());
      if (!d) return false;
      d.apply(e.range, e.newText);
      state.onChange.fire({ document: d, contentChanges: [e] });
    }
    return true;
  },
};

/** No other extension is installed (the Python extension's interpreter is not asked). */
export const extensions = {
  getExtension: (): undefined => undefined,
};

export const commands = {
  registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
    state.commands.set(id, fn);
    record(`vscode.commands.registerCommand(${id})`);
    return { dispose: () => state.commands.delete(id) };
  },
  executeCommand: async (id: string) => void state.executed.push(id),
};

// Test helpers.
export function openDocument(path: string, text: string, active = true): FakeDocument {
  const d = new FakeDocument(Uri.file(path), text);
  state.documents.push(d);
  state.onOpen.fire(d);
  if (active) {
    state.activeEditor = { document: d, selection: { active: new Position(0, 0) } };
    state.onActive.fire(state.activeEditor);
  }
  return d;
}

export function setCursor(line0: number, char0 = 0): void {
  if (state.activeEditor) state.activeEditor.selection = { active: new Position(line0, char0) };
}

export const token = {
  isCancellationRequested: false,
  onCancellationRequested: () => ({ dispose: () => undefined }),
};

/** workspaceState as VS Code keeps it: JSON values that survive a window reload. */
export class FakeMemento {
  readonly data = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const v = this.data.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.data.set(key, JSON.stringify(value));
  }
}

/** An ExtensionContext: the extension at `extensionPath`, global storage in `storagePath`. */
export function createContext(
  extensionPath = '/ext',
  storagePath = '/tmp/tensor-lens-storage',
  workspaceState = new FakeMemento(),
) {
  return {
    extensionUri: Uri.file(extensionPath),
    globalStorageUri: Uri.file(storagePath),
    workspaceState,
    subscriptions: [] as { dispose(): unknown }[],
    extension: { packageJSON: { version: '0.0.0-test' } },
  };
}

const fake = {
  Position,
  Range,
  Uri,
  EventEmitter,
  MarkdownString,
  Hover,
  CodeLens,
  InlayHint,
  DiagnosticSeverity,
  Diagnostic,
  CodeActionKind,
  WorkspaceEdit,
  CodeAction,
  ThemeColor,
  StatusBarAlignment,
  ProgressLocation,
  ViewColumn,
  languages,
  window,
  workspace,
  extensions,
  commands,
};

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Loader };
const originalLoad = loader._load;

/** Make `require('vscode')` return this stand-in (also inside a bundle). Call before loading the code under test. */
export function installFakeVscode(): void {
  loader._load = function (request: string, parent: unknown, isMain: boolean) {
    if (request === 'vscode') return fake;
    return originalLoad.call(this, request, parent, isMain);
  };
}

export function uninstallFakeVscode(): void {
  loader._load = originalLoad;
}
