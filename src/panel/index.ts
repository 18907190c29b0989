// The Tensor Lens panel on the host side: the activity-bar webview view (tensorLens.panel) and the
// same page in an editor panel (tensorLens.editorPanel, restored after a reload by a serializer).
// It runs training and sampling jobs through the engine client with cancellable progress, forwards
// their events to every open page, keeps runs in a store and replays them to a page when it says
// `ready`, so the panel survives hide/show, collapse and window reload.
import * as vscode from 'vscode';
import { statSync } from 'node:fs';
import type { EngineClient } from '../worker/client';
import { EngineError } from '../worker/client';
import type { ModelSpec, TrainRequestParams } from '../training/types';
import type { HostToWebview, WebviewDefaults, WebviewToHost } from '../shared/messages';
import type { SampleRequestParams } from '../sampling/types';
import type { ModelResult } from '../shapes/types';
import { makeNonce, panelHtml } from './html';
import { decodeSaveFile, resolveDataPath, safeSaveName } from './hostMessages';
import { isWebviewToHost } from '../shared/guards';
import { readSettings, type Settings } from '../shared/settings';
import { RunStore } from './runStore';

export type PanelTab = 'training' | 'sampling' | 'summary';

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
}

const VIEW_ID = 'tensorLens.panel';
const EDITOR_VIEW_TYPE = 'tensorLens.editorPanel';

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
function isCancel(e: unknown): boolean {
  return e instanceof EngineError && e.cancelled;
}

export function createPanel(context: vscode.ExtensionContext, client: EngineClient, log: vscode.LogOutputChannel): PanelController {
  const store = new RunStore(context.globalStorageUri.fsPath, {}, (m) => log.warn(m));
  // Past runs are read when a page or a run first needs them, not at activation.
  let loading: Promise<void> | undefined;
  const loaded = (): Promise<void> => (loading ??= store.load().catch((e) => log.warn(`could not load past runs: ${errText(e)}`)));
  const pages = new Set<vscode.Webview>();
  /** Pages that have had their init: only they get live events (the others get everything in init). */
  const initialised = new Set<vscode.Webview>();
  let view: vscode.WebviewView | undefined;
  let editorPanel: vscode.WebviewPanel | undefined;
  // The summary outlives a window reload (the host restarts then) through workspace state.
  const SUMMARY_KEY = 'tensorLens.summary';
  let summary = context.workspaceState.get<{ model: ModelResult | null; file: string }>(SUMMARY_KEY) ?? { model: null, file: '' };
  /** A tab asked for before the page was ready; sent right after its init. */
  let pendingTab: PanelTab | undefined;

  // ── jobs ──
  let training: AbortController | undefined;
  let nextSample = 1;
  interface SampleJob {
    params: SampleRequestParams;
    abort: AbortController;
  }
  const sampleQueue: SampleJob[] = [];
  let sampling = false;

  const cfg = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('tensorLens');

  const settings = (): Settings => {
    const c = cfg();
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
    };
  }

  function dataPath(configured: string): string {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    return resolveDataPath(configured, folders, (p) => {
      try {
        return statSync(p).isDirectory();
      } catch {
        return false;
      }
    });
  }

  function trainParams(models: ModelSpec[], o: { epochs?: number; limit?: number } = {}): TrainRequestParams {
    const s = settings();
    const p: TrainRequestParams = {
      models,
      epochs: Math.max(1, Math.round(o.epochs ?? s['training.epochs'])),
      batchSize: Math.max(1, Math.round(s['training.batchSize'])),
      limit: Math.max(0, Math.round(o.limit ?? s['training.limit'])),
      dataPath: dataPath(s.dataPath),
      seed: s.seed,
      backend: s.backend,
      runId: `train-${Date.now().toString(36)}`,
      threads: Math.max(0, Math.round(s['training.threads'])),
    };
    // Loading native code from a folder the workspace names needs trust (restrictedConfigurations
    // already hides workspace values in untrusted workspaces; this also covers the user value).
    if (s.tfjsNodePath && vscode.workspace.isTrusted) p.tfjsNodePath = s.tfjsNodePath;
    return p;
  }

  function post(page: vscode.Webview, msg: HostToWebview): void {
    // postMessage fails (resolves false) for a hidden page; the page gets a full replay on `ready`.
    page.postMessage(msg).then(undefined, (e: unknown) => log.debug(`postMessage failed: ${errText(e)}`));
  }
  function broadcast(msg: HostToWebview): void {
    for (const p of initialised) post(p, msg);
  }

  async function sendInit(page: vscode.Webview): Promise<void> {
    initialised.delete(page);
    await loaded();
    if (!pages.has(page)) return;
    initialised.add(page);
    post(page, { type: 'init', runs: store.runs(), samples: store.samples(), summary: summary.model, summaryFile: summary.file, defaults: defaults() });
    // Jobs still queued or running get their cards back.
    for (const j of sampleQueue) post(page, { type: 'sampleStart', params: j.params });
    if (pendingTab) {
      post(page, { type: 'showTab', tab: pendingTab });
      pendingTab = undefined;
    }
  }

  function replayAll(): void {
    for (const p of pages) void sendInit(p);
  }

  async function runTraining(params: TrainRequestParams, title: string): Promise<void> {
    if (training) {
      const choice = await vscode.window.showWarningMessage('A training run is in progress.', 'Stop It and Start This One', 'Keep It');
      if (choice !== 'Stop It and Start This One') return;
      training.abort();
    }
    const abort = new AbortController();
    training = abort;
    await loaded();
    const runId = params.runId ?? '';
    store.expect(runId, params);
    controller.reveal('training');
    log.info(`training ${params.models.map((m) => (m.kind === 'builtin' ? m.name : m.className ?? m.file)).join(' + ')}: ${params.epochs} epoch(s), batch ${params.batchSize}, limit ${params.limit || 'none'}, data ${params.dataPath || 'embedded subset'}, backend ${params.backend}, seed ${params.seed}`);
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        let lastPct = 0;
        const done = await client.request('train',
          params,
          (e) => {
            store.onTrainEvent(e);
            broadcast({ type: 'trainEvent', event: e });
            if (e.event === 'batch') {
              const models = params.models.length;
              const modelIndex = Math.max(0, store.runs().find((r) => r.runId === e.runId)?.models.findIndex((m) => m.model === e.model) ?? 0);
              const pct = Math.floor((100 * (modelIndex * params.epochs * e.batches + (e.epoch - 1) * e.batches + e.batch)) / (models * params.epochs * e.batches));
              if (pct > lastPct) {
                progress.report({ increment: pct - lastPct, message: `${e.model} epoch ${e.epoch}/${params.epochs}` });
                lastPct = pct;
              }
            }
          },
          abort.signal,
        );
        const summaryText = done.models.map((m) => `${m.model} ${m.finalTestAcc === null ? 'no epoch finished' : `${(m.finalTestAcc * 100).toFixed(2)} %`}`).join(', ');
        log.info(`training ${done.cancelled ? 'stopped' : 'finished'} on ${done.backend}: ${summaryText}`);
      });
    } catch (e) {
      if (isCancel(e)) {
        log.info('training stopped');
        // The worker was stopped before it could send its own done event: close the run here.
        store.fail(runId);
        const done = store.runs().find((r) => r.runId === runId)?.done;
        if (done) broadcast({ type: 'trainEvent', event: done });
      } else {
        log.error(`training failed: ${errText(e)}`);
        store.fail(runId);
        broadcast({ type: 'trainError', runId, message: errText(e) });
        void vscode.window.showErrorMessage(`Tensor Lens training failed: ${errText(e)}`);
      }
    } finally {
      if (training === abort) training = undefined;
    }
  }

  function enqueueSample(params: SampleRequestParams): void {
    const job: SampleJob = { params: { ...params, runId: params.runId ?? `sample-${Date.now().toString(36)}-${nextSample++}` }, abort: new AbortController() };
    sampleQueue.push(job);
    broadcast({ type: 'sampleStart', params: job.params });
    void drainSamples();
  }

  /** One sampling job at a time: the worker is one thread, and results arrive in request order. */
  async function drainSamples(): Promise<void> {
    if (sampling) return;
    sampling = true;
    try {
      while (sampleQueue.length) {
        const job = sampleQueue[0];
        const p = job.params;
        const runId = p.runId ?? '';
        try {
          if (job.abort.signal.aborted) throw new EngineError('cancelled', undefined, true);
          await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `Sampling ${p.expr} (${p.sampler})`, cancellable: true },
            async (progress, token) => {
              token.onCancellationRequested(() => job.abort.abort());
              let lastPct = 0;
              // Progress events come per chain many times a second; the pages redraw once per frame.
              const result = await client.request('sample',
                p,
                (e) => {
                  broadcast({ type: 'sampleProgress', event: e });
                  const pct = e.total > 0 ? Math.floor((100 * e.done) / e.total) : 0;
                  if (e.chain === 0 && pct > lastPct) {
                    progress.report({ increment: pct - lastPct });
                    lastPct = pct;
                  }
                },
                job.abort.signal,
              );
              const stored = store.addSample(result);
              broadcast({ type: 'sampleResult', result: stored });
              log.info(`sampled ${p.expr} with ${p.sampler}: n ${result.n} × ${result.chains}, ESS ${Math.round(result.essBulk)}, R-hat ${Number(result.rhat).toFixed(4)}, ${result.seconds.toFixed(2)} s`);
            },
          );
        } catch (e) {
          const message = isCancel(e) ? 'stopped' : errText(e);
          if (!isCancel(e)) log.error(`sampling failed: ${message}`);
          broadcast({ type: 'sampleError', runId, message });
        } finally {
          sampleQueue.shift();
        }
      }
    } finally {
      sampling = false;
    }
  }

  async function onMessage(page: vscode.Webview, raw: unknown): Promise<void> {
    if (!isWebviewToHost(raw)) {
      log.warn(`panel: ignored a malformed message from the webview: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    const msg: WebviewToHost = raw;
    switch (msg.type) {
      case 'ready':
        return sendInit(page);
      case 'runSample':
        return enqueueSample(msg.params);
      case 'checkExpr': {
        try {
          const result = await client.request('checkExpr', { expr: msg.expr, logDensity: msg.logDensity });
          post(page, { type: 'exprCheck', expr: msg.expr, result });
        } catch (e) {
          post(page, { type: 'exprCheck', expr: msg.expr, result: { ok: false, error: errText(e) } });
        }
        return;
      }
      case 'compare':
        return controller.compare({ epochs: msg.epochs, limit: msg.limit });
      case 'stop':
        return controller.stop();
      case 'saveFile':
        return saveFile(msg.name, msg.mime, msg.data);
      case 'saveDraws':
        return saveDraws(msg.runId);
      case 'clearRuns': {
        const n = store.runs().filter((r) => r.done).length;
        if (!n) return;
        const ok = await vscode.window.showWarningMessage(`Forget ${n} finished training run${n === 1 ? '' : 's'}?`, { modal: true }, 'Forget');
        if (ok !== 'Forget') return;
        store.clearRuns();
        return replayAll();
      }
      case 'removeSample':
        store.removeSample(msg.runId);
        return replayAll();
      case 'clearSamples':
        store.clearSamples();
        return replayAll();
    }
  }

  /** The save dialog, opening in the first workspace folder with the suggested name. */
  function askSaveUri(fileName: string, filters: Record<string, string[]>, saveLabel: string): Thenable<vscode.Uri | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    return vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined, filters, saveLabel });
  }

  async function saveFile(name: string, mime: 'text/csv' | 'image/png', data: string): Promise<void> {
    const bytes = decodeSaveFile(mime, data);
    if (typeof bytes === 'string') {
      log.warn(`save: ${bytes}`);
      void vscode.window.showErrorMessage(`Tensor Lens: could not save: ${bytes}`);
      return;
    }
    const uri = await askSaveUri(safeSaveName(name, mime), mime === 'text/csv' ? { CSV: ['csv'] } : { 'PNG image': ['png'] }, 'Save');
    if (!uri) return;
    try {
      await vscode.workspace.fs.writeFile(uri, bytes);
      log.info(`saved ${uri.fsPath || uri.toString()}`);
    } catch (e) {
      void vscode.window.showErrorMessage(`Tensor Lens: could not save ${uri.fsPath}: ${errText(e)}`);
    }
  }

  /**
   * Every draw of a stored run: the panel only keeps thinned traces, so the worker re-runs the stored
   * request (same seed ⇒ the same draws) straight into the chosen file.
   */
  async function saveDraws(runId: string): Promise<void> {
    const r = store.samples().find((s) => s.runId === runId);
    if (!r?.request) {
      void vscode.window.showErrorMessage(r
        ? 'Tensor Lens: this run was recorded before draws could be exported; run it again, then use Draws CSV.'
        : 'Tensor Lens: that sampling run is no longer stored; run it again, then use Draws CSV.');
      return;
    }
    const request = r.request;
    const uri = await askSaveUri(safeSaveName(`draws-${request.sampler}-${request.seed}.csv`, 'text/csv'), { CSV: ['csv'] }, 'Save draws');
    if (!uri) return;
    if (uri.scheme !== 'file') {
      void vscode.window.showErrorMessage(`Tensor Lens: draws can only be written to a local file, not ${uri.toString()}; pick a folder on this machine.`);
      return;
    }
    const abort = new AbortController();
    try {
      const done = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Writing ${request.n.toLocaleString('en-US')} × ${request.chains} draws (${request.sampler})`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          let lastPct = 0;
          return client.request('sampleDraws', { request, file: uri.fsPath }, (e) => {
            const pct = e.total > 0 ? Math.floor((100 * e.done) / e.total) : 0;
            if (e.chain === 0 && pct > lastPct) {
              progress.report({ increment: pct - lastPct });
              lastPct = pct;
            }
          }, abort.signal);
        },
      );
      log.info(`wrote ${done.draws} draws (${done.bytes} bytes) to ${uri.fsPath}`);
      void vscode.window.showInformationMessage(`Tensor Lens: saved ${done.draws.toLocaleString('en-US')} draws to ${uri.fsPath}`);
    } catch (e) {
      if (isCancel(e)) return;
      void vscode.window.showErrorMessage(`Tensor Lens: could not save the draws: ${errText(e)}`);
    }
  }

  /** Options and HTML for a page, and its message wiring. Both the view and the panel use this. */
  function setUp(webview: vscode.Webview, editor: boolean, disposables: vscode.Disposable[]): void {
    const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(context.extensionUri, 'media');
    webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.css')).toString(),
      editor,
    });
    pages.add(webview);
    disposables.push(webview.onDidReceiveMessage((m: unknown) => {
      onMessage(webview, m).catch((e) => log.error(`panel: ${errText(e)}`));
    }));
  }

  function adoptEditorPanel(panel: vscode.WebviewPanel): void {
    editorPanel = panel;
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'tensor-lens.svg');
    const subs: vscode.Disposable[] = [];
    setUp(panel.webview, true, subs);
    panel.onDidDispose(() => {
      pages.delete(panel.webview);
      initialised.delete(panel.webview);
      if (editorPanel === panel) editorPanel = undefined;
      for (const d of subs) d.dispose();
    });
  }

  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(
      VIEW_ID,
      {
        resolveWebviewView(v) {
          view = v;
          const subs: vscode.Disposable[] = [];
          setUp(v.webview, false, subs);
          v.onDidDispose(() => {
            // Collapsing the view disposes the page; it is rebuilt from the store when opened again.
            pages.delete(v.webview);
            initialised.delete(v.webview);
            if (view === v) view = undefined;
            for (const d of subs) d.dispose();
          });
        },
      },
      // Hidden views are rebuilt from getState + the host's replay; no need to keep them in memory.
      { webviewOptions: { retainContextWhenHidden: false } },
    ),
    vscode.window.registerWebviewPanelSerializer(EDITOR_VIEW_TYPE, {
      async deserializeWebviewPanel(panel) {
        adoptEditorPanel(panel);
      },
    }),
    { dispose: () => void store.flush() },
  );

  const controller: PanelController = {
    reveal(tab) {
      if (tab) {
        pendingTab = tab;
        if (initialised.size) {
          broadcast({ type: 'showTab', tab });
          pendingTab = undefined;
        }
      }
      if (editorPanel) editorPanel.reveal(undefined, true);
      else if (view) view.show(true);
      else void vscode.commands.executeCommand(`${VIEW_ID}.focus`).then(undefined, (e: unknown) => log.warn(`could not open the Tensor Lens view: ${errText(e)}`));
    },

    openEditorPanel() {
      if (editorPanel) {
        editorPanel.reveal();
        return;
      }
      const panel = vscode.window.createWebviewPanel(EDITOR_VIEW_TYPE, 'Tensor Lens', vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist'), vscode.Uri.joinPath(context.extensionUri, 'media')],
      });
      adoptEditorPanel(panel);
    },

    compare(opts = {}) {
      return runTraining(trainParams([{ kind: 'builtin', name: 'mlp' }, { kind: 'builtin', name: 'cnn' }], opts), 'Tensor Lens: MLP vs CNN');
    },

    train(spec) {
      const name = spec.kind === 'builtin' ? spec.name.toUpperCase() : spec.className ?? vscode.workspace.asRelativePath(spec.file);
      return runTraining(trainParams([spec]), `Tensor Lens: training ${name}`);
    },

    async sample(partial = {}) {
      const d = defaults();
      let expr = partial.expr;
      if (!expr) {
        expr = await vscode.window.showInputBox({
          title: 'Tensor Lens: Sample from Density',
          prompt: 'An unnormalised density in x (or in x and y), e.g. exp(-x^2/2) * (1 + sin(3x)^2)',
          value: d.expr,
          validateInput: async (text) => {
            if (!text.trim()) return 'Type a density.';
            try {
              const r = await client.request('checkExpr', { expr: text, logDensity: partial.logDensity });
              const why = r.error ?? 'cannot parse this density';
              return r.ok ? undefined : `${why}${r.column !== undefined && !/column/i.test(why) ? ` (column ${r.column})` : ''}`;
            } catch (e) {
              return errText(e);
            }
          },
        });
        if (!expr) return;
      }
      const params: SampleRequestParams = { sampler: d.sampler, n: d.n, chains: d.chains, seed: d.seed, ...partial, expr };
      controller.reveal('sampling');
      enqueueSample(params);
    },

    showSummary(model, file) {
      summary = { model, file };
      context.workspaceState.update(SUMMARY_KEY, summary).then(undefined, (e: unknown) => log.warn(`could not keep the summary: ${errText(e)}`));
      broadcast({ type: 'summary', model, file });
    },

    stop() {
      training?.abort();
      for (const j of sampleQueue) j.abort.abort();
    },
  };
  return controller;
}
