// One analysis per document version, shared by every provider (CodeLens, inlay hints, hover,
// diagnostics, code actions, status bar, commands). Pure: no `vscode` import, so it is tested with
// fake documents and fake analyzers.
//
// Why a cache and not per-provider analysis: VS Code asks CodeLens, inlay hints, code actions and
// the status bar for the same version within milliseconds of each other; analysing once keeps the
// extension host under its per-keystroke budget.
import { errorText } from '../common/errors';
import type { ModuleHostConfig } from '../pyenv/moduleHost';
import type { AnalysisResult, Shape } from '../shapes/types';

/**
 * Analyses one source text. Resolves with the result; rejects (or resolves late) when `signal` is
 * aborted because a newer version superseded it.
 */
export type Analyzer = (
  source: string,
  file: string,
  defaultInput: Shape[] | undefined,
  signal: AbortSignal,
  /** Where imports are read from (workspace folders, the Python's site folders, unsaved text). */
  modules?: ModuleHostConfig,
) => Promise<AnalysisResult>;

/**
 * An in-process result may say it belongs in the worker: its analysis met work the host thread must
 * not do (reading an installed library), and what that work would have given is unknown in it.
 */
export interface HostResult extends AnalysisResult {
  needsWorker?: string;
}

/** What the cache needs from a `vscode.TextDocument`. */
export interface DocLike {
  /** A stable key: `uri.toString()`. */
  readonly key: string;
  readonly version: number;
  readonly fileName: string;
  readonly lineCount: number;
  getText(): string;
}

export interface CacheLogger {
  debug(message: string): void;
}

export interface CacheOptions {
  /** Analyses on the extension host thread (the engine's synchronous `analyze`). */
  inProcess: Analyzer;
  /** Analyses off the thread (the worker's `analyze` request), used for large or slow files. */
  offThread?: Analyzer;
  /** Takes over routing entirely: every analysis goes through it. */
  override?: Analyzer;
  defaultInput: () => Shape[] | undefined;
  /** Where imports are read from, asked per analysis; without it imports stay external names. */
  modules?: () => ModuleHostConfig | undefined;
  log: CacheLogger;
  /** Files with more lines go off the thread when `offThread` is given. */
  largeLines?: number;
  /**
   * Files with more characters go off the thread when `offThread` is given: parsing is not
   * interruptible, so a few very long lines must not reach the host thread either. Default 200,000.
   */
  largeChars?: number;
  /** A file whose last two in-process analyses took longer goes off the thread when `offThread` is given. */
  slowMs?: number;
  now?: () => number;
  /**
   * A large or slow file analysed in-process (no worker given) waits this long for typing to pause
   * first, so a burst of keystrokes costs one analysis, not one per keystroke. Default 500 ms.
   */
  heavyDelayMs?: number;
}

interface Entry {
  version: number;
  settingsKey: string;
  controller: AbortController;
  promise: Promise<AnalysisResult | undefined>;
  result?: AnalysisResult;
}

export function emptyResult(file: string): AnalysisResult {
  return { file, models: [], diagnostics: [] };
}

export type AnalysisListener = (key: string, version: number, result: AnalysisResult) => void;

export class AnalysisCache {
  private readonly entries = new Map<string, Entry>();
  /** The last two in-process analysis times per document, in ms, newest last. */
  private readonly inProcessMs = new Map<string, number[]>();
  private readonly listeners = new Set<AnalysisListener>();
  private readonly largeLines: number;
  private readonly largeChars: number;
  private readonly slowMs: number;
  private readonly now: () => number;
  /** Number of analyses started, for tests and the debug log. */
  analyses = 0;

  constructor(private readonly opts: CacheOptions) {
    this.largeLines = opts.largeLines ?? 2000;
    this.largeChars = opts.largeChars ?? 200_000;
    this.slowMs = opts.slowMs ?? 15;
    this.now = opts.now ?? (() => performance.now());
  }

  /**
   * The analysis of the document's current version: the same promise for every caller of that
   * version. Resolves with undefined when a newer version superseded it before it finished; never
   * rejects (an engine error is logged at debug level and yields an empty result).
   */
  get(doc: DocLike): Promise<AnalysisResult | undefined> {
    const settingsKey = JSON.stringify(this.opts.defaultInput() ?? null);
    const old = this.entries.get(doc.key);
    if (old && old.version === doc.version && old.settingsKey === settingsKey) return old.promise;
    if (old) old.controller.abort();
    const controller = new AbortController();
    const entry: Entry = {
      version: doc.version,
      settingsKey,
      controller,
      promise: Promise.resolve(undefined),
    };
    this.entries.set(doc.key, entry);
    entry.promise = this.run(doc, controller.signal).then((result) => {
      if (controller.signal.aborted || result === undefined) return undefined;
      entry.result = result;
      for (const l of this.listeners) {
        try {
          l(doc.key, doc.version, result);
        } catch (e) {
          this.opts.log.debug(`analysis listener failed: ${errorText(e)}`);
        }
      }
      return result;
    });
    return entry.promise;
  }

  /** The finished result for exactly this version, if there is one (no analysis started). */
  peek(doc: Pick<DocLike, 'key' | 'version'>): AnalysisResult | undefined {
    const e = this.entries.get(doc.key);
    return e && e.version === doc.version ? e.result : undefined;
  }

  /** The document changed: abort a pending analysis of an older version right away. */
  supersede(key: string, version: number): void {
    const e = this.entries.get(key);
    if (e && e.version !== version && !e.result) e.controller.abort();
  }

  delete(key: string): void {
    const e = this.entries.get(key);
    if (e) e.controller.abort();
    this.entries.delete(key);
    this.inProcessMs.delete(key);
  }

  /** Settings changed: every result is stale. */
  clear(): void {
    for (const e of this.entries.values()) e.controller.abort();
    this.entries.clear();
  }

  onDidAnalyze(listener: AnalysisListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  lastInProcessMs(key: string): number | undefined {
    const ms = this.inProcessMs.get(key);
    return ms ? ms[ms.length - 1] : undefined;
  }

  /** Which analyzer this document goes to now. */
  route(doc: DocLike): 'override' | 'offThread' | 'inProcess' {
    if (this.opts.override) return 'override';
    if (this.opts.offThread && this.isHeavy(doc)) return 'offThread';
    return 'inProcess';
  }

  /** Over the line limit, or its last two in-process analyses were both slow. */
  isHeavy(doc: DocLike): boolean {
    // Two slow analyses in a row, not one: on a busy machine a single GC pause or the engine's
    // first (cold) run would otherwise send a small file to the worker for good.
    const recent = this.inProcessMs.get(doc.key) ?? [];
    const slow = recent.length === 2 && recent.every((ms) => ms > this.slowMs);
    return doc.lineCount > this.largeLines || slow;
  }

  private clean(r: AnalysisResult | undefined | null, file: string): AnalysisResult {
    const out = sanitize(r, file);
    // The engine reports its own failures as an "internal" diagnostic; in the editor those belong in
    // the debug log, not in the user's Problems view.
    const internal = out.diagnostics.filter((d) => d.code === 'internal');
    if (internal.length === 0) return out;
    for (const d of internal) this.opts.log.debug(`engine: ${d.message}`);
    return { ...out, diagnostics: out.diagnostics.filter((d) => d.code !== 'internal') };
  }

  private async run(doc: DocLike, signal: AbortSignal): Promise<AnalysisResult | undefined> {
    // Yield once so that a burst of requests for versions typed in the same tick analyses only the
    // last one (the earlier ones are aborted before they start).
    await Promise.resolve();
    if (signal.aborted) return undefined;
    let route = this.route(doc);
    if (route === 'inProcess' && this.isHeavy(doc)) {
      await new Promise((resolve) => setTimeout(resolve, this.opts.heavyDelayMs ?? 500));
      if (signal.aborted) return undefined;
    }
    const defaultInput = this.opts.defaultInput();
    let source: string;
    try {
      source = doc.getText();
    } catch (e) {
      this.opts.log.debug(`cannot read ${doc.fileName}: ${errorText(e)}`);
      return emptyResult(doc.fileName);
    }
    if (route === 'inProcess' && this.opts.offThread && source.length > this.largeChars)
      route = 'offThread';
    this.analyses++;
    const t0 = this.now();
    try {
      const analyzer =
        route === 'override'
          ? this.opts.override
          : route === 'offThread'
            ? this.opts.offThread
            : this.opts.inProcess;
      const modules = this.opts.modules?.();
      let result: HostResult = await analyzer!(source, doc.fileName, defaultInput, signal, modules);
      const ms = this.now() - t0;
      if (route === 'inProcess')
        this.inProcessMs.set(doc.key, [...(this.inProcessMs.get(doc.key) ?? []), ms].slice(-2));
      if (
        route === 'inProcess' &&
        (result.budgetExceeded || result.needsWorker) &&
        this.opts.offThread &&
        !signal.aborted
      ) {
        // The host's budget (src/editor/engine.ts) cut the analysis short (unknown values), or it
        // needs an installed library: the worker has the engine's full budget and reads libraries.
        // The file counts as slow from now on, so its next versions go straight to the worker.
        this.inProcessMs.set(doc.key, [Infinity, Infinity]);
        this.opts.log.debug(
          result.needsWorker
            ? `analysis of ${doc.fileName} v${doc.version} needs the worker (${result.needsWorker})`
            : `analysis of ${doc.fileName} v${doc.version} reached the host's ${result.budgetExceeded} budget; analysing it in the worker`,
        );
        route = 'offThread';
        result = await this.opts.offThread(source, doc.fileName, defaultInput, signal, modules);
      }
      this.opts.log.debug(
        `analysed ${doc.fileName} v${doc.version} (${doc.lineCount} lines) ${route} in ${ms.toFixed(1)} ms: ` +
          `${result.models.length} models, ${result.diagnostics.length} diagnostics`,
      );
      return signal.aborted ? undefined : this.clean(result, doc.fileName);
    } catch (e) {
      if (signal.aborted) return undefined;
      this.opts.log.debug(
        `analysis of ${doc.fileName} v${doc.version} failed (${route}): ${errorText(e)}`,
      );
      if (route === 'offThread') {
        // The worker may be gone or busy; a slow in-process analysis beats none.
        try {
          const result = await this.opts.inProcess(
            source,
            doc.fileName,
            defaultInput,
            signal,
            this.opts.modules?.(),
          );
          return signal.aborted ? undefined : this.clean(result, doc.fileName);
        } catch (e2) {
          this.opts.log.debug(`in-process fallback failed too: ${errorText(e2)}`);
        }
      }
      return emptyResult(doc.fileName);
    }
  }
}

/** Guard against a partial result from a worker (missing arrays) reaching the providers. */
function sanitize(r: AnalysisResult | undefined | null, file: string): AnalysisResult {
  if (!r || typeof r !== 'object') return emptyResult(file);
  const models = Array.isArray(r.models)
    ? r.models.filter((m) => m && typeof m.name === 'string' && m.range)
    : [];
  for (const m of models) {
    if (!Array.isArray(m.layers)) m.layers = [];
    if (!Array.isArray(m.variables)) m.variables = [];
    if (!Array.isArray(m.input)) m.input = [];
    m.layers = m.layers.filter((l) => l && l.range);
  }
  const diagnostics = Array.isArray(r.diagnostics)
    ? r.diagnostics.filter((d) => d && d.range && typeof d.message === 'string')
    : [];
  const out: AnalysisResult = { file: r.file ?? file, models, diagnostics };
  if (
    r.budgetExceeded === 'steps' ||
    r.budgetExceeded === 'elements' ||
    r.budgetExceeded === 'time'
  )
    out.budgetExceeded = r.budgetExceeded;
  // The files the analysis read: editing one of them redoes this analysis (src/editor/imports.ts).
  if (Array.isArray(r.imported) && r.imported.every((f) => typeof f === 'string'))
    out.imported = r.imported;
  return out;
}
