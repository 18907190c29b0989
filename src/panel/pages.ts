// The open panel pages: the activity-bar view (tensorLens.panel) and the same page in an editor panel
// (tensorLens.editorPanel, restored after a reload by a serializer). Serves their HTML, sends each its
// init when it says `ready`, and forwards live messages to the pages that have had theirs.
import { errorText } from '../common/errors';
import * as vscode from 'vscode';
import type { HostToWebview, PanelTab } from '../common/messages';
import type { TrainBatchEvent } from '../training/types';
import { makeNonce, panelHtml } from './html';

const VIEW_ID = 'tensorLens.panel';
/** How long a batch event may wait to travel with the ones after it (about one frame). */
const BATCH_COALESCE_MS = 16;
const EDITOR_VIEW_TYPE = 'tensorLens.editorPanel';

export interface PageHooks {
  /** Resolves when the state the init is built from is there (past runs loaded). */
  prepare(): Promise<void>;
  /**
   * What a page gets on `ready`: its init message first, then anything still in flight. Synchronous
   * on purpose: see sendInit.
   */
  initMessages(): HostToWebview[];
  onMessage(page: vscode.Webview, raw: unknown): Promise<void>;
}

export class Pages {
  private readonly all = new Set<vscode.Webview>();
  /** Pages that have had their init: only they get live events (the others get everything in init). */
  private readonly initialised = new Set<vscode.Webview>();
  private view: vscode.WebviewView | undefined;
  private editorPanel: vscode.WebviewPanel | undefined;
  /** A tab asked for before the page was ready; sent right after its init. */
  private pendingTab: PanelTab | undefined;
  /**
   * Batch events not yet broadcast. A followed run's backlog or a fast run sends thousands at once,
   * and each message costs the page its own task, clone and check: a burst travels as one
   * trainBatches message. Any other message sends them first, so the order never changes.
   */
  private batches: TrainBatchEvent[] = [];
  private batchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly hooks: PageHooks,
  ) {}

  /** The view provider and the editor panel's serializer, for context.subscriptions. */
  register(): vscode.Disposable[] {
    return [
      vscode.window.registerWebviewViewProvider(
        VIEW_ID,
        {
          resolveWebviewView: (v) => {
            this.view = v;
            const subs: vscode.Disposable[] = [];
            this.setUp(v.webview, false, subs);
            v.onDidDispose(() => {
              // Collapsing the view disposes the page; it is rebuilt from the store when opened again.
              this.forget(v.webview);
              if (this.view === v) this.view = undefined;
              for (const d of subs) d.dispose();
            });
          },
        },
        // Hidden views are rebuilt from getState + the host's replay; no need to keep them in memory.
        { webviewOptions: { retainContextWhenHidden: false } },
      ),
      vscode.window.registerWebviewPanelSerializer(EDITOR_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => this.adoptEditorPanel(panel),
      }),
    ];
  }

  post(page: vscode.Webview, msg: HostToWebview): void {
    // postMessage fails (resolves false) for a hidden page; the page gets a full replay on `ready`.
    page
      .postMessage(msg)
      .then(undefined, (e: unknown) => this.log.debug(`postMessage failed: ${errorText(e)}`));
  }

  broadcast(msg: HostToWebview): void {
    if (msg.type === 'trainEvent' && msg.event.event === 'batch') {
      this.batches.push(msg.event);
      this.batchTimer ??= setTimeout(() => this.flushBatches(), BATCH_COALESCE_MS);
      return;
    }
    this.flushBatches();
    for (const p of this.initialised) this.post(p, msg);
  }

  /** Sends the waiting batch events to the pages that have had their init. */
  private flushBatches(): void {
    if (this.batchTimer !== undefined) clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    if (!this.batches.length) return;
    const events = this.batches;
    this.batches = [];
    const msg: HostToWebview =
      events.length === 1
        ? { type: 'trainEvent', event: events[0] }
        : { type: 'trainBatches', events };
    for (const p of this.initialised) this.post(p, msg);
  }

  async sendInit(page: vscode.Webview): Promise<void> {
    this.initialised.delete(page);
    await this.hooks.prepare();
    if (!this.all.has(page)) return;
    // From the snapshot to joining the live pages nothing may run in between: an event applied to
    // the store after the snapshot but before the page joins would reach neither (a followed run's
    // events wait on the same load as this init, and ran in that gap). Events already waiting are in
    // the store, so in this page's init: they go to the others only.
    this.flushBatches();
    const messages = this.hooks.initMessages();
    this.initialised.add(page);
    for (const m of messages) this.post(page, m);
    if (this.pendingTab) {
      this.post(page, { type: 'showTab', tab: this.pendingTab });
      this.pendingTab = undefined;
    }
  }

  /** Every page starts over from the store (after runs were removed). */
  replayAll(): void {
    for (const p of this.all) void this.sendInit(p);
  }

  /** Open the activity-bar view (or the editor panel if it is open) on a tab. */
  reveal(tab?: PanelTab): void {
    if (tab) {
      this.pendingTab = tab;
      if (this.initialised.size) {
        this.broadcast({ type: 'showTab', tab });
        this.pendingTab = undefined;
      }
    }
    if (this.editorPanel) this.editorPanel.reveal(undefined, true);
    else if (this.view) this.view.show(true);
    else
      void vscode.commands
        .executeCommand(`${VIEW_ID}.focus`)
        .then(undefined, (e: unknown) =>
          this.log.warn(`could not open the Tensor Lens view: ${errorText(e)}`),
        );
  }

  openEditorPanel(): void {
    if (this.editorPanel) {
      this.editorPanel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      EDITOR_VIEW_TYPE,
      'Tensor Lens',
      vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active,
      {
        enableScripts: true,
        localResourceRoots: [
          vscode.Uri.joinPath(this.context.extensionUri, 'dist'),
          vscode.Uri.joinPath(this.context.extensionUri, 'media'),
        ],
      },
    );
    this.adoptEditorPanel(panel);
  }

  /** Options and HTML for a page, and its message wiring. Both the view and the panel use this. */
  private setUp(webview: vscode.Webview, editor: boolean, disposables: vscode.Disposable[]): void {
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(this.context.extensionUri, 'media');
    webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.css')).toString(),
      editor,
    });
    this.all.add(webview);
    disposables.push(
      webview.onDidReceiveMessage((m: unknown) => {
        this.hooks.onMessage(webview, m).catch((e) => this.log.error(`panel: ${errorText(e)}`));
      }),
    );
  }

  private adoptEditorPanel(panel: vscode.WebviewPanel): void {
    this.editorPanel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'tensor-lens.svg');
    const subs: vscode.Disposable[] = [];
    this.setUp(panel.webview, true, subs);
    panel.onDidDispose(() => {
      this.forget(panel.webview);
      if (this.editorPanel === panel) this.editorPanel = undefined;
      for (const d of subs) d.dispose();
    });
  }

  private forget(page: vscode.Webview): void {
    this.all.delete(page);
    this.initialised.delete(page);
  }
}
