// The webview's HTML shell. No vscode import, so the exact page VS Code shows is also what the
// headless-Chromium harness loads (test/browser/panel.test.ts).
import { randomBytes } from 'node:crypto';

export interface PanelHtmlParams {
  /** webview.cspSource */
  cspSource: string;
  nonce: string;
  /** asWebviewUri(dist/webview.js) */
  scriptUri: string;
  /** asWebviewUri(media/panel.css) */
  styleUri: string;
  /** The editor-panel variant gets bigger charts. */
  editor: boolean;
}

/** A fresh nonce per page load: 128 random bits, base64 without characters that need escaping. */
export function makeNonce(): string {
  return randomBytes(16)
    .toString('base64')
    .replace(/[+/=]/g, (c) => (c === '+' ? '-' : c === '/' ? '_' : ''));
}

/**
 * The CSP allows only our nonce'd script, our stylesheet and fonts/images from the extension's
 * folders. Chart.js sizes its canvas through CSSOM (element.style.x = …), which style-src does not
 * govern, and lit uses constructable stylesheets, so neither needs 'unsafe-inline'.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return (
    [
      "default-src 'none'",
      `img-src ${cspSource} data:`,
      `script-src 'nonce-${nonce}'`,
      `style-src ${cspSource}`,
      `font-src ${cspSource}`,
    ].join('; ') + ';'
  );
}

function attr(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export function panelHtml(p: PanelHtmlParams): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(p.cspSource, p.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(p.styleUri)}">
<title>Tensor Lens</title>
</head>
<body class="${p.editor ? 'tl-editor' : 'tl-view'}">
<main id="app"></main>
<script nonce="${attr(p.nonce)}" src="${attr(p.scriptUri)}"></script>
</body>
</html>
`;
}
