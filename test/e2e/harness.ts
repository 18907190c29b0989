// End-to-end harness: a real VS Code (code-server 4.100.3) serving a throwaway profile with the
// packaged .vsix installed, driven by Playwright in Debian's Chromium.
//
// Everything lives under one temp folder (user data, extensions, workspace copy, logs) that is removed
// afterwards unless E2E_KEEP=1. code-server runs in its own process group, which is killed on close and
// on process exit, so a crashed test never leaves a server behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type ConsoleMessage,
  type Frame,
  type Page,
} from 'playwright-core';

export const REPO = resolve(__dirname, '..', '..');
export const RESULTS = join(REPO, 'test-results', 'e2e');
export const CODE_SERVER_VERSION = '4.100.3';
export const EXTENSION_ID = 'tensor-lens.tensor-lens';

export function codeServerDir(): string {
  const cache = process.env.TENSOR_LENS_E2E_CACHE ?? join(homedir(), '.cache', 'tensor-lens-e2e');
  return join(cache, `code-server-${CODE_SERVER_VERSION}`);
}

/** Why the e2e tests cannot run here, or null when they can. */
export function missingPrerequisite(vsix: string): string | null {
  const cs = codeServerDir();
  if (!existsSync(join(cs, '.tensor-lens-ready')))
    return `code-server ${CODE_SERVER_VERSION} is not installed in ${cs}: run \`npm run e2e:setup\``;
  if (!existsSync(chromiumPath()))
    return `no Chromium at ${chromiumPath()}: run \`npm run e2e:setup\` (or set CHROMIUM_PATH)`;
  if (!existsSync(vsix))
    return `${vsix} not found: \`npm run test:e2e\` builds it with \`npm run package\``;
  return null;
}

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes; then throws with `what`. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 60_000,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why =
        lastError instanceof Error ? ` (last error: ${lastError.message.split('\n')[0]})` : '';
      throw new Error(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${why}`,
      );
    }
    await sleep(intervalMs);
  }
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
}

/** Kills a process group (the negative pid), ignoring "no such process". */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* gone already */
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface ConsoleEntry {
  type: string;
  text: string;
  url: string;
  /** True when the message came from a webview frame (ours: the only webviews in this profile). */
  webview: boolean;
}

export interface LaunchOptions {
  vsix: string;
  /** User settings merged over the defaults below. */
  settings?: Record<string, unknown>;
  /** Folder copied into the temp workspace. */
  workspaceFrom: string;
}

const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.commandCenter.enabled': false,
  'chat.disableAIFeatures': true,
  'editor.codeLens': true,
  'editor.inlayHints.enabled': 'on',
  'editor.minimap.enabled': false,
  'editor.hover.delay': 300,
  'editor.fontSize': 13,
  'editor.lineHeight': 19,
  'editor.wordWrap': 'off',
  'files.autoSave': 'off',
  'git.enabled': false,
  'python.languageServer': 'None',
  'window.commandCenter': false,
};

export class Session {
  readonly errors: ConsoleEntry[] = [];
  readonly console: ConsoleEntry[] = [];
  private shot = 0;

  constructor(
    readonly root: string,
    readonly workspace: string,
    readonly userDataDir: string,
    readonly port: number,
    private readonly server: ChildProcess,
    readonly serverLog: string,
    readonly browser: Browser,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.workspace)}`;
  }

  /** Saves a full-page screenshot as test-results/e2e/NN-name.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(RESULTS, { recursive: true });
    const file = join(RESULTS, `${String(++this.shot).padStart(2, '0')}-${name}.png`);
    try {
      await this.page.screenshot({ path: file, timeout: 30_000 });
    } catch (e) {
      console.log(`# screenshot ${name} failed: ${(e as Error).message.split('\n')[0]}`);
    }
    return file;
  }

  /** The webview frames whose document is our extension's webview content. */
  webviewFrames(): Frame[] {
    return this.page.frames().filter((f) => isWebviewFrame(f.url()));
  }

  /** Every log file code-server wrote under the profile (server, extension host, output channels). */
  logFiles(): string[] {
    const out: string[] = [];
    const walk = (dir: string): void => {
      if (!existsSync(dir)) return;
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith('.log')) out.push(p);
      }
    };
    walk(join(this.userDataDir, 'logs'));
    return out;
  }

  /**
   * Error lines that come from our extension: any `[error]` line in the "Tensor Lens" output channel log,
   * and `[error]` lines of the extension host logs that name the extension (activation failures, uncaught
   * errors in our code).
   */
  extensionErrors(): string[] {
    const found: string[] = [];
    for (const f of this.logFiles()) {
      const base = f.split('/').pop() ?? '';
      const ours = /Tensor Lens/i.test(base);
      const exthost = /exthost/i.test(base);
      if (!ours && !exthost) continue;
      const lines = readFileSync(f, 'utf8').split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (!/\[error\]/i.test(line)) continue;
        // A stack trace follows the error line; keep a few lines of it for the report.
        const context = lines.slice(i, i + 6).join('\n');
        // Our extension id (also in the install path of our files), our command/setting prefix, our name.
        if (ours || /tensor-lens\.tensor-lens|tensorLens\.|Tensor Lens/.test(context))
          found.push(`${base}: ${context}`);
      }
    }
    return found;
  }

  /** The "Tensor Lens" output channel log, for messages. */
  outputChannelLog(): string {
    return this.logFiles()
      .filter((f) => /Tensor Lens/i.test(f))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
  }

  async close(): Promise<void> {
    try {
      await this.context.close();
    } catch {
      /* already closed */
    }
    try {
      await this.browser.close();
    } catch {
      /* already closed */
    }
    await stopServer(this.server);
    if (process.env.E2E_KEEP !== '1') {
      // Keep the logs for the CI artifacts, drop the rest.
      try {
        cpSync(join(this.userDataDir, 'logs'), join(RESULTS, 'logs'), { recursive: true });
      } catch {
        /* no logs */
      }
      try {
        cpSync(this.serverLog, join(RESULTS, 'logs', 'code-server.log'));
      } catch {
        /* no log */
      }
      rmSync(this.root, { recursive: true, force: true });
    } else {
      console.log(`# E2E_KEEP=1: profile and workspace kept in ${this.root}`);
    }
  }
}

/** Webview documents in VS Code 1.100 are served from .../contrib/webview/browser/pre/ (index.html, fake.html). */
export function isWebviewFrame(url: string): boolean {
  return /\/webview\/browser\/pre\//.test(url) || url.startsWith('vscode-webview:');
}

const liveServers = new Set<ChildProcess>();
process.on('exit', () => {
  for (const s of liveServers) if (s.pid) killGroup(s.pid, 'SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    for (const s of liveServers) if (s.pid) killGroup(s.pid, 'SIGKILL');
    process.exit(130);
  });
}

async function stopServer(server: ChildProcess): Promise<void> {
  const pid = server.pid;
  if (!pid) return;
  killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (processAlive(pid) && Date.now() < deadline) await sleep(200);
  killGroup(pid, 'SIGKILL');
  liveServers.delete(server);
}

function codeServerArgs(userDataDir: string, extensionsDir: string): string[] {
  return [
    join(codeServerDir(), 'out', 'node', 'entry.js'),
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
  ];
}

function codeServerEnv(root: string): NodeJS.ProcessEnv {
  // A private config/data home: code-server writes config.yaml there, never into the real home.
  return {
    ...process.env,
    XDG_CONFIG_HOME: join(root, 'xdg-config'),
    XDG_DATA_HOME: join(root, 'xdg-data'),
    VSCODE_PROXY_URI: '',
  };
}

/** Starts code-server with the .vsix installed and a browser on its workbench. */
export async function launch(opts: LaunchOptions): Promise<Session> {
  // The prefix must not contain "tensor-lens": log lines that only mention the workspace path would
  // look like ours.
  const root = mkdtempSync(join(tmpdir(), 'tlens-e2e-'));
  const userDataDir = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  const workspace = join(root, 'workspace');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  cpSync(opts.workspaceFrom, workspace, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...opts.settings }, null, 2),
  );
  const configFile = join(root, 'code-server.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');

  // Install the packaged extension into the fresh extensions dir.
  const install = spawnSync(
    process.execPath,
    [
      ...codeServerArgs(userDataDir, extensionsDir),
      '--config',
      configFile,
      '--install-extension',
      resolve(opts.vsix),
    ],
    {
      env: codeServerEnv(root),
      encoding: 'utf8',
      timeout: 180_000,
    },
  );
  const installOut = `${install.stdout ?? ''}${install.stderr ?? ''}`;
  const installed = readdirSync(extensionsDir).filter((d) => d.startsWith(EXTENSION_ID));
  if (install.status !== 0 || installed.length === 0) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`installing ${opts.vsix} failed (exit ${install.status}):\n${installOut}`);
  }

  const port = await freePort();
  const serverLog = join(root, 'code-server.log');
  const fd = openSync(serverLog, 'a');
  // code-server runs under a small bash watchdog that leads its own process group: when this test
  // process dies without cleaning up (SIGKILL, a CI timeout), the watchdog sees it within two seconds
  // and takes the whole group (code-server, its extension host, the worker) down with it.
  const watchdog = [
    'parent=$1; shift',
    '"$@" & child=$!',
    'while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 2; done',
    'kill -TERM -- -$$ 2>/dev/null',
  ].join('\n');
  const server = spawn(
    'bash',
    [
      '-c',
      watchdog,
      'code-server-watchdog',
      String(process.pid),
      process.execPath,
      ...codeServerArgs(userDataDir, extensionsDir),
      '--config',
      configFile,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--ignore-last-opened',
      '--disable-getting-started-override',
      '--log',
      'info',
      workspace,
    ],
    { detached: true, stdio: ['ignore', fd, fd], env: codeServerEnv(root) },
  );
  closeSync(fd);
  liveServers.add(server);
  let exited: string | null = null;
  server.once('exit', (code, signal) => {
    exited = `code-server exited (${code ?? signal})`;
    liveServers.delete(server);
  });

  let browser: Browser | undefined;
  try {
    await waitFor(
      `code-server to listen on 127.0.0.1:${port} (log: ${serverLog})`,
      async () => {
        if (exited) throw new Error(`${exited}:\n${readFileSync(serverLog, 'utf8')}`);
        return portOpen(port);
      },
      120_000,
    );
    await waitFor(
      'code-server /healthz',
      async () => {
        const r = await fetch(`http://127.0.0.1:${port}/healthz`);
        return r.ok;
      },
      60_000,
    );

    browser = await chromium.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
        '--no-first-run',
      ],
      timeout: 120_000,
    });
    const context = await browser.newContext({
      viewport: { width: 1600, height: 1000 },
      deviceScaleFactor: 1,
    });
    // tsx compiles with esbuild's keepNames, which wraps functions passed to evaluate() in a
    // `__name(...)` helper that only exists in Node; give every frame a no-op one.
    await context.addInitScript({
      content: 'globalThis.__name = globalThis.__name || ((f) => f);',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const session = new Session(
      root,
      workspace,
      userDataDir,
      port,
      server,
      serverLog,
      browser,
      context,
      page,
    );
    const record = (msg: ConsoleMessage): void => {
      const url = msg.location().url ?? '';
      const entry: ConsoleEntry = {
        type: msg.type(),
        text: msg.text(),
        url,
        webview: isWebviewFrame(url),
      };
      session.console.push(entry);
      if (msg.type() === 'error' && entry.webview) session.errors.push(entry);
    };
    page.on('console', record);
    // Uncaught exceptions of every frame of the page arrive here without their frame; the stack tells
    // whether they come from our webview script.
    page.on('pageerror', (err) => {
      const stack = err.stack ?? '';
      const entry: ConsoleEntry = {
        type: 'pageerror',
        text: `${err.name}: ${err.message}`,
        url: stack.split('\n')[1]?.trim() ?? '',
        webview: /dist\/webview\.js|tensor-lens\.tensor-lens|\/webview\/browser\/pre\//.test(stack),
      };
      session.console.push(entry);
      if (entry.webview) session.errors.push(entry);
    });
    await page.goto(session.url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await page.waitForSelector('.monaco-workbench', { timeout: 180_000 });
    // The explorer lists the workspace once the remote file system is connected.
    await page
      .waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 180_000 })
      .catch(() => undefined);
    await dismissNotifications(page);
    return session;
  } catch (e) {
    try {
      await browser?.close();
    } catch {
      /* ignore */
    }
    await stopServer(server);
    throw e;
  }
}

/** Closes any toast notifications so they do not cover the editor. */
export async function dismissNotifications(page: Page): Promise<void> {
  const closeButtons = page.locator(
    '.notification-toast .codicon-notifications-clear, .notification-toast .codicon-close',
  );
  const n = await closeButtons.count().catch(() => 0);
  for (let i = n - 1; i >= 0; i--)
    await closeButtons
      .nth(i)
      .click({ timeout: 2000 })
      .catch(() => undefined);
}
