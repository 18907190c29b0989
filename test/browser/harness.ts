// Loads the real webview bundle in headless Chromium under the exact HTML and CSP the extension
// serves, with a fake acquireVsCodeApi, and records console errors, page errors and CSP violations.
// Requests to https://tensor-lens.test/ are answered from disk by Playwright's router, so no server
// and no network are involved.
import { after, before } from 'node:test';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser, Locator, Page } from 'playwright-core';
import { makeNonce, panelHtml } from '../../src/panel/html';
import type { HostToWebview } from '../../src/common/messages';

export const CHROMIUM = '/usr/bin/chromium';
const ORIGIN = 'https://tensor-lens.test';
const ROOT = join(__dirname, '..', '..');

export type ThemeKind = 'dark' | 'light' | 'high-contrast';

/** A subset of the variables VS Code defines, with its default theme values. */
const THEMES: Record<ThemeKind, Record<string, string>> = {
  dark: {
    'settings-textInputBackground': '#313131',
    'settings-textInputForeground': '#cccccc',
    'settings-textInputBorder': '#3c3c3c',
    'settings-dropdownBackground': '#313131',
    'settings-dropdownForeground': '#cccccc',
    'settings-dropdownBorder': '#3c3c3c',
    'settings-checkboxBackground': '#313131',
    'settings-checkboxForeground': '#cccccc',
    'settings-checkboxBorder': '#3c3c3c',
    'panelTitle-activeForeground': '#cccccc',
    'panelTitle-inactiveForeground': '#9d9d9d',
    'panelTitle-activeBorder': '#0078d4',
    'panel-background': '#181818',
    'button-secondaryBackground': '#313131',
    'button-secondaryForeground': '#cccccc',
    foreground: '#cccccc',
    descriptionForeground: '#9d9d9d',
    errorForeground: '#f85149',
    'editor-background': '#1f1f1f',
    'sideBar-background': '#181818',
    'panel-border': '#2b2b2b',
    'charts-foreground': '#cccccc',
    'charts-lines': 'rgba(204, 204, 204, 0.5)',
    'charts-blue': '#3794ff',
    'charts-orange': '#d18616',
    'charts-green': '#89d185',
    'charts-purple': '#b180d7',
    'charts-red': '#f14c4c',
    'charts-yellow': '#cca700',
    'badge-background': '#616161',
    'badge-foreground': '#f8f8f8',
    'textLink-foreground': '#4daafc',
    'button-background': '#0078d4',
    'button-foreground': '#ffffff',
    'input-background': '#313131',
    'input-foreground': '#cccccc',
    focusBorder: '#0078d4',
    'progressBar-background': '#0078d4',
    'editorWidget-background': '#202020',
    'inputValidation-errorBorder': '#be1100',
    'inputValidation-errorBackground': '#5a1d1d',
  },
  light: {
    'settings-textInputBackground': '#ffffff',
    'settings-textInputForeground': '#3b3b3b',
    'settings-textInputBorder': '#cecece',
    'settings-dropdownBackground': '#ffffff',
    'settings-dropdownForeground': '#3b3b3b',
    'settings-dropdownBorder': '#cecece',
    'settings-checkboxBackground': '#f8f8f8',
    'settings-checkboxForeground': '#3b3b3b',
    'settings-checkboxBorder': '#cecece',
    'panelTitle-activeForeground': '#3b3b3b',
    'panelTitle-inactiveForeground': '#3b3b3b',
    'panelTitle-activeBorder': '#005fb8',
    'panel-background': '#f8f8f8',
    'button-secondaryBackground': '#e5e5e5',
    'button-secondaryForeground': '#3b3b3b',
    foreground: '#3b3b3b',
    descriptionForeground: '#3b3b3b',
    errorForeground: '#f85149',
    'editor-background': '#ffffff',
    'sideBar-background': '#f8f8f8',
    'panel-border': '#e5e5e5',
    'charts-foreground': '#616161',
    'charts-lines': 'rgba(97, 97, 97, 0.5)',
    'charts-blue': '#1a85ff',
    'charts-orange': '#d18616',
    'charts-green': '#388a34',
    'charts-purple': '#652d90',
    'charts-red': '#e51400',
    'charts-yellow': '#bf8803',
    'badge-background': '#cccccc',
    'badge-foreground': '#3b3b3b',
    'textLink-foreground': '#005fb8',
    'button-background': '#005fb8',
    'button-foreground': '#ffffff',
    'input-background': '#ffffff',
    'input-foreground': '#3b3b3b',
    focusBorder: '#005fb8',
    'progressBar-background': '#005fb8',
    'editorWidget-background': '#f8f8f8',
    'inputValidation-errorBorder': '#be1100',
    'inputValidation-errorBackground': '#f2dede',
  },
  'high-contrast': {
    'settings-textInputBackground': '#000000',
    'settings-textInputForeground': '#ffffff',
    'settings-textInputBorder': '#6fc3df',
    'settings-dropdownBackground': '#000000',
    'settings-dropdownForeground': '#ffffff',
    'settings-dropdownBorder': '#6fc3df',
    'settings-checkboxBackground': '#000000',
    'settings-checkboxForeground': '#ffffff',
    'settings-checkboxBorder': '#6fc3df',
    'panelTitle-activeForeground': '#ffffff',
    'panelTitle-inactiveForeground': '#ffffff',
    'panelTitle-activeBorder': '#6fc3df',
    'panel-background': '#000000',
    'button-secondaryBackground': '#000000',
    'button-secondaryForeground': '#ffffff',
    'button-border': '#6fc3df',
    foreground: '#ffffff',
    descriptionForeground: '#ffffffb3',
    errorForeground: '#f48771',
    'editor-background': '#000000',
    'sideBar-background': '#000000',
    'panel-border': '#6fc3df',
    contrastBorder: '#6fc3df',
    'charts-foreground': '#ffffff',
    'charts-lines': 'rgba(255, 255, 255, 0.5)',
    'charts-blue': '#3794ff',
    'charts-orange': '#d18616',
    'charts-green': '#89d185',
    'charts-purple': '#b180d7',
    'charts-red': '#f14c4c',
    'charts-yellow': '#ffd700',
    'badge-background': '#000000',
    'badge-foreground': '#ffffff',
    'textLink-foreground': '#21a6ff',
    'button-background': '#000000',
    'button-foreground': '#ffffff',
    'input-background': '#000000',
    'input-foreground': '#ffffff',
    focusBorder: '#f38518',
    'progressBar-background': '#6fc3df',
    'editorWidget-background': '#0c141f',
    'inputValidation-errorBorder': '#f48771',
    'inputValidation-errorBackground': '#000000',
  },
};

function themeCss(kind: ThemeKind): string {
  const vars = Object.entries(THEMES[kind])
    .map(([k, v]) => `  --vscode-${k}: ${v};`)
    .join('\n');
  return `html {\n${vars}\n  --vscode-font-family: system-ui, sans-serif;\n  --vscode-font-size: 13px;\n  --vscode-font-weight: normal;\n  --vscode-editor-font-family: monospace;\n}\n`;
}

let bundle: string | undefined;
/** Builds webview/main.ts the way esbuild.mjs does, into a temp folder (dist/ may belong to another build). */
export async function buildBundle(): Promise<string> {
  if (bundle) return bundle;
  const dir = mkdtempSync(join(tmpdir(), 'tl-webview-'));
  // Leave no temp folders behind, however the test run ends.
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'webview.js');
  await esbuild.build({
    entryPoints: [join(ROOT, 'webview/main.ts')],
    bundle: true,
    outfile: out,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    logLevel: 'warning',
    legalComments: 'none',
  });
  bundle = out;
  return out;
}

export interface Harness {
  page: Page;
  /** Console errors, page errors and CSP violations, in order. */
  problems: string[];
  warnings: string[];
  posted(): Promise<unknown[]>;
  send(msg: HostToWebview | unknown): Promise<void>;
  /** Posts all messages in one task, as a burst from the host would arrive. */
  sendMany(msgs: readonly unknown[]): Promise<void>;
  close(): Promise<void>;
}

export async function openHarness(
  browser: Browser,
  opts: {
    theme?: ThemeKind;
    editor?: boolean;
    width?: number;
    height?: number;
    state?: unknown;
  } = {},
): Promise<Harness> {
  const theme = opts.theme ?? 'dark';
  const script = await buildBundle();
  const nonce = makeNonce();
  let html = panelHtml({
    cspSource: ORIGIN,
    nonce,
    scriptUri: `${ORIGIN}/dist/webview.js`,
    styleUri: `${ORIGIN}/media/panel.css`,
    editor: opts.editor ?? false,
  });
  // The theme variables VS Code injects, as a stylesheet from the allowed origin (VS Code sets them
  // on <html>; a sheet is the closest we can get without an inline style).
  html = html.replace(
    '<link rel="stylesheet"',
    `<link rel="stylesheet" href="${ORIGIN}/theme.css">\n<link rel="stylesheet"`,
  );
  const bodyClass = theme === 'high-contrast' ? 'vscode-high-contrast' : `vscode-${theme}`;
  html = html.replace('<body class="', `<body class="${bodyClass} `);

  const context = await browser.newContext({
    viewport: { width: opts.width ?? 360, height: opts.height ?? 900 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const warnings: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
    if (m.type() === 'warning') warnings.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.exposeFunction('__tlCsp', (s: string) => problems.push(`CSP violation: ${s}`));
  // A string, not a function: tsx's keepNames would wrap a function in a __name helper that does not
  // exist inside the page.
  await page.addInitScript(`(() => {
    // Functions handed to page.evaluate from tests are compiled by tsx, which may call __name.
    window.__name = (f) => f;
    const posted = [];
    let st = ${JSON.stringify(opts.state ?? null)};
    let acquired = false;
    window.__tlPosted = posted;
    window.acquireVsCodeApi = () => {
      if (acquired) throw new Error('acquireVsCodeApi called twice');
      acquired = true;
      return { postMessage: (m) => posted.push(m), getState: () => st, setState: (s) => { st = s; window.__tlState = s; } };
    };
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__tlCsp(e.violatedDirective + ' blocked ' + (e.blockedURI || '(inline)') + ' ' + (e.sourceFile || '') + ':' + (e.lineNumber || ''));
    });
  })();`);
  const files: Record<string, { path?: string; body?: string; type: string }> = {
    '/index.html': { body: html, type: 'text/html' },
    '/dist/webview.js': { path: script, type: 'text/javascript' },
    '/media/panel.css': { path: join(ROOT, 'media/panel.css'), type: 'text/css' },
    '/theme.css': { body: themeCss(theme), type: 'text/css' },
    // For switching themes at run time, as VS Code does.
    '/theme-dark.css': { body: themeCss('dark'), type: 'text/css' },
    '/theme-light.css': { body: themeCss('light'), type: 'text/css' },
    '/theme-high-contrast.css': { body: themeCss('high-contrast'), type: 'text/css' },
  };
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    const f = url.origin === ORIGIN ? files[url.pathname] : undefined;
    if (!f) {
      problems.push(`unexpected request: ${route.request().url()}`);
      return route.abort();
    }
    return route.fulfill({
      status: 200,
      contentType: f.type,
      body: f.body ?? readFileSync(f.path ?? ''),
    });
  });
  await page.goto(`${ORIGIN}/index.html`);
  try {
    await page.waitForFunction(
      () => ((window as unknown as { __tlPosted: unknown[] }).__tlPosted ?? []).length > 0,
      undefined,
      { timeout: 10000 },
    );
  } catch (e) {
    await context.close();
    throw new Error(
      `the page never posted 'ready': ${problems.join('; ') || (e as Error).message}`,
    );
  }
  return {
    page,
    problems,
    warnings,
    posted: () =>
      page.evaluate(() => (window as unknown as { __tlPosted: unknown[] }).__tlPosted.slice()),
    send: async (msg) => {
      await page.evaluate((m) => window.postMessage(m, '*'), msg as object);
    },
    sendMany: async (msgs) => {
      await page.evaluate((ms) => {
        for (const m of ms) window.postMessage(m, '*');
      }, msgs as object[]);
    },
    close: () => context.close(),
  };
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/** Why a browser test is skipped on this machine (no Chromium), or false: a test's `skip`. */
export const browserSkip: string | false = chromiumAvailable()
  ? false
  : 'needs /usr/bin/chromium (Debian package chromium)';

/**
 * The test file's Chromium: launched before its tests (where there is one), closed after them. The
 * returned function gives it inside a test, which `browserSkip` has skipped if there is none.
 */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  before(async () => {
    if (!browserSkip) browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('no browser: the test should have been skipped');
    return browser;
  };
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Waits two animation frames so the batched redraw has happened. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))),
  );
}

/**
 * The bounding box, in device pixels, of a canvas's most common opaque colour (a plot filled with one
 * shade: its drawn area), with the canvas's CSS size and right edge.
 */
export async function dominantShadeBox(
  canvas: Locator,
): Promise<{ w: number; h: number; right: number; cssWidth: number; cssHeight: number }> {
  return canvas.evaluate((c) => {
    const cv = c as HTMLCanvasElement;
    const ctx = cv.getContext('2d');
    const rect = cv.getBoundingClientRect();
    const css = { right: rect.right, cssWidth: rect.width, cssHeight: rect.height };
    if (!ctx || !cv.width || !cv.height) return { w: 0, h: 0, ...css };
    const d = ctx.getImageData(0, 0, cv.width, cv.height).data;
    const key = (i: number): number => ((d[i] * 256 + d[i + 1]) * 256 + d[i + 2]) * 256 + d[i + 3];
    const counts = new Map<number, number>();
    for (let i = 0; i < d.length; i += 4)
      if (d[i + 3] > 0) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
    let shade = -1,
      most = 0;
    for (const [k, n] of counts) if (n > most) [shade, most] = [k, n];
    let x0 = Infinity,
      x1 = -Infinity,
      y0 = Infinity,
      y1 = -Infinity;
    for (let y = 0; y < cv.height; y++)
      for (let x = 0; x < cv.width; x++)
        if (key((y * cv.width + x) * 4) === shade) {
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
    return { w: x1 - x0 + 1, h: y1 - y0 + 1, ...css };
  });
}

/**
 * Narrows the page to 70 % of `width` and widens it back, returning the page's error events
 * meanwhile: a ResizeObserver that changes a size in its own callback raises one per change.
 */
export async function errorsWhileResizing(page: Page, width: number): Promise<string[]> {
  await page.evaluate(() => {
    const w = window as unknown as { tlErrors: string[] };
    w.tlErrors = [];
    window.addEventListener('error', (e) => w.tlErrors.push(e.message));
  });
  for (const w of [Math.round(width * 0.7), width]) {
    await page.setViewportSize({ width: w, height: 1000 });
    await page.waitForTimeout(300);
    await settle(page);
  }
  return page.evaluate(() => (window as unknown as { tlErrors: string[] }).tlErrors);
}

/**
 * Pixels of a canvas that differ from its top-left corner: proof that something was drawn (the
 * background plugin fills every pixel, so opaque pixels alone prove nothing).
 */
export async function canvasInk(h: Harness, selector: string): Promise<number> {
  return h.page
    .locator(selector)
    .first()
    .evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const ctx = canvas.getContext('2d');
      if (!ctx || !canvas.width || !canvas.height) return 0;
      const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4)
        if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) n++;
      return n;
    });
}
