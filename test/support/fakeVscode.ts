// A stand-in for the `vscode` module, enough to activate the extension outside VS Code (bench and
// smoke tests): every property is a callable, constructible proxy whose calls return more of the same,
// and whatever is registered is recorded so tests can look at it.
import Module from 'node:module';

export interface FakeVscode {
  api: unknown;
  /** A stand-in ExtensionContext. */
  context: unknown;
  calls: string[];
  install(): void;
  uninstall(): void;
}

export function createFakeVscode(): FakeVscode {
  const calls: string[] = [];
  const make = (path: string): unknown => {
    const fn = function () {
      /* placeholder */
    };
    const stored = new Map<PropertyKey, unknown>();
    return new Proxy(fn, {
      set(_t, prop, value) {
        stored.set(prop, value);
        return true;
      },
      get(_t, prop) {
        if (stored.has(prop)) return stored.get(prop);
        if (prop === 'then') return undefined; // not a thenable
        if (prop === Symbol.toPrimitive) return () => path;
        if (prop === 'dispose') return () => undefined;
        if (prop === 'fsPath' || prop === 'path') return '/fake/' + path;
        if (prop === 'packageJSON') return { version: '0.0.0-bench' };
        if (prop === 'subscriptions') {
          const list: unknown[] = [];
          stored.set(prop, list);
          return list;
        }
        return make(`${path}.${String(prop)}`);
      },
      apply(_t, _this, args) {
        calls.push(typeof args[0] === 'string' ? `${path}(${args[0]})` : path);
        if (path.endsWith('getConfiguration')) return { get: (_k: string, d: unknown) => d, has: () => false, update: async () => undefined };
        return make(`${path}()`);
      },
      construct() {
        calls.push('new ' + path);
        return make(`new ${path}`) as object;
      },
    });
  };
  // esbuild's interop copies the module's own property names, so the top level lists the API's names.
  const names = ['window', 'workspace', 'languages', 'commands', 'env', 'extensions', 'l10n', 'Uri', 'Range', 'Position',
    'Selection', 'Location', 'CodeLens', 'CodeAction', 'CodeActionKind', 'Diagnostic', 'DiagnosticSeverity',
    'DiagnosticRelatedInformation', 'Hover', 'MarkdownString', 'InlayHint', 'InlayHintKind', 'InlayHintLabelPart',
    'EventEmitter', 'Disposable', 'StatusBarAlignment', 'ThemeColor', 'ThemeIcon', 'ProgressLocation', 'ViewColumn',
    'WorkspaceEdit', 'TextEdit', 'ConfigurationTarget', 'CancellationTokenSource', 'RelativePattern', 'FileType',
    'EndOfLine', 'SnippetString', 'TextEditorRevealType', 'OverviewRulerLane', 'DecorationRangeBehavior', 'LogLevel'];
  const api: Record<string, unknown> = {};
  for (const n of names) api[n] = make(`vscode.${n}`);
  type Resolver = (request: string, ...rest: unknown[]) => string;
  const mod = Module as unknown as { _resolveFilename: Resolver; _cache: Record<string, unknown> };
  const original = mod._resolveFilename;
  const id = '\0fake-vscode';
  return {
    api,
    context: make('context'),
    calls,
    install() {
      mod._resolveFilename = function (request: string, ...rest: unknown[]) {
        if (request === 'vscode') return id;
        return original.call(this, request, ...rest);
      };
      mod._cache[id] = { id, filename: id, loaded: true, exports: api };
    },
    uninstall() {
      mod._resolveFilename = original;
      delete mod._cache[id];
    },
  };
}
