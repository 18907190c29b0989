// A VS Code webview whose content is a harness page in headless Chromium, for the tests that run the
// real panel host (src/panel, against the vscode stand-in) with the real page under its CSP. VS Code
// reloading the page is a new harness page behind the same webview.
import type { Harness } from './harness';

export class BrowserWebview {
  options: unknown;
  html = '';
  readonly cspSource = 'vscode-webview://fake';
  page: Harness | undefined;
  private listener: ((m: unknown) => void) | undefined;
  private sending: Promise<void> = Promise.resolve();
  /** How many of the page's posted messages the host has been given. */
  private forwarded = 0;
  asWebviewUri<T>(u: T): T {
    return u;
  }
  postMessage(m: unknown): Promise<boolean> {
    const page = this.page;
    // A hidden page is gone: VS Code drops what is posted to it.
    if (!page) return Promise.resolve(false);
    const copy: unknown = JSON.parse(JSON.stringify(m));
    this.sending = this.sending.then(() => page.send(copy as never));
    return this.sending.then(() => true);
  }
  onDidReceiveMessage(l: (m: unknown) => void): { dispose(): void } {
    this.listener = l;
    return { dispose: () => (this.listener = undefined) };
  }
  /** The page's `ready` (and whatever else it posted) reaches the host. */
  async load(page: Harness): Promise<void> {
    this.page = page;
    this.forwarded = 0;
    await this.forward();
  }
  /** What the page posted since the last call reaches the host, in order. */
  async forward(): Promise<void> {
    if (!this.page) return;
    const posted = await this.page.posted();
    for (const m of posted.slice(this.forwarded)) this.listener?.(m);
    this.forwarded = posted.length;
  }
  delivered(): Promise<void> {
    return this.sending;
  }
}

/** The panel host's logger, silent. */
export const quietLog = { info() {}, warn() {}, error() {}, debug() {}, trace() {} };

/** Waits until `cond` holds, polling every 10 ms; fails after `ms` naming `what`. */
export async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
