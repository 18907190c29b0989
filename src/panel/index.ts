// The Tensor Lens panel on the host side. Its pages (pages.ts) show runs the jobs (jobs.ts) start in
// the worker; the store (runStore.ts) keeps them and replays them to a page when it says `ready`, so
// the panel survives hide/show, collapse and window reload. The page's messages come in through the
// router (router.ts); this file wires the parts together and answers the commands.
import * as vscode from 'vscode';
import { statSync } from 'node:fs';
import type { HostToWebview, PanelTab, SaveMime, WebviewDefaults } from '../common/messages';
import { readSettings, type Settings } from '../common/settings';
import { tuningFromSettings, withTuningSettings } from '../common/tuningSettings';
import type { SampleRequestParams } from '../sampling/types';
import type { ModelResult } from '../shapes/types';
import type { ModelSpec, TrainEvent, TrainRequestParams } from '../training/types';
import { decodeSaveFile, resolveDataPath, safeSaveName } from './hostMessages';
import { Jobs, type Engine } from './jobs';
import { errorText } from '../common/errors';
import { Pages } from './pages';
import { route, type Routes } from './router';
import { RunStore } from './runStore';
import { foldScalars, type ScalarSeries } from '../common/scalars';
import { isSummaryPage } from '../common/guards';
import { SummaryState } from './summaryState';

export type { PanelTab } from '../common/messages';

export interface PanelController {
  /** Open the activity-bar view (or the editor panel if it is open) on a tab. */
  reveal(tab?: PanelTab): void;
  /** tensorLens.openPanel */
  openEditorPanel(): void;
  /** tensorLens.compareMlpCnn: train the built-in MLP and CNN with the same seed. */
  compare(opts?: { epochs?: number; limit?: number }): Promise<void>;
  /** tensorLens.trainModel from the editor. */
  train(spec: ModelSpec): Promise<void>;
  /** tensorLens.sampleDensity (asks with an input box when there is no expression). */
  sample(params?: Partial<SampleRequestParams>): Promise<void>;
  /** Updates the Summary tab (does not reveal it; call reveal('summary') for the command). */
  showSummary(model: ModelResult | null, file: string): void;
  /** tensorLens.stopRun */
  stop(): void;
  /** An event of a run followed from files (tensorLens.followRun, already checked): kept and drawn
   * like the panel's own runs. */
  showTrainEvent(e: TrainEvent): void;
  /** TensorBoard scalars of followed runs (appended; `replace` starts over, for a new folder). */
  showScalars(series: ScalarSeries[], replace?: boolean): void;
}

// The Summary in view outlives a window reload (the host restarts then) through workspace state:
// the page as shown, not the model (a 20,000-module model is megabytes).
const SUMMARY_KEY = 'tensorLens.summaryPage';

export function createPanel(
  context: vscode.ExtensionContext,
  client: Engine,
  log: vscode.LogOutputChannel,
): PanelController {
  const store = new RunStore(context.globalStorageUri.fsPath, {}, (m) => log.warn(m));
  // Past runs are read when a page or a run first needs them, not at activation.
  let loading: Promise<void> | undefined;
  const loaded = (): Promise<void> =>
    (loading ??= store.load().catch((e) => log.warn(`could not load past runs: ${errorText(e)}`)));
  // Followed runs' TensorBoard scalars, for pages opened later; not saved (the files are the record).
  const scalars = new Map<string, ScalarSeries>();
  const stored: unknown = context.workspaceState.get(SUMMARY_KEY);
  const summary = new SummaryState(isSummaryPage(stored) ? stored : null);
  // Earlier versions kept the whole model under another key: drop it rather than carry megabytes.
  if (context.workspaceState.get('tensorLens.summary') !== undefined)
    context.workspaceState
      .update('tensorLens.summary', undefined)
      .then(undefined, (e: unknown) => log.warn(`could not drop the old summary: ${errorText(e)}`));
  const keepSummary = (): void => {
    context.workspaceState
      .update(SUMMARY_KEY, summary.page ?? undefined)
      .then(undefined, (e: unknown) => log.warn(`could not keep the summary: ${errorText(e)}`));
  };

  const settings = (): Settings => {
    const c = vscode.workspace.getConfiguration('tensorLens');
    return readSettings((key) => c.get(key));
  };

  function defaults(): WebviewDefaults {
    const s = settings();
    return {
      sampler: s['sampling.sampler'],
      n: s['sampling.draws'],
      chains: s['sampling.chains'],
      seed: s.seed,
      expr: s['sampling.defaultDensity'],
      epochs: s['training.epochs'],
      limit: s['training.limit'],
      ...tuningFromSettings(s),
    };
  }

  function dataPath(configured: string): string {
    const folders = (vscode.workspace.workspaceFolders ?? [])
      .filter((f) => f.uri.scheme === 'file')
      .map((f) => f.uri.fsPath);
    return resolveDataPath(configured, folders, (p) => {
      try {
        return statSync(p).isDirectory();
      } catch {
        return false;
      }
    });
  }

  function trainParams(
    models: ModelSpec[],
    o: { epochs?: number; limit?: number } = {},
  ): TrainRequestParams {
    const s = settings();
    const p: TrainRequestParams = {
      models,
      epochs: Math.max(1, Math.round(o.epochs ?? s['training.epochs'])),
      batchSize: Math.max(1, Math.round(s['training.batchSize'])),
      limit: Math.max(0, Math.round(o.limit ?? s['training.limit'])),
      dataPath: dataPath(s.dataPath),
      seed: s.seed,
      // 'pytorch' is decided around the worker (src/pytorchBackend.ts reads the setting itself); a run
      // that stays on tfjs picks its tfjs backend as auto does.
      backend: s.backend === 'pytorch' ? 'auto' : s.backend,
      runId: `train-${Date.now().toString(36)}`,
      threads: Math.max(0, Math.round(s['training.threads'])),
      // The Evaluation view draws the most confident mistakes.
      evalImages: true,
    };
    // Loading native code from a folder the workspace names needs trust (restrictedConfigurations
    // already hides workspace values in untrusted workspaces; this also covers the user value).
    if (s.tfjsNodePath && vscode.workspace.isTrusted) p.tfjsNodePath = s.tfjsNodePath;
    return p;
  }

  const pages: Pages = new Pages(context, log, {
    prepare: loaded,
    initMessages(): HostToWebview[] {
      return [
        {
          type: 'init',
          runs: store.runs(),
          samples: store.samples(),
          summary: summary.page,
          defaults: defaults(),
        },
        // A run still going gets its progress line back (its curves are in its record above).
        ...store
          .liveProgress()
          .map((progress): HostToWebview => ({ type: 'trainProgress', progress })),
        // Jobs still queued or running get their cards back.
        ...jobs.liveSamples(),
        ...(scalars.size
          ? [
              {
                type: 'scalars',
                series: [...scalars.values()],
                replace: true,
              } satisfies HostToWebview,
            ]
          : []),
      ];
    },
    onMessage: (page, raw) => route(routes, page, raw, (m) => log.warn(m)),
  });
  const jobs = new Jobs(client, store, pages, log, loaded);

  /** The save dialog, opening in the first workspace folder with the suggested name. */
  function askSaveUri(
    fileName: string,
    filters: Record<string, string[]>,
    saveLabel: string,
  ): Thenable<vscode.Uri | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    return vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
      filters,
      saveLabel,
    });
  }

  async function writeChosen(uri: vscode.Uri, bytes: Uint8Array): Promise<boolean> {
    try {
      await vscode.workspace.fs.writeFile(uri, bytes);
      log.info(`saved ${uri.fsPath || uri.toString()}`);
      return true;
    } catch (e) {
      void vscode.window.showErrorMessage(
        `Tensor Lens: could not save ${uri.fsPath}: ${errorText(e)}`,
      );
      return false;
    }
  }

  async function saveFile(name: string, mime: SaveMime, data: string): Promise<void> {
    const bytes = decodeSaveFile(mime, data);
    if (typeof bytes === 'string') {
      log.warn(`save: ${bytes}`);
      void vscode.window.showErrorMessage(`Tensor Lens: could not save: ${bytes}`);
      return;
    }
    const uri = await askSaveUri(
      safeSaveName(name, mime),
      mime === 'text/csv'
        ? { CSV: ['csv'] }
        : mime === 'image/png'
          ? { 'PNG image': ['png'] }
          : { 'SVG image': ['svg'] },
      'Save',
    );
    if (uri) await writeChosen(uri, bytes);
  }

  /** A training run as CSV, built by the store once the user has chosen where (a live run: so far). */
  async function saveRunCsv(runId: string): Promise<void> {
    await loaded();
    const gone = (): void =>
      void vscode.window.showErrorMessage(
        'Tensor Lens: that training run is no longer stored, so there is nothing to save.',
      );
    if (!store.runs().some((r) => r.runId === runId)) return gone();
    const uri = await askSaveUri(
      safeSaveName(`run-${runId}.csv`, 'text/csv'),
      { CSV: ['csv'] },
      'Save',
    );
    if (!uri) return;
    const csv = await store.runCsv(runId);
    if (!csv) return gone();
    if (!(await writeChosen(uri, csv.bytes)) || !csv.thinned) return;
    void vscode.window.showWarningMessage(
      `Tensor Lens: saved the ${csv.lossPoints.toLocaleString('en-US')} loss points stored for this run's chart, not every batch: it was recorded without its every-point log (by an earlier version, or the log could not be written). The file's first line says so.`,
    );
  }

  /** A Summary row's line in the summarised file; the page names the line only, never a file. */
  async function openSummarySource(line: number): Promise<void> {
    const file = summary.page?.file;
    if (!file) return;
    // The editor sends a path for files on disk and a URI string for anything else (fileOf in
    // src/editor/commands.ts).
    const uri = /^[a-z][a-z0-9+.-]+:\/\//i.test(file)
      ? vscode.Uri.parse(file)
      : vscode.Uri.file(file);
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      const at = new vscode.Position(Math.min(line, doc.lineCount) - 1, 0);
      await vscode.window.showTextDocument(doc, {
        selection: new vscode.Range(at, at),
        viewColumn: vscode.ViewColumn.One,
      });
    } catch (e) {
      log.warn(`could not open ${file} at line ${line}: ${errorText(e)}`);
    }
  }

  const routes: Routes = {
    ready: (_msg, page) => pages.sendInit(page),
    // The page sends only what the user typed; the settings fill each field left on auto.
    runSample: (msg) => jobs.enqueueSample(withTuningSettings(msg.params, settings())),
    checkExpr: async (msg, page) => {
      try {
        const result = await client.request('checkExpr', {
          expr: msg.expr,
          logDensity: msg.logDensity,
        });
        pages.post(page, { type: 'exprCheck', expr: msg.expr, result });
      } catch (e) {
        pages.post(page, {
          type: 'exprCheck',
          expr: msg.expr,
          result: { ok: false, error: errorText(e) },
        });
      }
    },
    traceSteps: async (msg, page) => {
      try {
        const trace = await client.request('traceSteps', {
          request: withTuningSettings(msg.params, settings()),
          steps: msg.steps,
        });
        pages.post(page, { type: 'stepTrace', trace });
      } catch (e) {
        pages.post(page, { type: 'stepTraceError', message: errorText(e) });
      }
    },
    compare: (msg) => controller.compare({ epochs: msg.epochs, limit: msg.limit }),
    stop: () => controller.stop(),
    saveFile: (msg) => saveFile(msg.name, msg.mime, msg.data),
    saveRunCsv: (msg) => saveRunCsv(msg.runId),
    openSource: (msg) => openSummarySource(msg.line),
    summaryView: (msg, page) => {
      if (!summary.change(msg)) {
        // Kept from an earlier session: the model is gone, the page says so and stays as it was.
        pages.post(page, { type: 'summary', page: summary.page });
        return;
      }
      keepSummary();
      pages.broadcast({ type: 'summary', page: summary.page });
    },
    saveSummaryCsv: async () => {
      const csv = summary.csv();
      if (csv === null) {
        void vscode.window.showWarningMessage(
          'Tensor Lens: run "Show Model Summary" again to save this summary as CSV (the model is not kept across reloads).',
        );
        return;
      }
      await saveFile(`${csv.name}-summary.csv`, 'text/csv', csv.text);
    },
    saveDraws: (msg) =>
      jobs.saveDraws(msg.runId, (name) => askSaveUri(name, { CSV: ['csv'] }, 'Save draws')),
    clearRuns: async () => {
      const n = store.runs().filter((r) => r.done).length;
      if (!n) return;
      const ok = await vscode.window.showWarningMessage(
        `Forget ${n} finished training run${n === 1 ? '' : 's'}?`,
        { modal: true },
        'Forget',
      );
      if (ok !== 'Forget') return;
      store.clearRuns();
      pages.replayAll();
    },
    removeSample: (msg) => {
      store.removeSample(msg.runId);
      pages.replayAll();
    },
    clearSamples: () => {
      store.clearSamples();
      pages.replayAll();
    },
  };

  context.subscriptions.push(...pages.register(), { dispose: () => void store.flush() });

  const controller: PanelController = {
    reveal: (tab) => pages.reveal(tab),
    openEditorPanel: () => pages.openEditorPanel(),

    compare(opts = {}) {
      return jobs.train(
        trainParams(
          [
            { kind: 'builtin', name: 'mlp' },
            { kind: 'builtin', name: 'cnn' },
          ],
          opts,
        ),
        'Tensor Lens: MLP vs CNN',
      );
    },

    train(spec) {
      const name =
        spec.kind === 'builtin'
          ? spec.name.toUpperCase()
          : (spec.className ?? vscode.workspace.asRelativePath(spec.file));
      return jobs.train(trainParams([spec]), `Tensor Lens: training ${name}`);
    },

    async sample(partial = {}) {
      const d = defaults();
      let expr = partial.expr;
      if (!expr) {
        expr = await vscode.window.showInputBox({
          title: 'Tensor Lens: Sample from Density',
          prompt:
            'An unnormalised density in x (or in x and y), e.g. exp(-x^2/2) * (1 + sin(3x)^2)',
          value: d.expr,
          validateInput: async (text) => {
            if (!text.trim()) return 'Type a density.';
            try {
              const r = await client.request('checkExpr', {
                expr: text,
                logDensity: partial.logDensity,
              });
              const why = r.error ?? 'cannot parse this density';
              return r.ok
                ? undefined
                : `${why}${r.column !== undefined && !/column/i.test(why) ? ` (column ${r.column})` : ''}`;
            } catch (e) {
              return errorText(e);
            }
          },
        });
        if (!expr) return;
      }
      const params: SampleRequestParams = {
        sampler: d.sampler,
        n: d.n,
        chains: d.chains,
        seed: d.seed,
        ...partial,
        expr,
      };
      pages.reveal('sampling');
      jobs.enqueueSample(params);
    },

    showSummary(model, file) {
      summary.show(model, file);
      keepSummary();
      pages.broadcast({ type: 'summary', page: summary.page });
    },

    stop: () => jobs.stop(),

    showScalars(series, replace) {
      if (replace) scalars.clear();
      foldScalars(scalars, series);
      pages.broadcast({ type: 'scalars', series, replace });
    },

    showTrainEvent(e) {
      // After past runs load, in arrival order (every call chains on the same promise).
      void loaded().then(() => {
        store.onTrainEvent(e);
        pages.broadcast({ type: 'trainEvent', event: e });
      });
    },
  };
  return controller;
}
