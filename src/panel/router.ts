// Routes a page's message to its handler: one handler per message type, in a table keyed by the type,
// so a new WebviewToHost message does not compile until it has a route. Nothing runs before the
// message has passed its guard (src/common/guards.ts).
import type * as vscode from 'vscode';
import { isWebviewToHost } from '../common/guards';
import type { WebviewToHost } from '../common/messages';

export type Routes = {
  [T in WebviewToHost['type']]: (
    msg: Extract<WebviewToHost, { type: T }>,
    page: vscode.Webview,
  ) => void | Promise<void>;
};

export async function route(
  routes: Routes,
  page: vscode.Webview,
  raw: unknown,
  warn: (message: string) => void,
): Promise<void> {
  if (!isWebviewToHost(raw)) {
    warn(
      `panel: ignored a malformed message from the webview: ${JSON.stringify(raw)?.slice(0, 200)}`,
    );
    return;
  }
  // The table is keyed by type, so the route found takes this very message.
  const handler = routes[raw.type] as (
    msg: WebviewToHost,
    page: vscode.Webview,
  ) => void | Promise<void>;
  await handler(raw, page);
}
